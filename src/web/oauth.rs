//! OAuth 2.0 sign-in in the browser: leaving for the authorization page (a
//! top-level navigation, or a popup when this page runs inside a frame),
//! and coming back with a code in the fragment, which is removed from the
//! address before anything else happens.
//!
//! A returning code is used only when this tab started that sign-in and
//! the `state` matches (kept in session storage, or in memory for a popup):
//! a callback someone else made is refused and never exchanged (login
//! CSRF, as with single sign-on's nonce).

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::api::ApiError;
use crate::api::Homeserver;
use crate::model::oauth::{self, AuthorizationRequest, Callback, OAuthProblem, OAuthServer};
use crate::web::{crypto, storage};

const MESSAGE_PREFIX: &str = "matrix-sessions:oauth-callback:";
/// A popup's `state` starts with this, so the page the authorization
/// server sends back into the popup knows to hand the answer to its opener
/// (the redirect URI must be exactly the registered one, so it cannot say).
const POPUP_STATE_PREFIX: &str = "p";

/// A sign-in this tab started: what the callback needs to finish it.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingSignIn {
    pub homeserver: String,
    pub issuer: String,
    pub client_id: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub redirect_uri: String,
    pub state: String,
    pub code_verifier: String,
    pub device_id: String,
}

/// The verifier stays out of logs and panic messages.
impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("homeserver", &self.homeserver)
            .field("issuer", &self.issuer)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// What the page found in its address on arrival.
#[derive(Clone, Debug)]
pub enum OAuthReturn {
    /// Back from the authorization page of the sign-in this tab started.
    Callback(Callback, Box<PendingSignIn>),
    /// A callback this tab did not start (or with another `state`).
    Refused,
    /// This page is the popup of a framed page and handed its answer over.
    HandedOver,
}

/// Why a sign-in could not start.
#[derive(Clone, Debug, PartialEq)]
pub enum StartProblem {
    /// The server refused to register this page as a client.
    Registration(OAuthProblem),
    /// Registration failed otherwise (unreachable, server error).
    Request(ApiError),
    /// The browser could not make random numbers or hashes.
    Crypto(String),
    PopupBlocked,
}

struct PendingPopup {
    window: web_sys::Window,
    pending: PendingSignIn,
}

thread_local! {
    static POPUP: RefCell<Option<PendingPopup>> = const { RefCell::new(None) };
}

fn own_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// This page's address without query or fragment: its client URI and its
/// only redirect URI.
pub fn page_address() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default())
}

fn fragment_params(fragment: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(fragment) else { return Vec::new() };
    let mut out = Vec::new();
    let Ok(iter) = js_sys::try_iter(&params) else { return out };
    for entry in iter.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.push((k, v));
        }
    }
    out
}

