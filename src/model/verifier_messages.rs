//! What the page and the verification module say to each other. The
//! module (`src/bin/verifier.rs`, loaded only when the user unlocks or
//! verifies) holds the private keys and runs the flows; the page shows what
//! it reports. Both sides are this crate, built into two wasm files; the
//! messages cross as JSON, encoded by hand over `serde_json::Value` (serde's
//! derived decoders for these types cost the page 30 KB of wasm, the page's
//! existing `Value` code costs nothing). `VERSION` catches a cached module
//! from another build.

use serde_json::{Map, Value, json};

use crate::api::ApiError;
use crate::model::messages::{Text, api_error_text};
use crate::model::recovery_key::RecoveryKeyError;
use crate::model::secret_storage::StorageProblem;
use crate::model::verification::IncomingRequest;

/// Bumped whenever a message changes shape.
pub const VERSION: u32 = 3;

/// The id of the page's element that the module renders its dialogs into.
pub const DIALOGS_HOST: &str = "verifier-dialogs";

/// Where keyboard focus goes after a dialog whose opener is gone (a
/// signed-out session's button), for the page's dialogs and the module's:
/// the page's list of sessions, else its current session.
pub const RETURN_FOCUS_TO: &[&str] = &["other-sessions-heading", "current-session-heading"];

/// What the user typed to unlock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnlockInput {
    RecoveryKey(String),
    Passphrase(String),
}

/// Why unlocking did not work; nothing was sent or stored.
#[derive(Clone, Debug, PartialEq)]
pub enum UnlockProblem {
    Storage(StorageProblem),
    BadRecoveryKey(RecoveryKeyError),
    WrongRecoveryKey,
    WrongPassphrase,
    /// The secret's MAC does not match: damaged, or not ours.
    Damaged(String),
    /// The account publishes no cross-signing keys to compare with.
    NotPublished,
    /// The stored keys are not the account's published identity.
    Mismatch,
    /// The browser's cryptography refused (its message).
    Crypto(String),
    /// Secret storage could not be read from the server.
    Request(ApiError),
}

impl UnlockProblem {
    /// What it says to the user.
    pub fn text(&self) -> Text {
        Text::new(match self {
            UnlockProblem::Storage(StorageProblem::NotSetUp) => "unlock.error.not_set_up",
            UnlockProblem::Storage(StorageProblem::UnknownAlgorithm(_)) => "unlock.error.unknown_algorithm",
            UnlockProblem::Storage(StorageProblem::BadDescription) => "unlock.error.bad_description",
            UnlockProblem::Storage(StorageProblem::NoPassphrase) => "unlock.error.no_passphrase",
            UnlockProblem::Storage(StorageProblem::Missing(_)) => "unlock.error.missing",
            UnlockProblem::Storage(StorageProblem::OtherKey(_)) => "unlock.error.other_key",
            UnlockProblem::BadRecoveryKey(RecoveryKeyError::NotBase58) => "unlock.error.not_base58",
            UnlockProblem::BadRecoveryKey(RecoveryKeyError::NotARecoveryKey) => "unlock.error.not_a_key",
            UnlockProblem::BadRecoveryKey(RecoveryKeyError::Parity) => "unlock.error.parity",
            UnlockProblem::WrongRecoveryKey => "unlock.error.wrong_key",
            UnlockProblem::WrongPassphrase => "unlock.error.wrong_phrase",
            UnlockProblem::Damaged(_) => "unlock.error.damaged",
            UnlockProblem::NotPublished => "unlock.error.not_published",
            UnlockProblem::Mismatch => "unlock.error.mismatch",
            UnlockProblem::Crypto(reason) => return Text::new("verify.error.crypto").with("reason", reason),
            UnlockProblem::Request(e) => return Text::new("unlock.error.request").because(api_error_text(e)),
        })
    }
}

