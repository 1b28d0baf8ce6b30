//! The account data the page reads, per session: client information
//! (`io.element.matrix_client_information.<id>`, an Element convention) and
//! local-notification settings (MSC3890, unstable and stable names).

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use crate::api::types::AccountDataEvent;

pub const CLIENT_INFO_PREFIX: &str = "io.element.matrix_client_information.";
pub const LOCAL_NOTIFICATIONS_UNSTABLE: &str = "org.matrix.msc3890.local_notification_settings.";
pub const LOCAL_NOTIFICATIONS_STABLE: &str = "m.local_notification_settings.";

/// What a session says about the app behind it. Only non-empty strings are
/// kept; other values (numbers, `null`) are dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClientInfo {
    pub name: Option<String>,
    pub version: Option<String>,
    pub url: Option<String>,
}

impl ClientInfo {
    pub fn from_content(content: &Value) -> Self {
        let field = |key: &str| {
            content.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
        };
        ClientInfo { name: field("name"), version: field("version"), url: field("url") }
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.version.is_none() && self.url.is_none()
    }

    /// The URL as a link target, only when it is an http(s) address; other
    /// values are shown as plain text.
    pub fn url_link(&self) -> Option<&str> {
        let url = self.url.as_deref()?;
        crate::model::links::is_web_url(url).then_some(url)
    }
}

/// One session's local-notification settings and the event type they came
/// from (written back under the same type).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LocalNotifications {
    pub is_silenced: bool,
    pub event_type: String,
}

/// Account data of every session, keyed by session id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionAccountData {
    pub client_info: BTreeMap<String, ClientInfo>,
    pub local_notifications: BTreeMap<String, LocalNotifications>,
}

fn is_removed(content: &Value) -> bool {
    content.as_object().is_none_or(|o| o.is_empty())
}

impl SessionAccountData {
    /// Applies one event from `/sync`. An empty content means the event was
    /// removed (MSC3391) and the entry goes away.
    pub fn apply(&mut self, event: &AccountDataEvent) {
        if let Some(device_id) = event.kind.strip_prefix(CLIENT_INFO_PREFIX) {
            let info = ClientInfo::from_content(&event.content);
            if is_removed(&event.content) || info.is_empty() {
                self.client_info.remove(device_id);
            } else {
                self.client_info.insert(device_id.to_string(), info);
            }
            return;
        }
        let (device_id, unstable) = if let Some(id) = event.kind.strip_prefix(LOCAL_NOTIFICATIONS_UNSTABLE) {
            (id, true)
        } else if let Some(id) = event.kind.strip_prefix(LOCAL_NOTIFICATIONS_STABLE) {
            (id, false)
        } else {
            return;
        };
        if is_removed(&event.content) {
            if self.local_notifications.get(device_id).is_some_and(|l| l.event_type == event.kind) {
                self.local_notifications.remove(device_id);
            }
            return;
        }
        // The unstable name is what Element writes and reads; it wins.
        if !unstable
            && self
                .local_notifications
                .get(device_id)
                .is_some_and(|l| l.event_type.starts_with(LOCAL_NOTIFICATIONS_UNSTABLE))
        {
            return;
        }
        let is_silenced = event.content.get("is_silenced").and_then(Value::as_bool).unwrap_or(false);
        self.local_notifications
            .insert(device_id.to_string(), LocalNotifications { is_silenced, event_type: event.kind.clone() });
    }

    /// Client-information event types of sessions that no longer exist and
    /// still have content: what pruning must clear (empty ones are left
    /// alone, so pruning never repeats itself).
    pub fn stale_client_info<'a>(&self, existing: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let existing: HashSet<&str> = existing.into_iter().collect();
        self.client_info
            .keys()
            .filter(|id| !existing.contains(id.as_str()))
            .map(|id| format!("{CLIENT_INFO_PREFIX}{id}"))
            .collect()
    }
}

/// The client information this app records for its own session:
/// `{name, version, url}`, the URL as host and path without query, fragment
/// or trailing slash (Element's convention).
pub fn own_client_info(brand: &str, version: &str, page_url: &str) -> Value {
    let without_scheme = page_url.split_once("://").map_or(page_url, |(_, rest)| rest);
    let url = without_scheme.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
    json!({ "name": brand, "version": version, "url": url })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, content: Value) -> AccountDataEvent {
        AccountDataEvent { kind: kind.into(), content }
    }

    #[test]
    fn reads_client_information_keeping_only_non_empty_strings() {
        let mut data = SessionAccountData::default();
        data.apply(&event(
            "io.element.matrix_client_information.PHONE",
            json!({"name":"Element Android","version":1,"url":""}),
        ));
        assert_eq!(
            data.client_info.get("PHONE"),
            Some(&ClientInfo { name: Some("Element Android".into()), version: None, url: None })
        );
    }

    #[test]
    fn empty_content_removes_the_entry() {
        let mut data = SessionAccountData::default();
        data.apply(&event("io.element.matrix_client_information.A", json!({"name":"X"})));
        data.apply(&event("io.element.matrix_client_information.A", json!({})));
        assert!(data.client_info.is_empty());
    }

    #[test]
    fn local_notifications_prefer_the_unstable_name() {
        let mut data = SessionAccountData::default();
        data.apply(&event("org.matrix.msc3890.local_notification_settings.W", json!({"is_silenced": true})));
        data.apply(&event("m.local_notification_settings.W", json!({"is_silenced": false})));
        let w = data.local_notifications.get("W").unwrap();
        assert!(w.is_silenced);
        assert!(w.event_type.starts_with("org.matrix.msc3890"));
        data.apply(&event("m.local_notification_settings.S", json!({})));
        data.apply(&event("m.local_notification_settings.S", json!({"is_silenced": "yes"})));
        assert!(!data.local_notifications.get("S").unwrap().is_silenced);
    }

    #[test]
    fn unrelated_events_are_ignored() {
        let mut data = SessionAccountData::default();
        data.apply(&event("m.push_rules", json!({"x":1})));
        assert_eq!(data, SessionAccountData::default());
    }

    #[test]
    fn stale_client_info_lists_only_deleted_sessions_with_content() {
        let mut data = SessionAccountData::default();
        data.apply(&event("io.element.matrix_client_information.KEEP", json!({"name":"a"})));
        data.apply(&event("io.element.matrix_client_information.GONE", json!({"name":"b"})));
        data.apply(&event("io.element.matrix_client_information.EMPTY", json!({})));
        assert_eq!(data.stale_client_info(["KEEP"]), vec!["io.element.matrix_client_information.GONE"]);
    }

    #[test]
    fn only_http_urls_become_links() {
        let info = |url: &str| ClientInfo { url: Some(url.into()), ..Default::default() };
        assert_eq!(info("https://app.example.org").url_link(), Some("https://app.example.org"));
        assert_eq!(info("app.element.io").url_link(), None);
        assert_eq!(info("javascript:alert(1)").url_link(), None);
    }

    #[test]
    fn own_client_info_uses_host_and_path() {
        assert_eq!(
            own_client_info("Portal", "0.1.0", "https://example.org/account/sessions/?filter=x#top"),
            json!({"name":"Portal","version":"0.1.0","url":"example.org/account/sessions"})
        );
    }
}
