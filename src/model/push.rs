//! Whether a session gets a "Push notifications" toggle, what it shows and
//! what a click writes — Element's decision table, without its bug of
//! writing a pusher field the server ignores (element-sessions.md §2.11, §7.2).

use crate::api::types::Pusher;

/// Where a toggle writes.
#[derive(Clone, Debug, PartialEq)]
pub enum PushTarget {
    /// `POST /pushers/set` with `org.matrix.msc3881.enabled`.
    Pusher(Pusher),
    /// The session's local-notification-settings account data (MSC3890).
    LocalSettings,
}

/// The toggle of one session.
#[derive(Clone, Debug, PartialEq)]
pub struct PushToggle {
    pub is_on: bool,
    /// Shown but unusable: the server can't switch this pusher (no MSC3881).
    pub unsupported: bool,
    pub target: PushTarget,
}

/// Decides the toggle for `device_id`:
/// - a pusher created by that session, on a server with MSC3881: flips it
///   (a pusher without the `enabled` field counts as on);
/// - otherwise the session's local-notification settings, if it published
///   them (`is_silenced` → off);
/// - a pusher on a server without MSC3881 and no local settings: shown,
///   disabled, with the reason;
/// - neither: no toggle.
pub fn push_toggle(
    device_id: &str,
    pushers: &[Pusher],
    local_is_silenced: Option<bool>,
    server_supports_msc3881: bool,
) -> Option<PushToggle> {
    let pusher = pushers.iter().find(|p| p.device_id() == Some(device_id));
    match (pusher, local_is_silenced) {
        (Some(p), _) if server_supports_msc3881 => Some(PushToggle {
            is_on: p.enabled().unwrap_or(true),
            unsupported: false,
            target: PushTarget::Pusher(p.clone()),
        }),
        (_, Some(silenced)) => {
            Some(PushToggle { is_on: !silenced, unsupported: false, target: PushTarget::LocalSettings })
        }
        (Some(p), None) => Some(PushToggle {
            is_on: p.enabled().unwrap_or(true),
            unsupported: true,
            target: PushTarget::Pusher(p.clone()),
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pusher(device: &str, enabled: Option<bool>) -> Pusher {
        let mut map = serde_json::Map::new();
        map.insert("pushkey".into(), "K".into());
        map.insert("org.matrix.msc3881.device_id".into(), device.into());
        if let Some(e) = enabled {
            map.insert("org.matrix.msc3881.enabled".into(), e.into());
        }
        Pusher(map)
    }

    #[test]
    fn matched_pusher_wins_on_a_server_with_msc3881() {
        let pushers = [pusher("OTHER", Some(true)), pusher("PHONE", Some(false))];
        let t = push_toggle("PHONE", &pushers, Some(false), true).unwrap();
        assert!(!t.is_on);
        assert!(!t.unsupported);
        assert_eq!(t.target, PushTarget::Pusher(pushers[1].clone()));
    }

    #[test]
    fn pusher_without_enabled_field_counts_as_on() {
        let t = push_toggle("PHONE", &[pusher("PHONE", None)], None, true).unwrap();
        assert!(t.is_on);
    }

    #[test]
    fn local_settings_without_pusher_are_used() {
        let t = push_toggle("WEB", &[], Some(true), true).unwrap();
        assert!(!t.is_on);
        assert_eq!(t.target, PushTarget::LocalSettings);
        assert!(push_toggle("WEB", &[], Some(false), false).unwrap().is_on);
    }

    #[test]
    fn without_msc3881_local_settings_beat_the_pusher() {
        // Element would write the pusher field the server ignores.
        let t = push_toggle("PHONE", &[pusher("PHONE", Some(true))], Some(true), false).unwrap();
        assert_eq!(t.target, PushTarget::LocalSettings);
        assert!(!t.unsupported);
    }

    #[test]
    fn pusher_alone_without_msc3881_is_disabled_with_a_reason() {
        let t = push_toggle("PHONE", &[pusher("PHONE", None)], None, false).unwrap();
        assert!(t.is_on);
        assert!(t.unsupported);
    }

    #[test]
    fn no_pusher_and_no_settings_means_no_toggle() {
        assert_eq!(push_toggle("X", &[pusher("PHONE", Some(true))], None, true), None);
    }
}
