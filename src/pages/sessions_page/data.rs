//! What the Sessions page knows about the account, as Leptos resources: one
//! per request of the first round (sessions, keys, pushers, account data,
//! server features, delegated authentication), all started at once. Later
//! changes — the page's own and what live updates report — are written into
//! the resources in place (`model::reconcile`), never by reloading everything.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::FutureExt;
use futures::future::{RemoteHandle, join, join5};
use leptos::prelude::*;
use serde_json::Value;

use crate::api::auth::AuthMetadata;
use crate::api::types::{AccountDataEvent, Device, Pusher, Versions};
use crate::api::{ApiError, MatrixClient, account_data, auth, devices, keys, push};
use crate::model::account_data::SessionAccountData;
use crate::model::account_management::{AccountPage, account_page};
use crate::model::reconcile::{self, OwnChanges};
use crate::model::sessions::{RowSources, SessionRow, build_rows};
use crate::model::trust::Trust;
use crate::web::browser;

/// The first filtered `/sync`: the account data, and where live updates
/// continue from.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountSync {
    pub data: SessionAccountData,
    pub next_batch: String,
}

/// A part of the page that could not be loaded, while the list could.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Verification,
    Push,
    Application,
    Features,
    AccountManagement,
}

/// The account's keys as `/keys/query` returned them: shared (about 2 MB on
/// a 2,000-session account) and compared by identity, so only a new answer
/// counts as a change.
#[derive(Clone, Debug)]
pub struct Keys(pub Arc<Value>);

impl PartialEq for Keys {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Everything the first round of requests brings, each part on its own: a
/// failed part leaves the others usable.
#[derive(Clone, Debug)]
pub struct FirstRound {
    /// `GET /devices`, in the page's order.
    pub devices: Result<Vec<Device>, ApiError>,
    pub keys: Result<Keys, ApiError>,
    pub pushers: Result<Vec<Pusher>, ApiError>,
    pub account: Result<AccountSync, ApiError>,
    /// `GET /versions` as the account (per-user features).
    pub versions: Result<Versions, ApiError>,
    /// `Some` when the server delegates authentication (OAuth 2.0 / MAS).
    pub auth_metadata: Result<Option<AuthMetadata>, ApiError>,
}

/// One round of parallel requests: nothing waits for anything else.
async fn first_round(client: MatrixClient) -> FirstRound {
    let requests = join(
        join5(
            devices::list_devices(&client),
            keys::query_own_keys(&client),
            push::list_pushers(&client),
            account_data::sync(&client, None, 0),
            auth::get_account_versions(&client),
        ),
        auth::get_auth_metadata(client.homeserver()),
    );
    let ((devices, keys, pushers, account, versions), auth_metadata) = requests.await;
    let account = account.map(|answer| {
        let mut data = SessionAccountData::default();
        answer.account_data_events().iter().for_each(|e| data.apply(e));
        AccountSync { data, next_batch: answer.next_batch }
    });
    FirstRound {
        devices: devices.map(reconcile::sorted),
        keys: keys.map(|k| Keys(Arc::new(k))),
        pushers,
        account,
        versions,
        auth_metadata,
    }
}

impl FirstRound {
    /// True when the server refused the token for any request: then the
    /// round is the page's client's to make (it renews or ends the login).
    fn refused_token(&self) -> bool {
        let refused = |e: Option<&ApiError>| matches!(e, Some(ApiError::UnknownToken { .. }));
        refused(self.devices.as_ref().err())
            || refused(self.keys.as_ref().err())
            || refused(self.pushers.as_ref().err())
            || refused(self.account.as_ref().err())
            || refused(self.versions.as_ref().err())
    }
}

/// Which login a round was sent with: homeserver, session and token.
type Login = (String, String, String);

fn login_of(client: &MatrixClient) -> Login {
    (client.homeserver().base_url().to_string(), client.device_id().to_string(), client.tokens().access_token)
}

thread_local! {
    /// The first round sent at start-up (`start_early`), until the page
    /// takes it.
    static EARLY: RefCell<Option<(Login, RemoteHandle<FirstRound>)>> = const { RefCell::new(None) };
}

/// Sends the first round for the stored login now, before `config.json` is
/// in and the page is built: the requests then overlap the page's start-up
/// instead of following it. `client` must not renew or end the login (see
/// `login::early_client`): the page uses the answers only if its own client
/// holds the same token and the server accepted it.
pub fn start_early(client: MatrixClient) {
    let login = login_of(&client);
    let (round, handle) = first_round(client).remote_handle();
    wasm_bindgen_futures::spawn_local(round);
    EARLY.with(|early| *early.borrow_mut() = Some((login, handle)));
}

/// Forgets the round `start_early` sent: no page will take it.
pub fn drop_early() {
    EARLY.with(|early| early.borrow_mut().take());
}

/// The round `start_early` sent, if it was for `client`'s login.
fn take_early(client: &MatrixClient) -> Option<RemoteHandle<FirstRound>> {
    let (login, handle) = EARLY.with(|early| early.borrow_mut().take())?;
    (login == login_of(client)).then_some(handle)
}

/// The first round: the one sent at start-up when it is this login's and
/// the server took its token, else a new one.
async fn first_round_for(client: MatrixClient) -> FirstRound {
    if let Some(early) = take_early(&client) {
        let round = early.await;
        if !round.refused_token() {
            return round;
        }
    }
    first_round(client).await
}

#[derive(Clone, Copy)]
pub struct SessionsData {
    client: StoredValue<MatrixClient, LocalStorage>,
    /// The first round (again, after a retry); later changes are written
    /// into it in place.
    pub round: LocalResource<FirstRound>,
    /// True while the first round (or a retry) runs.
    loading: RwSignal<bool>,
    own_changes: StoredValue<OwnChanges>,
    /// Told when the session list loaded or failed (plans automatic retries).
    on_list: StoredValue<Option<Callback<Result<(), ApiError>>>>,
}

impl SessionsData {
    /// Starts every request of the first round.
    pub fn new(client: MatrixClient) -> Self {
        let client = StoredValue::new_local(client);
        let loading = RwSignal::new(false);
        let first = StoredValue::new(true);
        let on_list = StoredValue::new(None::<Callback<Result<(), ApiError>>>);
        let round = LocalResource::new(move || {
            let client = client.get_value();
            async move {
                loading.set(true);
                let round = first_round_for(client).await;
                loading.try_set(false);
                if first.get_value() {
                    first.set_value(false);
                    browser::mark("sm:data-received");
                    if round.devices.is_ok() {
                        // The first rows are built (the rest of the first
                        // page follows the paint: `SessionList`).
                        request_animation_frame(|| browser::mark("sm:first-screen"));
                    }
                }
                if let Some(Some(hook)) = on_list.try_get_value() {
                    hook.run(round.devices.as_ref().map(|_| ()).map_err(Clone::clone));
                }
                round
            }
        });
        SessionsData { client, round, loading, own_changes: StoredValue::new(OwnChanges::default()), on_list }
    }

