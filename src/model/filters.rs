//! Filters of the Other sessions list, inactivity, and the security
//! recommendations — counted over exactly what the filtered list shows, so
//! "View all (N)" always lands on N sessions.

use crate::model::sessions::SessionRow;
use crate::model::trust::Trust;

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Element's rule: 90 days (7 776 000 000 ms).
pub const DEFAULT_INACTIVE_DAYS: u32 = 90;

/// Inactive: seen, and last seen strictly before `now − threshold`. A
/// session without a timestamp is never inactive.
pub fn is_inactive(last_seen_ts: Option<i64>, now_ms: i64, inactive_days: u32) -> bool {
    last_seen_ts.is_some_and(|ts| ts < now_ms.saturating_sub(i64::from(inactive_days) * DAY_MS))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SessionFilter {
    #[default]
    All,
    Verified,
    Unverified,
    Inactive,
    NoEncryption,
    /// Signed in since the user last reviewed (`model::seen`).
    New,
}

impl SessionFilter {
    pub const ALL: [SessionFilter; 6] = [
        SessionFilter::All,
        SessionFilter::Verified,
        SessionFilter::Unverified,
        SessionFilter::Inactive,
        SessionFilter::NoEncryption,
        SessionFilter::New,
    ];

    /// The value kept in the page's URL (`?filter=unverified`).
    pub fn as_query(self) -> Option<&'static str> {
        match self {
            SessionFilter::All => None,
            SessionFilter::Verified => Some("verified"),
            SessionFilter::Unverified => Some("unverified"),
            SessionFilter::Inactive => Some("inactive"),
            SessionFilter::NoEncryption => Some("no-encryption"),
            SessionFilter::New => Some("new"),
        }
    }

    pub fn from_query(value: &str) -> Option<SessionFilter> {
        SessionFilter::ALL.into_iter().find(|f| f.as_query() == Some(value))
    }

    pub fn matches(self, row: &SessionRow) -> bool {
        match self {
            SessionFilter::All => true,
            SessionFilter::Verified => row.trust == Trust::Verified,
            SessionFilter::Unverified => row.trust == Trust::Unverified,
            SessionFilter::Inactive => row.is_inactive,
            SessionFilter::NoEncryption => row.trust == Trust::NoEncryption,
            SessionFilter::New => row.is_new,
        }
    }
}

/// The ids of `ordered` (other sessions, in page order) that `filter` shows.
pub fn filtered_ids<'a>(
    ordered: &[String],
    row_of: impl Fn(&str) -> Option<&'a SessionRow>,
    filter: SessionFilter,
) -> Vec<String> {
    ordered.iter().filter(|id| row_of(id).is_some_and(|row| filter.matches(row))).cloned().collect()
}

/// The sessions "Sign out sessions inactive for more than `days` days"
/// would sign out: other sessions (never the current one) last seen before
/// the threshold, in page order.
pub fn clean_up_candidates<'a>(
    ordered: &[String],
    row_of: impl Fn(&str) -> Option<&'a SessionRow>,
    now_ms: i64,
    days: u32,
) -> Vec<String> {
    ordered
        .iter()
        .filter(|id| {
            row_of(id).is_some_and(|row| !row.is_current && is_inactive(row.device.last_seen_ts, now_ms, days))
        })
        .cloned()
        .collect()
}

/// The choices of the clean-up, with the configured threshold among them.
pub fn clean_up_choices(configured_days: u32) -> Vec<u32> {
    let mut days = vec![30, 90, 180, 365];
    if !days.contains(&configured_days) {
        days.push(configured_days);
        days.sort_unstable();
    }
    days
}

/// What the Security recommendations section shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recommendations {
    pub unverified: usize,
    pub inactive: usize,
}

