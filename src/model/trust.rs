//! Verification computed from the account's published cross-signing keys
//! (`POST /keys/query`), with every signature checked cryptographically:
//! a session is Verified when its device keys carry a valid signature by the
//! self-signing key, which carries a valid signature by the master key
//! (matrix-protocol.md §6.2). Presence of a signature proves nothing.
//!
//! The rules here are synchronous and take the signature checks as a
//! function; the page answers them with the browser's WebCrypto, which is
//! asynchronous: it first asks which checks an answer needs
//! (`needed_checks`), has them all done at once, then judges from the
//! results (`judge`).

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

/// Matrix keys and signatures are standard base64 without padding; accept
/// padding too.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Canonical JSON (spec appendix): keys sorted by code point, no
/// whitespace, shortest escapes. serde_json's default map is sorted; a unit
/// test guards against a dependency switching on `preserve_order`.
pub fn canonical_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The bytes an object's signatures cover: the object without `signatures`
/// and `unsigned`, canonicalised.
pub fn signed_bytes(object: &Value) -> Option<String> {
    let mut copy = object.as_object()?.clone();
    copy.remove("signatures");
    copy.remove("unsigned");
    Some(canonical_json(&Value::Object(copy)))
}

/// `object` with `signatures[user_id]["ed25519:<key_name>"] = signature`
/// added (other signatures kept).
pub fn with_signature(object: &Value, user_id: &str, key_name: &str, signature: &str) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("unsigned");
        let signatures = map.entry("signatures").or_insert_with(|| Value::Object(Default::default()));
        if !signatures.is_object() {
            *signatures = Value::Object(Default::default());
        }
        let mine = signatures
            .as_object_mut()
            .map(|s| s.entry(user_id.to_string()).or_insert_with(|| Value::Object(Default::default())));
        if let Some(Value::Object(mine)) = mine {
            mine.insert(format!("ed25519:{key_name}"), Value::String(signature.to_string()));
        }
    }
    copy
}

/// The published public keys of the account's cross-signing identity.
pub fn published_keys(keys: &Value, user_id: &str) -> (Option<String>, Option<String>) {
    let key =
        |field: &str, usage: &str| keys.get(field)?.get(user_id).and_then(|o| cross_signing_key(o, user_id, usage));
    (key("master_keys", "master"), key("self_signing_keys", "self_signing"))
}

/// One device's keys object in a `/keys/query` answer.
pub fn device_keys_of<'a>(keys: &'a Value, user_id: &str, device_id: &str) -> Option<&'a Value> {
    keys.get("device_keys")?.get(user_id)?.get(device_id)
}

/// A device's ed25519 key from its keys object.
pub fn device_ed25519(device_keys: &Value, device_id: &str) -> Option<String> {
    device_keys.get("keys")?.get(format!("ed25519:{device_id}"))?.as_str().map(str::to_string)
}

/// One Ed25519 signature to check: `signature` by `public_key` over
/// `message` (base64 as the server sent them; the signed canonical JSON).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignatureCheck {
    pub public_key: String,
    pub signature: String,
    pub message: String,
}

impl SignatureCheck {
    /// The check of `object.signatures[user_id]["ed25519:<key_name>"]` by
    /// `public_key`; `None` when there is no such signature (which fails).
    pub fn of(object: &Value, user_id: &str, key_name: &str, public_key: &str) -> Option<Self> {
        Self::over(&signed_bytes(object)?, object, user_id, key_name, public_key)
    }

    /// `of`, with the object's signed bytes already made (a device's two
    /// signatures cover the same bytes).
    fn over(message: &str, object: &Value, user_id: &str, key_name: &str, public_key: &str) -> Option<Self> {
        let signature = object
            .get("signatures")
            .and_then(|s| s.get(user_id))
            .and_then(|s| s.get(format!("ed25519:{key_name}")))
            .and_then(Value::as_str)?;
        Some(SignatureCheck {
            public_key: public_key.to_string(),
            signature: signature.to_string(),
            message: message.to_string(),
        })
    }

