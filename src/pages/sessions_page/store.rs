//! The Sessions page's data: loaded in one round of parallel requests, kept
//! current by a long-polling filtered `/sync`, and updated in place after the
//! user's own actions instead of reloading everything.

use std::collections::HashMap;

use futures::future::{join, join3, join5};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api::auth::AuthMetadata;
use crate::api::types::{AccountDataEvent, Device, Pusher, Versions};
use crate::api::{ApiError, MatrixClient, account_data, auth, devices, keys, push};
use crate::model::account_data::SessionAccountData;
use crate::model::account_management::{AccountPage, account_page};
use crate::model::devices::sort_sessions;
use crate::model::pin::{IdentityPin, parse_pin};
use crate::model::sessions::{RowSources, SessionRow, build_rows};
use crate::model::trust::{
    CrossSigning, IdentityCheck, SignatureCache, Trust, check_identity, cross_signing, device_objects,
    device_trust_cached, distrust,
};
use crate::web::i18n::{self, t, t_count, t_with};
use crate::web::{browser, storage};

/// What verification the page can show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustState {
    pub chain: Option<CrossSigning>,
    pub identity: Option<IdentityCheck>,
    /// `None` until keys are loaded (or when they failed).
    pub sessions: Option<HashMap<String, Trust>>,
}

/// How long one `/sync` long-poll may wait for changes.
const LIVE_WAIT_MS: u32 = 30_000;

/// Signals holding what the page knows. `Copy`, so closures can share it.
#[derive(Clone, Copy)]
pub struct SessionsStore {
    client: StoredValue<MatrixClient, LocalStorage>,
    /// Sorted; `None` until the first successful load.
    pub devices: RwSignal<Option<Vec<Device>>>,
    pub pushers: RwSignal<Vec<Pusher>>,
    pub account_data: RwSignal<SessionAccountData>,
    pub versions: RwSignal<Option<Versions>>,
    /// Set when the server delegates authentication (OAuth 2.0 / MAS).
    pub auth_metadata: RwSignal<Option<AuthMetadata>>,
    /// The `/keys/query` answer for the user's own keys.
    pub keys: RwSignal<Option<Value>>,
    /// The account's identity as first seen in this browser.
    pub pinned_identity: RwSignal<Option<IdentityPin>>,
    /// True when this page load remembered the identity for the first time
    /// (trust on first use, said where it happens).
    pub pinned_now: RwSignal<bool>,
    /// The verdicts of the signature checks for the current keys; `None`
    /// while they run (in slices, so the page stays responsive).
    verified: RwSignal<Option<(CrossSigning, HashMap<String, Trust>)>>,
    verify_cache: StoredValue<SignatureCache>,
    verify_generation: StoredValue<u32>,
    /// Why the session list could not be loaded (nothing to show).
    pub load_error: RwSignal<Option<String>>,
    /// Parts that failed while the list itself loaded (shown as a warning).
    pub partial_errors: RwSignal<Vec<String>>,
    pub is_loading: RwSignal<bool>,
    /// Set while live updates are failing and being retried.
    pub live_problem: RwSignal<Option<String>>,
    /// Seconds until a failed load is tried again by itself.
    pub retry_in: RwSignal<Option<u32>>,
    failures: StoredValue<u32>,
    retry_generation: StoredValue<u32>,
    /// Device-list changes this page caused itself (a rename, a sign-out)
    /// and already shows; the server will report them through `/sync`.
    own_changes: StoredValue<u32>,
    sync_token: StoredValue<Option<String>>,
    alive: StoredValue<bool>,
}

