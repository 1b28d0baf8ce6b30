//! Signing out other sessions: confirm, then `POST /delete_devices` with as
//! many rounds of user-interactive auth as the server asks for (password
//! typed here; single sign-on and other stages in the server's fallback page
//! in a popup). Every failure stays visible in the dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api::error::UiaState;
use crate::api::{ApiError, auth, devices};
use crate::components::sign_out_dialog::SignOutPhase;
use crate::model::uia::{self, UiaStep};
use crate::web::i18n::{self, t, t_with};
use crate::web::login::LoginCtx;

use super::store::SessionsStore;

#[derive(Clone, Copy)]
pub struct SignOutFlow {
    store: SessionsStore,
    pub phase: RwSignal<SignOutPhase>,
    /// The sessions being signed out (spinners show on them).
    pub ids: RwSignal<Vec<String>>,
    pub is_pending: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// What was typed in the password field: kept on failure.
    pub password: RwSignal<String>,
    uia: RwSignal<UiaState>,
    /// Called after the sessions are gone (clears the selection, announces).
    on_done: StoredValue<Option<Callback<Vec<String>>>>,
    listener: StoredValue<Option<WindowListenerHandle>, LocalStorage>,
    /// The server's page this flow opened; only it may report "authDone".
    popup: StoredValue<Option<web_sys::Window>, LocalStorage>,
}

impl SignOutFlow {
    pub fn new(store: SessionsStore) -> Self {
        let flow = SignOutFlow {
            store,
            phase: RwSignal::new(SignOutPhase::Closed),
            ids: RwSignal::new(Vec::new()),
            is_pending: RwSignal::new(false),
            error: RwSignal::new(None),
            password: RwSignal::new(String::new()),
            uia: RwSignal::new(UiaState::default()),
            on_done: StoredValue::new(None),
            listener: StoredValue::new_local(None),
            popup: StoredValue::new_local(None),
        };
        on_cleanup(move || flow.stop_listening());
        flow
    }

    pub fn set_on_done(&self, callback: Callback<Vec<String>>) {
        self.on_done.set_value(Some(callback));
    }

    /// Opens the confirmation for `ids`.
    pub fn start(&self, ids: Vec<String>) {
        if ids.is_empty() || self.phase.get_untracked() != SignOutPhase::Closed {
            return;
        }
        self.ids.set(ids);
        self.error.set(None);
        self.password.set(String::new());
        self.uia.set(UiaState::default());
        self.phase.set(SignOutPhase::Confirm);
    }

    /// Closes the dialog; nothing changes on the server, and the typed
    /// password is not kept.
    pub fn cancel(&self) {
        if self.is_pending.get_untracked() {
            return;
        }
        self.stop_listening();
        self.phase.set(SignOutPhase::Closed);
        self.ids.set(Vec::new());
        self.error.set(None);
        self.password.set(String::new());
    }

    pub fn confirm(&self) {
        self.submit(None);
    }

    pub fn submit_password(&self) {
        let password = self.password.get_untracked();
        if password.is_empty() {
            self.error.set(Some(t("uia.error.password_empty")));
            return;
        }
        let auth = uia::password_auth(&self.uia.get_untracked(), self.store.client().user_id(), &password);
        self.submit(Some(auth));
    }

    /// After the single-sign-on popup reported success.
    pub fn confirm_after_popup(&self) {
        self.submit(Some(uia::fallback_done_auth(&self.uia.get_untracked())));
    }

    /// Opens the server's page for the current stage in a popup and waits
    /// for its "authDone" message, accepted only from the homeserver.
    pub fn open_popup(&self) {
        let state = self.uia.get_untracked();
        let stage = match self.phase.get_untracked() {
            SignOutPhase::Sso { .. } => uia::choose_flow(&state)
                .and_then(|f| f.iter().find(|s| !state.completed.contains(s)).cloned())
                .unwrap_or_else(|| uia::SSO.to_string()),
            SignOutPhase::Fallback { stage } => stage,
            _ => return,
        };
        let Some(session) = state.session.clone() else {
            self.error.set(Some(t("uia.error.no_session")));
            return;
        };
        let base = self.store.client().homeserver().base_url().to_string();
        let url = uia::fallback_url(&base, &stage, &session);
        let opened = web_sys::window()
            .and_then(|w| {
                w.open_with_url_and_target_and_features(&url, "matrix-auth", "popup,width=520,height=640").ok()
            })
            .flatten();
        if opened.is_none() {
            self.error.set(Some(t("uia.error.popup_blocked")));
        } else {
            self.error.set(None);
        }
        self.popup.set_value(opened);
        self.listen_for_auth_done(&base);
    }

