//! "Last activity" labels, following Element's rules: today → time; within
//! the last 6 days → weekday and time; this year → "Mar 6"; older →
//! "Dec 29, 2021". The caller supplies both instants already broken down
//! into the browser's local calendar, so this stays free of time zones.

/// An instant in the viewer's local calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    /// 1 = January.
    pub month: u8,
    pub day: u8,
    /// 0 = Sunday, as JavaScript's `Date.getDay()`.
    pub weekday: u8,
    pub hour: u8,
    pub minute: u8,
}

impl LocalTime {
    fn same_day(&self, other: &LocalTime) -> bool {
        (self.year, self.month, self.day) == (other.year, other.month, other.day)
    }
}

const SIX_DAYS_MS: i64 = 6 * 24 * 60 * 60 * 1000;

/// Which shape of label a timestamp gets on a session tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityLabel {
    /// Same local day: "15:14".
    Today(LocalTime),
    /// Within the last six days: "Fri 15:14".
    ThisWeek(LocalTime),
    /// Earlier this year: "Mar 6".
    ThisYear(LocalTime),
    /// Another year: "Dec 29, 2021".
    Older(LocalTime),
}

/// Picks the label shape for `at` (taken at `at_ms`) seen from `now`.
pub fn activity_label(at_ms: i64, at: LocalTime, now_ms: i64, now: LocalTime) -> ActivityLabel {
    if at_ms.saturating_add(SIX_DAYS_MS) >= now_ms {
        if at.same_day(&now) { ActivityLabel::Today(at) } else { ActivityLabel::ThisWeek(at) }
    } else if at.year == now.year {
        ActivityLabel::ThisYear(at)
    } else {
        ActivityLabel::Older(at)
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn weekday(t: &LocalTime) -> &'static str {
    WEEKDAYS.get(usize::from(t.weekday)).copied().unwrap_or("")
}

fn month(t: &LocalTime) -> &'static str {
    MONTHS.get(usize::from(t.month.saturating_sub(1))).copied().unwrap_or("")
}

fn clock(t: &LocalTime) -> String {
    format!("{:02}:{:02}", t.hour, t.minute)
}

impl ActivityLabel {
    /// English text in Element's format (24-hour clock).
    pub fn to_english(&self) -> String {
        match self {
            ActivityLabel::Today(t) => clock(t),
            ActivityLabel::ThisWeek(t) => format!("{} {}", weekday(t), clock(t)),
            ActivityLabel::ThisYear(t) => format!("{} {}", month(t), t.day),
            ActivityLabel::Older(t) => format!("{} {}, {}", month(t), t.day, t.year),
        }
    }
}

/// The full date used in session details: "Fri, Mar 6, 2026, 15:14".
pub fn full_date_english(t: &LocalTime) -> String {
    format!("{}, {} {}, {}, {}", weekday(t), month(t), t.day, t.year, clock(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    fn lt(year: i32, month: u8, day: u8, weekday: u8, hour: u8, minute: u8) -> LocalTime {
        LocalTime { year, month, day, weekday, hour, minute }
    }

    // "now" is Friday 2026-03-20 16:00 local; the ms values only need to be
    // consistent with each other.
    const NOW_MS: i64 = 1_000 * DAY;
    fn now() -> LocalTime {
        lt(2026, 3, 20, 5, 16, 0)
    }

    #[test]
    fn same_day_shows_only_the_time() {
        let at = lt(2026, 3, 20, 5, 9, 5);
        let label = activity_label(NOW_MS - 7 * 60 * 60 * 1000, at, NOW_MS, now());
        assert_eq!(label.to_english(), "09:05");
    }

    #[test]
    fn within_six_days_shows_weekday_and_time() {
        let at = lt(2026, 3, 16, 1, 15, 14);
        let label = activity_label(NOW_MS - 4 * DAY, at, NOW_MS, now());
        assert_eq!(label.to_english(), "Mon 15:14");
    }

    #[test]
    fn exactly_six_days_is_still_recent() {
        let at = lt(2026, 3, 14, 6, 16, 0);
        let label = activity_label(NOW_MS - 6 * DAY, at, NOW_MS, now());
        assert_eq!(label.to_english(), "Sat 16:00");
    }

    #[test]
    fn older_this_year_shows_month_and_day() {
        let at = lt(2026, 3, 6, 5, 10, 0);
        let label = activity_label(NOW_MS - 14 * DAY, at, NOW_MS, now());
        assert_eq!(label.to_english(), "Mar 6");
    }

    #[test]
    fn another_year_shows_the_year() {
        let at = lt(2021, 12, 29, 3, 10, 0);
        let label = activity_label(NOW_MS - 1500 * DAY, at, NOW_MS, now());
        assert_eq!(label.to_english(), "Dec 29, 2021");
    }

    #[test]
    fn yesterday_late_evening_is_a_weekday_not_today() {
        let at = lt(2026, 3, 19, 4, 23, 59);
        let label = activity_label(NOW_MS - 16 * 60 * 60 * 1000, at, NOW_MS, now());
        assert_eq!(label.to_english(), "Thu 23:59");
    }

    #[test]
    fn full_date_has_weekday_date_year_and_time() {
        assert_eq!(full_date_english(&lt(2021, 12, 29, 3, 7, 30)), "Wed, Dec 29, 2021, 07:30");
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let _ = activity_label(i64::MAX, now(), NOW_MS, now());
        let _ = activity_label(i64::MIN, now(), i64::MAX, now());
    }

    #[test]
    fn out_of_range_fields_do_not_panic() {
        let odd = lt(2026, 0, 40, 9, 25, 61);
        let _ = ActivityLabel::Older(odd).to_english();
        let _ = full_date_english(&odd);
    }
}
