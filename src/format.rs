//! Text for timestamps, in the browser's local time.

use crate::browser;
use crate::model::time::{activity_label, full_date_english};

/// "15:14", "Fri 15:14", "Mar 6" or "Dec 29, 2021".
pub fn last_activity(ts_ms: i64) -> String {
    let now = browser::now_ms() as i64;
    activity_label(ts_ms, browser::local_time(ts_ms), now, browser::local_time(now)).to_english()
}

/// "Fri, Mar 6, 2026, 15:14".
pub fn full_date(ts_ms: i64) -> String {
    full_date_english(&browser::local_time(ts_ms))
}
