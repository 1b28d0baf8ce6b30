//! A thin typed client for the Matrix Client-Server API. No Leptos and no UI
//! here: functions take a client, send one request and return typed data or
//! an `ApiError`.

pub mod account_data;
pub mod address;
pub mod auth;
pub mod client;
pub mod devices;
pub mod error;
pub mod http;
pub mod keys;
pub mod oauth;
pub mod push;
pub mod to_device;
pub mod tokens;
pub mod types;

pub use client::{Homeserver, MatrixClient};
pub use error::ApiError;
