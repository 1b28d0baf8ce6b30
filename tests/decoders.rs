//! Property tests of everything that reads what a server (or a browser's
//! storage, or a deployment's config.json) sends: whatever the input, decoding
//! returns a value or an error and never panics. Inputs are arbitrary JSON
//! shaped around the field names the decoders look for, arbitrary text, and
//! truncations and mutations of the real answers kept in
//! `tests/fixtures/responses/` (the seed corpus).
#![cfg(not(target_arch = "wasm32"))]

use matrix_sessions::api::auth::AuthMetadata;
use matrix_sessions::api::error::{decode_response, error_from_response};
use matrix_sessions::api::types::{
    AccountDataEvent, DevicesResponse, Empty, LoginFlows, LoginResponse, Pusher, PushersResponse, RefreshResponse,
    SyncResponse, Versions, WellKnown, mxc_to_http,
};
use matrix_sessions::model::account_data::SessionAccountData;
use matrix_sessions::model::config::parse_config;
use matrix_sessions::model::push::push_toggle;
use matrix_sessions::model::stored_login::parse_stored_login;
use matrix_sessions::model::trust::{judge, needed_checks};
use matrix_sessions::model::uia::next_step;
use proptest::prelude::*;
use serde_json::{Map, Value};

const CORPUS: &[&str] = &[
    include_str!("fixtures/responses/devices.json"),
    include_str!("fixtures/responses/sync.json"),
    include_str!("fixtures/responses/pushers.json"),
    include_str!("fixtures/responses/login.json"),
    include_str!("fixtures/responses/login_flows.json"),
    include_str!("fixtures/responses/versions.json"),
    include_str!("fixtures/responses/uia.json"),
    include_str!("fixtures/responses/rate_limited.json"),
    include_str!("fixtures/responses/auth_metadata.json"),
    include_str!("fixtures/matrix-crypto-vectors.json"),
];

const STATUSES: &[u16] = &[200, 201, 400, 401, 403, 404, 429, 500, 502, 503];

/// Field names the decoders read, so generated objects reach deep code.
const KEYS: &[&str] = &[
    "devices",
    "device_id",
    "display_name",
    "last_seen_ts",
    "last_seen_ip",
    "errcode",
    "error",
    "soft_logout",
    "retry_after_ms",
    "flows",
    "stages",
    "session",
    "completed",
    "params",
    "versions",
    "unstable_features",
    "m.homeserver",
    "base_url",
    "type",
    "identity_providers",
    "id",
    "name",
    "user_id",
    "access_token",
    "refresh_token",
    "expires_in_ms",
    "pushers",
    "pushkey",
    "org.matrix.msc3881.enabled",
    "org.matrix.msc3881.device_id",
    "next_batch",
    "account_data",
    "events",
    "content",
    "device_lists",
    "changed",
    "is_silenced",
    "device_keys",
    "master_keys",
    "self_signing_keys",
    "keys",
    "usage",
    "signatures",
    "unsigned",
    "@alice:hs",
    "ed25519:A",
    "homeserver",
    "brand",
    "theme",
    "accent_color",
    "inactive_days",
    "default_homeserver",
    "account_management_uri",
    "account_management_actions_supported",
    "url",
    "version",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(|k| Value::String(k.to_string())),
        Just(Value::String("mxc://example.org/abc".into())),
        Just(Value::String("io.element.matrix_client_information.A".into())),
        Just(Value::String("org.matrix.msc3890.local_notification_settings.A".into())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|entries| {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.to_string(), v);
                }
                Value::Object(map)
            }),
        ]
    })
}

/// Runs every decoder over one body; any panic fails the property.
fn decode_everything(body: &str) {
    for &status in STATUSES {
        let _ = decode_response::<DevicesResponse>(status, body);
        let _ = decode_response::<Versions>(status, body);
        let _ = decode_response::<WellKnown>(status, body);
        let _ = decode_response::<LoginFlows>(status, body);
        let _ = decode_response::<LoginResponse>(status, body);
        let _ = decode_response::<RefreshResponse>(status, body);
        let _ = decode_response::<PushersResponse>(status, body);
        let _ = decode_response::<SyncResponse>(status, body);
        let _ = decode_response::<AuthMetadata>(status, body);
        let _ = decode_response::<Empty>(status, body);
        let err = error_from_response(status, body);
        let _ = err.to_string();
        if let matrix_sessions::api::ApiError::AuthRequired(state) = err {
            let _ = next_step(&state);
        }
    }
    let _ = parse_stored_login(body);
    let _ = parse_config(body);
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        use_value(&value);
    }
}

