//! Short authentication string (SAS) verification, `m.sas.v1`, over
//! to-device messages: the messages' contents, which options this page
//! speaks, the strings that go into HKDF and the commitment, and how SAS
//! bytes become emoji and numbers. Pure: the hashing and key agreement are
//! the browser's (`web::crypto`), the sequence is the page's flow.

use serde_json::{Map, Value, json};

use crate::model::trust::canonical_json;

pub const METHOD: &str = "m.sas.v1";
pub const KEY_AGREEMENT: &str = "curve25519-hkdf-sha256";
pub const HASH: &str = "sha256";
pub const MAC_METHOD: &str = "hkdf-hmac-sha256.v2";
pub const SAS_TYPES: [&str; 2] = ["decimal", "emoji"];

pub const REQUEST: &str = "m.key.verification.request";
pub const READY: &str = "m.key.verification.ready";
pub const START: &str = "m.key.verification.start";
pub const ACCEPT: &str = "m.key.verification.accept";
pub const KEY: &str = "m.key.verification.key";
pub const MAC: &str = "m.key.verification.mac";
pub const DONE: &str = "m.key.verification.done";
pub const CANCEL: &str = "m.key.verification.cancel";

/// A request older than this (or this far in the future) is ignored, and a
/// flow that waits this long times out (spec: 10 minutes).
pub const TIMEOUT_MS: u64 = 10 * 60 * 1000;
/// Requests from up to this far in the future are still accepted (clocks
/// differ; spec: 5 minutes).
pub const FUTURE_MS: u64 = 5 * 60 * 1000;

/// The spec's 64 emoji, by number; their names are `sas.emoji.<n>` in the
/// translation files (the spec's table with its translations).
pub const EMOJI: [&str; 64] = [
    "🐶", "🐱", "🦁", "🐎", "🦄", "🐷", "🐘", "🐰", "🐼", "🐓", "🐧", "🐢", "🐟", "🐙", "🦋", "🌷", "🌳", "🌵", "🍄",
    "🌏", "🌙", "☁️", "🔥", "🍌", "🍎", "🍓", "🌽", "🍕", "🎂", "❤️", "😀", "🤖", "🎩", "👓", "🔧", "🎅", "👍", "☂️",
    "⌛", "⏰", "🎁", "💡", "📕", "✏️", "📎", "✂️", "🔒", "🔑", "🔨", "☎️", "🏁", "🚂", "🚲", "✈️", "🚀", "🏆", "⚽",
    "🎸", "🎺", "🔔", "⚓", "🎧", "📁", "📌",
];

/// Cancellation codes (spec).
pub mod code {
    pub const USER: &str = "m.user";
    pub const TIMEOUT: &str = "m.timeout";
    pub const UNKNOWN_METHOD: &str = "m.unknown_method";
    pub const UNEXPECTED: &str = "m.unexpected_message";
    pub const KEY_MISMATCH: &str = "m.key_mismatch";
    pub const MISMATCHED_COMMITMENT: &str = "m.mismatched_commitment";
    pub const MISMATCHED_SAS: &str = "m.mismatched_sas";
    pub const ACCEPTED: &str = "m.accepted";
    pub const INVALID_MESSAGE: &str = "m.invalid_message";
}

/// The seven emoji (numbers into `EMOJI`): the first 42 bits of the six
/// SAS bytes, six bits each.
pub fn emoji_numbers(sas: &[u8; 6]) -> [usize; 7] {
    let bits = u64::from_be_bytes([0, 0, sas[0], sas[1], sas[2], sas[3], sas[4], sas[5]]);
    std::array::from_fn(|i| ((bits >> (42 - 6 * i)) & 0x3f) as usize)
}

/// The three numbers: the first 39 bits as three 13-bit numbers, plus 1000.
pub fn decimals(sas: &[u8; 6]) -> [u16; 3] {
    let bits = u64::from_be_bytes([0, 0, 0, sas[0], sas[1], sas[2], sas[3], sas[4]]);
    std::array::from_fn(|i| (((bits >> (27 - 13 * i)) & 0x1fff) + 1000) as u16)
}