    /// Calls `hook` each time the session list loads or fails to.
    pub fn on_list_loaded(&self, hook: Callback<Result<(), ApiError>>) {
        self.on_list.set_value(Some(hook));
    }

    pub fn client(&self) -> MatrixClient {
        self.client.get_value()
    }

    /// True while the first round or a retry runs.
    pub fn is_loading(&self) -> Signal<bool> {
        self.loading.into()
    }

    /// Reads a part of the first round (`None` before it arrived).
    pub fn with<R>(&self, f: impl FnOnce(&FirstRound) -> R) -> Option<R> {
        self.round.with(|r| r.as_ref().map(f))
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&FirstRound) -> R) -> Option<R> {
        self.round.with_untracked(|r| r.as_ref().map(f))
    }

    /// Changes a part of the loaded round in place.
    fn update(&self, f: impl FnOnce(&mut FirstRound)) {
        self.round.update(|r| {
            if let Some(r) = r {
                f(r);
            }
        });
    }

    /// Why the session list could not be loaded (`None` while loading, when
    /// it loaded, or when the server ended the login).
    pub fn load_error(&self) -> Memo<Option<ApiError>> {
        let data = *self;
        Memo::new(move |_| {
            data.with(|r| match &r.devices {
                Err(ApiError::UnknownToken { .. }) | Ok(_) => None,
                Err(err) => Some(err.clone()),
            })
            .flatten()
        })
    }

    /// The parts that failed while the list itself loaded.
    pub fn partial_errors(&self) -> Memo<Vec<(Part, ApiError)>> {
        let data = *self;
        Memo::new(move |_| {
            data.with(|r| {
                if r.devices.is_err() {
                    return Vec::new();
                }
                [
                    (Part::AccountManagement, r.auth_metadata.as_ref().err()),
                    (Part::Verification, r.keys.as_ref().err()),
                    (Part::Push, r.pushers.as_ref().err()),
                    (Part::Application, r.account.as_ref().err()),
                    (Part::Features, r.versions.as_ref().err()),
                ]
                .into_iter()
                .filter_map(|(part, err)| Some((part, err?.clone())))
                .filter(|(_, e)| !matches!(e, ApiError::UnknownToken { .. }))
                .collect()
            })
            .unwrap_or_default()
        })
    }

    /// Loads the first round again (after a failure).
    pub fn retry(&self) {
        if !self.loading.get_untracked() {
            self.round.refetch();
        }
    }

    /// Where sessions are managed when the server delegates authentication
    /// (`None`: it does not, they are signed out here).
    pub fn account_page(&self) -> Option<AccountPage> {
        self.round.with(|r| {
            let m = r.as_ref()?.auth_metadata.as_ref().ok()?.as_ref()?;
            Some(account_page(
                m.account_management_uri.as_deref(),
                m.issuer.as_deref(),
                &m.account_management_actions_supported,
            ))
        })
    }

