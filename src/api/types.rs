//! Wire types of the Matrix Client-Server API, with the spec's field names.
//! Every optional field is `Option` with `#[serde(default)]`: Synapse sends
//! `null` where the spec says "absent", and unknown fields are ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One session (device) of the account, from `GET /devices`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Device {
    pub device_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub last_seen_ip: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub last_seen_ts: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DevicesResponse {
    pub devices: Vec<Device>,
}

/// `GET /_matrix/client/versions`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Versions {
    pub versions: Vec<String>,
    #[serde(default)]
    pub unstable_features: serde_json::Map<String, Value>,
}

impl Versions {
    /// True when `unstable_features[name]` is exactly `true`.
    pub fn has_unstable(&self, name: &str) -> bool {
        self.unstable_features.get(name) == Some(&Value::Bool(true))
    }
}

/// `GET /.well-known/matrix/client`.
#[derive(Clone, Debug, Deserialize)]
pub struct WellKnown {
    #[serde(rename = "m.homeserver")]
    pub homeserver: WellKnownHomeserver,
}

#[derive(Clone, Debug, Deserialize)]
pub struct WellKnownHomeserver {
    pub base_url: String,
}

/// `GET /login`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct LoginFlows {
    #[serde(default)]
    pub flows: Vec<LoginFlow>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LoginFlow {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub identity_providers: Vec<IdentityProvider>,
    #[serde(default)]
    pub oauth_aware_preferred: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IdentityProvider {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
}

impl LoginFlows {
    pub fn supports(&self, kind: &str) -> bool {
        self.flows.iter().any(|f| f.kind == kind)
    }

    /// The single-sign-on flow, if offered.
    pub fn sso(&self) -> Option<&LoginFlow> {
        self.flows.iter().find(|f| f.kind == "m.login.sso")
    }

    /// Password sign-in is offered and the server doesn't ask OAuth-aware
    /// clients to use single sign-on only.
    pub fn offers_password(&self) -> bool {
        self.supports("m.login.password") && !self.sso().is_some_and(|f| f.oauth_aware_preferred)
    }
}

/// An `mxc://server/media` URI as a download address on `homeserver`.
pub fn mxc_to_http(homeserver_base: &str, mxc: &str) -> Option<String> {
    let rest = mxc.strip_prefix("mxc://")?;
    let (server, media) = rest.split_once('/')?;
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:[]".contains(c));
    (valid(server) && valid(media)).then(|| format!("{homeserver_base}/_matrix/media/v3/download/{server}/{media}"))
}

/// `POST /login` with a password.
#[derive(Clone, Serialize)]
pub struct PasswordLoginRequest<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identifier: UserIdentifier<'a>,
    pub password: &'a str,
    pub initial_device_display_name: &'a str,
    pub refresh_token: bool,
}

/// The password stays out of logs and panic messages.
impl std::fmt::Debug for PasswordLoginRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordLoginRequest")
            .field("identifier", &self.identifier)
            .field("password", &"[redacted]")
            .finish()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct UserIdentifier<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub user: &'a str,
}

impl<'a> UserIdentifier<'a> {
    pub fn user(user: &'a str) -> Self {
        UserIdentifier { kind: "m.id.user", user }
    }
}

#[derive(Clone, Deserialize)]
pub struct LoginResponse {
    pub user_id: String,
    pub access_token: String,
    pub device_id: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in_ms: Option<u64>,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("user_id", &self.user_id)
            .field("device_id", &self.device_id)
            .field("access_token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// `POST /refresh`.
#[derive(Clone, Deserialize)]
pub struct RefreshResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in_ms: Option<u64>,
}

impl std::fmt::Debug for RefreshResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshResponse").field("expires_in_ms", &self.expires_in_ms).finish_non_exhaustive()
    }
}

/// An answer that only has to be a JSON object (usually `{}`); its fields,
/// if any, are ignored. Anything but an object is a decode error.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Empty(#[allow(dead_code)] serde_json::Map<String, Value>);

