//! Keeping the loaded session list current without reloading everything:
//! the page's own changes are applied in place, and when the server reports
//! that the device list changed, it decides how much to fetch again.

use crate::api::types::{Device, Pusher};
use crate::model::devices::sort_sessions;

/// How many device-list changes this page caused itself (a rename, a
/// sign-out) and already shows. The server reports each one through
/// `/sync`; those reports need only a check of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnChanges(u32);

/// At most this many own changes are remembered: if the server reports
/// fewer, a later foreign change is still caught by the list check.
const MAX_PENDING_OWN_CHANGES: u32 = 8;

/// What to fetch after the server reported a device-list change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListCheck {
    /// Probably our own change: fetch the list alone and compare.
    ListOnly,
    /// Someone else's: sessions, keys and pushers.
    Everything,
}

impl OwnChanges {
    pub fn expect(&mut self) {
        self.0 = (self.0 + 1).min(MAX_PENDING_OWN_CHANGES);
    }

    pub fn on_server_change(&mut self) -> ListCheck {
        if self.0 == 0 {
            return ListCheck::Everything;
        }
        self.0 -= 1;
        ListCheck::ListOnly
    }
}

/// True when both lists hold the same sessions (ids), whatever their order
/// and details: then only names or activity changed, and keys and pushers
/// need no reload.
pub fn same_sessions(known: &[Device], fresh: &[Device]) -> bool {
    let mut a: Vec<&str> = known.iter().map(|d| d.device_id.as_str()).collect();
    let mut b: Vec<&str> = fresh.iter().map(|d| d.device_id.as_str()).collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// A fresh list from the server, in the page's order.
pub fn sorted(mut list: Vec<Device>) -> Vec<Device> {
    sort_sessions(&mut list);
    list
}

/// After a successful rename.
pub fn rename(list: &mut [Device], device_id: &str, name: &str) {
    if let Some(d) = list.iter_mut().find(|d| d.device_id == device_id) {
        d.display_name = Some(name.to_string());
    }
}

/// After a successful sign-out: the sessions and their pushers go.
pub fn remove_sessions(list: &mut Vec<Device>, ids: &[String]) {
    list.retain(|d| !ids.contains(&d.device_id));
}

pub fn remove_pushers_of(pushers: &mut Vec<Pusher>, ids: &[String]) {
    pushers.retain(|p| !p.device_id().is_some_and(|id| ids.iter().any(|x| x == id)));
}

/// After a pusher was switched.
pub fn set_pusher_enabled(pushers: &mut [Pusher], pushkey: &str, enabled: bool) {
    for p in pushers.iter_mut().filter(|p| p.pushkey() == pushkey) {
        p.0.insert("org.matrix.msc3881.enabled".into(), enabled.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, ts: Option<i64>) -> Device {
        Device { device_id: id.into(), last_seen_ts: ts, ..Default::default() }
    }

    #[test]
    fn own_changes_are_checked_cheaply_then_foreign_ones_in_full() {
        let mut own = OwnChanges::default();
        assert_eq!(own.on_server_change(), ListCheck::Everything);
        own.expect();
        own.expect();
        assert_eq!(own.on_server_change(), ListCheck::ListOnly);
        assert_eq!(own.on_server_change(), ListCheck::ListOnly);
        assert_eq!(own.on_server_change(), ListCheck::Everything);
    }

    #[test]
    fn own_changes_are_capped() {
        let mut own = OwnChanges::default();
        for _ in 0..20 {
            own.expect();
        }
        let cheap = (0..20).filter(|_| own.on_server_change() == ListCheck::ListOnly).count();
        assert_eq!(cheap, 8);
    }

    #[test]
    fn the_same_sessions_in_another_order_are_the_same() {
        assert!(same_sessions(&[device("A", None), device("B", Some(1))], &[device("B", Some(2)), device("A", None)]));
        assert!(!same_sessions(&[device("A", None)], &[device("A", None), device("C", None)]));
        assert!(!same_sessions(&[device("A", None)], &[device("B", None)]));
    }

    #[test]
    fn in_place_changes() {
        let mut list = sorted(vec![device("OLD", Some(1)), device("NEW", Some(5))]);
        assert_eq!(list[0].device_id, "NEW");
        rename(&mut list, "OLD", "Laptop");
        assert_eq!(list[1].display_name.as_deref(), Some("Laptop"));
        remove_sessions(&mut list, &["NEW".to_string()]);
        assert_eq!(list.len(), 1);
        let pusher = |device: &str, key: &str| {
            Pusher(serde_json::from_value(serde_json::json!({"pushkey": key, "device_id": device})).unwrap())
        };
        let mut pushers = vec![pusher("OLD", "k1"), pusher("NEW", "k2")];
        remove_pushers_of(&mut pushers, &["NEW".to_string()]);
        assert_eq!(pushers.len(), 1);
        set_pusher_enabled(&mut pushers, "k1", false);
        assert_eq!(pushers[0].enabled(), Some(false));
    }
}