/// One side of a verification: who, on which device, with which ephemeral
/// public key (unpadded base64).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub user_id: String,
    pub device_id: String,
    pub key: String,
}

/// HKDF info for the SAS bytes (`curve25519-hkdf-sha256`): the party that
/// sent `start` first.
pub fn sas_info(starter: &Party, accepter: &Party, transaction_id: &str) -> String {
    format!(
        "MATRIX_KEY_VERIFICATION_SAS|{}|{}|{}|{}|{}|{}|{}",
        starter.user_id,
        starter.device_id,
        starter.key,
        accepter.user_id,
        accepter.device_id,
        accepter.key,
        transaction_id
    )
}

/// HKDF info for one MAC (`hkdf-hmac-sha256.v2`); `key_id` is the key's
/// id, or `KEY_IDS` for the MAC of the list of ids.
pub fn mac_info(
    sender_user: &str,
    sender_device: &str,
    receiver_user: &str,
    receiver_device: &str,
    transaction_id: &str,
    key_id: &str,
) -> String {
    format!(
        "MATRIX_KEY_VERIFICATION_MAC{sender_user}{sender_device}{receiver_user}{receiver_device}{transaction_id}{key_id}"
    )
}

/// The comma-joined, sorted key ids a MAC message covers.
pub fn key_ids_list(mut ids: Vec<String>) -> String {
    ids.sort();
    ids.join(",")
}

/// What the commitment hashes: the accepter's public key (base64) followed
/// by the canonical JSON of the `start` content.
pub fn commitment_input(accepter_key: &str, start_content: &Value) -> String {
    format!("{accepter_key}{}", canonical_json(start_content))
}

/// Unpadded base64, as Matrix writes keys, MACs and commitments.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

// ---- message contents ----

pub fn request_content(from_device: &str, transaction_id: &str, now_ms: u64) -> Value {
    json!({ "from_device": from_device, "methods": [METHOD], "timestamp": now_ms, "transaction_id": transaction_id })
}

pub fn ready_content(from_device: &str, transaction_id: &str) -> Value {
    json!({ "from_device": from_device, "methods": [METHOD], "transaction_id": transaction_id })
}

pub fn start_content(from_device: &str, transaction_id: &str) -> Value {
    json!({
        "from_device": from_device,
        "method": METHOD,
        "key_agreement_protocols": [KEY_AGREEMENT],
        "hashes": [HASH],
        "message_authentication_codes": [MAC_METHOD],
        "short_authentication_string": SAS_TYPES,
        "transaction_id": transaction_id,
    })
}

pub fn accept_content(commitment: &str, transaction_id: &str) -> Value {
    json!({
        "method": METHOD,
        "key_agreement_protocol": KEY_AGREEMENT,
        "hash": HASH,
        "message_authentication_code": MAC_METHOD,
        "short_authentication_string": SAS_TYPES,
        "commitment": commitment,
        "transaction_id": transaction_id,
    })
}

pub fn key_content(key: &str, transaction_id: &str) -> Value {
    json!({ "key": key, "transaction_id": transaction_id })
}

pub fn mac_content(macs: &Map<String, Value>, keys_mac: &str, transaction_id: &str) -> Value {
    json!({ "mac": macs, "keys": keys_mac, "transaction_id": transaction_id })
}

pub fn done_content(transaction_id: &str) -> Value {
    json!({ "transaction_id": transaction_id })
}

pub fn cancel_content(code: &str, reason: &str, transaction_id: &str) -> Value {
    json!({ "code": code, "reason": reason, "transaction_id": transaction_id })
}

// ---- reading what arrives ----

/// A verification message from another device.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub sender: String,
    pub event_type: String,
    pub transaction_id: String,
    pub content: Value,
}

