//! Changes to one session made from its details: renaming it and switching
//! its push notifications. Each keeps a status per session for the details
//! panel, updates the page in place on success, and explains a failure.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use crate::api::types::AccountDataEvent;
use crate::api::{ApiError, account_data, devices, push};
use crate::components::device_details::PushStatus;
use crate::components::device_heading::RenameStatus;
use crate::model::push::PushTarget;
use crate::model::sessions::SessionRow;
use crate::web::i18n::{self, t, t_with};

use super::store::SessionsStore;

/// A short confirmation in the page's live region (read by screen readers,
/// shown for six seconds).
#[derive(Clone, Copy)]
pub struct Announcer(pub RwSignal<Option<String>>);

impl Announcer {
    pub fn say(&self, text: String) {
        let slot = self.0;
        slot.set(Some(text));
        set_timeout(
            move || {
                slot.try_set(None);
            },
            std::time::Duration::from_secs(6),
        );
    }
}

#[derive(Clone, Copy)]
pub struct SessionEdits {
    store: SessionsStore,
    announcer: Announcer,
    pub rename_status: RwSignal<HashMap<String, RenameStatus>>,
    pub push_status: RwSignal<HashMap<String, PushStatus>>,
}

impl SessionEdits {
    pub fn new(store: SessionsStore, announcer: Announcer) -> Self {
        SessionEdits {
            store,
            announcer,
            rename_status: RwSignal::new(HashMap::new()),
            push_status: RwSignal::new(HashMap::new()),
        }
    }

    /// Renames a session (one request at a time per session).
    pub fn rename(&self, id: String, name: String) {
        let this = *self;
        if this.rename_status.with_untracked(|m| m.get(&id) == Some(&RenameStatus::Saving)) {
            return;
        }
        this.rename_status.update(|m| {
            m.insert(id.clone(), RenameStatus::Saving);
        });
        let client = this.store.client();
        spawn_local(async move {
            let status = match devices::rename_device(&client, &id, &name).await {
                Ok(()) => {
                    this.store.set_display_name(&id, &name);
                    RenameStatus::Saved
                }
                Err(ApiError::UnknownToken { .. }) => return,
                Err(err) => {
                    RenameStatus::Failed(t_with("sessions.error.rename", &[("reason", &i18n::api_error(&err))]))
                }
            };
            let saved = status == RenameStatus::Saved;
            this.rename_status.try_update(|m| m.insert(id, status));
            if saved {
                this.announcer.say(t("sessions.announce.renamed"));
            }
        });
    }

    /// Switches a session's notifications, where its row's toggle writes
    /// (its pusher, or its local notification settings). The switch shows
    /// the new state while the request runs, and the server's on failure.
    pub fn toggle_push(&self, rows: Memo<HashMap<String, SessionRow>>, id: String, on: bool) {
        let this = *self;
        if this.push_status.with_untracked(|m| m.get(&id).is_some_and(|s| s.pending.is_some())) {
            return;
        }
        let Some(toggle) = rows.with_untracked(|r| r.get(&id).and_then(|row| row.push.clone())) else {
            return;
        };
        let local_type = this
            .store
            .account_data
            .with_untracked(|d| d.local_notifications.get(&id).map(|l| l.event_type.clone()))
            .unwrap_or_default();
        this.push_status.update(|m| {
            m.insert(id.clone(), PushStatus { pending: Some(on), error: None });
        });
        let client = this.store.client();
        spawn_local(async move {
            let silenced = json!({ "is_silenced": !on });
            let result = match &toggle.target {
                PushTarget::Pusher(pusher) => push::set_pusher(&client, &pusher.with_enabled(on)).await,
                PushTarget::LocalSettings => account_data::put_account_data(&client, &local_type, &silenced).await,
            };
            match result {
                Ok(()) => {
                    match &toggle.target {
                        PushTarget::Pusher(pusher) => this.store.set_pusher_enabled(pusher.pushkey(), on),
                        PushTarget::LocalSettings => {
                            this.store.apply_account_data(&[AccountDataEvent { kind: local_type, content: silenced }])
                        }
                    }
                    this.push_status.try_update(|m| m.remove(&id));
                }
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    let key = if on { "sessions.error.push_on" } else { "sessions.error.push_off" };
                    let message = t_with(key, &[("reason", &i18n::api_error(&err))]);
                    this.push_status.try_update(|m| m.insert(id, PushStatus { pending: None, error: Some(message) }));
                }
            }
        });
    }
}