    fn listen_for_auth_done(&self, homeserver_base: &str) {
        if let Some(Some(old)) = self.listener.try_update_value(Option::take) {
            old.remove();
        }
        let expected_origin = web_sys::Url::new(homeserver_base).map(|u| u.origin()).unwrap_or_default();
        let flow = *self;
        let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
            if ev.origin() != expected_origin || ev.data().as_string().as_deref() != Some("authDone") {
                return;
            }
            // From the popup this flow opened, while it is open: another
            // window of the homeserver's origin cannot finish the stage.
            let Some(popup) = flow.popup.try_get_value().flatten() else { return };
            // Compared as values: a window of another origin (or realm) is not
            // `instanceof Window` here.
            let from_popup = ev.source().is_some_and(|source| {
                wasm_bindgen::JsValue::from(source) == wasm_bindgen::JsValue::from(popup.clone())
            });
            if !from_popup || popup.closed().unwrap_or(true) {
                return;
            }
            let _ = popup.close();
            flow.stop_listening();
            match flow.phase.get_untracked() {
                SignOutPhase::Sso { .. } => flow.phase.set(SignOutPhase::Sso { popup_done: true }),
                // Other stages need no extra click: the page did the work.
                SignOutPhase::Fallback { .. } => flow.confirm_after_popup(),
                _ => {}
            }
        });
        self.listener.set_value(Some(handle));
    }

    fn stop_listening(&self) {
        if let Some(Some(handle)) = self.listener.try_update_value(Option::take) {
            handle.remove();
        }
        self.popup.try_set_value(None);
    }

    fn submit(&self, auth: Option<Value>) {
        if self.is_pending.get_untracked() {
            return;
        }
        let flow = *self;
        let ids = flow.ids.get_untracked();
        flow.is_pending.set(true);
        flow.error.set(None);
        let client = flow.store.client();
        spawn_local(async move {
            let result = devices::delete_devices(&client, &ids, auth).await;
            if flow.phase.try_get_untracked().is_none() {
                return;
            }
            flow.is_pending.set(false);
            match result {
                Ok(()) => flow.finish(ids),
                Err(ApiError::AuthRequired(next)) => flow.next_stage(next),
                Err(err) if err.status() == Some(404) => flow.error.set(Some(t("sign_out.error.delegated"))),
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    flow.error.set(Some(t_with("sessions.error.sign_out", &[("reason", &i18n::api_error(&err))])))
                }
            }
        });
    }

    fn next_stage(&self, next: UiaState) {
        let state = uia::merge_state(&self.uia.get_untracked(), next);
        // An error from the previous attempt (e.g. a wrong password).
        let message = state.error.clone();
        self.uia.set(state.clone());
        match uia::next_step(&state) {
            Some(UiaStep::Password) => self.phase.set(SignOutPhase::Password),
            Some(UiaStep::Sso { .. }) => {
                if !matches!(self.phase.get_untracked(), SignOutPhase::Sso { .. }) {
                    self.phase.set(SignOutPhase::Sso { popup_done: false });
                }
            }
            Some(UiaStep::Fallback { stage }) => self.phase.set(SignOutPhase::Fallback { stage }),
            Some(UiaStep::Dummy) => {
                self.submit(Some(uia::dummy_auth(&state)));
                return;
            }
            None => {
                self.error.set(Some(t("uia.error.unsupported")));
                return;
            }
        }
        self.error.set(message);
    }

    fn finish(&self, ids: Vec<String>) {
        self.stop_listening();
        self.store.remove_devices(&ids);
        self.phase.set(SignOutPhase::Closed);
        self.ids.set(Vec::new());
        self.password.set(String::new());
        if let Some(Some(callback)) = self.on_done.try_get_value() {
            callback.run(ids);
        }
    }
}

/// Signing out of this session (`POST /logout`) after a confirmation —
/// optionally also forgetting the account on this browser. The dialog stays
/// open with the reason when it fails; when the server can't be reached,
/// the login can be removed from this browser anyway.
#[derive(Clone, Copy)]
pub struct CurrentSignOut {
    store: SessionsStore,
    login: LoginCtx,
    pub is_open: RwSignal<bool>,
    /// Also forget what this browser remembers about the account.
    pub forgets_account: RwSignal<bool>,
    pub is_pending: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// Set after a failure that may mean the server is unreachable.
    pub can_remove_locally: RwSignal<bool>,
}

impl CurrentSignOut {
    pub fn new(store: SessionsStore, login: LoginCtx) -> Self {
        CurrentSignOut {
            store,
            login,
            is_open: RwSignal::new(false),
            forgets_account: RwSignal::new(false),
            is_pending: RwSignal::new(false),
            error: RwSignal::new(None),
            can_remove_locally: RwSignal::new(false),
        }
    }

    /// Opens the confirmation; `forget_account` for "Forget this account
    /// on this browser".
    pub fn open(&self, forget_account: bool) {
        self.error.set(None);
        self.can_remove_locally.set(false);
        self.forgets_account.set(forget_account);
        self.is_open.set(true);
    }

    pub fn cancel(&self) {
        self.is_open.set(false);
    }

    fn end(&self, notice: String) {
        if self.forgets_account.get_untracked() {
            self.login.forget_account(Some(notice));
        } else {
            self.login.forget(Some(notice));
        }
    }

    pub fn confirm(&self) {
        let this = *self;
        if this.is_pending.get_untracked() {
            return;
        }
        this.is_pending.set(true);
        this.error.set(None);
        let client = this.store.client();
        spawn_local(async move {
            match auth::logout(&client).await {
                Ok(()) => this.end(t(if this.forgets_account.get_untracked() {
                    "login.notice.forgotten"
                } else {
                    "login.notice.signed_out"
                })),
                // Already gone on the server: the client has sent us to sign-in.
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    this.can_remove_locally.try_set(err.is_transient());
                    this.error.try_set(Some(t_with("sessions.error.sign_out", &[("reason", &i18n::api_error(&err))])));
                    this.is_pending.try_set(false);
                }
            }
        });
    }

    /// The server can't be reached: forget the tokens here; the session
    /// stays on the server, and the sign-in page says so.
    pub fn remove_locally(&self) {
        if self.is_pending.get_untracked() {
            return;
        }
        self.end(t("login.notice.removed_locally"));
    }
}
