//! "Sign out sessions inactive for more than N days": the preview's state
//! (threshold, which sessions, which the user keeps) and its hand-over to
//! the sign-out flow — one `/delete_devices`, one re-authentication.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use super::sign_out::SignOutFlow;
use crate::model::filters::clean_up_candidates;
use crate::model::sessions::SessionRow;
use crate::web::browser;

#[derive(Clone, Copy)]
pub struct CleanUp {
    pub is_open: RwSignal<bool>,
    pub days: RwSignal<u32>,
    /// Unticked in the preview.
    pub kept: RwSignal<HashSet<String>>,
    pub candidates: Memo<Vec<String>>,
    flow: SignOutFlow,
}

impl CleanUp {
    pub fn new(
        other_ids: Memo<Vec<String>>,
        rows: Memo<HashMap<String, SessionRow>>,
        flow: SignOutFlow,
        inactive_days: u32,
    ) -> Self {
        let days = RwSignal::new(inactive_days);
        let candidates = Memo::new(move |_| {
            let now = browser::now_ms() as i64;
            other_ids.with(|ids| rows.with(|r| clean_up_candidates(ids, |id| r.get(id), now, days.get())))
        });
        CleanUp { is_open: RwSignal::new(false), days, kept: RwSignal::new(HashSet::new()), candidates, flow }
    }

    /// Opens the preview with every candidate ticked.
    pub fn open(&self) {
        self.kept.set(HashSet::new());
        self.is_open.set(true);
    }

    pub fn set_days(&self, days: u32) {
        self.days.set(days);
    }

    pub fn cancel(&self) {
        self.is_open.set(false);
    }

    /// The preview was the confirmation: sign out the ticked sessions.
    pub fn confirm(&self, ids: Vec<String>) {
        if ids.is_empty() {
            return;
        }
        self.is_open.set(false);
        self.flow.start_confirmed(ids);
    }
}
