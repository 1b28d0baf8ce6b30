//! Client information housekeeping: this app's own entry (opt-in, off by
//! default, remembered per account in this browser) and pruning entries of
//! sessions that no longer exist. Best effort: failures are logged, since
//! nothing the user asked for depends on them — except the opt-in switch,
//! whose failure is returned to be shown.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::web::browser;
use serde_json::json;

use super::data::SessionsData;
use crate::api::{ApiError, MatrixClient, account_data};
use crate::model::account_data::{CLIENT_INFO_PREFIX, SessionAccountData, own_client_info};
use crate::web::storage;

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

/// The "record this app's client information" switch of this browser; its
/// writes run as an `Action`.
#[derive(Clone, Copy)]
pub struct ClientInfoSetting {
    request: Action<bool, Result<bool, ApiError>>,
}

impl ClientInfoSetting {
    /// Also tidies the account data once the page has loaded.
    pub fn new(data: SessionsData, brand: String) -> Self {
        let brand = StoredValue::new(brand);
        let request = Action::new_local(move |on: &bool| {
            let (client, on) = (data.client(), *on);
            async move {
                set_own_entry(&client, &brand.get_value(), on).await?;
                remember_opt_in(on);
                Ok(on)
            }
        });
        browser::spawn_owned(async move {
            // After the first complete load: this session's entry in line
            // with the opt-in, and the entries of sessions that are gone.
            let round = data.round.await;
            let (Ok(devices), Ok(account)) = (round.devices, round.account) else { return };
            let existing = devices.iter().map(|d| d.device_id.clone()).collect::<Vec<_>>();
            tidy(data.client(), brand.get_value(), &account.data, existing);
        });
        ClientInfoSetting { request }
    }

    /// Writes or removes this session's entry; remembered when it worked.
    pub fn set(&self, on: bool) {
        if !self.request.pending().get_untracked() {
            self.request.dispatch_local(on);
        }
    }

    /// The switch: the last state written, else what this browser remembers.
    pub fn is_on(&self) -> Signal<bool> {
        let request = self.request;
        Signal::derive(move || match request.value().get() {
            Some(Ok(on)) => on,
            _ => is_opted_in(),
        })
    }

    pub fn is_pending(&self) -> Signal<bool> {
        self.request.pending().into()
    }

    pub fn error(&self) -> Signal<Option<ApiError>> {
        let request = self.request;
        Signal::derive(move || match request.value().get() {
            Some(Err(ApiError::UnknownToken { .. })) | Some(Ok(_)) | None => None,
            Some(Err(err)) => Some(err),
        })
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
