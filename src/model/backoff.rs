//! How long to wait before trying again: after a failed load, and after a
//! failed live update. Pure, so the timing is tested without a clock.

/// The longest pause between automatic attempts.
pub const MAX_PAUSE_S: u32 = 30;

/// Seconds before the next automatic load after `failures` failures in a
/// row (1, 2, 3…): what the server asked for (429 `retry_after_ms`, at
/// least 1 s, at most an hour), else 2, 4, 8… up to 30 seconds.
pub fn retry_delay_s(failures: u32, server_wait_ms: Option<u64>) -> u32 {
    match server_wait_ms {
        Some(ms) => ms.div_ceil(1000).clamp(1, 3600) as u32,
        None => 2u32.saturating_pow(failures.max(1)).min(MAX_PAUSE_S),
    }
}

/// Seconds before the next live update after `failures` failed ones in a row.
pub fn live_retry_delay_s(failures: u32) -> u32 {
    retry_delay_s(failures, None)
}

/// The seconds a countdown shows, from `seconds` down to 1.
pub fn countdown(seconds: u32) -> impl Iterator<Item = u32> {
    (1..=seconds).rev()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_thirty_seconds() {
        let pauses: Vec<u32> = (1..=6).map(|n| retry_delay_s(n, None)).collect();
        assert_eq!(pauses, vec![2, 4, 8, 16, 30, 30]);
        assert_eq!(retry_delay_s(u32::MAX, None), 30);
        assert_eq!(retry_delay_s(0, None), 2);
    }

    #[test]
    fn the_servers_wait_wins_within_bounds() {
        assert_eq!(retry_delay_s(1, Some(2_000)), 2);
        assert_eq!(retry_delay_s(5, Some(1_500)), 2);
        assert_eq!(retry_delay_s(1, Some(0)), 1);
        assert_eq!(retry_delay_s(1, Some(10_000_000)), 3600);
    }

    #[test]
    fn live_updates_use_the_same_growth() {
        assert_eq!(live_retry_delay_s(1), 2);
        assert_eq!(live_retry_delay_s(3), 8);
    }

    #[test]
    fn a_countdown_ends_at_one() {
        assert_eq!(countdown(3).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(countdown(0).count(), 0);
    }
}