impl SessionsStore {
    pub fn new(client: MatrixClient) -> Self {
        let store = SessionsStore {
            client: StoredValue::new_local(client),
            devices: RwSignal::new(None),
            pushers: RwSignal::new(Vec::new()),
            account_data: RwSignal::new(SessionAccountData::default()),
            versions: RwSignal::new(None),
            keys: RwSignal::new(None),
            auth_metadata: RwSignal::new(None),
            pinned_identity: RwSignal::new(None),
            pinned_now: RwSignal::new(false),
            verified: RwSignal::new(None),
            verify_cache: StoredValue::new(SignatureCache::default()),
            verify_generation: StoredValue::new(0),
            load_error: RwSignal::new(None),
            partial_errors: RwSignal::new(Vec::new()),
            is_loading: RwSignal::new(false),
            live_problem: RwSignal::new(None),
            retry_in: RwSignal::new(None),
            failures: StoredValue::new(0),
            retry_generation: StoredValue::new(0),
            own_changes: StoredValue::new(0),
            sync_token: StoredValue::new(None),
            alive: StoredValue::new(true),
        };
        on_cleanup(move || store.alive.set_value(false));
        store.pinned_identity.set(storage::get(&store.identity_key()).as_deref().and_then(parse_pin));
        // New keys: check their signatures again.
        Effect::new(move |_| {
            if store.keys.with(Option::is_some) {
                store.verify_keys();
            }
        });
        store
    }

    /// Checks every signature of the current keys without blocking the page:
    /// work in slices of about 25 ms, yielding to the browser in between,
    /// and remembering each check for the next answer. A newer answer
    /// cancels an older check.
    fn verify_keys(&self) {
        let store = *self;
        let Some(keys) = store.keys.get_untracked() else { return };
        let generation = store.verify_generation.get_value() + 1;
        store.verify_generation.set_value(generation);
        let user = store.client().user_id().to_string();
        spawn_local(async move {
            let chain = cross_signing(&keys, &user);
            let mut verdicts = HashMap::new();
            let mut slice_start = js_sys::Date::now();
            for (id, object) in device_objects(&keys, &user) {
                let trust =
                    store.verify_cache.try_update_value(|cache| device_trust_cached(object, &user, id, &chain, cache));
                let Some(trust) = trust else { return };
                verdicts.insert(id.clone(), trust);
                if js_sys::Date::now() - slice_start > 25.0 {
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    if !store.is_alive() || store.verify_generation.try_get_value() != Some(generation) {
                        return;
                    }
                    slice_start = js_sys::Date::now();
                }
            }
            let first = store.verified.with_untracked(Option::is_none);
            store.verified.set(Some((chain, verdicts)));
            if first {
                request_animation_frame(|| browser::mark("sm:verified"));
            }
        });
    }

    fn identity_key(&self) -> String {
        let client = self.client();
        storage::identity_key(client.homeserver().base_url(), client.user_id())
    }

    /// Remembers `master_key` as the account's identity in this browser
    /// (the first one seen, or a new one the user accepted).
    pub fn pin_identity(&self, master_key: &str) {
        let pin = IdentityPin { master_key: master_key.to_string(), first_seen_ms: Some(browser::now_ms()) };
        storage::set(&self.identity_key(), &pin.to_json());
        self.pinned_now.set(self.pinned_identity.with_untracked(Option::is_none));
        self.pinned_identity.set(Some(pin));
    }

    /// Verification of every session, from the latest checks and the
    /// remembered identity (which only decides whether Verified stands).
    pub fn trust(&self) -> Memo<TrustState> {
        let store = *self;
        Memo::new(move |_| {
            store.verified.with(|verified| {
                let Some((chain, sessions)) = verified else { return TrustState::default() };
                let identity = store
                    .pinned_identity
                    .with(|pin| check_identity(chain.master_key(), pin.as_ref().map(|p| p.master_key.as_str())));
                let mut sessions = sessions.clone();
                if matches!(identity, IdentityCheck::Changed { .. }) {
                    distrust(&mut sessions);
                }
                TrustState { chain: Some(chain.clone()), identity: Some(identity), sessions: Some(sessions) }
            })
        })
    }

    pub fn client(&self) -> MatrixClient {
        self.client.get_value()
    }

