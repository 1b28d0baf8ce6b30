//! The cryptographic primitives of verification, all done by the browser's
//! WebCrypto (`crypto.subtle`): none is written here. SHA-256, HMAC-SHA-256,
//! HKDF-SHA-256, AES-256-CTR, PBKDF2-SHA-512, X25519 and Ed25519 (signing,
//! and checking the account's signatures on every page load). Private
//! keys stay `CryptoKey`s (or, for keys this page must keep, bytes the caller
//! holds); nothing here logs or stores anything.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::model::trust::SignatureCheck;

/// Why a primitive failed (the browser lacks it, or refused the input).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the browser's cryptography refused: {0}")]
pub struct CryptoError(pub String);

fn failed(context: &str) -> impl Fn(JsValue) -> CryptoError + '_ {
    move |e| {
        let detail = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        CryptoError(format!("{context}: {detail}"))
    }
}

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let crypto =
        web_sys::window().ok_or_else(|| CryptoError("no window".into()))?.crypto().map_err(failed("crypto"))?;
    Ok(crypto.subtle())
}

fn object(fields: &[(&str, &JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn bytes(data: &[u8]) -> Uint8Array {
    Uint8Array::from(data)
}

fn usages(list: &[&str]) -> JsValue {
    list.iter().map(|u| JsValue::from_str(u)).collect::<Array>().into()
}

async fn promise(p: Result<js_sys::Promise, JsValue>, context: &str) -> Result<JsValue, CryptoError> {
    JsFuture::from(p.map_err(failed(context))?).await.map_err(failed(context))
}

async fn buffer(p: Result<js_sys::Promise, JsValue>, context: &str) -> Result<Vec<u8>, CryptoError> {
    Ok(Uint8Array::new(&promise(p, context).await?).to_vec())
}

/// Random bytes from the browser's CSPRNG.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; n];
    getrandom::getrandom(&mut out).map_err(|e| CryptoError(e.to_string()))?;
    Ok(out)
}

pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    buffer(subtle()?.digest_with_str_and_buffer_source("SHA-256", &bytes(data)), "SHA-256").await
}

pub async fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let s = subtle()?;
    let algorithm = object(&[("name", &"HMAC".into()), ("hash", &"SHA-256".into())]);
    let key = promise(s.import_key_with_object("raw", &bytes(key), &algorithm, false, &usages(&["sign"])), "HMAC key")
        .await?
        .unchecked_into::<CryptoKey>();
    buffer(s.sign_with_str_and_buffer_source("HMAC", &key, &bytes(data)), "HMAC").await
}

/// HKDF-SHA-256 of `ikm` with `salt` and `info`, `len` bytes.
pub async fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    let s = subtle()?;
    let key = promise(s.import_key_with_str("raw", &bytes(ikm), "HKDF", false, &usages(&["deriveBits"])), "HKDF key")
        .await?
        .unchecked_into::<CryptoKey>();
    let algorithm = object(&[
        ("name", &"HKDF".into()),
        ("hash", &"SHA-256".into()),
        ("salt", &bytes(salt).into()),
        ("info", &bytes(info).into()),
    ]);
    buffer(s.derive_bits_with_object(&algorithm, &key, (len * 8) as u32), "HKDF").await
}

/// AES-256-CTR with the counter in the IV's last 64 bits (as Matrix secret
/// storage uses it); encryption and decryption are the same operation.
pub async fn aes_256_ctr(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let s = subtle()?;
    let key = promise(s.import_key_with_str("raw", &bytes(key), "AES-CTR", false, &usages(&["encrypt"])), "AES key")
        .await?
        .unchecked_into::<CryptoKey>();
    let algorithm =
        object(&[("name", &"AES-CTR".into()), ("counter", &bytes(iv).into()), ("length", &JsValue::from(64))]);
    buffer(s.encrypt_with_object_and_buffer_source(&algorithm, &key, &bytes(data)), "AES-CTR").await
}

/// PBKDF2 with HMAC-SHA-512: `bits` bits from `passphrase` and `salt`. Runs
/// inside the browser's crypto, off the page's thread.
pub async fn pbkdf2_sha512(passphrase: &str, salt: &str, iterations: u32, bits: u32) -> Result<Vec<u8>, CryptoError> {
    let s = subtle()?;
    let key = promise(
        s.import_key_with_str("raw", &bytes(passphrase.as_bytes()), "PBKDF2", false, &usages(&["deriveBits"])),
        "PBKDF2 key",
    )
    .await?
    .unchecked_into::<CryptoKey>();
    let algorithm = object(&[
        ("name", &"PBKDF2".into()),
        ("hash", &"SHA-512".into()),
        ("salt", &bytes(salt.as_bytes()).into()),
        ("iterations", &JsValue::from(iterations)),
    ]);
    buffer(s.derive_bits_with_object(&algorithm, &key, bits), "PBKDF2").await
}

