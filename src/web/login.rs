//! The account this browser is signed in to: restored from local storage at
//! start, saved after sign-in and after every token refresh, and cleared when
//! the user signs out or the server ends the login.

use std::cell::RefCell;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::ApiError;
use crate::api::client::{Account, ClientEvent, LockedJob, RefreshCoordinator, SignedOutReason, Tokens};
use crate::api::oauth::OAuthGrant;
use crate::api::types::LoginResponse;
use crate::api::{Homeserver, MatrixClient};
use crate::model::homeserver::lock_allows;
use crate::model::stored_login::{StoredLogin, StoredLoginError, parse_stored_login};
use crate::web::browser;
use crate::web::storage;

#[derive(Clone)]
pub struct ActiveLogin {
    pub client: MatrixClient,
}

/// Why the sign-in page shows (again); turned into text by the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Another tab of this browser signed out.
    OtherTab,
    /// The server no longer knows this session (signed out elsewhere).
    Revoked,
    /// The sign-in expired and could not be renewed.
    Expired,
    SignedOut,
    /// Signed out and the account forgotten on this browser.
    Forgotten,
    /// The server was unreachable: removed here, still on the server.
    RemovedLocally,
    /// The stored login could not be read, or was incomplete.
    Unreadable,
    Incomplete,
    /// A stored login for another homeserver than the locked one.
    OtherHomeserver {
        homeserver: String,
        locked: String,
    },
}

/// Context handle for the signed-in account (a `Copy` newtype over signals).
#[derive(Clone, Copy)]
pub struct LoginCtx {
    active: RwSignal<Option<ActiveLogin>, LocalStorage>,
    /// A message for the sign-in page: why the user is there again.
    notice: RwSignal<Option<Notice>>,
}

impl LoginCtx {
    /// Reads the stored login. A corrupt or foreign value is removed and
    /// explained on the sign-in page instead of breaking the app, and so is
    /// a login for another homeserver than the one `config.json` locks the
    /// page to (`locked_homeserver`).
    pub fn restore(locked_homeserver: Option<String>) -> Self {
        let ctx = LoginCtx { active: RwSignal::new_local(None), notice: RwSignal::new(None) };
        if let Some(raw) = storage::get(&storage::login_key()) {
            match parse_stored_login(&raw) {
                Ok(stored)
                    if locked_homeserver
                        .as_deref()
                        .is_some_and(|locked| !lock_allows(locked, &stored.homeserver, &stored.user_id)) =>
                {
                    storage::remove_login();
                    ctx.notice.set(Some(Notice::OtherHomeserver {
                        homeserver: stored.homeserver,
                        locked: locked_homeserver.unwrap_or_default(),
                    }));
                }
                Ok(stored) => ctx.activate(stored),
                Err(err) => {
                    storage::remove_login();
                    ctx.notice.set(Some(match err {
                        StoredLoginError::Unreadable => Notice::Unreadable,
                        StoredLoginError::Invalid(_) => Notice::Incomplete,
                    }));
                }
            }
        }
        // Other tabs of this app share the login: follow their changes.
        let login_key = storage::login_key();
        let handle = window_event_listener(leptos::ev::storage, move |ev: web_sys::StorageEvent| {
            if ev.key().is_none_or(|k| k == login_key) {
                ctx.follow_other_tab(ev.new_value());
            }
        });
        on_cleanup(move || handle.remove());
        ctx
    }

    /// Another tab signed in, refreshed tokens, or signed out.
    fn follow_other_tab(&self, new_value: Option<String>) {
        let current = self.active.with_untracked(|a| a.as_ref().map(|a| a.client.clone()));
        let stored = new_value.as_deref().and_then(|raw| parse_stored_login(raw).ok());
        match (current, stored) {
            (Some(_), None) => {
                self.active.set(None);
                self.notice.set(Some(Notice::OtherTab));
                crate::web::embed::signed_out();
            }
            (None, Some(stored)) => self.activate(stored),
            (Some(client), Some(stored)) => {
                if client.user_id() == stored.user_id && client.device_id() == stored.device_id {
                    client.adopt_tokens(tokens_of(&stored));
                } else {
                    self.activate(stored);
                }
            }
            (None, None) => {}
        }
    }

    pub fn expect() -> Self {
        expect_context::<LoginCtx>()
    }

