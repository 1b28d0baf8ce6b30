//! Single sign-on in the browser: leaving for the identity provider (a
//! top-level navigation, or a popup when this page runs inside a frame),
//! and coming back with a `loginToken`, which is removed from the address
//! bar before anything else happens.

use wasm_bindgen::JsValue;

use crate::api::Homeserver;
use crate::api::auth::sso_redirect_url;
use crate::web::browser;

/// sessionStorage key: the homeserver of a sign-in that left for the
/// identity provider. Per tab, gone with the tab.
const PENDING_KEY: &str = "matrix-sessions:sso-pending";
/// Marks the return address of a popup opened from a framed page.
const POPUP_PARAM: &str = "sso_popup";
const MESSAGE_PREFIX: &str = "matrix-sessions:sso-token:";

/// What the page found on arrival.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SsoReturn {
    /// Back with a token, for the homeserver the sign-in started at.
    Token { token: String, homeserver: Option<String> },
    /// A sign-in left for the identity provider and came back without a
    /// token (cancelled, failed, or the Back button).
    Unfinished,
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// True when this page is shown inside a frame of another page.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else { return false };
    match window.top() {
        Ok(Some(top)) => top != window,
        _ => false,
    }
}

fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// This page's address without query or fragment: where the identity
/// provider sends the user back.
fn return_address(popup: bool) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let base = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    if popup { format!("{base}?{POPUP_PARAM}=1") } else { base }
}

/// Reads a returning sign-in: takes `loginToken` out of the address at once.
/// In a popup opened by a framed page, hands the token to that page and
/// closes; then returns `None`.
pub fn take_return() -> Option<SsoReturn> {
    let token = browser::query_param("loginToken");
    let in_popup = browser::query_param(POPUP_PARAM).is_some();
    if token.is_some() {
        browser::replace_query_param("loginToken", None);
    }
    if in_popup {
        browser::replace_query_param(POPUP_PARAM, None);
    }
    if let (Some(token), true) = (&token, in_popup)
        && let Some(opener) = web_sys::window().and_then(|w| w.opener().ok())
        && !opener.is_null()
    {
        let message = JsValue::from_str(&format!("{MESSAGE_PREFIX}{token}"));
        let target = web_sys::Window::from(opener);
        let _ = target.post_message(&message, &own_origin());
        if let Some(w) = web_sys::window() {
            let _ = w.close();
        }
        return None;
    }
    let storage = session_storage();
    let pending = storage.as_ref().and_then(|s| s.get_item(PENDING_KEY).ok().flatten());
    if let Some(s) = &storage {
        let _ = s.remove_item(PENDING_KEY);
    }
    match (token, pending) {
        (Some(token), homeserver) => Some(SsoReturn::Token { token, homeserver }),
        (None, Some(_)) => Some(SsoReturn::Unfinished),
        (None, None) => None,
    }
}

/// Leaves for the identity provider. In a frame, opens a popup instead
/// (identity providers refuse to be framed) and returns `false` if the
/// browser blocked it.
pub fn start(homeserver: &Homeserver, idp: Option<&str>) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let framed = is_framed();
    let url = sso_redirect_url(homeserver, idp, &return_address(framed));
    if framed {
        return window
            .open_with_url_and_target_and_features(&url, "matrix-sso", "popup,width=520,height=700")
            .ok()
            .flatten()
            .is_some();
    }
    if let Some(s) = session_storage() {
        let _ = s.set_item(PENDING_KEY, homeserver.base_url());
    }
    window.location().assign(&url).is_ok()
}

/// A token handed over by this page's own popup (same origin only).
pub fn token_from_message(event: &web_sys::MessageEvent) -> Option<String> {
    if event.origin() != own_origin() {
        return None;
    }
    event.data().as_string()?.strip_prefix(MESSAGE_PREFIX).map(str::to_string)
}
