//! Everything that talks to the browser beyond rendering: the clock, local
//! and session storage, the address bar, languages and dates, frames and
//! popups, and the stored login. Pages and components use these; `api` and
//! `model` never do.

pub mod browser;
pub mod crypto;
pub mod embed;
pub mod format;
pub mod i18n;
pub mod login;
pub mod oauth;
pub mod secrets;
pub mod sso;
pub mod startup;
pub mod storage;
pub mod verifier_module;
