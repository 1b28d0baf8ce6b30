//! Ordering of sessions as the page lists them.

use std::cmp::Ordering;

use crate::api::types::Device;

/// The name a session is shown under: its display name, or its id when the
/// display name is missing or blank.
pub fn display_name(device: &Device) -> &str {
    match device.display_name.as_deref() {
        Some(name) if !name.trim().is_empty() => name,
        _ => &device.device_id,
    }
}

/// Most recently active first; sessions that were never seen go last; ties
/// are broken by name (case-insensitive), then id, so the order is stable.
pub fn compare_sessions(a: &Device, b: &Device) -> Ordering {
    let by_time = match (a.last_seen_ts, b.last_seen_ts) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_time
        .then_with(|| display_name(a).to_lowercase().cmp(&display_name(b).to_lowercase()))
        .then_with(|| a.device_id.cmp(&b.device_id))
}

/// Sorts sessions in place into the page's order.
pub fn sort_sessions(devices: &mut [Device]) {
    devices.sort_by(compare_sessions);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, name: Option<&str>, ts: Option<i64>) -> Device {
        Device { device_id: id.into(), display_name: name.map(Into::into), last_seen_ip: None, last_seen_ts: ts }
    }

    fn ids(devices: &[Device]) -> Vec<&str> {
        devices.iter().map(|d| d.device_id.as_str()).collect()
    }

    #[test]
    fn most_recent_first() {
        let mut list = vec![device("A", None, Some(10)), device("B", None, Some(30)), device("C", None, Some(20))];
        sort_sessions(&mut list);
        assert_eq!(ids(&list), ["B", "C", "A"]);
    }

    #[test]
    fn sessions_without_timestamp_sort_last_by_name_then_id() {
        let mut list = vec![
            device("Z", Some("beta"), None),
            device("Y", None, Some(5)),
            device("X", Some("Alpha"), None),
            device("W", None, None),
        ];
        sort_sessions(&mut list);
        // "Alpha" < "beta" < "W" case-insensitively; "W" is its id.
        assert_eq!(ids(&list), ["Y", "X", "Z", "W"]);
    }

    #[test]
    fn equal_timestamps_break_ties_by_name_then_id() {
        let mut list = vec![
            device("B2", Some("same"), Some(7)),
            device("B1", Some("same"), Some(7)),
            device("A", Some("Other"), Some(7)),
        ];
        sort_sessions(&mut list);
        assert_eq!(ids(&list), ["A", "B1", "B2"]);
    }

    #[test]
    fn blank_display_name_falls_back_to_id() {
        assert_eq!(display_name(&device("DEV", Some("  "), None)), "DEV");
        assert_eq!(display_name(&device("DEV", None, None)), "DEV");
        assert_eq!(display_name(&device("DEV", Some("Phone"), None)), "Phone");
    }
}