/// The decoders that work on already-parsed JSON.
fn use_value(value: &Value) {
    for user in ["@alice:hs", "@carol:localhost"] {
        // What the page does with a `/keys/query` answer.
        let needed = needed_checks(value, user);
        let _ = judge(value, user, &mut |check| {
            assert!(needed.contains(check), "judge asked for a check needed_checks did not list");
            check.decoded().is_some()
        });
    }
    let mut data = SessionAccountData::default();
    if let Ok(sync) = serde_json::from_value::<SyncResponse>(value.clone()) {
        sync.account_data_events().iter().for_each(|e| data.apply(e));
        let _ = sync.own_devices_changed("@alice:hs");
    }
    for kind in [
        "io.element.matrix_client_information.A",
        "org.matrix.msc3890.local_notification_settings.A",
        "m.local_notification_settings.A",
    ] {
        data.apply(&AccountDataEvent { kind: kind.into(), content: value.clone() });
    }
    let _ = data.stale_client_info(["B"]);
    if let Value::Object(map) = value {
        let pusher = Pusher(map.clone());
        let _ = (pusher.device_id(), pusher.enabled(), pusher.pushkey(), pusher.with_enabled(false));
        let _ = push_toggle("A", &[pusher], Some(true), false);
    }
    if let Some(s) = value.as_str() {
        let _ = mxc_to_http("https://hs", s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        decode_everything(&value.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics(body in "\\PC{0,200}") {
        decode_everything(&body);
    }

    #[test]
    fn truncated_real_answers_never_panic(which in 0..CORPUS.len(), cut in 0usize..4096) {
        let body = CORPUS[which];
        let mut end = cut.min(body.len());
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        decode_everything(&body[..end]);
    }

    #[test]
    fn mutated_real_answers_never_panic(which in 0..CORPUS.len(), at in 0usize..4096, byte in any::<u8>()) {
        let mut bytes = CORPUS[which].as_bytes().to_vec();
        let at = at % bytes.len();
        bytes[at] = byte;
        decode_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn values_spliced_into_real_answers_never_panic(which in 0..CORPUS.len(), value in json_value(), pick in any::<usize>()) {
        // Replace one value somewhere in a real answer with a generated one.
        let mut real: Value = serde_json::from_str(CORPUS[which]).unwrap();
        fn paths(v: &Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
            out.push(here.clone());
            match v {
                Value::Object(m) => m.iter().for_each(|(k, v)| { let mut p = here.clone(); p.push(k.clone()); paths(v, p, out) }),
                Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| { let mut p = here.clone(); p.push(i.to_string()); paths(v, p, out) }),
                _ => {}
            }
        }
        let mut all = Vec::new();
        paths(&real, Vec::new(), &mut all);
        let target = &all[pick % all.len()];
        let mut slot = &mut real;
        for part in target {
            slot = match slot {
                Value::Object(m) => m.get_mut(part).unwrap(),
                Value::Array(a) => &mut a[part.parse::<usize>().unwrap()],
                _ => unreachable!(),
            };
        }
        *slot = value;
        decode_everything(&real.to_string());
    }
}

#[test]
fn the_corpus_decodes() {
    let devices: DevicesResponse = decode_response(200, CORPUS[0]).unwrap();
    assert_eq!(devices.devices.len(), 3);
    let sync: SyncResponse = decode_response(200, CORPUS[1]).unwrap();
    assert!(sync.own_devices_changed("@alice:localhost"));
    let pushers: PushersResponse = decode_response(200, CORPUS[2]).unwrap();
    assert_eq!(pushers.pushers[0].device_id(), Some("PIXEL8"));
    let login: LoginResponse = decode_response(200, CORPUS[3]).unwrap();
    assert_eq!(login.expires_in_ms, Some(300000));
    let metadata: AuthMetadata = decode_response(200, CORPUS[8]).unwrap();
    assert_eq!(metadata.account_management_actions_supported.len(), 4);
}

#[test]
fn a_huge_answer_is_decoded_or_refused_without_panicking() {
    let mut body = String::from(r#"{"devices":["#);
    for i in 0..20_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"device_id":"D{i}","display_name":"{}"}}"#, "x".repeat(50)));
    }
    body.push_str("]}");
    let devices: DevicesResponse = decode_response(200, &body).unwrap();
    assert_eq!(devices.devices.len(), 20_000);
    decode_everything(&body[..body.len() / 2]);
}