/// A to-device event, when it is a verification message with a
/// transaction id.
pub fn incoming(sender: &str, event_type: &str, content: &Value) -> Option<Incoming> {
    if !event_type.starts_with("m.key.verification.") {
        return None;
    }
    let transaction_id = content.get("transaction_id")?.as_str()?.to_string();
    Some(Incoming {
        sender: sender.to_string(),
        event_type: event_type.to_string(),
        transaction_id,
        content: content.clone(),
    })
}

fn strings(content: &Value, field: &str) -> Vec<String> {
    content
        .get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

pub fn str_field<'a>(content: &'a Value, field: &str) -> Option<&'a str> {
    content.get(field).and_then(Value::as_str)
}

/// A request this page can answer: SAS offered, sent by `from_device`, not
/// older than ten minutes nor more than five in the future.
pub fn request_is_usable(content: &Value, now_ms: u64) -> bool {
    let Some(timestamp) = content.get("timestamp").and_then(Value::as_u64) else { return false };
    strings(content, "methods").iter().any(|m| m == METHOD)
        && str_field(content, "from_device").is_some()
        && timestamp.saturating_add(TIMEOUT_MS) > now_ms
        && timestamp < now_ms.saturating_add(FUTURE_MS)
}

/// The other side's `ready` offers SAS.
pub fn ready_offers_sas(content: &Value) -> bool {
    strings(content, "methods").iter().any(|m| m == METHOD)
}

/// A `start` this page can follow: SAS with the options it speaks.
pub fn start_is_supported(content: &Value) -> bool {
    str_field(content, "method") == Some(METHOD)
        && strings(content, "key_agreement_protocols").iter().any(|k| k == KEY_AGREEMENT)
        && strings(content, "hashes").iter().any(|h| h == HASH)
        && strings(content, "message_authentication_codes").iter().any(|m| m == MAC_METHOD)
        && strings(content, "short_authentication_string").iter().any(|s| s == "emoji" || s == "decimal")
}

/// An `accept` that chose what this page offered.
pub fn accept_is_supported(content: &Value) -> bool {
    str_field(content, "key_agreement_protocol") == Some(KEY_AGREEMENT)
        && str_field(content, "hash") == Some(HASH)
        && str_field(content, "message_authentication_code") == Some(MAC_METHOD)
        && str_field(content, "commitment").is_some()
}

