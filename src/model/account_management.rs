//! Links to the account-management page of servers that delegate
//! authentication (MSC4191 actions), where sessions are signed out instead.

/// The action for one session: `org.matrix.device_view`, else the older
/// `org.matrix.session_view`, else `session_view`, as advertised.
pub fn session_action(supported: &[String]) -> &'static str {
    pick(supported, &["org.matrix.device_view", "org.matrix.session_view", "session_view"])
}

/// The action for the list of all sessions.
pub fn list_action(supported: &[String]) -> &'static str {
    pick(supported, &["org.matrix.devices_list", "org.matrix.sessions_list", "sessions_list"])
}

/// The first advertised action; the first (stable) name when none is.
fn pick(supported: &[String], preference: &[&'static str]) -> &'static str {
    preference
        .iter()
        .find(|a| supported.iter().any(|s| s == *a))
        .copied()
        .unwrap_or(preference[0])
}

/// `base` with `action` (and `device_id`) added to its query.
pub fn account_url(base: &str, action: &str, device_id: Option<&str>) -> String {
    use crate::api::client::encode_path_segment as enc;
    let (base, fragment) = base.split_once('#').map_or((base, None), |(b, f)| (b, Some(f)));
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{separator}action={}", enc(action));
    if let Some(id) = device_id {
        url.push_str(&format!("&device_id={}", enc(id)));
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn prefers_the_stable_device_view() {
        assert_eq!(session_action(&s(&["org.matrix.session_view", "org.matrix.device_view"])), "org.matrix.device_view");
        assert_eq!(session_action(&s(&["org.matrix.session_view", "session_view"])), "org.matrix.session_view");
        assert_eq!(session_action(&s(&["session_view"])), "session_view");
        assert_eq!(session_action(&[]), "org.matrix.device_view");
    }

    #[test]
    fn list_action_falls_back_the_same_way() {
        assert_eq!(list_action(&s(&["org.matrix.sessions_list"])), "org.matrix.sessions_list");
        assert_eq!(list_action(&s(&["org.matrix.profile"])), "org.matrix.devices_list");
    }

    #[test]
    fn builds_links_onto_any_base() {
        assert_eq!(
            account_url("https://auth.example.org/account", "org.matrix.device_view", Some("A B")),
            "https://auth.example.org/account?action=org.matrix.device_view&device_id=A%20B"
        );
        assert_eq!(
            account_url("https://auth.example.org/account?lang=de#top", "org.matrix.devices_list", None),
            "https://auth.example.org/account?lang=de&action=org.matrix.devices_list#top"
        );
    }
}
