//! The verification cryptography in a real browser (Debian's headless
//! Chromium, WebCrypto), checked against values matrix-js-sdk produced
//! (`tests/fixtures/js-sdk-vectors.json`) and the spec-derived vectors of
//! `tests/fixtures/matrix-crypto-vectors.json`.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use wasm_bindgen_test::*;

use matrix_sessions::model::sas::b64;
use matrix_sessions::model::secret_storage::{self as ss, EncryptedSecret, KeyDescription};
use matrix_sessions::model::trust::{CrossSigning, SignatureCheck, Trust, judge, needed_checks};
use matrix_sessions::web::{crypto, secrets};

wasm_bindgen_test_configure!(run_in_browser);

fn sdk() -> Value {
    serde_json::from_str(include_str!("fixtures/js-sdk-vectors.json")).unwrap()
}

fn spec() -> Value {
    serde_json::from_str(include_str!("fixtures/matrix-crypto-vectors.json")).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap()
}

#[wasm_bindgen_test]
async fn passphrases_stretch_as_matrix_js_sdk_does() {
    for v in sdk()["passphrase"]["vectors"].as_array().unwrap() {
        let key =
            crypto::pbkdf2_sha512(s(v, "passphrase"), s(v, "salt"), v["iterations"].as_u64().unwrap() as u32, 256)
                .await
                .unwrap();
        assert_eq!(key, hex(s(v, "key_hex")), "{}", v["label"]);
    }
}

#[wasm_bindgen_test]
async fn the_key_check_matches_matrix_js_sdk() {
    for v in sdk()["key_check"]["vectors"].as_array().unwrap() {
        let description = KeyDescription {
            id: "K".into(),
            iv: ss::b64(s(v, "iv")).unwrap(),
            mac: ss::b64(s(v, "mac")).unwrap(),
            passphrase: None,
        };
        assert!(secrets::key_matches(&hex(s(v, "key_hex")), &description).await.unwrap(), "{}", v["label"]);
        let mut wrong = hex(s(v, "key_hex"));
        wrong[0] ^= 1;
        assert!(!secrets::key_matches(&wrong, &description).await.unwrap(), "a wrong key fails: {}", v["label"]);
    }
}

#[wasm_bindgen_test]
async fn secrets_decrypt_as_matrix_js_sdk_encrypted_them() {
    for v in sdk()["secret_encryption"]["vectors"].as_array().unwrap() {
        let Some(name) = v["name"].as_str() else { continue };
        // `decrypt` takes the secret names this page reads.
        let name: &'static str = match name {
            ss::SELF_SIGNING => ss::SELF_SIGNING,
            ss::MASTER => ss::MASTER,
            _ => continue,
        };
        let secret = EncryptedSecret {
            iv: ss::b64(s(v, "iv")).unwrap(),
            ciphertext: ss::b64(s(v, "ciphertext")).unwrap(),
            mac: ss::b64(s(v, "mac")).unwrap(),
        };
        let plain = secrets::decrypt(&hex(s(v, "key_hex")), name, &secret).await.unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), s(v, "plaintext"), "{}", v["label"]);
        // Another name (HKDF info) or a flipped ciphertext byte: the MAC refuses.
        let other = if name == ss::MASTER { ss::SELF_SIGNING } else { ss::MASTER };
        assert!(secrets::decrypt(&hex(s(v, "key_hex")), other, &secret).await.is_err());
        let mut damaged = secret.clone();
        damaged.ciphertext[0] ^= 1;
        assert!(secrets::decrypt(&hex(s(v, "key_hex")), name, &damaged).await.is_err());
    }
}

#[wasm_bindgen_test]
async fn ed25519_seeds_give_the_published_keys_and_valid_signatures() {
    let v = spec();
    let cs = &v["cross_signing"];
    for who in ["master", "self_signing", "user_signing", "device_PHONE"] {
        let key = crypto::ed25519_from_seed(&hex(s(&cs["seeds_hex"], who))).await.unwrap();
        assert_eq!(b64(&key.public), s(&cs["public_keys"], who), "{who}");
    }
    let ssk = crypto::ed25519_from_seed(&hex(s(&cs["seeds_hex"], "self_signing"))).await.unwrap();
    let object = serde_json::json!({"user_id": "@carol:localhost", "device_id": "NEW", "keys": {}});
    let signed = secrets::sign_object(&object, &ssk, "@carol:localhost", &b64(&ssk.public)).await.unwrap();
    let check = SignatureCheck::of(&signed, "@carol:localhost", &b64(&ssk.public), &b64(&ssk.public)).unwrap();
    assert_eq!(crypto::ed25519_verify_all(&[check]).await.unwrap(), [true]);
}

/// The page's signature checks, done by the browser, on the spec's
/// cross-signing vectors: the valid chain holds, tampering breaks it.
#[wasm_bindgen_test]
async fn the_browser_checks_the_cross_signing_vectors() {
    let cs = spec()["cross_signing"].clone();
    let user = "@carol:localhost";
    let answer = |device: Value| {
        serde_json::json!({
            "device_keys": { user: { "PHONE": device } },
            "master_keys": { user: cs["keys_query_master_keys_entry"] },
            "self_signing_keys": { user: cs["keys_query_self_signing_keys_entry"] },
        })
    };
    let judged = |keys: Value| async move {
        let needed = needed_checks(&keys, user);
        let results = crypto::ed25519_verify_all(&needed).await.unwrap();
        judge(&keys, user, &mut |c| needed.iter().position(|n| n == c).is_some_and(|i| results[i]))
    };
    let phone = cs["keys_query_device_keys_PHONE"].clone();
    let (chain, sessions) = judged(answer(phone.clone())).await;
    assert!(matches!(chain, CrossSigning::Ready { .. }));
    assert_eq!(sessions["PHONE"], Trust::Verified);
    let mut tampered = phone.clone();
    tampered["algorithms"] = serde_json::json!(["m.megolm.v1.aes-sha2"]);
    assert_eq!(judged(answer(tampered)).await.1["PHONE"], Trust::Unverified);
    // A key that is not a curve point, and a signature that is not base64,
    // are invalid, not errors.
    let ssk = s(&cs["public_keys"], "self_signing").to_string();
    let mut bad = SignatureCheck::of(&phone, user, &ssk, &ssk).unwrap();
    let good = bad.clone();
    bad.public_key = "//////////////////////////////////////////8".into();
    let mut garbled = good.clone();
    garbled.signature = "not base64!".into();
    // Skipped checks in the middle keep every answer in its place.
    let all = [garbled.clone(), good.clone(), bad, garbled, good];
    assert_eq!(crypto::ed25519_verify_all(&all).await.unwrap(), [false, true, false, false, true]);
}

#[wasm_bindgen_test]
async fn key_agreement_gives_both_sides_the_same_secret() {
    let a = crypto::x25519_generate().await.unwrap();
    let b = crypto::x25519_generate().await.unwrap();
    let ab = a.agree(&b.public).await.unwrap();
    assert_eq!(ab.len(), 32);
    assert_eq!(ab, b.agree(&a.public).await.unwrap());
    let sas = crypto::hkdf_sha256(&ab, &[], b"MATRIX_KEY_VERIFICATION_SAS|x", 6).await.unwrap();
    assert_eq!(sas.len(), 6);
    assert_eq!(crypto::sha256(b"abc").await.unwrap()[..4], [0xba, 0x78, 0x16, 0xbf]);
}
