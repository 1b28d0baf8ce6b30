//! The tokens of a login and when to refresh them.

/// The tokens of a login. `expires_at_ms` is `None` for tokens that do not
/// expire.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at_ms: Option<u64>,
    pub lifetime_ms: Option<u64>,
}

/// Tokens stay out of logs and panic messages.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .field("expires_at_ms", &self.expires_at_ms)
            .field("lifetime_ms", &self.lifetime_ms)
            .finish()
    }
}

impl Tokens {
    /// Whether to refresh before the next request: when the token is within
    /// a fifth of its lifetime (at most a minute) of expiring.
    pub fn refresh_due(&self, now_ms: u64) -> bool {
        let (Some(_), Some(expires)) = (&self.refresh_token, self.expires_at_ms) else {
            return false;
        };
        let margin = self.lifetime_ms.map_or(30_000, |l| (l / 5).min(60_000));
        now_ms.saturating_add(margin) >= expires
    }

    /// Tokens from a login or refresh answer received at `now_ms`.
    pub fn issued(
        access_token: String,
        refresh_token: Option<String>,
        expires_in_ms: Option<u64>,
        now_ms: u64,
    ) -> Self {
        Tokens {
            access_token,
            expires_at_ms: expires_in_ms.map(|ms| now_ms.saturating_add(ms)),
            lifetime_ms: expires_in_ms,
            refresh_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(expires_at: Option<u64>, lifetime: Option<u64>, refresh: bool) -> Tokens {
        Tokens {
            access_token: "a".into(),
            refresh_token: refresh.then(|| "r".into()),
            expires_at_ms: expires_at,
            lifetime_ms: lifetime,
        }
    }

    #[test]
    fn refresh_is_due_a_fifth_of_the_lifetime_before_expiry() {
        let t = tokens(Some(300_000), Some(300_000), true);
        assert!(!t.refresh_due(200_000));
        assert!(t.refresh_due(240_000));
        // Short-lived tokens (tests use seconds) still get a margin.
        let short = tokens(Some(3_000), Some(3_000), true);
        assert!(!short.refresh_due(2_000));
        assert!(short.refresh_due(2_400));
    }

    #[test]
    fn margin_is_capped_at_a_minute() {
        let long = tokens(Some(3_600_000), Some(3_600_000), true);
        assert!(!long.refresh_due(3_539_000));
        assert!(long.refresh_due(3_540_000));
    }

    #[test]
    fn tokens_without_expiry_or_refresh_token_are_never_refreshed_early() {
        assert!(!tokens(None, None, true).refresh_due(u64::MAX));
        assert!(!tokens(Some(1), Some(1), false).refresh_due(u64::MAX));
    }

    #[test]
    fn debug_output_hides_the_tokens() {
        let text = format!("{:?}", tokens(Some(1), Some(1), true));
        assert_eq!(
            text,
            r#"Tokens { access_token: "[redacted]", refresh_token: Some("[redacted]"), expires_at_ms: Some(1), lifetime_ms: Some(1) }"#
        );
    }

    #[test]
    fn issued_tokens_compute_their_expiry() {
        let t = Tokens::issued("a".into(), Some("r".into()), Some(5_000), 1_000);
        assert_eq!(t.expires_at_ms, Some(6_000));
        assert_eq!(t.lifetime_ms, Some(5_000));
    }
}
