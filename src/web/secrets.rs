//! Unlocking the account's cross-signing keys from secret storage, and this
//! session's own device keys: the byte work of `model::secret_storage` and
//! `model::recovery_key` done with the browser's WebCrypto. Private keys
//! become non-extractable `CryptoKey`s held in memory; only this session's
//! device keys are kept, with its login.

use serde_json::Value;

use crate::model::recovery_key::decode_recovery_key;
use crate::model::sas::b64;
use crate::model::secret_storage::{self as ss, EncryptedSecret, HKDF_SALT, KeyDescription, same_mac, split_keys};
pub use crate::model::verifier_messages::{UnlockInput, UnlockProblem};
use crate::web::crypto::{self, CryptoError, SigningKey};
use crate::web::storage;

impl From<CryptoError> for UnlockProblem {
    fn from(e: CryptoError) -> Self {
        UnlockProblem::Crypto(e.0)
    }
}

/// The account data that secret storage is made of, as fetched.
#[derive(Clone, Debug, Default)]
pub struct StoredSecrets {
    pub default_key: Option<Value>,
    /// `m.secret_storage.key.<id>` of the default key.
    pub key_description: Option<Value>,
    pub self_signing: Option<Value>,
    pub master: Option<Value>,
}

/// The account's private self-signing key, unlocked (memory only).
#[derive(Clone)]
pub struct CrossSigningKeys {
    pub master_public: String,
    pub self_signing: SigningKey,
    pub self_signing_public: String,
}

/// The 32-byte key behind what was typed.
async fn key_from(input: &UnlockInput, description: &KeyDescription) -> Result<Vec<u8>, UnlockProblem> {
    match input {
        UnlockInput::RecoveryKey(text) => {
            decode_recovery_key(text).map(|k| k.to_vec()).map_err(UnlockProblem::BadRecoveryKey)
        }
        UnlockInput::Passphrase(phrase) => {
            let p = description.passphrase.as_ref().ok_or(UnlockProblem::Storage(ss::StorageProblem::NoPassphrase))?;
            Ok(crypto::pbkdf2_sha512(phrase, &p.salt, p.iterations, p.bits).await?)
        }
    }
}

/// The key check: AES-CTR of 32 zero bytes under the key (HKDF, info ""),
/// whose HMAC the account stores.
pub async fn key_matches(key: &[u8], description: &KeyDescription) -> Result<bool, CryptoError> {
    let derived = crypto::hkdf_sha256(key, &HKDF_SALT, b"", 64).await?;
    let (aes, hmac) = split_keys(&derived).ok_or_else(|| CryptoError("HKDF".into()))?;
    let ciphertext = crypto::aes_256_ctr(aes, &description.iv, &[0u8; 32]).await?;
    Ok(same_mac(&crypto::hmac_sha256(hmac, &ciphertext).await?, &description.mac))
}

/// Decrypts secret `name`, after checking its MAC.
pub async fn decrypt(key: &[u8], name: &'static str, secret: &EncryptedSecret) -> Result<Vec<u8>, UnlockProblem> {
    let derived = crypto::hkdf_sha256(key, &HKDF_SALT, name.as_bytes(), 64).await?;
    let (aes, hmac) = split_keys(&derived).ok_or_else(|| CryptoError("HKDF".into()))?;
    if !same_mac(&crypto::hmac_sha256(hmac, &secret.ciphertext).await?, &secret.mac) {
        return Err(UnlockProblem::Damaged(name.into()));
    }
    Ok(crypto::aes_256_ctr(aes, &secret.iv, &secret.ciphertext).await?)
}

/// Imports a decrypted cross-signing secret (the unpadded base64 of its
/// seed) and checks it is the published key.
async fn signing_key(plaintext: &[u8], published: &str) -> Result<SigningKey, UnlockProblem> {
    let text = std::str::from_utf8(plaintext).map_err(|_| UnlockProblem::Mismatch)?;
    let seed = ss::b64(text).ok_or(UnlockProblem::Mismatch)?;
    let key = crypto::ed25519_from_seed(&seed).await.map_err(|_| UnlockProblem::Mismatch)?;
    if b64(&key.public) != published {
        return Err(UnlockProblem::Mismatch);
    }
    Ok(key)
}

