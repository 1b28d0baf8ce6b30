//! Live updates: one task, owned by the page (cancelled with it), long-polls
//! the filtered `/sync`. Account-data changes are applied in place; a change
//! of the account's device list is checked against what the page already
//! shows (`model::reconcile`). Failures are shown and retried with growing
//! pauses.

use crate::web::browser;
use futures::future::join3;
use leptos::prelude::*;

use super::data::SessionsData;
use crate::api::types::ToDeviceEvent;
use crate::api::{ApiError, account_data, devices, keys, push};
use crate::model::backoff::live_retry_delay_s;
use crate::model::reconcile::{ListCheck, same_sessions};

/// How long one `/sync` long-poll may wait for changes.
const LIVE_WAIT_MS: u32 = 30_000;
/// Pause before a failed refresh of the list is tried again.
const REFRESH_RETRY_MS: u32 = 5_000;
/// How often a task waiting for the first account data looks again (only
/// while that load is failing and being retried).
const FIRST_SYNC_POLL_MS: u32 = 1_000;

/// Why live updates are not current, for the page to show.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveProblem {
    /// The long-poll failed; tried again in `retry_in_s` seconds.
    Paused { error: ApiError, retry_in_s: u32 },
    /// Fetching the changed session list failed; tried again shortly.
    RefreshFailed(ApiError),
}

/// Starts live updates once the first account data has arrived; to-device
/// messages (verification) go to `on_to_device`.
pub fn start(data: SessionsData, on_to_device: Callback<ToDeviceEvent>) -> RwSignal<Option<LiveProblem>> {
    let problem = RwSignal::new(None);
    browser::spawn_owned(async move {
        let Some(mut since) = first_sync_token(data).await else { return };
        let client = data.client();
        let mut failures = 0u32;
        loop {
            match account_data::sync(&client, Some(&since), LIVE_WAIT_MS).await {
                Ok(answer) => {
                    failures = 0;
                    problem.set(None);
                    data.apply_account_data(answer.account_data_events());
                    answer.to_device_events().iter().for_each(|e| on_to_device.run(e.clone()));
                    if answer.own_devices_changed(client.user_id()) {
                        on_device_list_changed(data, problem);
                    }
                    since = answer.next_batch;
                }
                // The login is over; the page is leaving.
                Err(ApiError::UnknownToken { .. }) => return,
                Err(error) => {
                    failures += 1;
                    let retry_in_s = live_retry_delay_s(failures);
                    problem.set(Some(LiveProblem::Paused { error, retry_in_s }));
                    gloo_timers::future::TimeoutFuture::new(retry_in_s * 1000).await;
                }
            }
        }
    });
    problem
}

/// The token of the first filtered `/sync`, once it has loaded.
async fn first_sync_token(data: SessionsData) -> Option<String> {
    loop {
        match data.round.await.account {
            Ok(first) => return Some(first.next_batch),
            Err(ApiError::UnknownToken { .. }) => return None,
            // Shown by the page and retried there; look again later.
            Err(_) => gloo_timers::future::TimeoutFuture::new(FIRST_SYNC_POLL_MS).await,
        }
    }
}

/// The server says the account's device list changed. When this page made
/// the change itself and already shows it, only the list is checked (one
/// request); a difference in which sessions exist means something else
/// happened too, and sessions, keys and pushers are fetched again.
fn on_device_list_changed(data: SessionsData, problem: RwSignal<Option<LiveProblem>>) {
    let check = data.on_server_change();
    browser::spawn_owned(async move {
        if check == ListCheck::ListOnly
            && let Ok(fresh) = devices::list_devices(&data.client()).await
        {
            let known_same =
                data.with_untracked(|r| r.devices.as_ref().is_ok_and(|known| same_sessions(known, &fresh)));
            if known_same == Some(true) {
                data.set_sessions(Some(fresh), None, None);
                return;
            }
        }
        reload_sessions(data, problem).await;
    });
}

/// Fetches the sessions, their keys and pushers again now (after this page
/// signed something).
pub fn reload(data: SessionsData, problem: RwSignal<Option<LiveProblem>>) {
    browser::spawn_owned(reload_sessions(data, problem));
}

/// Fetches what changes when sessions come and go: the list, their keys and
/// pushers. A failure is shown and tried again shortly: the list must not
/// go stale silently.
async fn reload_sessions(data: SessionsData, problem: RwSignal<Option<LiveProblem>>) {
    loop {
        let client = data.client();
        let (list, answer, pushers) =
            join3(devices::list_devices(&client), keys::query_own_keys(&client), push::list_pushers(&client)).await;
        let failure =
            [list.as_ref().err(), answer.as_ref().err(), pushers.as_ref().err()].into_iter().flatten().next().cloned();
        data.set_sessions(list.ok(), answer.ok(), pushers.ok());
        match failure {
            None | Some(ApiError::UnknownToken { .. }) => return,
            Some(err) => {
                problem.set(Some(LiveProblem::RefreshFailed(err)));
                gloo_timers::future::TimeoutFuture::new(REFRESH_RETRY_MS).await;
                problem.set(None);
            }
        }
    }
}