    fn activate(&self, stored: StoredLogin) {
        let ctx = *self;
        crate::web::embed::signed_in(&stored.user_id);
        let coordinator =
            Rc::new(TabCoordinator { user_id: stored.user_id.clone(), device_id: stored.device_id.clone() });
        let client = MatrixClient::new(
            Homeserver::new(&stored.homeserver),
            Account { user_id: stored.user_id.clone(), device_id: stored.device_id.clone() },
            tokens_of(&stored),
            browser::now_ms,
            move |event| ctx.on_client_event(event),
            Some(coordinator),
            stored.oauth.clone(),
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
                    oauth: client.oauth().cloned(),
                });
            }
            ClientEvent::SignedOut(reason) => {
                let why = match reason {
                    SignedOutReason::Revoked => Notice::Revoked,
                    SignedOutReason::Expired => Notice::Expired,
                };
                // When another tab of this browser signed out, the server may
                // tell this tab before the other tab's storage change arrives:
                // wait a moment so the user gets the right explanation.
                let ctx = *self;
                let Some(Some(active)) = self.active.try_get_untracked() else { return };
                leptos::task::spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(800).await;
                    let still_here = ctx
                        .active
                        .try_with_untracked(|a| a.as_ref().is_some_and(|a| a.client == active.client))
                        .unwrap_or(false);
                    if still_here {
                        ctx.forget(Some(why));
                    }
                });
            }
        }
    }

    /// Keeps a fresh login (after `POST /login`) and persists it.
    pub fn sign_in(&self, homeserver: &Homeserver, answer: LoginResponse) {
        let tokens = Tokens::issued(answer.access_token, answer.refresh_token, answer.expires_in_ms, browser::now_ms());
        self.keep(homeserver, Account { user_id: answer.user_id, device_id: answer.device_id }, tokens, None);
    }

    /// Keeps a fresh OAuth 2.0 login (after the code exchange and `/whoami`).
    pub fn sign_in_oauth(&self, homeserver: &Homeserver, account: Account, tokens: Tokens, grant: OAuthGrant) {
        self.keep(homeserver, account, tokens, Some(grant));
    }

    fn keep(&self, homeserver: &Homeserver, account: Account, tokens: Tokens, oauth: Option<OAuthGrant>) {
        let stored = StoredLogin {
            homeserver: homeserver.base_url().to_string(),
            user_id: account.user_id,
            device_id: account.device_id,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at_ms: tokens.expires_at_ms,
            token_lifetime_ms: tokens.lifetime_ms,
            oauth,
        };
        save(&stored);
        storage::set(&storage::last_homeserver_key(), &stored.homeserver);
        self.notice.set(None);
        self.activate(stored);
    }

    /// Drops the login from memory and storage; `notice` explains why on the
    /// sign-in page. What the browser remembers about the account (its
    /// identity) stays: a sign-out forced by the server must not reset it.
    pub fn forget(&self, notice: Option<Notice>) {
        storage::remove_login();
        self.notice.try_set(notice);
        self.active.try_set(None);
        crate::web::embed::signed_out();
    }

    /// `forget`, and everything this browser remembers about the account.
    pub fn forget_account(&self, notice: Option<Notice>) {
        if let Some(Some(active)) = self.active.try_get_untracked() {
            storage::forget_account(active.client.homeserver().base_url(), active.client.user_id());
        }
        self.forget(notice);
    }

    /// The account's client (tracked: changes when the login changes).
    pub fn client(&self) -> Option<MatrixClient> {
        self.active.with(|a| a.as_ref().map(|a| a.client.clone()))
    }

    pub fn notice(&self) -> Signal<Option<Notice>> {
        self.notice.into()
    }

    pub fn last_homeserver() -> Option<String> {
        storage::get(&storage::last_homeserver_key())
    }
}

/// A client for the stored login that can neither renew nor end it, for the
/// first requests sent at start-up, before `config.json` and the page
/// (`sessions_page::start_early`). None when there is no readable login, when
/// its token is due for renewal (the page's client renews it), and unless
/// the homeserver lock of the last visit allows the login: `config.json` is
/// not in yet, and a page locked to one homeserver must not contact another
/// (start-up drops the round if this visit's lock differs).
pub fn early_client() -> Option<MatrixClient> {
    let stored = parse_stored_login(&storage::get(&storage::login_key())?).ok()?;
    let lock = storage::get(&storage::homeserver_lock_key())?;
    if !lock.is_empty() && !lock_allows(&lock, &stored.homeserver, &stored.user_id) {
        return None;
    }
    if tokens_of(&stored).refresh_due(browser::now_ms()) {
        return None;
    }
    let tokens =
        Tokens { access_token: stored.access_token, refresh_token: None, expires_at_ms: None, lifetime_ms: None };
    Some(MatrixClient::new(
        Homeserver::new(&stored.homeserver),
        Account { user_id: stored.user_id, device_id: stored.device_id },
        tokens,
        browser::now_ms,
        |_| {},
        None,
        None,
    ))
}

fn save(stored: &StoredLogin) {
    if let Ok(json) = serde_json::to_string(stored) {
        storage::set(&storage::login_key(), &json);
    }
}

fn tokens_of(stored: &StoredLogin) -> Tokens {
    Tokens {
        access_token: stored.access_token.clone(),
        refresh_token: stored.refresh_token.clone(),
        expires_at_ms: stored.expires_at_ms,
        lifetime_ms: stored.token_lifetime_ms,
    }
}

/// Token refresh across the tabs of this browser: local storage holds the
/// newest tokens, and the Web Locks API lets one tab refresh at a time.
#[derive(Clone)]
struct TabCoordinator {
    user_id: String,
    device_id: String,
}

