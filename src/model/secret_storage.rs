//! Secret storage (`m.secret_storage.v1.aes-hmac-sha2`) as it sits in the
//! account data: which key is the default, its description (with the
//! passphrase settings), and the encrypted secrets. Pure parsing and the
//! byte layout; the cryptography itself is the browser's (`web::crypto`).

use serde_json::Value;

pub const DEFAULT_KEY: &str = "m.secret_storage.default_key";
pub const ALGORITHM: &str = "m.secret_storage.v1.aes-hmac-sha2";
pub const MASTER: &str = "m.cross_signing.master";
pub const SELF_SIGNING: &str = "m.cross_signing.self_signing";

/// The account-data type of a key's description.
pub fn key_type(key_id: &str) -> String {
    format!("m.secret_storage.key.{key_id}")
}

/// HKDF's salt for secret storage: 32 zero bytes.
pub const HKDF_SALT: [u8; 32] = [0; 32];

/// What the passphrase of a key is stretched with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passphrase {
    pub salt: String,
    pub iterations: u32,
    pub bits: u32,
}

/// A secret-storage key as the account describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyDescription {
    pub id: String,
    pub iv: Vec<u8>,
    pub mac: Vec<u8>,
    pub passphrase: Option<Passphrase>,
}

/// One secret, encrypted for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedSecret {
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub mac: Vec<u8>,
}

/// Why secret storage can't be used as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageProblem {
    /// The account has no default secret-storage key.
    NotSetUp,
    /// The key uses an algorithm this page does not know.
    UnknownAlgorithm(String),
    /// The key description is missing or damaged.
    BadDescription,
    /// The key has no passphrase (only a recovery key unlocks it).
    NoPassphrase,
    /// A secret is not stored at all.
    Missing(String),
    /// A secret is stored, but only under other keys.
    OtherKey(String),
}

/// Base64 as Matrix writes it, with or without padding.
pub fn b64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim().trim_end_matches('=')).ok()
}

/// The default key's id, from `m.secret_storage.default_key`.
pub fn default_key_id(content: Option<&Value>) -> Result<String, StorageProblem> {
    content
        .and_then(|c| c.get("key"))
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .ok_or(StorageProblem::NotSetUp)
}

/// The description of key `id`, from `m.secret_storage.key.<id>`.
pub fn key_description(id: &str, content: Option<&Value>) -> Result<KeyDescription, StorageProblem> {
    let content = content.ok_or(StorageProblem::BadDescription)?;
    let algorithm = content.get("algorithm").and_then(Value::as_str).unwrap_or("");
    if algorithm != ALGORITHM {
        return Err(StorageProblem::UnknownAlgorithm(algorithm.to_string()));
    }
    let field = |name: &str| content.get(name).and_then(Value::as_str).and_then(b64);
    let (Some(iv), Some(mac)) = (field("iv"), field("mac")) else { return Err(StorageProblem::BadDescription) };
    let passphrase = content.get("passphrase").and_then(|p| {
        (p.get("algorithm").and_then(Value::as_str) == Some("m.pbkdf2")).then(|| Passphrase {
            salt: p.get("salt").and_then(Value::as_str).unwrap_or("").to_string(),
            iterations: p.get("iterations").and_then(Value::as_u64).unwrap_or(0).min(u64::from(u32::MAX)) as u32,
            bits: p.get("bits").and_then(Value::as_u64).unwrap_or(256).min(512) as u32,
        })
    });
    Ok(KeyDescription { id: id.to_string(), iv, mac, passphrase })
}

