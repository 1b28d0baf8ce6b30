//! Pure logic of the session manager: sorting, time labels, login storage
//! format, homeserver input. No Leptos and no browser APIs here, so all of it
//! runs under a native `cargo test`.

pub mod account_data;
pub mod account_management;
pub mod backoff;
pub mod config;
pub mod device_type;
pub mod devices;
pub mod edits;
pub mod export;
pub mod filters;
pub mod homeserver;
pub mod languages;
pub mod links;
pub mod messages;
pub mod oauth;
pub mod pin;
pub mod push;
pub mod reconcile;
pub mod recovery_key;
pub mod sas;
pub mod search;
pub mod secret_storage;
pub mod seen;
pub mod sessions;
pub mod sign_in;
pub mod sign_out;
pub mod stored_login;
pub mod time;
pub mod trust;
pub mod uia;
pub mod user_agent;
pub mod verification;
pub mod verifier_messages;