impl Recommendations {
    /// Counted over the other sessions only, with the list's own filters.
    pub fn count<'a>(other_sessions: impl IntoIterator<Item = &'a SessionRow>) -> Self {
        let mut counts = Recommendations::default();
        for row in other_sessions {
            counts.unverified += usize::from(SessionFilter::Unverified.matches(row));
            counts.inactive += usize::from(SessionFilter::Inactive.matches(row));
        }
        counts
    }

    pub fn is_empty(&self) -> bool {
        self.unverified == 0 && self.inactive == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Device;

    const NOW: i64 = 1_000 * DAY_MS;

    fn row(id: &str, trust: Trust, last_seen: Option<i64>) -> SessionRow {
        SessionRow {
            device: Device { device_id: id.into(), last_seen_ts: last_seen, ..Default::default() },
            trust,
            is_inactive: is_inactive(last_seen, NOW, DEFAULT_INACTIVE_DAYS),
            ..Default::default()
        }
    }

    #[test]
    fn exactly_ninety_days_is_not_inactive() {
        assert!(!is_inactive(Some(NOW - 90 * DAY_MS), NOW, 90));
        assert!(is_inactive(Some(NOW - 90 * DAY_MS - 1), NOW, 90));
        assert_eq!(90 * DAY_MS, 7_776_000_000);
    }

    #[test]
    fn a_session_without_timestamp_is_never_inactive() {
        assert!(!is_inactive(None, NOW, 90));
        assert!(!is_inactive(None, i64::MAX, 0));
    }

    #[test]
    fn the_threshold_is_configurable() {
        assert!(is_inactive(Some(NOW - 31 * DAY_MS), NOW, 30));
        assert!(!is_inactive(Some(NOW - 29 * DAY_MS), NOW, 30));
    }

    #[test]
    fn filters_select_by_trust_and_inactivity() {
        let rows = [
            row("V", Trust::Verified, Some(NOW)),
            row("U", Trust::Unverified, Some(NOW - 100 * DAY_MS)),
            row("N", Trust::NoEncryption, None),
            row("K", Trust::Unknown, Some(NOW)),
        ];
        let ids: Vec<String> = rows.iter().map(|r| r.device.device_id.clone()).collect();
        let find = |id: &str| rows.iter().find(|r| r.device.device_id == id);
        assert_eq!(filtered_ids(&ids, find, SessionFilter::All), ids);
        assert_eq!(filtered_ids(&ids, find, SessionFilter::Verified), ["V"]);
        // No encryption and "cross-signing not set up" are not warnings.
        assert_eq!(filtered_ids(&ids, find, SessionFilter::Unverified), ["U"]);
        assert_eq!(filtered_ids(&ids, find, SessionFilter::Inactive), ["U"]);
        assert_eq!(filtered_ids(&ids, find, SessionFilter::NoEncryption), ["N"]);
    }

    #[test]
    fn recommendation_counts_equal_the_filtered_lists() {
        let rows = vec![
            row("A", Trust::Unverified, Some(NOW)),
            row("B", Trust::Unverified, Some(NOW - 200 * DAY_MS)),
            row("C", Trust::NoEncryption, Some(NOW - 200 * DAY_MS)),
            row("D", Trust::Verified, None),
        ];
        let counts = Recommendations::count(&rows);
        let ids: Vec<String> = rows.iter().map(|r| r.device.device_id.clone()).collect();
        let find = |id: &str| rows.iter().find(|r| r.device.device_id == id);
        assert_eq!(counts.unverified, filtered_ids(&ids, find, SessionFilter::Unverified).len());
        assert_eq!(counts.inactive, filtered_ids(&ids, find, SessionFilter::Inactive).len());
        assert_eq!(counts, Recommendations { unverified: 2, inactive: 2 });
        assert!(Recommendations::count(&[]).is_empty());
    }

    #[test]
    fn clean_up_takes_exactly_the_sessions_older_than_the_threshold() {
        let mut own = row("OWN", Trust::Verified, Some(NOW - 400 * DAY_MS));
        own.is_current = true;
        let rows = [
            row("D100", Trust::Unverified, Some(NOW - 100 * DAY_MS)),
            row("D200", Trust::Unverified, Some(NOW - 200 * DAY_MS)),
            row("D400", Trust::NoEncryption, Some(NOW - 400 * DAY_MS)),
            row("NEVER", Trust::NoEncryption, None),
            own,
        ];
        let ids: Vec<String> = rows.iter().map(|r| r.device.device_id.clone()).collect();
        let find = |id: &str| rows.iter().find(|r| r.device.device_id == id);
        assert_eq!(clean_up_candidates(&ids, find, NOW, 180), ["D200", "D400"]);
        assert_eq!(clean_up_candidates(&ids, find, NOW, 30), ["D100", "D200", "D400"]);
        assert!(clean_up_candidates(&ids, find, NOW, 365).len() == 1);
        assert_eq!(clean_up_choices(90), [30, 90, 180, 365]);
        assert_eq!(clean_up_choices(60), [30, 60, 90, 180, 365]);
    }

    #[test]
    fn the_new_filter_shows_the_new_sessions() {
        let mut fresh = row("F", Trust::Verified, Some(NOW));
        fresh.is_new = true;
        let rows = [fresh, row("O", Trust::Verified, Some(NOW))];
        let ids: Vec<String> = rows.iter().map(|r| r.device.device_id.clone()).collect();
        let find = |id: &str| rows.iter().find(|r| r.device.device_id == id);
        assert_eq!(filtered_ids(&ids, find, SessionFilter::New), ["F"]);
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        for f in SessionFilter::ALL {
            match f.as_query() {
                Some(q) => assert_eq!(SessionFilter::from_query(q), Some(f)),
                None => assert_eq!(f, SessionFilter::All),
            }
        }
        assert_eq!(SessionFilter::from_query("bogus"), None);
    }
}
