//! The account's identity as this browser first saw it (trust on first
//! use): the master cross-signing key, and when it was first seen. Kept
//! per homeserver and user across sign-outs; only the user removes it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPin {
    /// The master key's public part (unpadded base64).
    pub master_key: String,
    /// When this browser first saw it (ms since the epoch); unknown for pins
    /// kept by earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen_ms: Option<u64>,
}

impl IdentityPin {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Reads a stored pin; `None` for anything that is not one.
pub fn parse_pin(raw: &str) -> Option<IdentityPin> {
    serde_json::from_str::<IdentityPin>(raw).ok().filter(|p| !p.master_key.trim().is_empty())
}

/// Earlier versions stored the bare key.
pub fn legacy_pin_json(master_key: &str) -> String {
    IdentityPin { master_key: master_key.to_string(), first_seen_ms: None }.to_json()
}

/// A key shown in groups of four for people to compare
/// ("abcd efgh ijkl …").
pub fn fingerprint(master_key: &str) -> String {
    let chars: Vec<char> = master_key.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_round_trip() {
        let pin = IdentityPin { master_key: "K".into(), first_seen_ms: Some(5) };
        assert_eq!(parse_pin(&pin.to_json()), Some(pin));
        assert_eq!(parse_pin(&legacy_pin_json("K")), Some(IdentityPin { master_key: "K".into(), first_seen_ms: None }));
    }

    #[test]
    fn anything_else_is_no_pin() {
        assert_eq!(parse_pin("K"), None);
        assert_eq!(parse_pin(r#"{"master_key":""}"#), None);
        assert_eq!(parse_pin(r#"{"master_key":1}"#), None);
    }

    #[test]
    fn fingerprints_group_by_four() {
        assert_eq!(fingerprint("abcdefghij"), "abcd efgh ij");
    }
}
