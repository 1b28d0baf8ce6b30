//! Matrix session manager: a Leptos single-page app that lists and manages
//! the sessions (devices) of a Matrix account.

pub mod api;
pub mod app;
pub mod components;
pub mod contexts;
pub mod model;
pub mod pages;
pub mod verifier;
pub mod web;

pub use app::App;

/// Panics on purpose, so the end-to-end tests can check the crash screen
/// (the app itself has no reachable panic). Only in test builds
/// (`--features test-hooks`).
#[cfg(feature = "test-hooks")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn __test_panic() {
    panic!("panic requested by a test");
}