/// How long a tab that waited for the lock watches local storage for the
/// tokens the other tab just stored: Chromium hands a write to other tabs'
/// processes a moment after the writer may already have released the lock.
const STORED_TOKENS_GRACE_MS: u32 = 1_500;

impl TabCoordinator {
    fn stored_tokens(&self) -> Option<Tokens> {
        let stored = parse_stored_login(&storage::get(&storage::login_key())?).ok()?;
        (stored.user_id == self.user_id && stored.device_id == self.device_id).then(|| tokens_of(&stored))
    }

    fn newer_than(&self, used: &str) -> Option<Tokens> {
        self.stored_tokens().filter(|t| t.access_token != used)
    }
}

impl RefreshCoordinator for TabCoordinator {
    fn newer_tokens(&self, used: &str, waited: bool) -> LocalBoxFuture<'static, Option<Tokens>> {
        let this = self.clone();
        let used = used.to_string();
        async move {
            if let Some(tokens) = this.newer_than(&used) {
                return Some(tokens);
            }
            if !waited {
                return None;
            }
            let mut watched = 0;
            while watched < STORED_TOKENS_GRACE_MS {
                gloo_timers::future::TimeoutFuture::new(50).await;
                watched += 50;
                if let Some(tokens) = this.newer_than(&used) {
                    return Some(tokens);
                }
            }
            // The other tab did not refresh (or failed): this one does.
            None
        }
        .boxed_local()
    }

    fn exclusive(&self, job: LockedJob) -> LocalBoxFuture<'static, Result<(), ApiError>> {
        let name = storage::refresh_lock_name();
        async move { with_web_lock(&name, job).await }.boxed_local()
    }
}

/// Runs `job` inside `navigator.locks.request(name, …)`, first without
/// waiting (to learn whether another tab holds the lock), then waiting;
/// where the browser has no Web Locks (old browsers, some embedded views) it
/// runs directly.
async fn with_web_lock(name: &str, job: LockedJob) -> Result<(), ApiError> {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| js_sys::Reflect::get(l, &JsValue::from_str("request")).ok()?.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        return job(false).await;
    };
    let pending = Rc::new(RefCell::new(Some(job)));
    let if_available = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&if_available, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    if let Some(result) = run_locked(&locks, &request, name, Some(&if_available), &pending, false).await {
        return result;
    }
    if let Some(result) = run_locked(&locks, &request, name, None, &pending, true).await {
        return result;
    }
    // The lock could not be used: run the job without it.
    let unrun = pending.borrow_mut().take();
    match unrun {
        Some(job) => job(false).await,
        None => Err(ApiError::Network("the sign-in refresh did not finish".into())),
    }
}

/// How long a tab keeps the lock after its job: a tab that asks for it
/// meanwhile then knows it waited and watches storage (see above).
const LOCK_HOLD_AFTER_MS: u32 = 150;

/// One `navigator.locks.request`; `None` when the job did not run (the lock
/// was not available at once, or the call failed).
async fn run_locked(
    locks: &JsValue,
    request: &js_sys::Function,
    name: &str,
    options: Option<&js_sys::Object>,
    pending: &Rc<RefCell<Option<LockedJob>>>,
    waited: bool,
) -> Option<Result<(), ApiError>> {
    let (done, outcome) = futures::channel::oneshot::channel::<Result<(), ApiError>>();
    let done = Rc::new(RefCell::new(Some(done)));
    let queued = pending.clone();
    // The lock is held until the promise this callback returns settles; with
    // `ifAvailable` the callback gets `null` when another tab holds it.
    let callback =
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |lock: JsValue| {
            if lock.is_null() {
                return js_sys::Promise::resolve(&JsValue::UNDEFINED);
            }
            let job = queued.borrow_mut().take();
            let done = done.borrow_mut().take();
            wasm_bindgen_futures::future_to_promise(async move {
                if let (Some(job), Some(done)) = (job, done) {
                    let _ = done.send(job(waited).await);
                    gloo_timers::future::TimeoutFuture::new(LOCK_HOLD_AFTER_MS).await;
                }
                Ok(JsValue::UNDEFINED)
            })
        });
    let name = JsValue::from_str(name);
    let promise = match options {
        Some(options) => request.call3(locks, &name, options, callback.as_ref().unchecked_ref()),
        None => request.call2(locks, &name, callback.as_ref().unchecked_ref()),
    }
    .ok()
    .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let promise = promise?;
    let released = wasm_bindgen_futures::JsFuture::from(promise);
    // The job's result comes before the lock is let go; the caller need not
    // wait for the hold.
    let result = match futures::future::select(outcome, released).await {
        futures::future::Either::Left((Ok(result), _)) => Some(result),
        _ => None,
    };
    // Either way the lock manager has called the callback; its hold runs on
    // as a task of its own and needs nothing from here.
    drop(callback);
    result
}