/// Secret `name`, encrypted for key `key_id`, from its account data.
pub fn encrypted_secret(
    name: &'static str,
    content: Option<&Value>,
    key_id: &str,
) -> Result<EncryptedSecret, StorageProblem> {
    let encrypted = content.and_then(|c| c.get("encrypted")).and_then(Value::as_object);
    let Some(encrypted) = encrypted.filter(|e| !e.is_empty()) else { return Err(StorageProblem::Missing(name.into())) };
    let Some(entry) = encrypted.get(key_id) else { return Err(StorageProblem::OtherKey(name.into())) };
    let field = |f: &str| entry.get(f).and_then(Value::as_str).and_then(b64);
    match (field("iv"), field("ciphertext"), field("mac")) {
        (Some(iv), Some(ciphertext), Some(mac)) => Ok(EncryptedSecret { iv, ciphertext, mac }),
        _ => Err(StorageProblem::Missing(name.into())),
    }
}

/// The 64 bytes HKDF gives for one secret: the AES key, then the HMAC key.
pub fn split_keys(derived: &[u8]) -> Option<(&[u8], &[u8])> {
    (derived.len() == 64).then(|| derived.split_at(32))
}

/// Compares two MACs without stopping at the first difference.
pub fn same_mac(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_default_key_and_its_description() {
        assert_eq!(default_key_id(Some(&json!({"key": "K1"}))), Ok("K1".into()));
        assert_eq!(default_key_id(None), Err(StorageProblem::NotSetUp));
        assert_eq!(default_key_id(Some(&json!({}))), Err(StorageProblem::NotSetUp));
        let d = key_description(
            "K1",
            Some(&json!({"algorithm": ALGORITHM, "iv": "AAAAAAAAAAAAAAAAAAAAAA==", "mac": "AAEC",
                "passphrase": {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 500000}})),
        )
        .unwrap();
        assert_eq!(d.iv, vec![0; 16]);
        assert_eq!(d.mac, vec![0, 1, 2]);
        assert_eq!(d.passphrase, Some(Passphrase { salt: "s".into(), iterations: 500_000, bits: 256 }));
    }

    #[test]
    fn unknown_or_damaged_descriptions_are_named() {
        assert_eq!(
            key_description("K", Some(&json!({"algorithm": "m.secret_storage.v2"}))),
            Err(StorageProblem::UnknownAlgorithm("m.secret_storage.v2".into()))
        );
        assert_eq!(key_description("K", Some(&json!({"algorithm": ALGORITHM}))), Err(StorageProblem::BadDescription));
        assert_eq!(key_description("K", None), Err(StorageProblem::BadDescription));
    }

    #[test]
    fn secrets_under_another_key_are_told_apart_from_missing_ones() {
        let stored = json!({"encrypted": {"OTHER": {"iv": "AA", "ciphertext": "AA", "mac": "AA"}}});
        assert_eq!(
            encrypted_secret(SELF_SIGNING, Some(&stored), "K1"),
            Err(StorageProblem::OtherKey(SELF_SIGNING.into()))
        );
        assert_eq!(encrypted_secret(SELF_SIGNING, None, "K1"), Err(StorageProblem::Missing(SELF_SIGNING.into())));
        assert_eq!(
            encrypted_secret(SELF_SIGNING, Some(&json!({"encrypted": {}})), "K1"),
            Err(StorageProblem::Missing(SELF_SIGNING.into()))
        );
        let ok = encrypted_secret(SELF_SIGNING, Some(&stored), "OTHER").unwrap();
        assert_eq!(ok.iv, vec![0]);
    }

    #[test]
    fn base64_with_and_without_padding() {
        assert_eq!(b64("AAEC"), Some(vec![0, 1, 2]));
        assert_eq!(b64("AAE="), Some(vec![0, 1]));
        assert_eq!(b64("AAE"), Some(vec![0, 1]));
        assert_eq!(b64("!"), None);
    }

    #[test]
    fn macs_compare_in_full() {
        assert!(same_mac(&[1, 2, 3], &[1, 2, 3]));
        assert!(!same_mac(&[1, 2, 3], &[1, 2, 4]));
        assert!(!same_mac(&[1, 2], &[1, 2, 3]));
        assert_eq!(split_keys(&[1; 64]).map(|(a, b)| (a.len(), b.len())), Some((32, 32)));
        assert_eq!(split_keys(&[1; 63]), None);
    }
}
