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
use crate::model::verification::{IncomingRequest, SasChoice, SasEnd, SasView};

/// Bumped whenever a message changes shape.
pub const VERSION: u32 = 1;

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

/// A command, with the page's current access token: the page alone
/// refreshes the login, the module only uses what it is given.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    pub access_token: String,
    pub command: Command,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// First: which account and session the module acts for.
    Start {
        version: u32,
        homeserver: String,
        user_id: String,
        device_id: String,
    },
    /// Unlock, comparing with the identity the page holds (public keys).
    Unlock {
        input: UnlockInput,
        master: Option<String>,
        self_signing: Option<String>,
    },
    /// Forget the private keys.
    Lock,
    /// Publish this session's keys and sign them with the self-signing key.
    VerifyThisSession,
    /// Emoji verification with another session, started here.
    Verify {
        device_id: String,
        name: String,
    },
    /// Emoji verification another session asked for.
    Accept {
        request: IncomingRequest,
    },
    Choose {
        choice: SasChoice,
    },
    /// A verification to-device event from the live updates.
    ToDevice {
        sender: String,
        event_type: String,
        content: Value,
    },
    /// The page is leaving (signed out): cancel, forget everything.
    Stop,
}

/// What the module tells the page. Failures arrive as `Text`, so the page
/// carries no decoder for the module's error types.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    Ready {
        version: u32,
    },
    Unlocked {
        error: Option<Text>,
    },
    OwnVerified {
        error: Option<Text>,
    },
    /// Where the running verification stands.
    Sas {
        view: SasView,
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

fn opt_text(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

impl Text {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("key".into(), self.key.clone().into());
        if let Some(count) = self.count {
            m.insert("count".into(), count.into());
        }
        if !self.args.is_empty() {
            m.insert("args".into(), self.args.iter().map(|(k, v)| json!([k, v])).collect());
        }
        if let Some(reason) = &self.reason {
            m.insert("reason".into(), reason.to_json());
        }
        Value::Object(m)
    }

    pub fn from_json(v: &Value) -> Option<Text> {
        let args = match v.get("args") {
            None => Vec::new(),
            Some(list) => list
                .as_array()?
                .iter()
                .map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
                .collect::<Option<_>>()?,
        };
        let reason = match v.get("reason") {
            None => None,
            Some(r) => Some(Box::new(Text::from_json(r)?)),
        };
        let count = match v.get("count") {
            None => None,
            Some(c) => Some(usize::try_from(c.as_u64()?).ok()?),
        };
        Some(Text { key: text_of(v, "key")?, count, args, reason })
    }
}

fn choice_name(choice: SasChoice) -> &'static str {
    match choice {
        SasChoice::Match => "match",
        SasChoice::Mismatch => "mismatch",
        SasChoice::Cancel => "cancel",
    }
}

impl Envelope {
    pub fn to_json(&self) -> Value {
        let mut v = match &self.command {
            Command::Start { version, homeserver, user_id, device_id } => json!({
                "kind": "start", "version": version, "homeserver": homeserver,
                "user_id": user_id, "device_id": device_id,
            }),
            Command::Unlock { input, master, self_signing } => {
                let (with, secret) = match input {
                    UnlockInput::RecoveryKey(k) => ("recovery_key", k),
                    UnlockInput::Passphrase(p) => ("passphrase", p),
                };
                json!({
                    "kind": "unlock", "with": with, "secret": secret,
                    "master": opt_text(master), "self_signing": opt_text(self_signing),
                })
            }
            Command::Lock => json!({ "kind": "lock" }),
            Command::VerifyThisSession => json!({ "kind": "verify_this_session" }),
            Command::Verify { device_id, name } => json!({ "kind": "verify", "device_id": device_id, "name": name }),
            Command::Accept { request } => json!({
                "kind": "accept", "device_id": request.device_id, "name": request.name,
                "transaction_id": request.transaction_id,
            }),
            Command::Choose { choice } => json!({ "kind": "choose", "choice": choice_name(*choice) }),
            Command::ToDevice { sender, event_type, content } => json!({
                "kind": "to_device", "sender": sender, "event_type": event_type, "content": content,
            }),
            Command::Stop => json!({ "kind": "stop" }),
        };
        v["access_token"] = self.access_token.clone().into();
        v
    }

