//! Which homeserver an account belongs to: the server part of user ids,
//! and whether a stored login fits the homeserver `config.json` locks the
//! page to. (Parsing what the user types is `api::address`.)

use crate::api::address::{HomeserverAddress, normalise_base_url, parse_address};

/// The server part of a full user id (`@alice:example.org` → `example.org`).
pub fn server_of_user_id(user_id: &str) -> Option<&str> {
    let rest = user_id.trim().strip_prefix('@')?;
    let (local, server) = rest.split_once(':')?;
    (!local.is_empty() && !server.is_empty()).then_some(server)
}

/// Whether a stored login may be used where `config.json` locks the page
/// to `locked` (a URL or a server name): the login's homeserver must be that
/// URL, or — for a server name, which resolves through its well-known
/// document — the name itself or the server of the login's user id.
pub fn lock_allows(locked: &str, login_homeserver: &str, login_user_id: &str) -> bool {
    let login_homeserver = normalise_base_url(login_homeserver).to_ascii_lowercase();
    match parse_address(locked) {
        Ok(HomeserverAddress::BaseUrl(url)) => url.to_ascii_lowercase() == login_homeserver,
        Ok(HomeserverAddress::ServerName { name, fallback_base_url, .. }) => {
            fallback_base_url.to_ascii_lowercase() == login_homeserver
                || server_of_user_id(login_user_id).is_some_and(|s| s.eq_ignore_ascii_case(&name))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_url_accepts_only_logins_for_it() {
        assert!(lock_allows("http://127.0.0.1:8008/", "http://127.0.0.1:8008", "@a:localhost"));
        assert!(lock_allows("https://Matrix.Example.org", "https://matrix.example.org/", "@a:example.org"));
        assert!(!lock_allows("http://127.0.0.1:8008", "http://localhost:8008", "@a:localhost"));
        assert!(!lock_allows("https://matrix.example.org", "https://evil.example", "@a:example.org"));
    }

    #[test]
    fn a_locked_server_name_accepts_its_users() {
        assert!(lock_allows("example.org", "https://matrix.example.org", "@a:example.org"));
        assert!(lock_allows("example.org", "https://example.org", "@a:other.org"));
        assert!(!lock_allows("example.org", "https://matrix.other.org", "@a:other.org"));
        assert!(!lock_allows("not a server", "https://example.org", "@a:example.org"));
    }

    #[test]
    fn server_of_user_id_needs_both_parts() {
        assert_eq!(server_of_user_id("@alice:example.org"), Some("example.org"));
        assert_eq!(server_of_user_id("@alice:localhost:8008"), Some("localhost:8008"));
        assert_eq!(server_of_user_id("alice"), None);
        assert_eq!(server_of_user_id("@:example.org"), None);
    }
}