// ---- X25519 (the SAS key agreement) ----

/// An ephemeral X25519 key pair; the private part never leaves the browser.
pub struct EphemeralKey {
    private: CryptoKey,
    /// The raw 32-byte public key.
    pub public: Vec<u8>,
}

pub async fn x25519_generate() -> Result<EphemeralKey, CryptoError> {
    let s = subtle()?;
    let pair = promise(s.generate_key_with_str("X25519", false, &usages(&["deriveBits"])), "X25519 key").await?;
    let private = Reflect::get(&pair, &"privateKey".into()).map_err(failed("X25519"))?.unchecked_into::<CryptoKey>();
    let public_key = Reflect::get(&pair, &"publicKey".into()).map_err(failed("X25519"))?.unchecked_into::<CryptoKey>();
    let public = buffer(s.export_key("raw", &public_key), "X25519 public key").await?;
    Ok(EphemeralKey { private, public })
}

impl EphemeralKey {
    /// The shared secret with the other party's raw public key.
    pub async fn agree(&self, their_public: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let s = subtle()?;
        let theirs = promise(
            s.import_key_with_str("raw", &bytes(their_public), "X25519", true, &usages(&[])),
            "X25519 public key",
        )
        .await?;
        let algorithm = object(&[("name", &"X25519".into()), ("public", &theirs)]);
        buffer(s.derive_bits_with_object(&algorithm, &self.private, 256), "X25519").await
    }
}

/// A new X25519 key pair for this session's identity (Olm) key, which the
/// page publishes but never uses: `(pkcs8, raw public)`.
pub async fn x25519_identity_key() -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let s = subtle()?;
    let pair = promise(s.generate_key_with_str("X25519", true, &usages(&["deriveBits"])), "X25519 key").await?;
    let private = Reflect::get(&pair, &"privateKey".into()).map_err(failed("X25519"))?.unchecked_into::<CryptoKey>();
    let public_key = Reflect::get(&pair, &"publicKey".into()).map_err(failed("X25519"))?.unchecked_into::<CryptoKey>();
    Ok((
        buffer(s.export_key("pkcs8", &private), "X25519 private key").await?,
        buffer(s.export_key("raw", &public_key), "X25519 public key").await?,
    ))
}

// ---- Ed25519 (signing) ----

/// The fixed DER framing of an Ed25519 private key in PKCS #8 (RFC 8410):
/// WebCrypto imports private keys only in that (or JWK) form.
const ED25519_PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

/// An Ed25519 signing key held as a non-extractable `CryptoKey`.
#[derive(Clone)]
pub struct SigningKey {
    key: CryptoKey,
    /// The raw 32-byte public key.
    pub public: Vec<u8>,
}

/// Imports a 32-byte Ed25519 seed (as secret storage keeps cross-signing
/// keys) and works out its public key.
pub async fn ed25519_from_seed(seed: &[u8]) -> Result<SigningKey, CryptoError> {
    if seed.len() != 32 {
        return Err(CryptoError("an Ed25519 seed has 32 bytes".into()));
    }
    let s = subtle()?;
    let mut pkcs8 = ED25519_PKCS8_PREFIX.to_vec();
    pkcs8.extend_from_slice(seed);
    // Extractable once, to read the public key the browser derives (JWK `x`).
    let exportable =
        promise(s.import_key_with_str("pkcs8", &bytes(&pkcs8), "Ed25519", true, &usages(&["sign"])), "Ed25519 key")
            .await?
            .unchecked_into::<CryptoKey>();
    let jwk = promise(s.export_key("jwk", &exportable), "Ed25519 key").await?;
    let x = Reflect::get(&jwk, &"x".into())
        .ok()
        .and_then(|x| x.as_string())
        .ok_or_else(|| CryptoError("no public key".into()))?;
    let public = base64url_decode(&x)?;
    let key =
        promise(s.import_key_with_str("pkcs8", &bytes(&pkcs8), "Ed25519", false, &usages(&["sign"])), "Ed25519 key")
            .await?
            .unchecked_into::<CryptoKey>();
    Ok(SigningKey { key, public })
}