/// Unlocks the self-signing key (and checks the master key, when stored)
/// against the published identity `(master, self_signing)`.
pub async fn unlock(
    input: &UnlockInput,
    stored: &StoredSecrets,
    published: (Option<String>, Option<String>),
) -> Result<CrossSigningKeys, UnlockProblem> {
    let (Some(master_public), Some(self_signing_public)) = published else { return Err(UnlockProblem::NotPublished) };
    let key_id = ss::default_key_id(stored.default_key.as_ref()).map_err(UnlockProblem::Storage)?;
    let description = ss::key_description(&key_id, stored.key_description.as_ref()).map_err(UnlockProblem::Storage)?;
    let key = key_from(input, &description).await?;
    if !key_matches(&key, &description).await? {
        return Err(match input {
            UnlockInput::RecoveryKey(_) => UnlockProblem::WrongRecoveryKey,
            UnlockInput::Passphrase(_) => UnlockProblem::WrongPassphrase,
        });
    }
    let secret = ss::encrypted_secret(ss::SELF_SIGNING, stored.self_signing.as_ref(), &key_id)
        .map_err(UnlockProblem::Storage)?;
    let self_signing = signing_key(&decrypt(&key, ss::SELF_SIGNING, &secret).await?, &self_signing_public).await?;
    if let Ok(master) = ss::encrypted_secret(ss::MASTER, stored.master.as_ref(), &key_id) {
        signing_key(&decrypt(&key, ss::MASTER, &master).await?, &master_public).await?;
    }
    Ok(CrossSigningKeys { master_public, self_signing, self_signing_public })
}

// ---- this session's device keys ----

/// This session's device keys: the Ed25519 signing key, and the Curve25519
/// identity key it publishes (never used: no messages are decrypted).
#[derive(Clone)]
pub struct OwnDeviceKeys {
    pub ed25519: SigningKey,
    pub curve25519_public: Vec<u8>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredDeviceKeys {
    ed25519_seed: String,
    curve25519_pkcs8: String,
    curve25519_public: String,
}

/// The device keys kept with this login, or new ones (kept at once: keys a
/// device has published must never change).
pub async fn own_device_keys() -> Result<OwnDeviceKeys, CryptoError> {
    let key = storage::device_keys_key();
    if let Some(stored) = storage::get(&key).and_then(|raw| serde_json::from_str::<StoredDeviceKeys>(&raw).ok()) {
        let seed = ss::b64(&stored.ed25519_seed).ok_or_else(|| CryptoError("stored device key".into()))?;
        let public = ss::b64(&stored.curve25519_public).ok_or_else(|| CryptoError("stored device key".into()))?;
        return Ok(OwnDeviceKeys { ed25519: crypto::ed25519_from_seed(&seed).await?, curve25519_public: public });
    }
    let (ed25519, seed) = crypto::ed25519_generate().await?;
    let (pkcs8, curve25519_public) = crypto::x25519_identity_key().await?;
    let stored = StoredDeviceKeys {
        ed25519_seed: b64(&seed),
        curve25519_pkcs8: b64(&pkcs8),
        curve25519_public: b64(&curve25519_public),
    };
    if let Ok(json) = serde_json::to_string(&stored) {
        storage::set(&key, &json);
    }
    Ok(OwnDeviceKeys { ed25519, curve25519_public })
}

/// Signs `object` (its canonical form without `signatures`, `unsigned`)
/// as `ed25519:<key_name>` of `user_id`.
pub async fn sign_object(
    object: &Value,
    key: &SigningKey,
    user_id: &str,
    key_name: &str,
) -> Result<Value, CryptoError> {
    let bytes = crate::model::trust::signed_bytes(object).ok_or_else(|| CryptoError("not an object".into()))?;
    let signature = key.sign(bytes.as_bytes()).await?;
    Ok(crate::model::trust::with_signature(object, user_id, key_name, &b64(&signature)))
}