    /// Where sessions are managed when the server delegates authentication
    /// (`None`: it does not, they are signed out here).
    pub fn account_page(&self) -> Option<AccountPage> {
        self.auth_metadata.with(|m| {
            let m = m.as_ref()?;
            Some(account_page(
                m.account_management_uri.as_deref(),
                m.issuer.as_deref(),
                &m.account_management_actions_supported,
            ))
        })
    }

    fn is_alive(&self) -> bool {
        self.alive.try_get_value().unwrap_or(false)
    }

    /// All rows by session id, rebuilt when any source changes.
    pub fn rows(&self, trust: Memo<TrustState>, inactive_days: u32) -> Memo<HashMap<String, SessionRow>> {
        let store = *self;
        let own = self.client().device_id().to_string();
        Memo::new(move |_| {
            let msc3881 = store.versions.with(|v| v.as_ref().is_some_and(|v| v.has_unstable("org.matrix.msc3881")));
            store.devices.with(|devices| {
                let Some(devices) = devices else { return HashMap::new() };
                store.account_data.with(|data| {
                    store.pushers.with(|pushers| {
                        trust.with(|trust| {
                            build_rows(
                                devices,
                                &RowSources {
                                    own_device_id: &own,
                                    account_data: data,
                                    pushers,
                                    server_supports_msc3881: msc3881,
                                    trust: trust.sessions.as_ref(),
                                    now_ms: browser::now_ms() as i64,
                                    inactive_days,
                                },
                            )
                        })
                    })
                })
            })
        })
    }

    /// Loads everything in one round of parallel requests: sessions, keys,
    /// pushers, account data (filtered `/sync`), server features
    /// (`/versions`) and whether authentication is delegated
    /// (`auth_metadata`).
    /// Starts live updates after the first successful load.
    pub fn load(&self) {
        let store = *self;
        if store.is_loading.get_untracked() {
            return;
        }
        // A manual or scheduled load replaces any pending automatic retry.
        store.retry_generation.update_value(|g| *g += 1);
        store.retry_in.set(None);
        store.is_loading.set(true);
        let client = store.client();
        let first_load = store.devices.with_untracked(Option::is_none);
        spawn_local(async move {
            let ((devices, keys, pushers, sync, versions), metadata) = join(
                join5(
                    devices::list_devices(&client),
                    keys::query_own_keys(&client),
                    push::list_pushers(&client),
                    account_data::sync(&client, None, 0),
                    auth::get_account_versions(&client),
                ),
                auth::get_auth_metadata(client.homeserver()),
            )
            .await;
            if !store.is_alive() {
                return;
            }
            if first_load {
                browser::mark("sm:data-received");
            }
            let mut problems = Vec::new();
            let mut wait_hint = None;
            let mut note = |err: &ApiError| {
                if let ApiError::RateLimited { retry_after_ms: Some(ms) } = err {
                    wait_hint = Some(*ms);
                }
            };
            for err in [devices.as_ref().err(), keys.as_ref().err(), pushers.as_ref().err(), sync.as_ref().err()]
                .into_iter()
                .flatten()
            {
                note(err);
            }
            match metadata {
                Ok(m) => store.auth_metadata.set(m),
                Err(err) => problems.push(part("sessions.part.account_management", &err)),
            }
            match keys {
                Ok(answer) => store.keys.set(Some(answer)),
                Err(err) => problems.push(part("sessions.part.verification", &err)),
            }
            match pushers {
                Ok(list) => store.pushers.set(list),
                Err(err) => problems.push(part("sessions.part.push", &err)),
            }
            let first_sync = store.sync_token.get_value().is_none();
            match sync {
                Ok(answer) => {
                    let mut data = SessionAccountData::default();
                    answer.account_data_events().iter().for_each(|e| data.apply(e));
                    store.account_data.set(data);
                    store.sync_token.set_value(Some(answer.next_batch));
                }
                Err(err) => problems.push(part("sessions.part.application", &err)),
            }
            match versions {
                Ok(v) => store.versions.set(Some(v)),
                Err(err) => problems.push(part("sessions.part.features", &err)),
            }
            let failed = match devices {
                Ok(list) => {
                    store.set_devices(list);
                    store.load_error.set(None);
                    let partial = !problems.is_empty();
                    store.partial_errors.set(problems);
                    partial
                }
                // A login the server ended has already sent the user to sign-in.
                Err(ApiError::UnknownToken { .. }) => false,
                Err(err) => {
                    store.load_error.set(Some(t_with("sessions.error.load", &[("reason", &i18n::api_error(&err))])));
                    true
                }
            };
            store.is_loading.set(false);
            if first_load && !failed {
                // Marked once the browser has painted the list.
                request_animation_frame(|| browser::mark("sm:page-rendered"));
            }
            if failed {
                store.schedule_retry(wait_hint);
            } else {
                store.failures.set_value(0);
            }
            if first_sync && store.sync_token.get_value().is_some() {
                store.run_live_updates();
            }
        });
    }

