//! What the Sessions page knows about the account, as Leptos resources: one
//! per request of the first round (sessions, keys, pushers, account data,
//! server features, delegated authentication), all started at once. Later
//! changes — the page's own and what live updates report — are written into
//! the resources in place (`model::reconcile`), never by reloading everything.

use std::collections::HashMap;
use std::rc::Rc;

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

type Loaded<T> = LocalResource<Result<T, ApiError>>;

#[derive(Clone, Copy)]
pub struct SessionsData {
    client: StoredValue<MatrixClient, LocalStorage>,
    /// `GET /devices`, in the page's order.
    pub devices: Loaded<Vec<Device>>,
    /// `POST /keys/query` for the account's own keys (shared: about 2 MB on
    /// a 2,000-session account, read by the signature checks).
    pub keys: Loaded<Rc<Value>>,
    pub pushers: Loaded<Vec<Pusher>>,
    pub account: Loaded<AccountSync>,
    /// `GET /versions` as the account (per-user features).
    pub versions: Loaded<Versions>,
    /// `Some` when the server delegates authentication (OAuth 2.0 / MAS).
    pub auth_metadata: Loaded<Option<AuthMetadata>>,
    /// Requests of the first round (or a retry) still running.
    in_flight: RwSignal<u32>,
    own_changes: StoredValue<OwnChanges>,
    /// Told when the session list loaded or failed (plans automatic retries).
    on_list: StoredValue<Option<Callback<Result<(), ApiError>>>>,
}

/// Runs `request`, counting it in `in_flight` while it runs.
async fn counted<T>(in_flight: RwSignal<u32>, request: impl Future<Output = T>) -> T {
    in_flight.update(|n| *n += 1);
    let answer = request.await;
    in_flight.try_update(|n| *n = n.saturating_sub(1));
    answer
}

