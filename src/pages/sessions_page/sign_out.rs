//! Signing out: other sessions through the `model::sign_out` state machine,
//! whose requests (`POST /delete_devices`) run as one `Action`; and this
//! session (`POST /logout`, optionally forgetting the account) as another.
//! Single sign-on and stages without a form here run on the server's page in
//! a popup, whose "authDone" counts only from that popup.

use leptos::prelude::*;
use serde_json::Value;

use super::data::SessionsData;
use crate::api::{ApiError, auth, devices};
use crate::model::sign_out::{Next, SignOut, SignOutPhase, SignOutProblem};
use crate::model::uia;
use crate::web::browser;
use crate::web::login::{LoginCtx, Notice};

type DeleteRequest = (Vec<String>, Option<Value>);

#[derive(Clone, Copy)]
pub struct SignOutFlow {
    data: SessionsData,
    pub state: RwSignal<SignOut>,
    /// What was typed in the password field: kept on failure, cleared on
    /// cancel and success.
    pub password: RwSignal<String>,
    request: Action<DeleteRequest, Result<(), ApiError>>,
    /// Called after the sessions are gone (clears the selection, announces).
    on_done: StoredValue<Option<Callback<Vec<String>>>>,
    /// Called as the server accepted, before the sessions leave the list.
    on_ending: StoredValue<Option<Callback<Vec<String>>>>,
    /// Sessions the server said it signed out but still lists (a server may
    /// refuse part of a request without saying so): shown, never hidden.
    pub kept: RwSignal<Vec<String>>,
    listener: StoredValue<Option<WindowListenerHandle>, LocalStorage>,
    /// The server's page this flow opened; only it may report "authDone".
    popup: StoredValue<Option<web_sys::Window>, LocalStorage>,
}

impl SignOutFlow {
    pub fn new(data: SessionsData) -> Self {
        let this = StoredValue::new(None::<SignOutFlow>);
        let request = Action::new_local(move |(ids, auth): &DeleteRequest| {
            let (client, ids, auth) = (data.client(), ids.clone(), auth.clone());
            async move {
                let answer = devices::delete_devices(&client, &ids, auth).await;
                if let Some(Some(flow)) = this.try_get_value() {
                    let next = flow.state.try_update(|s| s.on_answer(answer.clone())).unwrap_or(Next::Nothing);
                    flow.run(next);
                }
                answer
            }
        });
        let flow = SignOutFlow {
            data,
            state: RwSignal::new(SignOut::default()),
            password: RwSignal::new(String::new()),
            request,
            on_done: StoredValue::new(None),
            on_ending: StoredValue::new(None),
            kept: RwSignal::new(Vec::new()),
            listener: StoredValue::new_local(None),
            popup: StoredValue::new_local(None),
        };
        this.set_value(Some(flow));
        on_cleanup(move || flow.stop_listening());
        flow
    }

    pub fn set_on_done(&self, callback: Callback<Vec<String>>) {
        self.on_done.set_value(Some(callback));
    }

    pub fn set_on_ending(&self, callback: Callback<Vec<String>>) {
        self.on_ending.set_value(Some(callback));
    }

    pub fn is_pending(&self) -> Signal<bool> {
        self.request.pending().into()
    }