    /// Every session's row by id, rebuilt when a source changes.
    pub fn rows(
        &self,
        trust: Memo<Option<HashMap<String, Trust>>>,
        new_ids: Memo<HashSet<String>>,
        inactive_days: u32,
    ) -> Memo<HashMap<String, SessionRow>> {
        let data = *self;
        let own = self.client().device_id().to_string();
        Memo::new(move |_| {
            new_ids.with(|new_ids| {
                trust.with(|trust| {
                    data.with(|r| {
                        let Ok(devices) = &r.devices else { return HashMap::new() };
                        let empty = SessionAccountData::default();
                        build_rows(
                            devices,
                            &RowSources {
                                own_device_id: &own,
                                account_data: r.account.as_ref().map_or(&empty, |a| &a.data),
                                pushers: r.pushers.as_deref().unwrap_or(&[]),
                                server_supports_msc3881: r
                                    .versions
                                    .as_ref()
                                    .is_ok_and(|v| v.has_unstable("org.matrix.msc3881")),
                                trust: trust.as_ref(),
                                now_ms: browser::now_ms() as i64,
                                inactive_days,
                                new_ids: Some(new_ids),
                            },
                        )
                    })
                    .unwrap_or_default()
                })
            })
        })
    }

    /// The account's keys (changes only with a new `/keys/query` answer).
    pub fn keys(&self) -> Memo<Option<Keys>> {
        let data = *self;
        Memo::new(move |_| data.with(|r| r.keys.as_ref().ok().cloned()).flatten())
    }

    /// The ids of the sessions other than this one, in the page's order.
    pub fn other_ids(&self) -> Memo<Vec<String>> {
        let data = *self;
        let own = self.client().device_id().to_string();
        Memo::new(move |_| {
            data.with(|r| match &r.devices {
                Ok(list) => list.iter().filter(|d| d.device_id != own).map(|d| d.device_id.clone()).collect(),
                Err(_) => Vec::new(),
            })
            .unwrap_or_default()
        })
    }

    // ---- in-place changes ----

    /// Records a device-list change this page made itself (see `live`).
    pub fn expect_own_change(&self) {
        self.own_changes.update_value(OwnChanges::expect);
    }

    /// What to fetch after the server reported a device-list change.
    pub fn on_server_change(&self) -> reconcile::ListCheck {
        self.own_changes.try_update_value(|o| o.on_server_change()).unwrap_or(reconcile::ListCheck::Everything)
    }

    /// After a successful rename: the new name, without a reload.
    pub fn set_display_name(&self, device_id: &str, name: &str) {
        self.expect_own_change();
        self.update(|r| {
            if let Ok(list) = &mut r.devices {
                reconcile::rename(list, device_id, name);
            }
        });
    }

    /// After a successful sign-out: the sessions disappear at once.
    pub fn remove_sessions(&self, ids: &[String]) {
        self.expect_own_change();
        self.update(|r| {
            if let Ok(list) = &mut r.devices {
                reconcile::remove_sessions(list, ids);
            }
            if let Ok(list) = &mut r.pushers {
                reconcile::remove_pushers_of(list, ids);
            }
        });
    }

    /// After a pusher was switched.
    pub fn set_pusher_enabled(&self, pushkey: &str, enabled: bool) {
        self.update(|r| {
            if let Ok(list) = &mut r.pushers {
                reconcile::set_pusher_enabled(list, pushkey, enabled);
            }
        });
    }

    /// Account-data changes (live, or the page's own).
    pub fn apply_account_data(&self, events: &[AccountDataEvent]) {
        if events.is_empty() {
            return;
        }
        self.update(|r| {
            if let Ok(account) = &mut r.account {
                events.iter().for_each(|e| account.data.apply(e));
            }
        });
    }

    /// Fresh sessions, keys and pushers (each when it loaded).
    pub fn set_sessions(&self, devices: Option<Vec<Device>>, keys: Option<Value>, pushers: Option<Vec<Pusher>>) {
        self.update(|r| {
            if let Some(list) = devices {
                r.devices = Ok(reconcile::sorted(list));
            }
            if let Some(answer) = keys {
                r.keys = Ok(Keys(Arc::new(answer)));
            }
            if let Some(list) = pushers {
                r.pushers = Ok(list);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round() -> FirstRound {
        FirstRound {
            devices: Ok(Vec::new()),
            keys: Ok(Keys(Arc::new(Value::Null))),
            pushers: Ok(Vec::new()),
            account: Err(ApiError::Http { status: 500 }),
            versions: Ok(Versions::default()),
            auth_metadata: Ok(None),
        }
    }

    fn refused() -> ApiError {
        ApiError::UnknownToken { soft_logout: true, message: "expired".into() }
    }

    #[test]
    fn a_round_with_other_failures_is_kept() {
        assert!(!round().refused_token());
    }

    #[test]
    fn a_refused_token_in_any_request_leaves_the_round_to_the_page() {
        let cases: [fn(&mut FirstRound); 5] = [
            |r| r.devices = Err(refused()),
            |r| r.keys = Err(refused()),
            |r| r.pushers = Err(refused()),
            |r| r.account = Err(refused()),
            |r| r.versions = Err(refused()),
        ];
        for refuse in cases {
            let mut r = round();
            refuse(&mut r);
            assert!(r.refused_token());
        }
    }
}