    /// The public key and signature as bytes; `None` when either is
    /// malformed (the check then fails without asking anyone).
    pub fn decoded(&self) -> Option<([u8; 32], [u8; 64])> {
        let key = BASE64.decode(&self.public_key).ok()?.try_into().ok()?;
        let signature = BASE64.decode(&self.signature).ok()?.try_into().ok()?;
        Some((key, signature))
    }
}

/// Answers a signature check (true: valid).
pub type Verify<'a> = dyn FnMut(&SignatureCheck) -> bool + 'a;

fn is_valid(object: &Value, user_id: &str, key_name: &str, public_key: &str, verify: &mut Verify) -> bool {
    SignatureCheck::of(object, user_id, key_name, public_key).is_some_and(|check| verify(&check))
}

/// The single ed25519 key of a cross-signing key object with the given
/// usage and owner, if the object is well formed.
fn cross_signing_key(object: &Value, user_id: &str, usage: &str) -> Option<String> {
    if object.get("user_id").and_then(Value::as_str) != Some(user_id) {
        return None;
    }
    let usages = object.get("usage")?.as_array()?;
    if !usages.iter().any(|u| u.as_str() == Some(usage)) {
        return None;
    }
    let keys = object.get("keys")?.as_object()?;
    if keys.len() != 1 {
        return None;
    }
    let (key_id, key) = keys.iter().next()?;
    let key = key.as_str()?;
    // The key id repeats the key: "ed25519:<public key>".
    (key_id.strip_prefix("ed25519:") == Some(key)).then(|| key.to_string())
}

/// The account's cross-signing state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrossSigning {
    /// No master key published: nothing can be verified.
    NotSetUp,
    /// Keys published, but the self-signing key is missing or not validly
    /// signed by the master key.
    Broken { master_key: String },
    /// A valid chain: `master_key` signs `self_signing_key`.
    Ready { master_key: String, self_signing_key: String },
}

impl CrossSigning {
    pub fn master_key(&self) -> Option<&str> {
        match self {
            CrossSigning::NotSetUp => None,
            CrossSigning::Broken { master_key } | CrossSigning::Ready { master_key, .. } => Some(master_key),
        }
    }
}

/// What the page says about one session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Trust {
    /// Cross-signed by the account's current keys.
    Verified,
    /// Has encryption keys without a valid cross-signature.
    Unverified,
    /// Never published encryption keys: can't be verified (neutral).
    #[default]
    NoEncryption,
    /// Has keys, but the account has not set up cross-signing to judge them.
    Unknown,
}

/// Reads the cross-signing chain of `user_id` from a `/keys/query` answer.
pub fn cross_signing(keys: &Value, user_id: &str, verify: &mut Verify) -> CrossSigning {
    let Some(master_key) =
        keys.get("master_keys").and_then(|m| m.get(user_id)).and_then(|m| cross_signing_key(m, user_id, "master"))
    else {
        return CrossSigning::NotSetUp;
    };
    let self_signing = keys.get("self_signing_keys").and_then(|s| s.get(user_id));
    match self_signing {
        Some(ssk) => match cross_signing_key(ssk, user_id, "self_signing") {
            Some(ssk_key) if is_valid(ssk, user_id, &master_key, &master_key, verify) => {
                CrossSigning::Ready { master_key, self_signing_key: ssk_key }
            }
            _ => CrossSigning::Broken { master_key },
        },
        None => CrossSigning::Broken { master_key },
    }
}

/// Remembers signature results, so objects seen again (the same keys in
/// the next `/keys/query` answer) are not verified again.
#[derive(Default)]
pub struct SignatureCache {
    results: HashMap<SignatureCheck, bool>,
}

impl SignatureCache {
    pub fn get(&self, check: &SignatureCheck) -> Option<bool> {
        self.results.get(check).copied()
    }