    pub fn phase(&self) -> Signal<SignOutPhase> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.phase.clone()))
    }

    pub fn problem(&self) -> Signal<Option<SignOutProblem>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.problem.clone()))
    }

    pub fn count(&self) -> Signal<usize> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.ids.len()))
    }

    /// True once `id`'s sign-out is past the confirmation (spinners show).
    pub fn is_signing_out(&self, id: &str) -> bool {
        let pending = self.request.pending().get();
        self.state.with(|s| {
            let past_confirm = pending || !matches!(s.phase, SignOutPhase::Confirm | SignOutPhase::Closed);
            past_confirm && s.ids.iter().any(|x| x == id)
        })
    }

    /// Opens the confirmation for `ids`.
    pub fn start(&self, ids: Vec<String>) {
        if self.state.try_update(|s| s.start(ids)) == Some(true) {
            self.password.set(String::new());
            self.kept.set(Vec::new());
        }
    }

    /// Signs out `ids` already confirmed elsewhere (the clean-up preview):
    /// straight to the request, or to the re-authentication it needs.
    pub fn start_confirmed(&self, ids: Vec<String>) {
        self.start(ids);
        if self.state.with_untracked(|s| s.phase == SignOutPhase::Confirm) {
            self.primary();
        }
    }

    /// Closes the dialog; nothing changes on the server, and the typed
    /// password is not kept.
    pub fn cancel(&self) {
        if self.request.pending().get_untracked() {
            return;
        }
        self.stop_listening();
        self.state.update(SignOut::cancel);
        self.password.set(String::new());
    }

    /// The dialog's main button, whatever the phase.
    pub fn primary(&self) {
        if self.request.pending().get_untracked() {
            return;
        }
        match self.state.with_untracked(|s| s.phase.clone()) {
            SignOutPhase::Confirm => {
                let next = self.state.try_update(SignOut::confirm).unwrap_or(Next::Nothing);
                self.run(next);
            }
            SignOutPhase::Password => {
                let (user, password) = (self.data.client().user_id().to_string(), self.password.get_untracked());
                let next = self.state.try_update(|s| s.submit_password(&user, &password)).unwrap_or(Next::Nothing);
                self.run(next);
            }
            SignOutPhase::Sso { popup_done: true } => {
                let next = self.state.try_update(SignOut::after_popup).unwrap_or(Next::Nothing);
                self.run(next);
            }
            SignOutPhase::Sso { popup_done: false } | SignOutPhase::Fallback { .. } => self.open_popup(),
            SignOutPhase::OAuth { opened: false, .. } => self.open_account_page(),
            SignOutPhase::OAuth { opened: true, .. } => {
                let next = self.state.try_update(SignOut::after_popup).unwrap_or(Next::Nothing);
                self.run(next);
            }
            SignOutPhase::Closed => {}
        }
    }

    fn run(&self, next: Next) {
        match next {
            Next::Nothing => {}
            Next::Submit(auth) => {
                let ids = self.state.with_untracked(|s| s.ids.clone());
                self.request.dispatch_local((ids, auth));
            }
            Next::Finished(ids) => {
                self.stop_listening();
                if let Some(Some(callback)) = self.on_ending.try_get_value() {
                    callback.run(ids.clone());
                }
                self.data.remove_sessions(&ids);
                self.password.set(String::new());
                self.confirm_gone(ids);
            }
        }
    }

    /// Reads the list again: sessions the server still lists come back,
    /// named in `kept`; the others are reported done.
    fn confirm_gone(&self, ids: Vec<String>) {
        let flow = *self;
        browser::spawn_owned(async move {
            let listed = devices::list_devices(&flow.data.client()).await;
            let (gone, kept) = match &listed {
                Ok(list) => ids.iter().cloned().partition(|id| list.iter().all(|d| &d.device_id != id)),
                // The sign-out itself succeeded; live updates correct the list.
                Err(_) => (ids, Vec::new()),
            };
            if !kept.is_empty() {
                flow.data.set_sessions(listed.ok(), None, None);
            }
            flow.kept.try_set(kept);
            if !gone.is_empty()
                && let Some(Some(callback)) = flow.on_done.try_get_value()
            {
                callback.run(gone);
            }
        });
    }

    /// Opens the account provider's page of an `m.oauth` stage in a new
    /// tab; the user approves there and continues here (the spec gives that
    /// page no way to tell this one).
    fn open_account_page(&self) {
        let Some(url) = self.state.try_update(SignOut::open_account_page).flatten() else { return };
        let opened = web_sys::window().and_then(|w| w.open_with_url_and_target(&url, "_blank").ok()).flatten();
        if opened.is_none() {
            self.state.update(|s| {
                s.problem = Some(SignOutProblem::PopupBlocked);
                if let SignOutPhase::OAuth { opened, .. } = &mut s.phase {
                    *opened = false;
                }
            });
        }
    }

    /// Opens the server's page for the current stage in a popup and waits
    /// for its "authDone" message.
    fn open_popup(&self) {
        let Some((stage, session)) = self.state.try_update(SignOut::popup_stage).flatten() else { return };
        let base = self.data.client().homeserver().base_url().to_string();
        let url = uia::fallback_url(&base, &stage, &session);
        let opened = web_sys::window()
            .and_then(|w| {
                w.open_with_url_and_target_and_features(&url, "matrix-auth", "popup,width=520,height=640").ok()
            })
            .flatten();
        if opened.is_none() {
            self.state.update(|s| s.problem = Some(SignOutProblem::PopupBlocked));
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
            // Compared as values: a window of another origin (or realm) is
            // not `instanceof Window` here.
            let Some(popup) = flow.popup.try_get_value().flatten() else { return };
            let from_popup = ev.source().is_some_and(|source| {
                wasm_bindgen::JsValue::from(source) == wasm_bindgen::JsValue::from(popup.clone())
            });
            if !from_popup || popup.closed().unwrap_or(true) {
                return;
            }
            let _ = popup.close();
            flow.stop_listening();
            let next = flow.state.try_update(SignOut::popup_done).unwrap_or(Next::Nothing);
            flow.run(next);
        });
        self.listener.set_value(Some(handle));
    }

    fn stop_listening(&self) {
        if let Some(Some(handle)) = self.listener.try_update_value(Option::take) {
            handle.remove();
        }
        self.popup.try_set_value(None);
    }
}