/// The MACs of a `mac` message: key id → MAC (base64), and the MAC of the
/// key-id list.
pub fn macs_of(content: &Value) -> Option<(Vec<(String, String)>, String)> {
    let macs = content.get("mac")?.as_object()?;
    let list = macs.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect::<Vec<_>>();
    if list.is_empty() {
        return None;
    }
    Some((list, str_field(content, "keys")?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 42 bits behind seven emoji numbers, then the SAS bytes' first
    /// five bytes (the decimals use 39 of those bits).
    fn bytes_from_emoji(numbers: &[usize]) -> [u8; 6] {
        let bits = numbers.iter().fold(0u64, |acc, n| (acc << 6) | *n as u64) << 6;
        let b = bits.to_be_bytes();
        [b[2], b[3], b[4], b[5], b[6], b[7]]
    }

    #[test]
    fn emoji_and_numbers_agree_with_matrix_js_sdk() {
        // In each verification of the recorded transcript, matrix-js-sdk
        // showed these emoji and numbers for the same SAS bytes: the bits of
        // the emoji must give the numbers.
        let transcript: Value = serde_json::from_str(include_str!("../../tests/fixtures/sas-transcript.json")).unwrap();
        let mut checked = 0;
        for (_, run) in transcript["bareDevice"].as_object().unwrap() {
            let (Some(emoji), Some(decimal)) = (run.get("emojiAtJs"), run.get("decimal")) else { continue };
            let numbers: Vec<usize> = emoji
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| EMOJI.iter().position(|e| *e == pair[0].as_str().unwrap()).unwrap())
                .collect();
            let sas = bytes_from_emoji(&numbers);
            assert_eq!(emoji_numbers(&sas).to_vec(), numbers);
            let expected: Vec<u16> = decimal.as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as u16).collect();
            assert_eq!(decimals(&sas).to_vec(), expected);
            checked += 1;
        }
        assert!(checked >= 2, "the transcript has verifications to check");
    }

    #[test]
    fn sas_bytes_split_as_the_spec_says() {
        let sas = [0b1111_1100, 0, 0, 0, 0, 0b0000_0011];
        assert_eq!(emoji_numbers(&sas), [63, 0, 0, 0, 0, 0, 0]);
        assert_eq!(decimals(&[0xff; 6]), [1000 + 8191, 1000 + 8191, 1000 + 8191]);
        assert_eq!(decimals(&[0; 6]), [1000, 1000, 1000]);
    }

    #[test]
    fn info_strings() {
        let a = Party { user_id: "@a:hs".into(), device_id: "AAA".into(), key: "KA".into() };
        let b = Party { user_id: "@a:hs".into(), device_id: "BBB".into(), key: "KB".into() };
        assert_eq!(sas_info(&a, &b, "T"), "MATRIX_KEY_VERIFICATION_SAS|@a:hs|AAA|KA|@a:hs|BBB|KB|T");
        assert_eq!(
            mac_info("@a:hs", "AAA", "@a:hs", "BBB", "T", "ed25519:AAA"),
            "MATRIX_KEY_VERIFICATION_MAC@a:hsAAA@a:hsBBBTed25519:AAA"
        );
        assert_eq!(key_ids_list(vec!["ed25519:Z".into(), "ed25519:A".into()]), "ed25519:A,ed25519:Z");
    }

    #[test]
    fn the_commitment_covers_the_key_and_the_canonical_start() {
        let start = json!({"transaction_id": "T", "method": METHOD});
        assert_eq!(commitment_input("KEY", &start), r#"KEY{"method":"m.sas.v1","transaction_id":"T"}"#);
    }

    #[test]
    fn requests_and_starts_are_checked() {
        let now = 1_000_000_000_000;
        let request = request_content("DEV", "T", now);
        assert!(request_is_usable(&request, now));
        assert!(!request_is_usable(&request, now + TIMEOUT_MS + 1));
        assert!(!request_is_usable(&request_content("DEV", "T", now + FUTURE_MS + 1), now));
        assert!(!request_is_usable(
            &json!({"from_device": "D", "methods": ["m.qr_code.show.v1"], "timestamp": now}),
            now
        ));
        let js_start = json!({
            "from_device": "JSA", "hashes": ["sha256"], "key_agreement_protocols": ["curve25519-hkdf-sha256"],
            "message_authentication_codes": ["hkdf-hmac-sha256", "hkdf-hmac-sha256.v2"], "method": "m.sas.v1",
            "short_authentication_string": ["decimal", "emoji"], "transaction_id": "T"
        });
        assert!(start_is_supported(&js_start));
        assert!(!start_is_supported(&json!({"method": "m.reciprocate.v1", "transaction_id": "T"})));
        assert!(start_is_supported(&start_content("D", "T")));
        assert!(accept_is_supported(&accept_content("C", "T")));
        assert!(!accept_is_supported(
            &json!({"commitment": "C", "key_agreement_protocol": "curve25519", "hash": "sha256", "message_authentication_code": "hkdf-hmac-sha256.v2"})
        ));
    }

    #[test]
    fn only_verification_messages_with_a_transaction_are_read() {
        assert!(incoming("@a:hs", READY, &json!({"transaction_id": "T"})).is_some());
        assert!(incoming("@a:hs", READY, &json!({})).is_none());
        assert!(incoming("@a:hs", "m.room_key_request", &json!({"transaction_id": "T"})).is_none());
        let (macs, keys) = macs_of(&json!({"mac": {"ed25519:A": "m1"}, "keys": "k"})).unwrap();
        assert_eq!((macs, keys), (vec![("ed25519:A".into(), "m1".into())], "k".into()));
        assert!(macs_of(&json!({"mac": {}, "keys": "k"})).is_none());
    }
}
