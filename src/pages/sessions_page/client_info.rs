//! Client information housekeeping: this app's own entry (opt-in, off by
//! default, remembered per account in this browser) and pruning entries of
//! sessions that no longer exist. Best effort: failures are logged, since
//! nothing the user asked for depends on them — except the opt-in switch,
//! whose failure is returned to be shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use crate::api::{ApiError, MatrixClient, account_data};
use crate::model::account_data::{CLIENT_INFO_PREFIX, SessionAccountData, own_client_info};
use crate::web::i18n::{self, t_with};
use crate::web::storage;

use super::store::SessionsStore;

/// The opt-in belongs to this browser's login (it ends with the session).
fn is_opted_in() -> bool {
    storage::get(&storage::client_info_opt_in_key()).as_deref() == Some("on")
}

fn remember_opt_in(on: bool) {
    if on {
        storage::set(&storage::client_info_opt_in_key(), "on");
    } else {
        storage::remove(&storage::client_info_opt_in_key());
    }
}

fn own_entry(brand: &str) -> serde_json::Value {
    let page = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    own_client_info(brand, env!("CARGO_PKG_VERSION"), &page)
}

/// Writes (`on`) or removes this session's entry.
async fn set_own_entry(client: &MatrixClient, brand: &str, on: bool) -> Result<(), ApiError> {
    let kind = format!("{CLIENT_INFO_PREFIX}{}", client.device_id());
    let content = if on { own_entry(brand) } else { json!({}) };
    account_data::put_account_data(client, &kind, &content).await
}

/// The "record this app's client information" switch of this browser.
#[derive(Clone, Copy)]
pub struct ClientInfoSetting {
    store: SessionsStore,
    brand: StoredValue<String>,
    pub is_on: RwSignal<bool>,
    pub is_pending: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl ClientInfoSetting {
    /// Also tidies the account data once the page has loaded.
    pub fn new(store: SessionsStore, brand: String) -> Self {
        let setting = ClientInfoSetting {
            store,
            brand: StoredValue::new(brand),
            is_on: RwSignal::new(is_opted_in()),
            is_pending: RwSignal::new(false),
            error: RwSignal::new(None),
        };
        setting.tidy_once_loaded();
        setting
    }

    /// Writes or removes this session's entry; remembered when it worked.
    pub fn set(&self, on: bool) {
        let this = *self;
        this.is_pending.set(true);
        this.error.set(None);
        let client = this.store.client();
        let brand = this.brand.get_value();
        spawn_local(async move {
            match set_own_entry(&client, &brand, on).await {
                Ok(()) => {
                    remember_opt_in(on);
                    this.is_on.try_set(on);
                }
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    this.error.try_set(Some(t_with("sessions.error.setting", &[("reason", &i18n::api_error(&err))])));
                }
            }
            this.is_pending.try_set(false);
        });
    }

    /// After the first complete load: brings this session's entry in line
    /// with the opt-in, and clears the entries of sessions that are gone.
    fn tidy_once_loaded(&self) {
        let this = *self;
        let tidied = StoredValue::new(false);
        Effect::new(move |_| {
            let store = this.store;
            let loaded = store.devices.with(|d| d.is_some()) && !store.is_loading.get();
            if !loaded || tidied.get_value() || !store.partial_errors.with(Vec::is_empty) {
                return;
            }
            tidied.set_value(true);
            let existing =
                store.devices.with_untracked(|d| d.iter().flatten().map(|d| d.device_id.clone()).collect::<Vec<_>>());
            store.account_data.with_untracked(|data| tidy(store.client(), this.brand.get_value(), data, existing));
        });
    }
}

/// Brings this session's entry in line with the opt-in, and clears the
/// entries of sessions that are gone.
fn tidy(client: MatrixClient, brand: String, data: &SessionAccountData, existing: Vec<String>) {
    let own = client.device_id().to_string();
    let wanted = is_opted_in();
    let current = data.client_info.get(&own).cloned();
    let stale = data.stale_client_info(existing.iter().map(String::as_str));
    spawn_local(async move {
        let needs_write = if wanted {
            let entry = own_entry(&brand);
            current.is_none_or(|c| {
                c.name.as_deref() != entry["name"].as_str()
                    || c.version.as_deref() != entry["version"].as_str()
                    || c.url.as_deref() != entry["url"].as_str()
            })
        } else {
            current.is_some()
        };
        if needs_write && let Err(err) = set_own_entry(&client, &brand, wanted).await {
            web_sys::console::warn_1(&format!("client information not updated: {err}").into());
        }
        for kind in stale {
            if let Err(err) = account_data::put_account_data(&client, &kind, &json!({})).await {
                web_sys::console::warn_1(&format!("stale client information not removed: {err}").into());
            }
        }
    });
}