    /// Tries loading again after a pause that grows with each failure (2, 4,
    /// 8… up to 30 seconds) or that the server asked for (429), counting
    /// down where the user can see it, until it works.
    fn schedule_retry(&self, server_wait_ms: Option<u64>) {
        let store = *self;
        let failures = store.failures.get_value() + 1;
        store.failures.set_value(failures);
        let seconds = server_wait_ms
            .map(|ms| ms.div_ceil(1000).clamp(1, 3600) as u32)
            .unwrap_or_else(|| 2u32.saturating_pow(failures).min(30));
        let generation = store.retry_generation.get_value();
        spawn_local(async move {
            for remaining in (1..=seconds).rev() {
                if !store.is_alive() || store.retry_generation.try_get_value() != Some(generation) {
                    return;
                }
                store.retry_in.set(Some(remaining));
                gloo_timers::future::TimeoutFuture::new(1000).await;
            }
            if store.is_alive() && store.retry_generation.try_get_value() == Some(generation) {
                store.load();
            }
        });
    }

    /// Reloads what changes when sessions come and go: the list, their
    /// keys and pushers.
    pub fn reload_devices(&self) {
        let store = *self;
        let client = store.client();
        spawn_local(async move {
            let (devices, keys, pushers) =
                join3(devices::list_devices(&client), keys::query_own_keys(&client), push::list_pushers(&client)).await;
            if !store.is_alive() {
                return;
            }
            let mut failure = None;
            match keys {
                Ok(answer) => store.keys.set(Some(answer)),
                Err(err) => failure = Some(err),
            }
            match devices {
                Ok(list) => store.set_devices(list),
                Err(err) => failure = Some(err),
            }
            match pushers {
                Ok(list) => store.pushers.set(list),
                Err(err) => failure = Some(err),
            }
            match failure {
                None | Some(ApiError::UnknownToken { .. }) => {}
                // Shown, and tried again shortly: the list must not go stale silently.
                Some(err) => {
                    store
                        .live_problem
                        .set(Some(t_with("sessions.refresh_failed", &[("reason", &i18n::api_error(&err))])));
                    spawn_local(async move {
                        gloo_timers::future::TimeoutFuture::new(5000).await;
                        if store.is_alive() {
                            store.live_problem.set(None);
                            store.reload_devices();
                        }
                    });
                }
            }
        });
    }

