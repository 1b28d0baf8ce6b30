//! One session's actions — rename and the push switch — created with its row
//! and owned by it, so each row subscribes to its own state. Their pending
//! state and last answer drive the tile and details.

use std::collections::HashMap;

use leptos::prelude::*;
use serde_json::json;

use super::data::SessionsData;
use super::sign_out::SignOutFlow;
use crate::api::types::AccountDataEvent;
use crate::api::{account_data, devices, push};
use crate::components::device_details::RowActions;
use crate::components::verify_panel::VerifyActions;
use crate::model::account_management::{AccountPage, ManagedAt, managed_at};
use crate::model::edits::{PushFailure, push_status, rename_status};
use crate::model::push::PushTarget;
use crate::model::sessions::SessionRow;
use crate::model::trust::Trust;
use crate::model::verification::offer;
use crate::web::i18n::t;

use super::verification::Verifier;
use super::verify::TrustState;

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

/// What every row needs from the page.
#[derive(Clone, Copy)]
pub struct RowContext {
    pub data: SessionsData,
    pub trust: Memo<TrustState>,
    pub verifier: Verifier,
    pub rows: Memo<HashMap<String, SessionRow>>,
    pub announcer: Announcer,
    pub sign_out: SignOutFlow,
    /// Signs a session out (this one: the current-session dialog).
    pub on_sign_out: Callback<String>,
    /// True while this page's own session signs out.
    pub is_signing_out_here: Signal<bool>,
    pub own_id: StoredValue<String>,
}

/// Creates the actions of session `id` (call it where the row is created:
/// they live and die with it).
pub fn row_actions(ctx: RowContext, id: String) -> RowActions {
    let data = ctx.data;
    let id = StoredValue::new(id);
    let rename = Action::new_local(move |name: &String| {
        let (client, name, id) = (data.client(), name.clone(), id.get_value());
        async move {
            let answer = devices::rename_device(&client, &id, &name).await;
            if answer.is_ok() {
                data.set_display_name(&id, &name);
                ctx.announcer.say(t("sessions.announce.renamed"));
            }
            answer
        }
    });
    let toggle = Action::new_local(move |on: &bool| {
        let (client, on, id) = (data.client(), *on, id.get_value());
        let target = ctx.rows.with_untracked(|r| r.get(&id).and_then(|row| row.push.clone()).map(|p| p.target));
        let local_type = data
            .with_untracked(|r| {
                r.account.as_ref().ok().and_then(|a| a.data.local_notifications.get(&id).map(|l| l.event_type.clone()))
            })
            .flatten()
            .unwrap_or_default();
        async move {
            let Some(target) = target else { return Ok(()) };
            let silenced = json!({ "is_silenced": !on });
            let answer = match &target {
                PushTarget::Pusher(pusher) => push::set_pusher(&client, &pusher.with_enabled(on)).await,
                PushTarget::LocalSettings => account_data::put_account_data(&client, &local_type, &silenced).await,
            };
            match answer {
                Ok(()) => {
                    match &target {
                        PushTarget::Pusher(pusher) => data.set_pusher_enabled(pusher.pushkey(), on),
                        PushTarget::LocalSettings => {
                            data.apply_account_data(&[AccountDataEvent { kind: local_type, content: silenced }])
                        }
                    }
                    Ok(())
                }
                Err(error) => Err(PushFailure { wanted_on: on, error }),
            }
        }
    });
    let is_current = id.with_value(|id| *id == ctx.own_id.get_value());
    RowActions {
        rename_status: Signal::derive(move || {
            let pending = rename.pending().get();
            rename.value().with(|v| rename_status(pending, v.as_ref()))
        }),
        renames: rename.version().into(),
        on_rename: Callback::new(move |name: String| {
            if !rename.pending().get_untracked() {
                rename.dispatch_local(name);
            }
        }),
        push_status: Signal::derive(move || {
            let running = if toggle.pending().get() { toggle.input().get() } else { None };
            toggle.value().with(|v| push_status(running, v.as_ref()))
        }),
        on_push_toggle: Callback::new(move |on: bool| {
            if !toggle.pending().get_untracked() {
                toggle.dispatch_local(on);
            }
        }),
        is_signing_out: Signal::derive(move || {
            if is_current { ctx.is_signing_out_here.get() } else { id.with_value(|id| ctx.sign_out.is_signing_out(id)) }
        }),
        on_sign_out: Callback::new(move |_| ctx.on_sign_out.run(id.get_value())),
        verify: verify_actions(ctx, id, is_current),
        managed_at: Signal::derive(move || {
            if is_current {
                return ManagedAt::Here;
            }
            match data.account_page() {
                None => ManagedAt::Here,
                Some(AccountPage::Page { base, actions }) => managed_at(&base, &actions, &id.get_value()),
                Some(AccountPage::Unavailable) => ManagedAt::Unavailable,
            }
        }),
    }
}

/// The verification offer of a session, and what its buttons do.
fn verify_actions(ctx: RowContext, id: StoredValue<String>, is_current: bool) -> VerifyActions {
    let v = ctx.verifier;
    let own_id = ctx.own_id;
    let offer = Signal::derive(move || {
        let (session, own) = ctx.rows.with(|r| {
            let trust_of = |id: &str| r.get(id).map_or(Trust::NoEncryption, |row| row.trust);
            (id.with_value(|id| trust_of(id)), own_id.with_value(|own| trust_of(own)))
        });
        ctx.trust.with(|t| offer(t.chain.as_ref(), t.identity.as_ref(), v.is_unlocked(), own, session, is_current))
    });
    VerifyActions {
        offer,
        is_unlocked: Signal::derive(move || v.is_unlocked()),
        is_pending: Signal::derive(move || id.with_value(|id| v.is_busy(id))),
        problem: Signal::derive(move || id.with_value(|id| v.problem_of(id))),
        on_unlock: Callback::new(move |_| v.open_unlock()),
        on_verify: Callback::new(move |_| {
            if is_current {
                v.verify_this_session();
            } else {
                v.verify(id.get_value());
            }
        }),
        on_lock: Callback::new(move |_| v.lock()),
    }
}