/// A new Ed25519 key: the key and its 32-byte seed (for this session's
/// device key, which the page keeps with its login).
pub async fn ed25519_generate() -> Result<(SigningKey, Vec<u8>), CryptoError> {
    let s = subtle()?;
    let pair = promise(s.generate_key_with_str("Ed25519", true, &usages(&["sign", "verify"])), "Ed25519 key").await?;
    let private = Reflect::get(&pair, &"privateKey".into()).map_err(failed("Ed25519"))?.unchecked_into::<CryptoKey>();
    let jwk = promise(s.export_key("jwk", &private), "Ed25519 key").await?;
    let d = Reflect::get(&jwk, &"d".into())
        .ok()
        .and_then(|d| d.as_string())
        .ok_or_else(|| CryptoError("no seed".into()))?;
    let seed = base64url_decode(&d)?;
    let key = ed25519_from_seed(&seed).await?;
    Ok((key, seed))
}

impl SigningKey {
    pub async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        buffer(subtle()?.sign_with_str_and_buffer_source("Ed25519", &self.key, &bytes(message)), "Ed25519").await
    }
}

// ---- Ed25519 (checking signatures) ----

// The whole batch in one call: per check, three typed arrays and two promises
// crossing between wasm and JavaScript cost more than the checks themselves
// (about 80 ms for 1,334 checks). Each distinct key is imported once.
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export async function verifyEd25519(keys, signatures, messages, ends) {
  // Copies: the arguments are views into wasm memory, which may grow (and
  // detach them) before the checks have read them.
  [keys, signatures, messages, ends] = [keys.slice(), signatures.slice(), messages.slice(), ends.slice()];
  const imported = new Map();
  const keyOf = (i) => {
    const raw = keys.subarray(32 * i, 32 * i + 32);
    const id = String.fromCharCode(...raw);
    if (!imported.has(id)) {
      // Not a valid public key: its signatures are invalid. Anything else
      // (no Ed25519 here) means nothing can be judged.
      imported.set(id, crypto.subtle.importKey("raw", raw, "Ed25519", false, ["verify"]).catch((e) => {
        if (e && e.name === "DataError") return null;
        throw e;
      }));
    }
    return imported.get(id);
  };
  const checks = [];
  for (let i = 0; i < ends.length; i++) {
    const message = messages.subarray(i === 0 ? 0 : ends[i - 1], ends[i]);
    const signature = signatures.subarray(64 * i, 64 * i + 64);
    checks.push(keyOf(i).then((key) => key !== null && crypto.subtle.verify("Ed25519", key, signature, message)));
  }
  return Uint8Array.from(await Promise.all(checks), (ok) => (ok ? 1 : 0));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = verifyEd25519)]
    fn verify_ed25519(keys: &[u8], signatures: &[u8], messages: &[u8], ends: &[u32]) -> js_sys::Promise;
}

/// Checks Ed25519 signatures, all at once: the browser works through them
/// off the page's thread and answers each. A malformed key or signature is
/// simply invalid; `Err` when the browser could not check (no Ed25519 in
/// its WebCrypto, or a failure of its own) — then nothing is judged.
pub async fn ed25519_verify_all(checks: &[SignatureCheck]) -> Result<Vec<bool>, CryptoError> {
    let decoded: Vec<_> = checks.iter().map(SignatureCheck::decoded).collect();
    let (mut keys, mut signatures, mut messages, mut ends) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (check, (key, signature)) in checks.iter().zip(&decoded).filter_map(|(c, d)| Some((c, (*d)?))) {
        keys.extend_from_slice(&key);
        signatures.extend_from_slice(&signature);
        messages.extend_from_slice(check.message.as_bytes());
        ends.push(messages.len() as u32);
    }
    if ends.is_empty() {
        return Ok(vec![false; checks.len()]);
    }
    let answers = JsFuture::from(verify_ed25519(&keys, &signatures, &messages, &ends))
        .await
        .map_err(|e| CryptoError(format!("Ed25519 verify: {}", error_name(&e))))?;
    let mut answers = Uint8Array::new(&answers).to_vec().into_iter();
    Ok(decoded.iter().map(|d| d.is_some() && answers.next() == Some(1)).collect())
}

fn error_name(e: &JsValue) -> String {
    Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}

fn base64url_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| CryptoError(e.to_string()))
}