    pub fn insert(&mut self, check: SignatureCheck, valid: bool) {
        self.results.insert(check, valid);
    }
}

/// Judges one device-keys object against the chain.
pub fn device_trust(
    device_keys: &Value,
    user_id: &str,
    device_id: &str,
    chain: &CrossSigning,
    verify: &mut Verify,
) -> Trust {
    let self_signing_key = match chain {
        CrossSigning::Ready { self_signing_key, .. } => self_signing_key,
        CrossSigning::NotSetUp => return Trust::Unknown,
        // Published but inconsistent keys are suspicious: warn.
        CrossSigning::Broken { .. } => return Trust::Unverified,
    };
    let well_formed = device_keys.get("user_id").and_then(Value::as_str) == Some(user_id)
        && device_keys.get("device_id").and_then(Value::as_str) == Some(device_id);
    let Some(message) = signed_bytes(device_keys).filter(|_| well_formed) else { return Trust::Unverified };
    let mut signed_by = |key_name: &str, key: &str| {
        SignatureCheck::over(&message, device_keys, user_id, key_name, key).is_some_and(|c| verify(&c))
    };
    if !signed_by(self_signing_key, self_signing_key) {
        return Trust::Unverified;
    }
    match device_ed25519(device_keys, device_id) {
        Some(key) if signed_by(device_id, &key) => Trust::Verified,
        _ => Trust::Unverified,
    }
}

/// The chain and every session's trust in a `/keys/query` answer.
pub fn judge(keys: &Value, user_id: &str, verify: &mut Verify) -> (CrossSigning, HashMap<String, Trust>) {
    let chain = cross_signing(keys, user_id, verify);
    let sessions = device_objects(keys, user_id)
        .into_iter()
        .map(|(id, o)| (id.clone(), device_trust(o, user_id, id, &chain, verify)))
        .collect();
    (chain, sessions)
}

/// Every signature check `judge` may ask for, each once: found by judging
/// with every check taken as valid (so none is skipped after a failure).
pub fn needed_checks(keys: &Value, user_id: &str) -> Vec<SignatureCheck> {
    let mut needed = Vec::new();
    let mut seen = HashSet::new();
    judge(keys, user_id, &mut |check| {
        if seen.insert(check.clone()) {
            needed.push(check.clone());
        }
        true
    });
    needed
}

/// The device-keys objects of `user_id` in a `/keys/query` answer.
pub fn device_objects<'a>(keys: &'a Value, user_id: &str) -> Vec<(&'a String, &'a Value)> {
    keys.get("device_keys")
        .and_then(|d| d.get(user_id))
        .and_then(Value::as_object)
        .map(|devices| devices.iter().collect())
        .unwrap_or_default()
}

/// An identity the user has not accepted: nothing counts as Verified.
pub fn distrust(devices: &mut HashMap<String, Trust>) {
    for trust in devices.values_mut() {
        if *trust == Trust::Verified {
            *trust = Trust::Unverified;
        }
    }
}

/// The account identity compared with the one remembered in this browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityCheck {
    /// Nothing remembered yet (or no master key): remember this one.
    FirstSeen,
    Same,
    /// The published master key differs from the remembered one.
    Changed {
        previous: String,
        current: String,
    },
    NoIdentity,
}