/// Reads a returning sign-in: takes the callback out of the address at
/// once. In a popup opened by a framed page, hands it to that page, which
/// checks it and closes the popup.
pub fn take_return() -> Option<OAuthReturn> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let fragment = hash.strip_prefix('#').unwrap_or(&hash);
    let callback = oauth::parse_callback(&fragment_params(fragment))?;
    if let Ok(history) = window.history() {
        let location = window.location();
        let clean = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
    }
    let from_popup = callback.state().is_some_and(|s| s.starts_with(POPUP_STATE_PREFIX));
    if from_popup
        && let Ok(opener) = window.opener()
        && !opener.is_null()
    {
        // Only a page of this origin receives it; that page checks that it
        // opened this popup and that the state is its own.
        let message = JsValue::from_str(&format!("{MESSAGE_PREFIX}{fragment}"));
        let _ = web_sys::Window::from(opener).post_message(&message, &own_origin());
        return Some(OAuthReturn::HandedOver);
    }
    let key = storage::oauth_pending_key();
    let pending = storage::session_get(&key).and_then(|raw| serde_json::from_str::<PendingSignIn>(&raw).ok());
    storage::session_remove(&key);
    match pending {
        Some(p) if callback.state() == Some(p.state.as_str()) && !p.state.is_empty() => {
            Some(OAuthReturn::Callback(callback, Box::new(p)))
        }
        _ => Some(OAuthReturn::Refused),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Registers this page with the authorization server — at the start of
/// every sign-in, as the spec advises (MAS hands back the same id for the
/// same metadata), so a server that forgot the client never strands the
/// user. When the server can't be reached, the id it gave last time for
/// this address is used.
async fn client_id(server: &OAuthServer, brand: &str, page: &str) -> Result<String, StartProblem> {
    let key = storage::oauth_client_key(&server.issuer, page);
    let request = oauth::registration_request(brand, page);
    match crate::api::oauth::register(&server.registration_endpoint, &request).await {
        Ok(id) => {
            storage::set(&key, &id);
            Ok(id)
        }
        Err(ApiError::Matrix { errcode, message, .. }) if oauth::is_registration_refusal(&errcode) => {
            Err(StartProblem::Registration(OAuthProblem::RegistrationRefused { description: Some(message) }))
        }
        Err(err) if err.is_transient() => storage::get(&key).ok_or(StartProblem::Request(err)),
        Err(err) => Err(StartProblem::Request(err)),
    }
}

/// Starts a sign-in: registers, makes the PKCE verifier, `state` and the new
/// device id, and leaves for the authorization page — in `popup` (opened by
/// the caller while handling the click, so the browser allows it) when
/// this page is framed.
pub async fn start(
    server: &OAuthServer,
    homeserver: &Homeserver,
    brand: &str,
    popup: Option<web_sys::Window>,
) -> Result<(), StartProblem> {
    let fail = |e: crypto::CryptoError| StartProblem::Crypto(e.0);
    let page = page_address();
    let client_id = client_id(server, brand, &page).await?;
    let random = crypto::random_bytes(32 + 16 + 24).map_err(fail)?;
    let verifier_bytes: [u8; 32] = random[..32].try_into().expect("32 bytes");
    let code_verifier = oauth::code_verifier(&verifier_bytes);
    let challenge = oauth::code_challenge(&crypto::sha256(code_verifier.as_bytes()).await.map_err(fail)?);
    let prefix = if popup.is_some() { POPUP_STATE_PREFIX } else { "s" };
    let state = format!("{prefix}{}", hex(&random[32..48]));
    let device_id = oauth::device_id_from(&random[48..]).ok_or_else(|| StartProblem::Crypto("random".into()))?;
    let url = oauth::authorization_url(
        &server.authorization_endpoint,
        &AuthorizationRequest {
            client_id: &client_id,
            redirect_uri: &page,
            device_id: &device_id,
            state: &state,
            code_challenge: &challenge,
        },
    );
    let pending = PendingSignIn {
        homeserver: homeserver.base_url().to_string(),
        issuer: server.issuer.clone(),
        client_id,
        token_endpoint: server.token_endpoint.clone(),
        revocation_endpoint: server.revocation_endpoint.clone(),
        redirect_uri: page,
        state,
        code_verifier,
        device_id,
    };
    match popup {
        Some(window) => {
            if window.closed().unwrap_or(true) || window.location().set_href(&url).is_err() {
                return Err(StartProblem::PopupBlocked);
            }
            POPUP.with(|p| *p.borrow_mut() = Some(PendingPopup { window, pending }));
            Ok(())
        }
        None => {
            if let Ok(json) = serde_json::to_string(&pending) {
                storage::session_set(&storage::oauth_pending_key(), &json);
            }
            let assigned = web_sys::window().is_some_and(|w| w.location().assign(&url).is_ok());
            if assigned { Ok(()) } else { Err(StartProblem::PopupBlocked) }
        }
    }
}

/// An empty popup for a framed page's sign-in, opened while the click is
/// being handled (browsers block popups opened later).
pub fn open_popup() -> Option<web_sys::Window> {
    web_sys::window()?.open_with_url_and_target_and_features("", "matrix-oauth", "popup,width=520,height=700").ok()?
}

/// Closes the popup of a sign-in that could not start.
pub fn close_popup(popup: Option<web_sys::Window>) {
    if let Some(window) = popup {
        let _ = window.close();
    }
}

/// The answer handed over by the popup this page opened: same origin, sent
/// by that very window while it is open, with this sign-in's `state`.
/// Accepted once; the popup is closed then.
pub fn callback_from_popup(event: &web_sys::MessageEvent) -> Option<(Callback, PendingSignIn)> {
    if event.origin() != own_origin() {
        return None;
    }
    let data = event.data().as_string()?;
    let fragment = data.strip_prefix(MESSAGE_PREFIX)?;
    let callback = oauth::parse_callback(&fragment_params(fragment))?;
    let source = JsValue::from(event.source()?);
    let accepted = POPUP.with(|p| {
        let mut slot = p.borrow_mut();
        let waiting = slot.as_ref()?;
        let ours = source == JsValue::from(waiting.window.clone());
        if !ours || waiting.window.closed().unwrap_or(true) || callback.state() != Some(waiting.pending.state.as_str())
        {
            return None;
        }
        slot.take()
    })?;
    let _ = accepted.window.close();
    Some((callback, accepted.pending))
}