/// A pusher from `GET /pushers`, kept whole: toggling it re-posts the
/// object as the server sent it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Pusher(pub serde_json::Map<String, Value>);

impl Pusher {
    /// The session whose token created the pusher (MSC3881, unstable or
    /// stable name).
    pub fn device_id(&self) -> Option<&str> {
        self.0.get("org.matrix.msc3881.device_id").or_else(|| self.0.get("device_id")).and_then(Value::as_str)
    }

    /// Whether the pusher delivers notifications (MSC3881); `None` when the
    /// server does not say.
    pub fn enabled(&self) -> Option<bool> {
        self.0.get("org.matrix.msc3881.enabled").or_else(|| self.0.get("enabled")).and_then(Value::as_bool)
    }

    pub fn pushkey(&self) -> &str {
        self.0.get("pushkey").and_then(Value::as_str).unwrap_or("")
    }

    /// The body for `POST /pushers/set` that switches it on or off: the object
    /// as returned, without the server-managed MSC3881 fields, plus `enabled`.
    pub fn with_enabled(&self, enabled: bool) -> serde_json::Map<String, Value> {
        let mut body = self.0.clone();
        body.remove("org.matrix.msc3881.device_id");
        body.remove("device_id");
        body.remove("enabled");
        body.insert("org.matrix.msc3881.enabled".into(), Value::Bool(enabled));
        body
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct PushersResponse {
    #[serde(default)]
    pub pushers: Vec<Pusher>,
}

/// One global account-data event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AccountDataEvent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub content: Value,
}

/// The parts of a filtered `/sync` answer the page reads.
#[derive(Clone, Debug, Deserialize)]
pub struct SyncResponse {
    pub next_batch: String,
    #[serde(default)]
    pub account_data: Option<AccountDataEvents>,
    #[serde(default)]
    pub device_lists: Option<DeviceLists>,
    #[serde(default)]
    pub to_device: Option<ToDeviceEvents>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ToDeviceEvents {
    #[serde(default)]
    pub events: Vec<ToDeviceEvent>,
}

/// A message another session sent to this one.
#[derive(Clone, Debug, Deserialize)]
pub struct ToDeviceEvent {
    #[serde(default)]
    pub sender: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub content: Value,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AccountDataEvents {
    #[serde(default)]
    pub events: Vec<AccountDataEvent>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DeviceLists {
    #[serde(default)]
    pub changed: Vec<String>,
}

impl SyncResponse {
    pub fn account_data_events(&self) -> &[AccountDataEvent] {
        self.account_data.as_ref().map_or(&[], |a| &a.events)
    }

    pub fn to_device_events(&self) -> &[ToDeviceEvent] {
        self.to_device.as_ref().map_or(&[], |t| &t.events)
    }

    /// True when the user's own list of sessions changed.
    pub fn own_devices_changed(&self, user_id: &str) -> bool {
        self.device_lists.as_ref().is_some_and(|d| d.changed.iter().any(|u| u == user_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_accept_synapse_nulls_and_extra_fields() {
        let body = r#"{"devices":[{"user_id":"@a:hs","device_id":"MGR","display_name":null,"last_seen_ts":null,"last_seen_ip":null},
                      {"device_id":"P","display_name":"Pixel 8","last_seen_ts":1795776198198,"last_seen_ip":"10.0.0.1","org.x":1}]}"#;
        let parsed: DevicesResponse = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.devices.len(), 2);
        assert_eq!(parsed.devices[0].display_name, None);
        assert_eq!(parsed.devices[1].last_seen_ts, Some(1795776198198));
    }

    #[test]
    fn devices_with_wrong_types_are_an_error() {
        let body = r#"{"devices":[{"device_id":5}]}"#;
        assert!(serde_json::from_str::<DevicesResponse>(body).is_err());
    }

    #[test]
    fn versions_reads_unstable_flags_strictly() {
        let v: Versions = serde_json::from_str(
            r#"{"versions":["v1.15"],"unstable_features":{"org.matrix.msc3881":true,"x":"true"}}"#,
        )
        .unwrap();
        assert!(v.has_unstable("org.matrix.msc3881"));
        assert!(!v.has_unstable("x"));
        assert!(!v.has_unstable("missing"));
    }

    #[test]
    fn pushers_are_kept_whole_and_matched_by_device() {
        let p: PushersResponse = serde_json::from_str(
            r#"{"pushers":[{"app_id":"im.vector.app.android","pushkey":"K","kind":"http","data":{"url":"u"},
                "org.matrix.msc3881.enabled":false,"org.matrix.msc3881.device_id":"PHONE","lang":"en"}]}"#,
        )
        .unwrap();
        let pusher = &p.pushers[0];
        assert_eq!(pusher.device_id(), Some("PHONE"));
        assert_eq!(pusher.enabled(), Some(false));
        let body = pusher.with_enabled(true);
        assert_eq!(body.get("org.matrix.msc3881.enabled"), Some(&Value::Bool(true)));
        assert!(body.get("org.matrix.msc3881.device_id").is_none());
        assert_eq!(body.get("lang"), Some(&Value::String("en".into())));
    }

