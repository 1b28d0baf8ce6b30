//! Client information housekeeping: this app's own entry (opt-in, off by
//! default, remembered per account in this browser) and pruning entries of
//! sessions that no longer exist. Best effort: failures are logged, since
//! nothing the user asked for depends on them — except the opt-in switch,
//! whose failure is returned to be shown.

use leptos::task::spawn_local;
use serde_json::json;

use crate::api::{ApiError, MatrixClient, account_data};
use crate::browser;
use crate::model::account_data::{CLIENT_INFO_PREFIX, SessionAccountData, own_client_info};

fn opt_in_key(user_id: &str) -> String {
    format!("matrix-sessions:client-info-opt-in:{user_id}")
}

pub fn is_opted_in(user_id: &str) -> bool {
    browser::storage_get(&opt_in_key(user_id)).as_deref() == Some("on")
}

pub fn remember_opt_in(user_id: &str, on: bool) {
    if on {
        browser::storage_set(&opt_in_key(user_id), "on");
    } else {
        browser::storage_remove(&opt_in_key(user_id));
    }
}

fn own_entry(brand: &str) -> serde_json::Value {
    let page = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    own_client_info(brand, env!("CARGO_PKG_VERSION"), &page)
}

/// Writes (`on`) or removes this session's entry.
pub async fn set_own_entry(client: &MatrixClient, brand: &str, on: bool) -> Result<(), ApiError> {
    let kind = format!("{CLIENT_INFO_PREFIX}{}", client.device_id());
    let content = if on { own_entry(brand) } else { json!({}) };
    account_data::put_account_data(client, &kind, &content).await
}

/// After the first load: brings this session's entry in line with the
/// opt-in, and clears the entries of sessions that are gone.
pub fn tidy(client: MatrixClient, brand: String, data: &SessionAccountData, existing: Vec<String>) {
    let own = client.device_id().to_string();
    let wanted = is_opted_in(client.user_id());
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
        if needs_write {
            if let Err(err) = set_own_entry(&client, &brand, wanted).await {
                web_sys::console::warn_1(&format!("client information not updated: {err}").into());
            }
        }
        for kind in stale {
            if let Err(err) = account_data::put_account_data(&client, &kind, &json!({})).await {
                web_sys::console::warn_1(&format!("stale client information not removed: {err}").into());
            }
        }
    });
}
