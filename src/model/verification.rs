//! What the page offers for verification, and how a verification with
//! another session stands — the view-state of the verification flows.

use crate::api::ApiError;
use crate::model::messages::{Text, api_error_text};
use crate::model::trust::{CrossSigning, IdentityCheck, Trust};

/// What a session's card offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyOffer {
    /// Nothing: no cross-signing, an identity the user has not accepted, or
    /// a session without keys.
    Nothing,
    /// The private keys are locked: "Unlock verification".
    Unlock,
    /// Unlocked, and this session is not verified yet.
    VerifyThisSession,
    /// Unlocked, this session verified: "Verify session" for another one.
    VerifyOther,
    /// Another session, but this one must be verified first.
    VerifyThisFirst,
    /// Already verified.
    Done,
}

/// The offer for a session, from the account's identity, whether the
/// page holds the private keys, and the sessions' verification.
pub fn offer(
    chain: Option<&CrossSigning>,
    identity: Option<&IdentityCheck>,
    unlocked: bool,
    own: Trust,
    session: Trust,
    is_current: bool,
) -> VerifyOffer {
    let usable = matches!(chain, Some(CrossSigning::Ready { .. }))
        && !matches!(identity, Some(IdentityCheck::Changed { .. }) | None);
    if !usable {
        return VerifyOffer::Nothing;
    }
    if is_current {
        return match (unlocked, own) {
            (_, Trust::Verified) => VerifyOffer::Done,
            (false, _) => VerifyOffer::Unlock,
            (true, _) => VerifyOffer::VerifyThisSession,
        };
    }
    match (session, unlocked, own) {
        (Trust::Verified, _, _) => VerifyOffer::Done,
        (Trust::Unverified, false, _) => VerifyOffer::Unlock,
        (Trust::Unverified, true, Trust::Verified) => VerifyOffer::VerifyOther,
        (Trust::Unverified, true, _) => VerifyOffer::VerifyThisFirst,
        _ => VerifyOffer::Nothing,
    }
}

/// How a verification with another session ended (other than success).
#[derive(Clone, Debug, PartialEq)]
pub enum SasEnd {
    /// The other session cancelled (with its code).
    CancelledByThem(String),
    CancelledByUs,
    /// The user said the emoji don't match.
    Mismatch,
    /// The other session did not answer in time (or sent the timeout).
    Timeout,
    /// It offered nothing this page speaks.
    UnknownMethod,
    /// Its key does not fit its commitment, or its MACs don't check out:
    /// possibly someone in between.
    Tampered,
    /// The other session sent a message out of order.
    Unexpected,
    /// Sending or signing failed (why, in words to translate).
    Failed(Text),
}

/// A step of verification that failed on this side.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    Request(ApiError),
    /// The browser's cryptography refused (its message).
    Crypto(String),
    /// The private keys are locked.
    Locked,
    /// The verification code could not be loaded (why).
    Unavailable(String),
}

impl Fault {
    /// What it says to the user.
    pub fn text(&self) -> Text {
        match self {
            Fault::Request(e) => api_error_text(e),
            Fault::Crypto(reason) => Text::new("verify.error.crypto").with("reason", reason),
            Fault::Locked => Text::new("verify.error.locked"),
            Fault::Unavailable(reason) => Text::new("verify.error.unavailable").with("reason", reason),
        }
    }
}

/// Where a verification with another session stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SasView {
    #[default]
    Closed,
    /// Waiting for the other session (to accept, or to send its key).
    Waiting {
        name: String,
    },
    /// The emoji and numbers to compare; `confirmed` once "They match".
    Compare {
        name: String,
        emoji: [usize; 7],
        decimals: [u16; 3],
        confirmed: bool,
    },
    /// Signed and done.
    Verified {
        name: String,
    },
    Ended {
        name: String,
        end: SasEnd,
    },
}

/// What the user decides during a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SasChoice {
    Match,
    Mismatch,
    Cancel,
}

/// A request from another session, waiting for Accept or Ignore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingRequest {
    pub device_id: String,
    pub name: String,
    pub transaction_id: String,
}

/// The cancellation code that explains an end to the other side.
pub fn cancel_code(end: &SasEnd) -> &'static str {
    use crate::model::sas::code;
    match end {
        SasEnd::Mismatch => code::MISMATCHED_SAS,
        SasEnd::Timeout => code::TIMEOUT,
        SasEnd::UnknownMethod => code::UNKNOWN_METHOD,
        SasEnd::Tampered => code::KEY_MISMATCH,
        SasEnd::Unexpected => code::UNEXPECTED,
        SasEnd::CancelledByUs | SasEnd::Failed(_) | SasEnd::CancelledByThem(_) => code::USER,
    }
}

/// An end the other side told us about, by its code.
pub fn end_from_code(code: &str) -> SasEnd {
    use crate::model::sas::code;
    match code {
        code::TIMEOUT => SasEnd::Timeout,
        code::UNKNOWN_METHOD => SasEnd::UnknownMethod,
        code::MISMATCHED_SAS => SasEnd::Mismatch,
        code::KEY_MISMATCH | code::MISMATCHED_COMMITMENT => SasEnd::Tampered,
        code::UNEXPECTED => SasEnd::Unexpected,
        other => SasEnd::CancelledByThem(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> CrossSigning {
        CrossSigning::Ready { master_key: "M".into(), self_signing_key: "S".into() }
    }

    #[test]
    fn the_current_session_offers_unlock_then_verify() {
        let (c, id) = (Some(ready()), Some(IdentityCheck::Same));
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), false, Trust::NoEncryption, Trust::NoEncryption, true),
            VerifyOffer::Unlock
        );
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), true, Trust::NoEncryption, Trust::NoEncryption, true),
            VerifyOffer::VerifyThisSession
        );
        assert_eq!(offer(c.as_ref(), id.as_ref(), true, Trust::Verified, Trust::Verified, true), VerifyOffer::Done);
    }

    #[test]
    fn other_sessions_need_this_one_verified_first() {
        let (c, id) = (Some(ready()), Some(IdentityCheck::Same));
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), true, Trust::NoEncryption, Trust::Unverified, false),
            VerifyOffer::VerifyThisFirst
        );
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), true, Trust::Verified, Trust::Unverified, false),
            VerifyOffer::VerifyOther
        );
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), false, Trust::Verified, Trust::Unverified, false),
            VerifyOffer::Unlock
        );
        assert_eq!(
            offer(c.as_ref(), id.as_ref(), true, Trust::Verified, Trust::NoEncryption, false),
            VerifyOffer::Nothing
        );
    }

    #[test]
    fn nothing_is_offered_without_a_trusted_identity() {
        let changed = Some(IdentityCheck::Changed { previous: "A".into(), current: "B".into() });
        assert_eq!(
            offer(Some(&ready()), changed.as_ref(), true, Trust::Verified, Trust::Unverified, false),
            VerifyOffer::Nothing
        );
        assert_eq!(
            offer(Some(&CrossSigning::NotSetUp), None, true, Trust::Verified, Trust::Unverified, false),
            VerifyOffer::Nothing
        );
    }

    #[test]
    fn cancel_codes_go_both_ways() {
        assert_eq!(cancel_code(&SasEnd::Mismatch), "m.mismatched_sas");
        assert_eq!(end_from_code("m.mismatched_sas"), SasEnd::Mismatch);
        assert_eq!(end_from_code("m.user"), SasEnd::CancelledByThem("m.user".into()));
        assert_eq!(end_from_code("m.timeout"), SasEnd::Timeout);
    }
}