    #[test]
    fn sync_reports_own_device_changes_and_account_data() {
        let s: SyncResponse = serde_json::from_str(
            r#"{"next_batch":"s2","device_lists":{"changed":["@bob:hs"]},
                "account_data":{"events":[{"type":"io.element.matrix_client_information.A","content":{}}]}}"#,
        )
        .unwrap();
        assert!(s.own_devices_changed("@bob:hs"));
        assert!(!s.own_devices_changed("@eve:hs"));
        assert_eq!(s.account_data_events().len(), 1);
        let empty: SyncResponse = serde_json::from_str(r#"{"next_batch":"s3"}"#).unwrap();
        assert!(empty.account_data_events().is_empty());
    }

    #[test]
    fn an_empty_answer_must_be_an_object() {
        assert!(serde_json::from_str::<Empty>("{}").is_ok());
        assert!(serde_json::from_str::<Empty>(r#"{"x":1}"#).is_ok());
        assert!(serde_json::from_str::<Empty>("[]").is_err());
        assert!(serde_json::from_str::<Empty>("null").is_err());
    }

    #[test]
    fn oauth_aware_preferred_hides_password_sign_in() {
        let f: LoginFlows = serde_json::from_str(
            r#"{"flows":[{"type":"m.login.password"},{"type":"m.login.sso","oauth_aware_preferred":true}]}"#,
        )
        .unwrap();
        assert!(!f.offers_password());
        let plain: LoginFlows = serde_json::from_str(r#"{"flows":[{"type":"m.login.password"}]}"#).unwrap();
        assert!(plain.offers_password());
    }

    #[test]
    fn mxc_uris_become_download_addresses() {
        assert_eq!(
            mxc_to_http("https://hs", "mxc://example.org/abcDEF"),
            Some("https://hs/_matrix/media/v3/download/example.org/abcDEF".into())
        );
        assert_eq!(mxc_to_http("https://hs", "https://evil/x"), None);
        assert_eq!(mxc_to_http("https://hs", "mxc://a/b/../c"), None);
    }

    #[test]
    fn login_flows_list_identity_providers() {
        let f: LoginFlows = serde_json::from_str(
            r#"{"flows":[{"type":"m.login.password"},{"type":"m.login.sso","identity_providers":[{"id":"cas","name":"CAS"}]}]}"#,
        )
        .unwrap();
        assert!(f.supports("m.login.password"));
        assert_eq!(f.flows[1].identity_providers[0].name, "CAS");
    }
}

/// `GET /account/whoami`.
#[derive(Clone, Debug, Deserialize)]
pub struct Whoami {
    pub user_id: String,
    #[serde(default)]
    pub device_id: Option<String>,
}