impl SessionsData {
    /// Starts every request of the first round.
    pub fn new(client: MatrixClient) -> Self {
        let client = StoredValue::new_local(client);
        let in_flight = RwSignal::new(0);
        let first = StoredValue::new(true);
        let on_list = StoredValue::new(None::<Callback<Result<(), ApiError>>>);
        let devices = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move {
                let answer = devices::list_devices(&client).await.map(reconcile::sorted);
                if first.get_value() {
                    first.set_value(false);
                    browser::mark("sm:data-received");
                    if answer.is_ok() {
                        // Marked once the browser has painted the list.
                        request_animation_frame(|| browser::mark("sm:page-rendered"));
                    }
                }
                if let Some(Some(hook)) = on_list.try_get_value() {
                    hook.run(answer.as_ref().map(|_| ()).map_err(Clone::clone));
                }
                answer
            })
        });
        let keys = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move { keys::query_own_keys(&client).await.map(Rc::new) })
        });
        let pushers = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move { push::list_pushers(&client).await })
        });
        let account = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move {
                let answer = account_data::sync(&client, None, 0).await?;
                let mut data = SessionAccountData::default();
                answer.account_data_events().iter().for_each(|e| data.apply(e));
                Ok(AccountSync { data, next_batch: answer.next_batch })
            })
        });
        let versions = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move { auth::get_account_versions(&client).await })
        });
        let auth_metadata = LocalResource::new(move || {
            let client = client.get_value();
            counted(in_flight, async move { auth::get_auth_metadata(client.homeserver()).await })
        });
        SessionsData {
            client,
            devices,
            keys,
            pushers,
            account,
            versions,
            auth_metadata,
            in_flight,
            own_changes: StoredValue::new(OwnChanges::default()),
            on_list,
        }
    }

    /// Calls `hook` each time the session list loads or fails to.
    pub fn on_list_loaded(&self, hook: Callback<Result<(), ApiError>>) {
        self.on_list.set_value(Some(hook));
    }

    pub fn client(&self) -> MatrixClient {
        self.client.get_value()
    }

    /// True while requests of the first round or a retry run.
    pub fn is_loading(&self) -> Signal<bool> {
        let in_flight = self.in_flight;
        Signal::derive(move || in_flight.get() > 0)
    }

    /// Why the session list could not be loaded (`None` while loading, when
    /// it loaded, or when the server ended the login).
    pub fn load_error(&self) -> Memo<Option<ApiError>> {
        let devices = self.devices;
        Memo::new(move |_| {
            devices.with(|d| match d {
                Some(Err(ApiError::UnknownToken { .. })) | Some(Ok(_)) | None => None,
                Some(Err(err)) => Some(err.clone()),
            })
        })
    }

    /// The parts that failed while the list itself loaded.
    pub fn partial_errors(&self) -> Memo<Vec<(Part, ApiError)>> {
        let data = *self;
        Memo::new(move |_| {
            if !data.devices.with(|d| matches!(d, Some(Ok(_)))) {
                return Vec::new();
            }
            let mut problems = Vec::new();
            let mut note = |part: Part, err: Option<ApiError>| {
                if let Some(err) = err.filter(|e| !matches!(e, ApiError::UnknownToken { .. })) {
                    problems.push((part, err));
                }
            };
            note(Part::AccountManagement, error_of(data.auth_metadata));
            note(Part::Verification, error_of(data.keys));
            note(Part::Push, error_of(data.pushers));
            note(Part::Application, error_of(data.account));
            note(Part::Features, error_of(data.versions));
            problems
        })
    }

    /// Tries again what failed (the list, or parts of the page).
    pub fn retry(&self) {
        if self.in_flight.get_untracked() > 0 {
            return;
        }
        if failed(self.devices) {
            self.devices.refetch();
        }
        if failed(self.keys) {
            self.keys.refetch();
        }
        if failed(self.pushers) {
            self.pushers.refetch();
        }
        if failed(self.account) {
            self.account.refetch();
        }
        if failed(self.versions) {
            self.versions.refetch();
        }
        if failed(self.auth_metadata) {
            self.auth_metadata.refetch();
        }
    }

    /// Where sessions are managed when the server delegates authentication
    /// (`None`: it does not, they are signed out here).
    pub fn account_page(&self) -> Option<AccountPage> {
        self.auth_metadata.with(|m| {
            let m = m.as_ref()?.as_ref().ok()?.as_ref()?;
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
        inactive_days: u32,
    ) -> Memo<HashMap<String, SessionRow>> {
        let data = *self;
        let own = self.client().device_id().to_string();
        Memo::new(move |_| {
            let msc3881 = data.versions.with(|v| matches!(v, Some(Ok(v)) if v.has_unstable("org.matrix.msc3881")));
            data.devices.with(|devices| {
                let Some(Ok(devices)) = devices else { return HashMap::new() };
                let empty = SessionAccountData::default();
                data.account.with(|account| {
                    let account_data = match account {
                        Some(Ok(a)) => &a.data,
                        _ => &empty,
                    };
                    data.pushers.with(|pushers| {
                        let pushers = match pushers {
                            Some(Ok(p)) => p.as_slice(),
                            _ => &[],
                        };
                        trust.with(|trust| {
                            build_rows(
                                devices,
                                &RowSources {
                                    own_device_id: &own,
                                    account_data,
                                    pushers,
                                    server_supports_msc3881: msc3881,
                                    trust: trust.as_ref(),
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
        self.devices.update(|d| {
            if let Some(Ok(list)) = d {
                reconcile::rename(list, device_id, name);
            }
        });
    }

    /// After a successful sign-out: the sessions disappear at once.
    pub fn remove_sessions(&self, ids: &[String]) {
        self.expect_own_change();
        self.devices.update(|d| {
            if let Some(Ok(list)) = d {
                reconcile::remove_sessions(list, ids);
            }
        });
        self.pushers.update(|p| {
            if let Some(Ok(list)) = p {
                reconcile::remove_pushers_of(list, ids);
            }
        });
    }

    /// After a pusher was switched.
    pub fn set_pusher_enabled(&self, pushkey: &str, enabled: bool) {
        self.pushers.update(|p| {
            if let Some(Ok(list)) = p {
                reconcile::set_pusher_enabled(list, pushkey, enabled);
            }
        });
    }

    /// Account-data changes (live, or the page's own).
    pub fn apply_account_data(&self, events: &[AccountDataEvent]) {
        if events.is_empty() {
            return;
        }
        self.account.update(|a| {
            if let Some(Ok(account)) = a {
                events.iter().for_each(|e| account.data.apply(e));
            }
        });
    }

    /// A fresh session list.
    pub fn set_devices(&self, list: Vec<Device>) {
        self.devices.set(Some(Ok(reconcile::sorted(list))));
    }

    pub fn set_keys(&self, answer: Value) {
        self.keys.set(Some(Ok(Rc::new(answer))));
    }

    pub fn set_pushers(&self, list: Vec<Pusher>) {
        self.pushers.set(Some(Ok(list)));
    }
}

fn failed<T: 'static>(resource: Loaded<T>) -> bool {
    resource.with_untracked(|r| matches!(r, Some(Err(_))))
}

fn error_of<T: 'static>(resource: Loaded<T>) -> Option<ApiError> {
    resource.with(|r| match r {
        Some(Err(err)) => Some(err.clone()),
        _ => None,
    })
}
