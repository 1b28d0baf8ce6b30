//! Keeping watch over the account's sessions (`model::seen`), between visits
//! and while the page is open: which sessions are New, the history of those
//! that went away, and — once the user opts in — a browser notification
//! when one signs in. All of it stays in this browser's local storage.

use std::collections::HashSet;

use leptos::prelude::*;

use super::data::SessionsData;
use crate::model::devices::display_name;
use crate::model::seen::{Gone, Present, SeenSessions};
use crate::web::{browser, storage};

/// Why the notification switch did not turn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyProblem {
    /// The browser (or the user, once) refused.
    Refused,
    /// What the page remembers could not be saved in this browser.
    NotSaved,
}

#[derive(Clone, Copy)]
pub struct SessionWatch {
    seen: RwSignal<Option<SeenSessions>>,
    key: StoredValue<String>,
    /// Sessions this page signed out, so the history can say so.
    ended_here: StoredValue<HashSet<String>>,
    /// Told of sessions that signed in while the page was open.
    on_appeared: StoredValue<Option<Callback<Vec<String>>>>,
    /// Saving to local storage failed (full, or storage is off).
    pub not_saved: RwSignal<bool>,
    pub notify_problem: RwSignal<Option<NotifyProblem>>,
    pub notify_pending: RwSignal<bool>,
}

impl SessionWatch {
    pub fn new(data: SessionsData) -> Self {
        let client = data.client();
        let key = StoredValue::new(storage::seen_key(client.homeserver().base_url(), client.user_id()));
        let own = client.device_id().to_string();
        let watch = SessionWatch {
            seen: RwSignal::new(None),
            key,
            ended_here: StoredValue::new(HashSet::new()),
            on_appeared: StoredValue::new(None),
            not_saved: RwSignal::new(false),
            notify_problem: RwSignal::new(None),
            notify_pending: RwSignal::new(false),
        };
        // Local storage is the world outside: compare each new list with it.
        Effect::new(move |_| {
            let list = data
                .with(|r| {
                    r.devices.as_ref().ok().map(|devices| {
                        devices
                            .iter()
                            .map(|d| (d.device_id.clone(), display_name(d).to_string(), d.last_seen_ts))
                            .collect::<Vec<_>>()
                    })
                })
                .flatten();
            if let Some(list) = list {
                watch.observe(&list, &own);
            }
        });
        watch
    }

    fn observe(&self, list: &[(String, String, Option<i64>)], own: &str) {
        let present: Vec<Present> = list.iter().map(|(id, name, ts)| Present { id, name, last_seen_ts: *ts }).collect();
        let now = browser::now_ms() as i64;
        let looked_before = self.seen.with_untracked(Option::is_some);
        let before = self
            .seen
            .get_untracked()
            .or_else(|| storage::get(&self.key.get_value()).and_then(|t| SeenSessions::from_json(&t)));
        let (after, appeared) = match before.clone() {
            None => (SeenSessions::first_visit(&present, now), Vec::new()),
            Some(mut seen) => {
                let change = self.ended_here.with_value(|ended| seen.observe(&present, own, now, ended));
                (seen, change.appeared)
            }
        };
        if before.as_ref() != Some(&after) {
            self.save(&after);
        }
        self.seen.set(Some(after));
        // Sessions found at load are summarised by the notice, not announced.
        if looked_before
            && !appeared.is_empty()
            && let Some(Some(tell)) = self.on_appeared.try_get_value()
        {
            tell.run(appeared);
        }
    }

    fn save(&self, seen: &SeenSessions) {
        let saved = storage::set(&self.key.get_value(), &seen.to_json());
        self.not_saved.set(!saved);
    }

    fn change(&self, f: impl FnOnce(&mut SeenSessions)) {
        let Some(mut seen) = self.seen.get_untracked() else { return };
        f(&mut seen);
        self.save(&seen);
        self.seen.set(Some(seen));
    }

    pub fn set_on_appeared(&self, tell: Callback<Vec<String>>) {
        self.on_appeared.set_value(Some(tell));
    }

    /// Call before the sessions disappear from the list.
    pub fn signed_out_here(&self, ids: &[String]) {
        self.ended_here.update_value(|e| e.extend(ids.iter().cloned()));
    }

    pub fn new_ids(&self) -> Memo<HashSet<String>> {
        let seen = self.seen;
        Memo::new(move |_| seen.with(|s| s.as_ref().map(SeenSessions::new_ids).unwrap_or_default()))
    }

    /// "New" counts from here: the first visit, or the last review.
    pub fn since_ms(&self) -> Signal<Option<i64>> {
        let seen = self.seen;
        Signal::derive(move || seen.with(|s| s.as_ref().map(|s| s.since_ms)))
    }

    pub fn history(&self) -> Memo<Vec<Gone>> {
        let seen = self.seen;
        Memo::new(move |_| seen.with(|s| s.as_ref().map(|s| s.history.clone()).unwrap_or_default()))
    }

    pub fn mark_reviewed(&self) {
        self.change(|s| s.mark_reviewed(browser::now_ms() as i64));
    }

    pub fn clear_history(&self) {
        self.change(SeenSessions::clear_history);
    }

    /// True when the user asked for notifications and the browser allows
    /// them.
    pub fn notify_on(&self) -> Signal<bool> {
        let seen = self.seen;
        Signal::derive(move || {
            seen.with(|s| s.as_ref().is_some_and(|s| s.notify)) && browser::notifications_allowed() == Some(true)
        })
    }

    /// The switch: turning it on asks the browser (from the click).
    pub fn set_notify(&self, on: bool) {
        let watch = *self;
        watch.notify_problem.set(None);
        if !on {
            watch.change(|s| s.notify = false);
            return;
        }
        watch.notify_pending.set(true);
        browser::spawn_owned(async move {
            let allowed = browser::notifications_allowed() == Some(true) || browser::ask_for_notifications().await;
            watch.notify_pending.try_set(false);
            if allowed {
                watch.change(|s| s.notify = true);
                if watch.not_saved.get_untracked() {
                    watch.notify_problem.try_set(Some(NotifyProblem::NotSaved));
                }
            } else {
                watch.notify_problem.try_set(Some(NotifyProblem::Refused));
            }
        });
    }
}