/// A command from the page. The module asks the page for its current
/// access token before each request (the page alone refreshes the login).
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// First: which account and session the module acts for, in which
    /// language its dialogs speak.
    Start { version: u32, homeserver: String, user_id: String, device_id: String, lang: String },
    /// Show the unlock dialog (what it unlocks must be the account's
    /// published identity, which the module fetches).
    Unlock,
    /// Forget the private keys.
    Lock,
    /// Publish this session's keys and sign them with the self-signing key.
    VerifyThisSession,
    /// Emoji verification with another session, started here.
    Verify { device_id: String, name: String },
    /// Emoji verification another session asked for.
    Accept { request: IncomingRequest },
    /// A verification to-device event from the live updates.
    ToDevice { sender: String, event_type: String, content: Value },
    /// The page is leaving (signed out): cancel, forget everything, take
    /// the dialogs away.
    Stop,
}

/// What the module tells the page. Failures arrive worded, by the module
/// in the page's language (it holds the same catalog), so the page carries
/// no decoder for the module's error types nor for texts; the dialogs' own
/// progress stays in the module.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// Started (`error`: but its dialogs could not be shown).
    Ready {
        version: u32,
        error: Option<String>,
    },
    /// The private keys are held (the unlock dialog closed itself).
    Unlocked,
    /// The unlock dialog was closed without unlocking.
    UnlockClosed,
    OwnVerified {
        error: Option<String>,
    },
    /// The running verification is over (its dialog stays to say how).
    FlowOver,
    /// The account's keys changed on the server: fetch them again.
    KeysChanged,
}

// ---- the JSON both sides speak ----

fn text_of(v: &Value, field: &str) -> Option<String> {
    v.get(field).and_then(Value::as_str).map(str::to_string)
}

/// `{"kind": kind, ...fields}` (written out: `json!` costs the page more).
fn object(kind: &str, fields: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), kind.into());
    for (key, value) in fields {
        m.insert(key.into(), value);
    }
    Value::Object(m)
}

fn string(s: &str) -> Value {
    Value::from(s)
}

impl Command {
    pub fn to_json(&self) -> Value {
        match self {
            Command::Start { version, homeserver, user_id, device_id, lang } => object(
                "start",
                vec![
                    ("version", Value::from(*version)),
                    ("homeserver", string(homeserver)),
                    ("user_id", string(user_id)),
                    ("device_id", string(device_id)),
                    ("lang", string(lang)),
                ],
            ),
            Command::Unlock => object("unlock", vec![]),
            Command::Lock => object("lock", vec![]),
            Command::VerifyThisSession => object("verify_this_session", vec![]),
            Command::Verify { device_id, name } => {
                object("verify", vec![("device_id", string(device_id)), ("name", string(name))])
            }
            Command::Accept { request } => object(
                "accept",
                vec![
                    ("device_id", string(&request.device_id)),
                    ("name", string(&request.name)),
                    ("transaction_id", string(&request.transaction_id)),
                ],
            ),
            Command::ToDevice { sender, event_type, content } => object(
                "to_device",
                vec![("sender", string(sender)), ("event_type", string(event_type)), ("content", content.clone())],
            ),
            Command::Stop => object("stop", vec![]),
        }
    }

    pub fn from_json(v: &Value) -> Option<Command> {
        let s = |field: &str| text_of(v, field);
        Some(match v.get("kind")?.as_str()? {
            "start" => Command::Start {
                version: u32::try_from(v.get("version")?.as_u64()?).ok()?,
                homeserver: s("homeserver")?,
                user_id: s("user_id")?,
                device_id: s("device_id")?,
                lang: s("lang")?,
            },
            "unlock" => Command::Unlock,
            "lock" => Command::Lock,
            "verify_this_session" => Command::VerifyThisSession,
            "verify" => Command::Verify { device_id: s("device_id")?, name: s("name")? },
            "accept" => Command::Accept {
                request: IncomingRequest {
                    device_id: s("device_id")?,
                    name: s("name")?,
                    transaction_id: s("transaction_id")?,
                },
            },
            "to_device" => Command::ToDevice {
                sender: s("sender")?,
                event_type: s("event_type")?,
                content: v.get("content")?.clone(),
            },
            "stop" => Command::Stop,
            _ => return None,
        })
    }
}

fn error_to_json(error: &Option<String>) -> Value {
    error.as_deref().map_or(Value::Null, string)
}

fn error_from_json(v: &Value) -> Option<Option<String>> {
    match v.get("error") {
        None | Some(Value::Null) => Some(None),
        Some(e) => Some(Some(e.as_str()?.to_string())),
    }
}

