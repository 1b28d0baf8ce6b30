//! A session as the page shows it: the device plus everything known about it
//! from other sources (client information, push toggle), and the
//! multi-selection rules of the Other sessions list.

use std::collections::{HashMap, HashSet};

use crate::api::types::{Device, Pusher};
use crate::model::account_data::{ClientInfo, SessionAccountData};
use crate::model::filters::is_inactive;
use crate::model::push::{PushToggle, push_toggle};
use crate::model::trust::Trust;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionRow {
    pub device: Device,
    pub is_current: bool,
    pub client_info: Option<ClientInfo>,
    pub push: Option<PushToggle>,
    pub trust: Trust,
    pub is_inactive: bool,
    /// Signed in since the user last reviewed (`model::seen`).
    pub is_new: bool,
}

/// Everything besides the device list that goes into the rows.
pub struct RowSources<'a> {
    pub own_device_id: &'a str,
    pub account_data: &'a SessionAccountData,
    pub pushers: &'a [Pusher],
    pub server_supports_msc3881: bool,
    /// Trust per session that published keys; `None` when the keys could
    /// not be loaded (every session is then `Unknown`).
    pub trust: Option<&'a HashMap<String, Trust>>,
    pub now_ms: i64,
    pub inactive_days: u32,
    /// The sessions marked New.
    pub new_ids: Option<&'a HashSet<String>>,
}

impl SessionRow {
    pub fn id(&self) -> &str {
        &self.device.device_id
    }

    pub fn name(&self) -> &str {
        crate::model::devices::display_name(&self.device)
    }
}

/// Everything the page loaded, combined into one row per session.
pub fn build_rows(devices: &[Device], src: &RowSources) -> HashMap<String, SessionRow> {
    devices
        .iter()
        .map(|device| {
            let id = device.device_id.as_str();
            let silenced = src.account_data.local_notifications.get(id).map(|l| l.is_silenced);
            let trust = match src.trust {
                Some(map) => map.get(id).copied().unwrap_or(Trust::NoEncryption),
                None => Trust::Unknown,
            };
            let row = SessionRow {
                device: device.clone(),
                is_current: id == src.own_device_id,
                client_info: src.account_data.client_info.get(id).cloned(),
                push: push_toggle(id, src.pushers, silenced, src.server_supports_msc3881),
                trust,
                is_inactive: is_inactive(device.last_seen_ts, src.now_ms, src.inactive_days),
                is_new: src.new_ids.is_some_and(|n| n.contains(id)),
            };
            (id.to_string(), row)
        })
        .collect()
}

/// The state of the "select all" checkbox for the sessions on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectAllState {
    None,
    Some,
    All,
}

/// The "select all" checkbox for the sessions shown.
pub fn select_all_state(visible: &[String], selected: &HashSet<String>) -> SelectAllState {
    let count = visible.iter().filter(|id| selected.contains(*id)).count();
    match count {
        0 => SelectAllState::None,
        n if n == visible.len() => SelectAllState::All,
        _ => SelectAllState::Some,
    }
}

/// "Select all" selects exactly the sessions shown; when all are, it
/// clears the selection.
pub fn toggle_select_all(visible: &[String], selected: &HashSet<String>) -> HashSet<String> {
    match select_all_state(visible, selected) {
        SelectAllState::All => HashSet::new(),
        _ => visible.iter().cloned().collect(),
    }
}

/// The selected sessions among those shown, in the list's order: sessions
/// that disappeared (signed out anywhere, filtered away) are not selected.
pub fn selected_in(visible: &[String], selected: &HashSet<String>) -> Vec<String> {
    visible.iter().filter(|id| selected.contains(*id)).cloned().collect()
}

/// Adds `id` to the set, or removes it.
pub fn toggle(set: &mut HashSet<String>, id: &str) {
    if !set.remove(id) {
        set.insert(id.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn set(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn select_all_reflects_the_visible_sessions_only() {
        let visible = ids(&["A", "B"]);
        assert_eq!(select_all_state(&visible, &set(&[])), SelectAllState::None);
        assert_eq!(select_all_state(&visible, &set(&["A"])), SelectAllState::Some);
        assert_eq!(select_all_state(&visible, &set(&["B", "A", "Z"])), SelectAllState::All);
        assert_eq!(select_all_state(&[], &set(&[])), SelectAllState::None);
    }

    #[test]
    fn select_all_selects_exactly_the_visible_sessions() {
        let visible = ids(&["A", "B"]);
        assert_eq!(toggle_select_all(&visible, &set(&[])), set(&["A", "B"]));
        assert_eq!(toggle_select_all(&visible, &set(&["A", "HIDDEN"])), set(&["A", "B"]));
        assert_eq!(toggle_select_all(&visible, &set(&["A", "B"])), set(&[]));
    }

    #[test]
    fn the_selection_is_what_is_shown_and_selected_in_list_order() {
        assert_eq!(selected_in(&ids(&["B", "A", "C"]), &set(&["A", "GONE", "B"])), ids(&["B", "A"]));
        let mut s = set(&["A"]);
        toggle(&mut s, "A");
        toggle(&mut s, "B");
        assert_eq!(s, set(&["B"]));
    }

    #[test]
    fn rows_combine_client_info_and_push_state() {
        let device =
            |id: &str| Device { device_id: id.into(), display_name: None, last_seen_ip: None, last_seen_ts: None };
        let mut data = SessionAccountData::default();
        data.apply(&crate::api::types::AccountDataEvent {
            kind: "io.element.matrix_client_information.A".into(),
            content: serde_json::json!({"name":"Element"}),
        });
        data.apply(&crate::api::types::AccountDataEvent {
            kind: "org.matrix.msc3890.local_notification_settings.B".into(),
            content: serde_json::json!({"is_silenced":true}),
        });
        let trust = HashMap::from([("A".to_string(), Trust::Verified)]);
        let rows = build_rows(
            &[device("A"), device("B")],
            &RowSources {
                own_device_id: "B",
                account_data: &data,
                pushers: &[],
                server_supports_msc3881: true,
                trust: Some(&trust),
                now_ms: 0,
                inactive_days: 90,
                new_ids: Some(&HashSet::from(["A".to_string()])),
            },
        );
        assert_eq!(rows["A"].trust, Trust::Verified);
        assert_eq!(rows["B"].trust, Trust::NoEncryption);
        assert_eq!(rows["A"].client_info.as_ref().unwrap().name.as_deref(), Some("Element"));
        assert!(rows["A"].push.is_none());
        assert!(!rows["A"].is_current);
        assert!(rows["A"].is_new && !rows["B"].is_new);
        assert!(rows["B"].is_current);
        assert!(!rows["B"].push.as_ref().unwrap().is_on);
    }
}