    pub fn from_json(v: &Value) -> Option<Envelope> {
        let s = |field: &str| text_of(v, field);
        let command = match v.get("kind")?.as_str()? {
            "start" => Command::Start {
                version: u32::try_from(v.get("version")?.as_u64()?).ok()?,
                homeserver: s("homeserver")?,
                user_id: s("user_id")?,
                device_id: s("device_id")?,
            },
            "unlock" => Command::Unlock {
                input: match v.get("with")?.as_str()? {
                    "recovery_key" => UnlockInput::RecoveryKey(s("secret")?),
                    "passphrase" => UnlockInput::Passphrase(s("secret")?),
                    _ => return None,
                },
                master: s("master"),
                self_signing: s("self_signing"),
            },
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
            "choose" => Command::Choose {
                choice: match v.get("choice")?.as_str()? {
                    "match" => SasChoice::Match,
                    "mismatch" => SasChoice::Mismatch,
                    "cancel" => SasChoice::Cancel,
                    _ => return None,
                },
            },
            "to_device" => Command::ToDevice {
                sender: s("sender")?,
                event_type: s("event_type")?,
                content: v.get("content")?.clone(),
            },
            "stop" => Command::Stop,
            _ => return None,
        };
        Some(Envelope { access_token: s("access_token")?, command })
    }
}

fn end_to_json(end: &SasEnd) -> Value {
    match end {
        SasEnd::CancelledByThem(code) => json!({ "end": "cancelled_by_them", "code": code }),
        SasEnd::CancelledByUs => json!({ "end": "cancelled_by_us" }),
        SasEnd::Mismatch => json!({ "end": "mismatch" }),
        SasEnd::Timeout => json!({ "end": "timeout" }),
        SasEnd::UnknownMethod => json!({ "end": "unknown_method" }),
        SasEnd::Tampered => json!({ "end": "tampered" }),
        SasEnd::Unexpected => json!({ "end": "unexpected" }),
        SasEnd::Failed(reason) => json!({ "end": "failed", "reason": reason.to_json() }),
    }
}

fn end_from_json(v: &Value) -> Option<SasEnd> {
    Some(match v.get("end")?.as_str()? {
        "cancelled_by_them" => SasEnd::CancelledByThem(text_of(v, "code")?),
        "cancelled_by_us" => SasEnd::CancelledByUs,
        "mismatch" => SasEnd::Mismatch,
        "timeout" => SasEnd::Timeout,
        "unknown_method" => SasEnd::UnknownMethod,
        "tampered" => SasEnd::Tampered,
        "unexpected" => SasEnd::Unexpected,
        "failed" => SasEnd::Failed(Text::from_json(v.get("reason")?)?),
        _ => return None,
    })
}

fn view_to_json(view: &SasView) -> Value {
    match view {
        SasView::Closed => json!({ "view": "closed" }),
        SasView::Waiting { name } => json!({ "view": "waiting", "name": name }),
        SasView::Compare { name, emoji, decimals, confirmed } => json!({
            "view": "compare", "name": name, "emoji": emoji, "decimals": decimals, "confirmed": confirmed,
        }),
        SasView::Verified { name } => json!({ "view": "verified", "name": name }),
        SasView::Ended { name, end } => json!({ "view": "ended", "name": name, "end": end_to_json(end) }),
    }
}

fn numbers<const N: usize>(v: &Value) -> Option<[u64; N]> {
    let list = v.as_array()?;
    let mut out = [0u64; N];
    if list.len() != N {
        return None;
    }
    for (slot, n) in out.iter_mut().zip(list) {
        *slot = n.as_u64()?;
    }
    Some(out)
}

fn view_from_json(v: &Value) -> Option<SasView> {
    let name = || text_of(v, "name");
    Some(match v.get("view")?.as_str()? {
        "closed" => SasView::Closed,
        "waiting" => SasView::Waiting { name: name()? },
        "compare" => {
            let emoji = numbers::<7>(v.get("emoji")?)?;
            let decimals = numbers::<3>(v.get("decimals")?)?;
            if emoji.iter().any(|&e| e > 63) || decimals.iter().any(|&d| d > 9191) {
                return None;
            }
            SasView::Compare {
                name: name()?,
                emoji: emoji.map(|e| e as usize),
                decimals: decimals.map(|d| d as u16),
                confirmed: v.get("confirmed")?.as_bool()?,
            }
        }
        "verified" => SasView::Verified { name: name()? },
        "ended" => SasView::Ended { name: name()?, end: end_from_json(v.get("end")?)? },
        _ => return None,
    })
}

fn error_to_json(error: &Option<Text>) -> Value {
    error.as_ref().map_or(Value::Null, Text::to_json)
}

