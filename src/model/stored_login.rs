//! The login kept in local storage: one versioned key holding everything
//! needed to talk to the homeserver again after a reload. Loading validates
//! the value, so a corrupt or foreign entry is reported, never trusted.

use serde::{Deserialize, Serialize};

/// Kept under `web::storage::login_key()` (format version 1).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLogin {
    /// Base URL, without trailing slash.
    pub homeserver: String,
    pub user_id: String,
    pub device_id: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the access token expires (ms since the epoch), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<u64>,
    /// How long access tokens last on this server, to refresh in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_ms: Option<u64>,
    /// Set for a login made with OAuth 2.0 (refresh and sign-out go to the
    /// authorization server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<crate::api::oauth::OAuthGrant>,
}

/// Tokens stay out of logs and panic messages.
impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredLogin")
            .field("homeserver", &self.homeserver)
            .field("user_id", &self.user_id)
            .field("device_id", &self.device_id)
            .field("access_token", &"[redacted]")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .field("expires_at_ms", &self.expires_at_ms)
            .field("token_lifetime_ms", &self.token_lifetime_ms)
            .field("oauth", &self.oauth)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoredLoginError {
    #[error("The saved sign-in could not be read, so it was removed. Please sign in again.")]
    Unreadable,
    #[error("The saved sign-in was incomplete ({0}), so it was removed. Please sign in again.")]
    Invalid(&'static str),
}

impl StoredLogin {
    /// Checks the fields a working login needs.
    pub fn validate(&self) -> Result<(), StoredLoginError> {
        let hs = self.homeserver.to_ascii_lowercase();
        if !(hs.starts_with("https://") || hs.starts_with("http://")) || hs.len() < 10 {
            return Err(StoredLoginError::Invalid("homeserver"));
        }
        if crate::model::homeserver::server_of_user_id(&self.user_id).is_none() {
            return Err(StoredLoginError::Invalid("user id"));
        }
        if self.device_id.trim().is_empty() {
            return Err(StoredLoginError::Invalid("session id"));
        }
        if self.access_token.trim().is_empty() {
            return Err(StoredLoginError::Invalid("access token"));
        }
        if self.refresh_token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(StoredLoginError::Invalid("refresh token"));
        }
        if let Some(grant) = &self.oauth
            && (grant.client_id.trim().is_empty() || !crate::model::links::is_safe_page_url(&grant.token_endpoint))
        {
            return Err(StoredLoginError::Invalid("OAuth client"));
        }
        Ok(())
    }
}

/// Reads and validates the stored value.
pub fn parse_stored_login(raw: &str) -> Result<StoredLogin, StoredLoginError> {
    let login: StoredLogin = serde_json::from_str(raw).map_err(|_| StoredLoginError::Unreadable)?;
    login.validate()?;
    Ok(login)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> StoredLogin {
        StoredLogin {
            homeserver: "http://127.0.0.1:8008".into(),
            user_id: "@alice:localhost".into(),
            device_id: "ABCDEF".into(),
            access_token: "syt_x".into(),
            refresh_token: Some("syr_y".into()),
            expires_at_ms: Some(1_000),
            token_lifetime_ms: Some(300_000),
            oauth: None,
        }
    }

    #[test]
    fn round_trips_through_json() {
        let raw = serde_json::to_string(&login()).unwrap();
        assert_eq!(parse_stored_login(&raw), Ok(login()));
    }

    #[test]
    fn login_without_refresh_token_is_valid() {
        let raw = r#"{"homeserver":"https://m.org","user_id":"@a:m.org","device_id":"D","access_token":"t"}"#;
        let parsed = parse_stored_login(raw).unwrap();
        assert_eq!(parsed.refresh_token, None);
    }

    #[test]
    fn oauth_logins_round_trip_and_need_a_safe_token_endpoint() {
        let mut oauth = login();
        oauth.oauth = Some(crate::api::oauth::OAuthGrant {
            issuer: "https://auth.example.org/".into(),
            client_id: "01JCLIENT".into(),
            token_endpoint: "https://auth.example.org/oauth2/token".into(),
            revocation_endpoint: None,
        });
        let raw = serde_json::to_string(&oauth).unwrap();
        assert_eq!(parse_stored_login(&raw), Ok(oauth.clone()));
        oauth.oauth.as_mut().unwrap().token_endpoint = "javascript:alert(1)".into();
        assert_eq!(oauth.validate(), Err(StoredLoginError::Invalid("OAuth client")));
    }

    #[test]
    fn debug_output_hides_the_tokens() {
        let text = format!("{:?}", login());
        assert!(!text.contains("syt_x") && !text.contains("syr_y"), "{text}");
        assert!(text.contains("@alice:localhost"));
    }

    #[test]
    fn corrupt_or_foreign_values_are_rejected() {
        assert_eq!(parse_stored_login("{not json"), Err(StoredLoginError::Unreadable));
        assert_eq!(parse_stored_login("[1,2]"), Err(StoredLoginError::Unreadable));
        assert_eq!(
            parse_stored_login(r#"{"homeserver":1,"user_id":"@a:b","device_id":"D","access_token":"t"}"#),
            Err(StoredLoginError::Unreadable)
        );
        let mut bad = login();
        bad.homeserver = "javascript:alert(1)".into();
        assert_eq!(bad.validate(), Err(StoredLoginError::Invalid("homeserver")));
        let mut bad = login();
        bad.user_id = "alice".into();
        assert_eq!(bad.validate(), Err(StoredLoginError::Invalid("user id")));
        let mut bad = login();
        bad.access_token = " ".into();
        assert_eq!(bad.validate(), Err(StoredLoginError::Invalid("access token")));
    }
}