impl Report {
    pub fn to_json(&self) -> Value {
        match self {
            Report::Ready { version, error } => {
                json!({ "kind": "ready", "version": version, "error": error_to_json(error) })
            }
            Report::Unlocked => json!({ "kind": "unlocked" }),
            Report::UnlockClosed => json!({ "kind": "unlock_closed" }),
            Report::OwnVerified { error } => json!({ "kind": "own_verified", "error": error_to_json(error) }),
            Report::FlowOver => json!({ "kind": "flow_over" }),
            Report::KeysChanged => json!({ "kind": "keys_changed" }),
        }
    }

    pub fn from_json(v: &Value) -> Option<Report> {
        Some(match v.get("kind")?.as_str()? {
            "ready" => {
                Report::Ready { version: u32::try_from(v.get("version")?.as_u64()?).ok()?, error: error_from_json(v)? }
            }
            "unlocked" => Report::Unlocked,
            "unlock_closed" => Report::UnlockClosed,
            "own_verified" => Report::OwnVerified { error: error_from_json(v)? },
            "flow_over" => Report::FlowOver,
            "keys_changed" => Report::KeysChanged,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::verification::Fault;

    fn command_round_trip(command: Command) {
        let json = serde_json::to_string(&command.to_json()).unwrap();
        let back = Command::from_json(&serde_json::from_str(&json).unwrap());
        assert_eq!(back.as_ref(), Some(&command), "{json}");
    }

    fn report_round_trip(report: Report) {
        let json = serde_json::to_string(&report.to_json()).unwrap();
        assert_eq!(Report::from_json(&serde_json::from_str(&json).unwrap()).as_ref(), Some(&report), "{json}");
    }

    #[test]
    fn every_command_survives_the_trip() {
        let request = IncomingRequest { device_id: "D".into(), name: "Pixel".into(), transaction_id: "t".into() };
        for command in [
            Command::Start {
                version: VERSION,
                homeserver: "https://hs".into(),
                user_id: "@a:b".into(),
                device_id: "D".into(),
                lang: "pt-BR".into(),
            },
            Command::Unlock,
            Command::Lock,
            Command::VerifyThisSession,
            Command::Verify { device_id: "D".into(), name: "Pixel".into() },
            Command::Accept { request },
            Command::ToDevice {
                sender: "@a:b".into(),
                event_type: "m.key.verification.start".into(),
                content: serde_json::json!({"transaction_id": "t", "n": [1, 2]}),
            },
            Command::Stop,
        ] {
            command_round_trip(command);
        }
    }

    #[test]
    fn every_report_survives_the_trip() {
        let (limited, nested) = ("Too many attempts.".to_string(), "Couldn't verify: \"quoted\" (502)".to_string());
        for report in [
            Report::Ready { version: VERSION, error: None },
            Report::Ready { version: VERSION, error: Some("no room".into()) },
            Report::Unlocked,
            Report::UnlockClosed,
            Report::OwnVerified { error: None },
            Report::OwnVerified { error: Some(limited) },
            Report::OwnVerified { error: Some(nested) },
            Report::FlowOver,
            Report::KeysChanged,
        ] {
            report_round_trip(report);
        }
    }

    #[test]
    fn what_does_not_fit_is_refused() {
        assert_eq!(Command::from_json(&json!({"kind": "format_disk"})), None);
        assert_eq!(Command::from_json(&json!({"kind": "verify", "device_id": "D"})), None, "no name");
        assert_eq!(Report::from_json(&json!({"kind": "own_verified", "error": {"key": "x"}})), None, "not words");
    }

    #[test]
    fn problems_become_texts_with_their_details() {
        assert_eq!(UnlockProblem::WrongPassphrase.text(), Text::new("unlock.error.wrong_phrase"));
        let failed = UnlockProblem::Request(ApiError::Http { status: 502 }).text();
        assert_eq!(failed, Text::new("unlock.error.request").because(Text::new("error.http").with("status", "502")));
        let limited = Fault::Request(ApiError::RateLimited { retry_after_ms: Some(1500) }).text();
        assert_eq!(limited, Text::new("error.rate_limited_in").count(2));
    }
}