    /// Long-polls the filtered `/sync`: account-data changes are applied in
    /// place, and a change to the user's own device list reloads the list.
    /// Failures are retried with growing pauses and shown meanwhile.
    fn run_live_updates(&self) {
        let store = *self;
        let client = store.client();
        spawn_local(async move {
            let mut failures = 0u32;
            while store.is_alive() {
                let since = store.sync_token.get_value();
                match account_data::sync(&client, since.as_deref(), LIVE_WAIT_MS).await {
                    Ok(answer) => {
                        if !store.is_alive() {
                            return;
                        }
                        failures = 0;
                        store.live_problem.set(None);
                        store.apply_account_data(answer.account_data_events());
                        if answer.own_devices_changed(client.user_id()) {
                            store.on_device_list_changed();
                        }
                        store.sync_token.set_value(Some(answer.next_batch));
                    }
                    Err(ApiError::UnknownToken { .. }) => return,
                    Err(err) => {
                        failures += 1;
                        let wait_s = (2u32.saturating_pow(failures)).min(30);
                        if store.is_alive() {
                            store.live_problem.set(Some(t_count(
                                "sessions.live_paused",
                                wait_s as usize,
                                &[("reason", &i18n::api_error(&err))],
                            )));
                        }
                        gloo_timers::future::TimeoutFuture::new(wait_s * 1000).await;
                    }
                }
            }
        });
    }

    pub fn apply_account_data(&self, events: &[AccountDataEvent]) {
        if events.is_empty() {
            return;
        }
        self.account_data.update(|data| events.iter().for_each(|e| data.apply(e)));
    }

    /// The server says the device list changed. When this page made the
    /// change itself and already shows it, only the list is checked (one
    /// request); a difference in which sessions exist means something else
    /// happened too, and everything is reloaded.
    fn on_device_list_changed(&self) {
        let store = *self;
        let expected = store.own_changes.get_value();
        if expected == 0 {
            store.reload_devices();
            return;
        }
        store.own_changes.set_value(expected - 1);
        let client = store.client();
        spawn_local(async move {
            let Ok(fresh) = devices::list_devices(&client).await else {
                store.reload_devices();
                return;
            };
            if !store.is_alive() {
                return;
            }
            let same_sessions = store.devices.with_untracked(|known| {
                let mut ids: Vec<&str> = known.iter().flatten().map(|d| d.device_id.as_str()).collect();
                let mut fresh_ids: Vec<&str> = fresh.iter().map(|d| d.device_id.as_str()).collect();
                ids.sort_unstable();
                fresh_ids.sort_unstable();
                ids == fresh_ids
            });
            if same_sessions {
                store.set_devices(fresh);
            } else {
                store.reload_devices();
            }
        });
    }

    /// A fresh session list from the server, in the page's order.
    fn set_devices(&self, mut list: Vec<Device>) {
        sort_sessions(&mut list);
        self.devices.set(Some(list));
    }

    /// Records a change this page made (see `on_device_list_changed`).
    pub fn expect_own_change(&self) {
        self.own_changes.update_value(|n| *n = (*n + 1).min(8));
    }

    /// After a successful rename: the new name, without a reload.
    pub fn set_display_name(&self, device_id: &str, name: &str) {
        self.expect_own_change();
        self.devices.update(|list| {
            if let Some(d) = list.iter_mut().flatten().find(|d| d.device_id == device_id) {
                d.display_name = Some(name.to_string());
            }
        });
    }

    /// After a successful sign-out: the sessions disappear at once.
    pub fn remove_devices(&self, ids: &[String]) {
        self.expect_own_change();
        self.devices.update(|list| {
            if let Some(list) = list {
                list.retain(|d| !ids.contains(&d.device_id));
            }
        });
        self.pushers.update(|pushers| pushers.retain(|p| !p.device_id().is_some_and(|id| ids.iter().any(|x| x == id))));
    }

    /// After a pusher was switched: the new state, without a reload.
    pub fn set_pusher_enabled(&self, pushkey: &str, enabled: bool) {
        self.pushers.update(|pushers| {
            for p in pushers.iter_mut().filter(|p| p.pushkey() == pushkey) {
                p.0.insert("org.matrix.msc3881.enabled".into(), enabled.into());
            }
        });
    }
}

/// "verification (Internal server error)": what could not be loaded, and why.
fn part(key: &str, err: &ApiError) -> String {
    t_with("sessions.part", &[("part", &t(key)), ("reason", &i18n::api_error(err))])
}
