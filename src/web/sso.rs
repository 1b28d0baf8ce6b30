//! Single sign-on in the browser: leaving for the identity provider (a
//! top-level navigation, or a popup when this page runs inside a frame),
//! and coming back with a `loginToken`, which is removed from the address
//! bar before anything else happens.
//!
//! A returning token is redeemed only when this tab started that sign-on:
//! the start stores a random nonce (session storage, or memory for a
//! popup) and puts it into the return address; a token that comes back
//! without it — a link someone else made, which would sign the user into
//! *their* account (login CSRF) — is refused and never sent to the server.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::api::Homeserver;
use crate::api::auth::sso_redirect_url;
use crate::web::{browser, storage};

/// Marks the return address of a popup opened from a framed page.
const POPUP_PARAM: &str = "sso_popup";
/// The nonce of the sign-on, in the return address.
const NONCE_PARAM: &str = "sso_nonce";
const MESSAGE_PREFIX: &str = "matrix-sessions:sso-token:";

/// What the page found on arrival.
#[derive(Clone, PartialEq, Eq)]
pub enum SsoReturn {
    /// Back with a token, for the homeserver the sign-in started at.
    Token { token: String, homeserver: Option<String> },
    /// A sign-in left for the identity provider and came back without a
    /// token (cancelled, failed, or the Back button).
    Unfinished,
    /// A token this tab did not ask for: not redeemed.
    Refused,
    /// This page is the popup of a framed page and handed its token over.
    HandedOver,
}

/// The token stays out of logs and panic messages.
impl std::fmt::Debug for SsoReturn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsoReturn::Token { homeserver, .. } => {
                f.debug_struct("Token").field("token", &"[redacted]").field("homeserver", homeserver).finish()
            }
            SsoReturn::Unfinished => f.write_str("Unfinished"),
            SsoReturn::Refused => f.write_str("Refused"),
            SsoReturn::HandedOver => f.write_str("HandedOver"),
        }
    }
}

/// A sign-on this tab started, as kept in session storage.
#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    homeserver: String,
    nonce: String,
}

/// A popup this (framed) page opened, waiting for its token.
struct PendingPopup {
    window: web_sys::Window,
    nonce: String,
}

thread_local! {
    static POPUP: RefCell<Option<PendingPopup>> = const { RefCell::new(None) };
}

/// True when a returned nonce is the one this tab stored. Both must be
/// there: a missing nonce on either side refuses the token.
pub fn nonce_matches(stored: Option<&str>, returned: Option<&str>) -> bool {
    matches!((stored, returned), (Some(a), Some(b)) if !a.is_empty() && a == b)
}

/// A fresh random nonce (128 bits from the browser's CSPRNG, as hex).
fn new_nonce() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
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
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// This page's address without query or fragment, plus the nonce: where the
/// identity provider sends the user back.
fn return_address(popup: bool, nonce: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let base = format!(
        "{}{}?{NONCE_PARAM}={nonce}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    if popup { format!("{base}&{POPUP_PARAM}=1") } else { base }
}

/// Reads a returning sign-in: takes `loginToken` (and the nonce) out of the
/// address at once. In a popup opened by a framed page, hands the token to
/// that page, which checks it and closes the popup.
pub fn take_return() -> Option<SsoReturn> {
    let token = browser::query_param("loginToken");
    let nonce = browser::query_param(NONCE_PARAM);
    let in_popup = browser::query_param(POPUP_PARAM).is_some();
    for param in ["loginToken", NONCE_PARAM, POPUP_PARAM] {
        if browser::query_param(param).is_some() {
            browser::replace_query_param(param, None);
        }
    }
    if let (Some(token), true) = (&token, in_popup)
        && let Some(opener) = web_sys::window().and_then(|w| w.opener().ok())
        && !opener.is_null()
    {
        // Only a page of this origin receives it; that page checks that it
        // opened this popup and that the nonce is its own.
        let message = JsValue::from_str(&format!("{MESSAGE_PREFIX}{}:{token}", nonce.unwrap_or_default()));
        let _ = web_sys::Window::from(opener).post_message(&message, &own_origin());
        return Some(SsoReturn::HandedOver);
    }
    let key = storage::sso_pending_key();
    let pending = storage::session_get(&key).and_then(|raw| serde_json::from_str::<Pending>(&raw).ok());
    storage::session_remove(&key);
    match (token, pending) {
        (Some(token), Some(p)) if nonce_matches(Some(&p.nonce), nonce.as_deref()) => {
            Some(SsoReturn::Token { token, homeserver: Some(p.homeserver) })
        }
        (Some(_), _) => Some(SsoReturn::Refused),
        (None, Some(_)) => Some(SsoReturn::Unfinished),
        (None, None) => None,
    }
}

/// Leaves for the identity provider. In a frame, opens a popup instead
/// (identity providers refuse to be framed) and returns `false` if the
/// browser blocked it.
pub fn start(homeserver: &Homeserver, idp: Option<&str>) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Some(nonce) = new_nonce() else { return false };
    let framed = is_framed();
    let url = sso_redirect_url(homeserver, idp, &return_address(framed, &nonce));
    if framed {
        let popup = window
            .open_with_url_and_target_and_features(&url, "matrix-sso", "popup,width=520,height=700")
            .ok()
            .flatten();
        let opened = popup.is_some();
        POPUP.with(|p| *p.borrow_mut() = popup.map(|window| PendingPopup { window, nonce }));
        return opened;
    }
    let pending = Pending { homeserver: homeserver.base_url().to_string(), nonce };
    if let Ok(json) = serde_json::to_string(&pending) {
        storage::session_set(&storage::sso_pending_key(), &json);
    }
    window.location().assign(&url).is_ok()
}

/// A token handed over by the popup this page opened: same origin, sent
/// by that very window while it is open, with its nonce. Accepted once;
/// the popup is closed then.
pub fn token_from_popup(event: &web_sys::MessageEvent) -> Option<String> {
    if event.origin() != own_origin() {
        return None;
    }
    let data = event.data().as_string()?;
    let (nonce, token) = data.strip_prefix(MESSAGE_PREFIX)?.split_once(':')?;
    // Compared as values: the popup is another realm's window, not
    // `instanceof Window` here.
    let source = JsValue::from(event.source()?);
    let accepted = POPUP.with(|p| {
        let mut slot = p.borrow_mut();
        let pending = slot.as_ref()?;
        let ours = source == JsValue::from(pending.window.clone());
        if !ours || pending.window.closed().unwrap_or(true) || !nonce_matches(Some(&pending.nonce), Some(nonce)) {
            return None;
        }
        slot.take()
    })?;
    let _ = accepted.window.close();
    Some(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_needs_the_nonce_this_tab_stored() {
        assert!(nonce_matches(Some("abc"), Some("abc")));
        assert!(!nonce_matches(Some("abc"), Some("abd")));
        assert!(!nonce_matches(None, Some("abc")));
        assert!(!nonce_matches(Some("abc"), None));
        assert!(!nonce_matches(Some(""), Some("")));
        assert!(!nonce_matches(None, None));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let text = format!("{:?}", SsoReturn::Token { token: "syl_secret".into(), homeserver: None });
        assert!(!text.contains("syl_secret"), "{text}");
    }
}