/// Signing out of this session (`POST /logout`) after a confirmation —
/// optionally also forgetting the account on this browser. The dialog stays
/// open with the reason when it fails; when the server can't be reached,
/// the login can be removed from this browser anyway.
#[derive(Clone, Copy)]
pub struct CurrentSignOut {
    login: LoginCtx,
    pub is_open: RwSignal<bool>,
    /// Also forget what this browser remembers about the account.
    pub forgets_account: RwSignal<bool>,
    request: Action<(), Result<(), ApiError>>,
}

impl CurrentSignOut {
    pub fn new(data: SessionsData, login: LoginCtx) -> Self {
        let forgets_account = RwSignal::new(false);
        let request = Action::new_local(move |_: &()| {
            let client = data.client();
            async move {
                let answer = auth::logout(&client).await;
                if answer.is_ok() {
                    let forget = forgets_account.get_untracked();
                    end(login, forget, if forget { Notice::Forgotten } else { Notice::SignedOut });
                }
                answer
            }
        });
        CurrentSignOut { login, is_open: RwSignal::new(false), forgets_account, request }
    }

    /// Opens the confirmation; `forget_account` for "Forget this account
    /// on this browser".
    pub fn open(&self, forget_account: bool) {
        self.request.clear();
        self.forgets_account.set(forget_account);
        self.is_open.set(true);
    }

    pub fn cancel(&self) {
        self.is_open.set(false);
    }

    pub fn confirm(&self) {
        if !self.request.pending().get_untracked() {
            self.request.dispatch_local(());
        }
    }

    pub fn is_pending(&self) -> Signal<bool> {
        self.request.pending().into()
    }

    /// Why the last attempt failed (a login the server ended sends the user
    /// to sign-in instead).
    pub fn error(&self) -> Signal<Option<ApiError>> {
        let request = self.request;
        Signal::derive(move || {
            request.value().with(|v| match v {
                Some(Err(ApiError::UnknownToken { .. })) | Some(Ok(())) | None => None,
                Some(Err(err)) => Some(err.clone()),
            })
        })
    }

    /// The server can't be reached: forget the tokens here; the session
    /// stays on the server, and the sign-in page says so.
    pub fn remove_locally(&self) {
        if !self.request.pending().get_untracked() {
            end(self.login, self.forgets_account.get_untracked(), Notice::RemovedLocally);
        }
    }
}

fn end(login: LoginCtx, forget_account: bool, notice: Notice) {
    if forget_account {
        login.forget_account(Some(notice));
    } else {
        login.forget(Some(notice));
    }
}