pub fn check_identity(current_master: Option<&str>, pinned: Option<&str>) -> IdentityCheck {
    match (current_master, pinned) {
        (None, _) => IdentityCheck::NoIdentity,
        (Some(_), None) => IdentityCheck::FirstSeen,
        (Some(current), Some(previous)) if current == previous => IdentityCheck::Same,
        (Some(current), Some(previous)) => {
            IdentityCheck::Changed { previous: previous.to_string(), current: current.to_string() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_added_beside_the_others() {
        let object = serde_json::json!({"a": 1, "unsigned": {"x": 1}, "signatures": {"@u:hs": {"ed25519:D": "old"}}});
        let signed = with_signature(&object, "@u:hs", "SSK", "new");
        assert_eq!(signed["signatures"]["@u:hs"]["ed25519:D"], "old");
        assert_eq!(signed["signatures"]["@u:hs"]["ed25519:SSK"], "new");
        assert!(signed.get("unsigned").is_none());
        let bare = with_signature(&serde_json::json!({"a": 1}), "@u:hs", "D", "s");
        assert_eq!(signed_bytes(&bare), Some(r#"{"a":1}"#.into()));
    }

    /// The tests answer checks with ed25519-dalek (the page asks the
    /// browser; tests/crypto.rs checks that both agree).
    fn dalek(check: &SignatureCheck) -> bool {
        let Some((key, signature)) = check.decoded() else { return false };
        ed25519_dalek::VerifyingKey::from_bytes(&key).is_ok_and(|key| {
            key.verify_strict(check.message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&signature)).is_ok()
        })
    }

    fn valid(object: &Value, user_id: &str, key_name: &str, public_key: &str) -> bool {
        SignatureCheck::of(object, user_id, key_name, public_key).is_some_and(|c| dalek(&c))
    }

    /// Trust of every session that published keys. With `distrust_master`
    /// (the account's identity changed and the user has not accepted it),
    /// nothing counts as Verified.
    fn evaluate(keys: &Value, user_id: &str, distrust_master: bool) -> (CrossSigning, HashMap<String, Trust>) {
        let (chain, mut devices) = judge(keys, user_id, &mut dalek);
        if distrust_master {
            distrust(&mut devices);
        }
        (chain, devices)
    }

    use ed25519_dalek::{Signer, SigningKey};
    use serde_json::json;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/matrix-crypto-vectors.json")).unwrap()
    }

    fn cs() -> Value {
        vectors()["cross_signing"].clone()
    }

    const USER: &str = "@carol:localhost";

    /// A `/keys/query` answer built from the shared vectors.
    fn answer(device: Value) -> Value {
        let v = cs();
        json!({
            "device_keys": { USER: { "PHONE": device } },
            "master_keys": { USER: v["keys_query_master_keys_entry"] },
            "self_signing_keys": { USER: v["keys_query_self_signing_keys_entry"] },
        })
    }

    fn phone() -> Value {
        cs()["keys_query_device_keys_PHONE"].clone()
    }

    #[test]
    fn canonical_json_matches_the_vectors() {
        let v = cs();
        assert_eq!(
            signed_bytes(&v["keys_query_self_signing_keys_entry"]).unwrap(),
            v["canonical_json_signed_by_master (SSK minus signatures/unsigned)"].as_str().unwrap()
        );
        assert_eq!(
            signed_bytes(&phone()).unwrap(),
            v["canonical_json_signed_by_ssk (PHONE minus signatures/unsigned)"].as_str().unwrap()
        );
    }

    #[test]
    fn canonical_json_sorts_keys_and_uses_shortest_escapes() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":{"z":"\u00e9\n\u0001/\"","y":[3,{"d":0,"c":-1}]},"A":true}"#).unwrap();
        assert_eq!(
            canonical_json(&value),
            "{\"A\":true,\"a\":{\"y\":[3,{\"c\":-1,\"d\":0}],\"z\":\"é\\n\\u0001/\\\"\"},\"b\":1}"
        );
        // Code-point order, not locale order: "Z" < "a" < "é".
        let keys: Value = serde_json::from_str(r#"{"é":1,"a":2,"Z":3}"#).unwrap();
        assert_eq!(canonical_json(&keys), r#"{"Z":3,"a":2,"é":1}"#);
        assert_eq!(canonical_json(&json!({"n": 9007199254740991i64})), r#"{"n":9007199254740991}"#);
    }

    #[test]
    fn signing_with_the_seeds_reproduces_the_vector_signatures() {
        let v = cs();
        let seed = |name: &str| -> [u8; 32] {
            let hex = v["seeds_hex"][name].as_str().unwrap();
            let bytes: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
            bytes.try_into().unwrap()
        };
        let master = SigningKey::from_bytes(&seed("master"));
        assert_eq!(BASE64.encode(master.verifying_key().as_bytes()), v["public_keys"]["master"].as_str().unwrap());
        let ssk_bytes = signed_bytes(&v["keys_query_self_signing_keys_entry"]).unwrap();
        let signature = BASE64.encode(master.sign(ssk_bytes.as_bytes()).to_bytes());
        let master_pub = v["public_keys"]["master"].as_str().unwrap();
        assert_eq!(
            signature,
            v["keys_query_self_signing_keys_entry"]["signatures"][USER][format!("ed25519:{master_pub}")]
                .as_str()
                .unwrap()
        );
    }

    #[test]
    fn a_valid_chain_makes_the_device_verified() {
        let (chain, devices) = evaluate(&answer(phone()), USER, false);
        assert!(matches!(chain, CrossSigning::Ready { .. }));
        assert_eq!(chain.master_key(), cs()["public_keys"]["master"].as_str());
        assert_eq!(devices.get("PHONE"), Some(&Trust::Verified));
    }

    #[test]
    fn a_stale_signature_after_new_device_keys_is_unverified() {
        // Re-uploaded keys: the old cross-signature is still attached.
        let mut device = phone();
        device["keys"]["curve25519:PHONE"] = json!("bmV3IGN1cnZlIGtleSBmb3IgdGhpcyBkZXZpY2UhIQ");
        let (_, devices) = evaluate(&answer(device), USER, false);
        assert_eq!(devices.get("PHONE"), Some(&Trust::Unverified));
    }

    #[test]
    fn a_tampered_field_breaks_the_signature() {
        let mut device = phone();
        device["algorithms"] = json!(["m.megolm.v1.aes-sha2"]);
        assert_eq!(evaluate(&answer(device), USER, false).1.get("PHONE"), Some(&Trust::Unverified));
        // Unsigned data is not covered and may change.
        let mut device = phone();
        device["unsigned"] = json!({"device_display_name": "renamed"});
        assert_eq!(evaluate(&answer(device), USER, false).1.get("PHONE"), Some(&Trust::Verified));
    }

    #[test]
    fn a_signature_checked_against_the_wrong_key_fails() {
        let v = cs();
        let device = phone();
        let ssk = v["public_keys"]["self_signing"].as_str().unwrap();
        let usk = v["public_keys"]["user_signing"].as_str().unwrap();
        assert!(valid(&device, USER, ssk, ssk));
        assert!(!valid(&device, USER, ssk, usk));
        assert!(!valid(&device, "@mallory:localhost", ssk, ssk));
        assert!(!valid(&device, USER, ssk, "not base64!"));
    }

    #[test]
    fn a_self_signing_key_not_signed_by_the_master_breaks_the_chain() {
        let mut keys = answer(phone());
        let master_pub = cs()["public_keys"]["master"].as_str().unwrap().to_string();
        // A signature by another key under the master key's name.
        keys["self_signing_keys"][USER]["signatures"][USER][format!("ed25519:{master_pub}")] =
            cs()["keys_query_device_keys_PHONE"]["signatures"][USER]["ed25519:PHONE"].clone();
        let (chain, devices) = evaluate(&keys, USER, false);
        assert!(matches!(chain, CrossSigning::Broken { .. }));
        assert_eq!(devices.get("PHONE"), Some(&Trust::Unverified));
        // A tampered usage breaks it too.
        let mut keys = answer(phone());
        keys["self_signing_keys"][USER]["usage"] = json!(["user_signing"]);
        assert!(matches!(cross_signing(&keys, USER, &mut dalek), CrossSigning::Broken { .. }));
    }

    #[test]
    fn a_missing_master_key_means_cross_signing_is_not_set_up() {
        let mut keys = answer(phone());
        keys.as_object_mut().unwrap().remove("master_keys");
        let (chain, devices) = evaluate(&keys, USER, false);
        assert_eq!(chain, CrossSigning::NotSetUp);
        assert_eq!(devices.get("PHONE"), Some(&Trust::Unknown));
    }

    #[test]
    fn an_unaccepted_identity_change_verifies_nothing() {
        let (_, devices) = evaluate(&answer(phone()), USER, true);
        assert_eq!(devices.get("PHONE"), Some(&Trust::Unverified));
    }

    #[test]
    fn a_device_object_for_another_device_id_is_unverified() {
        let mut keys = answer(phone());
        let object = keys["device_keys"][USER]["PHONE"].take();
        keys["device_keys"][USER]["OTHER"] = object;
        assert_eq!(evaluate(&keys, USER, false).1.get("OTHER"), Some(&Trust::Unverified));
    }

    #[test]
    fn needed_checks_list_each_signature_once_and_judging_uses_their_results() {
        let keys = answer(phone());
        let needed = needed_checks(&keys, USER);
        // The self-signing key by the master key; the device by the
        // self-signing key and by itself.
        assert_eq!(needed.len(), 3);
        let mut cache = SignatureCache::default();
        for check in needed {
            let valid = dalek(&check);
            cache.insert(check, valid);
        }
        let mut asked_again = 0;
        let (chain, devices) = judge(&keys, USER, &mut |c| {
            asked_again += usize::from(cache.get(c).is_none());
            cache.get(c).unwrap_or(false)
        });
        assert_eq!(asked_again, 0);
        assert!(matches!(chain, CrossSigning::Ready { .. }));
        assert_eq!(devices.get("PHONE"), Some(&Trust::Verified));
        // Re-uploaded keys are a different object: a new check, found stale.
        let mut changed = phone();
        changed["keys"]["curve25519:PHONE"] = json!("bmV3IGN1cnZlIGtleSBmb3IgdGhpcyBkZXZpY2UhIQ");
        let new: Vec<_> =
            needed_checks(&answer(changed.clone()), USER).into_iter().filter(|c| cache.get(c).is_none()).collect();
        assert_eq!(new.len(), 2);
        assert_eq!(evaluate(&answer(changed), USER, false).1.get("PHONE"), Some(&Trust::Unverified));
    }

    #[test]
    fn a_check_the_browser_could_not_answer_is_not_verified() {
        let (chain, devices) = judge(&answer(phone()), USER, &mut |_| false);
        assert!(matches!(chain, CrossSigning::Broken { .. }));
        assert_eq!(devices.get("PHONE"), Some(&Trust::Unverified));
        // A malformed chain needs no check at all.
        let mut keys = answer(phone());
        keys["self_signing_keys"][USER]["usage"] = json!(["user_signing"]);
        assert!(needed_checks(&keys, USER).is_empty(), "no chain, nothing to check");
    }

    #[test]
    fn identity_check_compares_with_the_remembered_key() {
        assert_eq!(check_identity(None, Some("A")), IdentityCheck::NoIdentity);
        assert_eq!(check_identity(Some("A"), None), IdentityCheck::FirstSeen);
        assert_eq!(check_identity(Some("A"), Some("A")), IdentityCheck::Same);
        assert_eq!(
            check_identity(Some("B"), Some("A")),
            IdentityCheck::Changed { previous: "A".into(), current: "B".into() }
        );
    }

    #[test]
    fn padded_base64_is_accepted() {
        let v = cs();
        let ssk = v["public_keys"]["self_signing"].as_str().unwrap();
        let signature = phone()["signatures"][USER][format!("ed25519:{ssk}")].as_str().unwrap().to_string();
        let check = SignatureCheck { public_key: format!("{ssk}="), signature, message: String::new() };
        assert!(check.decoded().is_some());
    }

    #[test]
    fn garbage_never_panics() {
        for keys in [json!(null), json!([]), json!({"master_keys": 5}), json!({"device_keys": {USER: []}})] {
            let _ = evaluate(&keys, USER, false);
        }
    }
}
