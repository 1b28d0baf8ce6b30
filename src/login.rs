//! The account this browser is signed in to: restored from local storage at
//! start, saved after sign-in and after every token refresh, and cleared when
//! the user signs out or the server ends the login.

use leptos::prelude::*;

use crate::api::client::{Account, ClientEvent, SignedOutReason, Tokens};
use crate::api::types::LoginResponse;
use crate::api::{Homeserver, MatrixClient};
use crate::browser;
use crate::model::stored_login::{STORAGE_KEY, StoredLogin, parse_stored_login};

/// Remembered so the sign-in form can offer the last homeserver again; it
/// is not a secret.
const LAST_HOMESERVER_KEY: &str = "matrix-sessions:last-homeserver";

#[derive(Clone)]
pub struct ActiveLogin {
    pub client: MatrixClient,
}

/// Context handle for the signed-in account (a `Copy` newtype over signals).
#[derive(Clone, Copy)]
pub struct LoginCtx {
    active: RwSignal<Option<ActiveLogin>, LocalStorage>,
    /// A message for the sign-in page: why the user is there again.
    notice: RwSignal<Option<String>>,
}

impl LoginCtx {
    /// Reads the stored login. A corrupt or foreign value is removed and
    /// explained on the sign-in page instead of breaking the app.
    pub fn restore() -> Self {
        let ctx = LoginCtx {
            active: RwSignal::new_local(None),
            notice: RwSignal::new(None),
        };
        if let Some(raw) = browser::storage_get(STORAGE_KEY) {
            match parse_stored_login(&raw) {
                Ok(stored) => ctx.activate(stored),
                Err(err) => {
                    browser::storage_remove(STORAGE_KEY);
                    ctx.notice.set(Some(err.to_string()));
                }
            }
        }
        ctx
    }

    pub fn expect() -> Self {
        expect_context::<LoginCtx>()
    }

    fn activate(&self, stored: StoredLogin) {
        let ctx = *self;
        crate::embed::signed_in(&stored.user_id);
        let client = MatrixClient::new(
            Homeserver::new(&stored.homeserver),
            Account { user_id: stored.user_id.clone(), device_id: stored.device_id.clone() },
            Tokens {
                access_token: stored.access_token.clone(),
                refresh_token: stored.refresh_token.clone(),
                expires_at_ms: stored.expires_at_ms,
                lifetime_ms: stored.token_lifetime_ms,
            },
            browser::now_ms,
            move |event| ctx.on_client_event(event),
        );
        self.active.set(Some(ActiveLogin { client }));
    }

    fn on_client_event(&self, event: ClientEvent) {
        match event {
            ClientEvent::TokensChanged(tokens) => {
                let Some(Some(active)) = self.active.try_get_untracked() else { return };
                let client = &active.client;
                save(&StoredLogin {
                    homeserver: client.homeserver().base_url().to_string(),
                    user_id: client.user_id().to_string(),
                    device_id: client.device_id().to_string(),
                    access_token: tokens.access_token,
                    refresh_token: tokens.refresh_token,
                    expires_at_ms: tokens.expires_at_ms,
                    token_lifetime_ms: tokens.lifetime_ms,
                });
            }
            ClientEvent::SignedOut(reason) => {
                let why = match reason {
                    SignedOutReason::Revoked => {
                        "You were signed out: this session was signed out or removed on the server (for example from another device)."
                    }
                    SignedOutReason::Expired => {
                        "Your sign-in expired and could not be renewed. Please sign in again."
                    }
                };
                self.forget(Some(why.to_string()));
            }
        }
    }

    /// Keeps a fresh login (after `POST /login`) and persists it.
    pub fn sign_in(&self, homeserver: &Homeserver, answer: LoginResponse) {
        let tokens = Tokens::issued(
            answer.access_token,
            answer.refresh_token,
            answer.expires_in_ms,
            browser::now_ms(),
        );
        let stored = StoredLogin {
            homeserver: homeserver.base_url().to_string(),
            user_id: answer.user_id,
            device_id: answer.device_id,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at_ms: tokens.expires_at_ms,
            token_lifetime_ms: tokens.lifetime_ms,
        };
        save(&stored);
        browser::storage_set(LAST_HOMESERVER_KEY, &stored.homeserver);
        self.notice.set(None);
        self.activate(stored);
    }

    /// Drops the login from memory and storage; `notice` explains why on the
    /// sign-in page.
    pub fn forget(&self, notice: Option<String>) {
        browser::storage_remove(STORAGE_KEY);
        // Per-account settings end with the user id.
        if let Some(Some(active)) = self.active.try_get_untracked() {
            let suffix = format!(":{}", active.client.user_id());
            browser::storage_remove_matching(|key| key.starts_with("matrix-sessions:") && key.ends_with(&suffix));
        }
        self.notice.try_set(notice);
        self.active.try_set(None);
        crate::embed::signed_out();
    }

    pub fn is_signed_in(&self) -> bool {
        self.active.with(Option::is_some)
    }

    /// The account's client (tracked: changes when the login changes).
    pub fn client(&self) -> Option<MatrixClient> {
        self.active.with(|a| a.as_ref().map(|a| a.client.clone()))
    }

    pub fn notice(&self) -> Signal<Option<String>> {
        self.notice.into()
    }

    pub fn last_homeserver() -> Option<String> {
        browser::storage_get(LAST_HOMESERVER_KEY)
    }
}

fn save(stored: &StoredLogin) {
    if let Ok(json) = serde_json::to_string(stored) {
        browser::storage_set(STORAGE_KEY, &json);
    }
}
