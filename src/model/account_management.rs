//! Links to the account-management page of servers that delegate
//! authentication (MSC4191 actions), where sessions are signed out instead.

use crate::model::links::is_safe_page_url;

/// Where sessions are managed when the server delegates authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountPage {
    /// The provider's web page, with the actions it advertises.
    Page { base: String, actions: Vec<String> },
    /// The server delegates, but names no page this page will open (not
    /// `https:`, e.g. `javascript:`): sessions can't be managed from here.
    Unavailable,
}

/// The account page from the server's metadata: `account_management_uri`,
/// or the issuer when there is none — each only when it is a safe web page.
pub fn account_page(uri: Option<&str>, issuer: Option<&str>, actions: &[String]) -> AccountPage {
    match uri.or(issuer) {
        Some(base) if is_safe_page_url(base) => AccountPage::Page { base: base.to_string(), actions: actions.to_vec() },
        _ => AccountPage::Unavailable,
    }
}

/// Where one session is signed out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ManagedAt {
    /// Here, with this page's own sign-out.
    #[default]
    Here,
    /// At the provider's page: `sign_out` ends this session there
    /// (`org.matrix.device_delete`), `view` shows it.
    Link { sign_out: String, view: String },
    /// At the provider, whose page this page will not open.
    Unavailable,
}

/// The action for one session: `org.matrix.device_view`, else the older
/// `org.matrix.session_view`, else `session_view`, as advertised.
pub fn session_action(supported: &[String]) -> &'static str {
    pick(supported, &["org.matrix.device_view", "org.matrix.session_view", "session_view"])
}

/// The action that signs one session out: `org.matrix.device_delete`
/// (spec v1.18), else MAS's unstable `org.matrix.session_end`.
pub fn end_action(supported: &[String]) -> &'static str {
    pick(supported, &["org.matrix.device_delete", "org.matrix.session_end", "session_end"])
}

/// The links for one session at the provider's page.
pub fn managed_at(base: &str, supported: &[String], device_id: &str) -> ManagedAt {
    ManagedAt::Link {
        sign_out: account_url(base, end_action(supported), Some(device_id)),
        view: account_url(base, session_action(supported), Some(device_id)),
    }
}

/// The action for the list of all sessions.
pub fn list_action(supported: &[String]) -> &'static str {
    pick(supported, &["org.matrix.devices_list", "org.matrix.sessions_list", "sessions_list"])
}

/// The first advertised action; the first (stable) name when none is.
fn pick(supported: &[String], preference: &[&'static str]) -> &'static str {
    preference.iter().find(|a| supported.iter().any(|s| s == *a)).copied().unwrap_or(preference[0])
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

    #[test]
    fn only_safe_pages_become_account_pages() {
        let actions = vec!["org.matrix.device_view".to_string()];
        assert_eq!(
            account_page(Some("https://auth.example.org/account/"), None, &actions),
            AccountPage::Page { base: "https://auth.example.org/account/".into(), actions: actions.clone() }
        );
        assert_eq!(
            account_page(None, Some("https://auth.example.org/"), &[]),
            AccountPage::Page { base: "https://auth.example.org/".into(), actions: vec![] }
        );
        assert_eq!(
            account_page(Some("javascript:alert(1)"), Some("https://auth.example.org/"), &[]),
            AccountPage::Unavailable
        );
        assert_eq!(account_page(None, Some("data:text/html,x"), &[]), AccountPage::Unavailable);
        assert_eq!(account_page(None, None, &[]), AccountPage::Unavailable);
    }

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn prefers_the_stable_device_view() {
        assert_eq!(
            session_action(&s(&["org.matrix.session_view", "org.matrix.device_view"])),
            "org.matrix.device_view"
        );
        assert_eq!(session_action(&s(&["org.matrix.session_view", "session_view"])), "org.matrix.session_view");
        assert_eq!(session_action(&s(&["session_view"])), "session_view");
        assert_eq!(session_action(&[]), "org.matrix.device_view");
    }

    #[test]
    fn signing_out_links_to_device_delete_or_session_end() {
        assert_eq!(end_action(&s(&["org.matrix.session_end", "org.matrix.device_delete"])), "org.matrix.device_delete");
        assert_eq!(end_action(&s(&["org.matrix.session_end"])), "org.matrix.session_end");
        assert_eq!(end_action(&[]), "org.matrix.device_delete");
        assert_eq!(
            managed_at(
                "https://auth.example.org/account/",
                &s(&["org.matrix.session_end", "org.matrix.session_view"]),
                "AB"
            ),
            ManagedAt::Link {
                sign_out: "https://auth.example.org/account/?action=org.matrix.session_end&device_id=AB".into(),
                view: "https://auth.example.org/account/?action=org.matrix.session_view&device_id=AB".into(),
            }
        );
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