fn error_from_json(v: &Value) -> Option<Option<Text>> {
    match v.get("error") {
        None | Some(Value::Null) => Some(None),
        Some(e) => Text::from_json(e).map(Some),
    }
}

impl Report {
    pub fn to_json(&self) -> Value {
        match self {
            Report::Ready { version } => json!({ "kind": "ready", "version": version }),
            Report::Unlocked { error } => json!({ "kind": "unlocked", "error": error_to_json(error) }),
            Report::OwnVerified { error } => json!({ "kind": "own_verified", "error": error_to_json(error) }),
            Report::Sas { view } => json!({ "kind": "sas", "view": view_to_json(view) }),
            Report::FlowOver => json!({ "kind": "flow_over" }),
            Report::KeysChanged => json!({ "kind": "keys_changed" }),
        }
    }

    pub fn from_json(v: &Value) -> Option<Report> {
        Some(match v.get("kind")?.as_str()? {
            "ready" => Report::Ready { version: u32::try_from(v.get("version")?.as_u64()?).ok()? },
            "unlocked" => Report::Unlocked { error: error_from_json(v)? },
            "own_verified" => Report::OwnVerified { error: error_from_json(v)? },
            "sas" => Report::Sas { view: view_from_json(v.get("view")?)? },
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
        let envelope = Envelope { access_token: "syt_x".into(), command };
        let json = serde_json::to_string(&envelope.to_json()).unwrap();
        let back = Envelope::from_json(&serde_json::from_str(&json).unwrap());
        assert_eq!(back.as_ref(), Some(&envelope), "{json}");
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
            },
            Command::Unlock {
                input: UnlockInput::Passphrase("correct horse".into()),
                master: Some("M".into()),
                self_signing: None,
            },
            Command::Unlock {
                input: UnlockInput::RecoveryKey("EsT...".into()),
                master: None,
                self_signing: Some("S".into()),
            },
            Command::Lock,
            Command::VerifyThisSession,
            Command::Verify { device_id: "D".into(), name: "Pixel".into() },
            Command::Accept { request },
            Command::Choose { choice: SasChoice::Match },
            Command::Choose { choice: SasChoice::Mismatch },
            Command::Choose { choice: SasChoice::Cancel },
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
        let limited = Fault::Request(ApiError::RateLimited { retry_after_ms: Some(5000) }).text();
        let nested = UnlockProblem::Request(ApiError::Http { status: 502 }).text();
        for report in [
            Report::Ready { version: VERSION },
            Report::Unlocked { error: None },
            Report::Unlocked { error: Some(nested) },
            Report::OwnVerified { error: Some(limited.clone()) },
            Report::FlowOver,
            Report::KeysChanged,
            Report::Sas { view: SasView::Closed },
            Report::Sas { view: SasView::Waiting { name: "Pixel".into() } },
            Report::Sas {
                view: SasView::Compare {
                    name: "Pixel".into(),
                    emoji: [0, 2, 63, 4, 5, 6, 7],
                    decimals: [1000, 9191, 3],
                    confirmed: true,
                },
            },
            Report::Sas { view: SasView::Verified { name: "Pixel".into() } },
            Report::Sas { view: SasView::Ended { name: "P".into(), end: SasEnd::CancelledByThem("m.user".into()) } },
            Report::Sas { view: SasView::Ended { name: "P".into(), end: SasEnd::Failed(limited) } },
            Report::Sas { view: SasView::Ended { name: "P".into(), end: SasEnd::Unexpected } },
        ] {
            report_round_trip(report);
        }
    }

    #[test]
    fn what_does_not_fit_is_refused() {
        assert_eq!(Envelope::from_json(&json!({"kind": "format_disk", "access_token": "x"})), None);
        assert_eq!(Envelope::from_json(&json!({"kind": "lock"})), None, "no token");
        let emoji_out_of_range = json!({"kind": "sas", "view": {
            "view": "compare", "name": "P", "emoji": [64, 0, 0, 0, 0, 0, 0], "decimals": [1, 2, 3], "confirmed": false
        }});
        assert_eq!(Report::from_json(&emoji_out_of_range), None);
        let six_emoji = json!({"kind": "sas", "view": {
            "view": "compare", "name": "P", "emoji": [1, 0, 0, 0, 0, 0], "decimals": [1, 2, 3], "confirmed": false
        }});
        assert_eq!(Report::from_json(&six_emoji), None);
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
