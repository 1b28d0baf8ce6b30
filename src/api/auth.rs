//! Finding the homeserver and signing in and out.

use super::address::{HomeserverAddress, parse_address};
use super::client::{Homeserver, MatrixClient};
use super::error::ApiError;
use super::http::Method;
use super::types::{
    Empty, LoginFlows, LoginResponse, PasswordLoginRequest, UserIdentifier, Versions, WellKnown, Whoami,
};

/// Why no homeserver was found for an address.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{0}")]
    Address(#[from] super::address::AddressError),
    #[error("Couldn't reach {0}. Check the address and your connection.")]
    Unreachable(String),
    #[error("{0} didn't answer within {1} seconds.")]
    Timeout(String, u32),
    #[error("{0} answered, but it isn't a Matrix homeserver.")]
    NotMatrix(String),
    #[error("The homeserver address published by {0} is invalid.")]
    BadWellKnown(String),
    #[error("{0} redirects to another address. Enter the homeserver's own address.")]
    Redirected(String),
}

fn reach_error(target: &str, err: ApiError) -> DiscoveryError {
    match err {
        ApiError::Timeout(s) => DiscoveryError::Timeout(target.to_string(), s),
        ApiError::Network(_) => DiscoveryError::Unreachable(target.to_string()),
        ApiError::Redirected => DiscoveryError::Redirected(target.to_string()),
        _ => DiscoveryError::NotMatrix(target.to_string()),
    }
}

/// GET /_matrix/client/versions — proves that a base URL is a Matrix server.
pub async fn get_versions(homeserver: &Homeserver) -> Result<Versions, ApiError> {
    homeserver.call(Method::Get, "/_matrix/client/versions", None, None).await
}

/// GET /_matrix/client/versions as the signed-in account: Synapse reports
/// experimental features switched on per user (MSC3881 push toggles) only
/// to authenticated calls, and the anonymous answer may be cached for ten
/// minutes.
pub async fn get_account_versions(client: &MatrixClient) -> Result<Versions, ApiError> {
    client.request(Method::Get, "/_matrix/client/versions", None).await
}

async fn check_base_url(base_url: &str) -> Result<(Homeserver, Versions), DiscoveryError> {
    let homeserver = Homeserver::new(base_url);
    match get_versions(&homeserver).await {
        Ok(versions) if !versions.versions.is_empty() => Ok((homeserver, versions)),
        Ok(_) => Err(DiscoveryError::NotMatrix(homeserver.base_url().to_string())),
        Err(err) => Err(reach_error(homeserver.base_url(), err)),
    }
}

/// Resolves what the user typed: a URL is checked with `/versions`; a server
/// name is looked up at `/.well-known/matrix/client` first (falling back to
/// the name itself when it publishes none), then checked the same way.
pub async fn resolve_homeserver(input: &str) -> Result<(Homeserver, Versions), DiscoveryError> {
    match parse_address(input)? {
        HomeserverAddress::BaseUrl(url) => check_base_url(&url).await,
        HomeserverAddress::ServerName { name, well_known_url, fallback_base_url } => {
            let answer = super::http::get_document(&well_known_url, super::http::DEFAULT_TIMEOUT_MS).await;
            match answer {
                Ok(res) if (200..300).contains(&res.status) => {
                    let base = serde_json::from_str::<WellKnown>(&res.body)
                        .map_err(|_| DiscoveryError::BadWellKnown(name.clone()))?
                        .homeserver
                        .base_url;
                    let lower = base.to_ascii_lowercase();
                    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                        return Err(DiscoveryError::BadWellKnown(name));
                    }
                    check_base_url(&base).await
                }
                Ok(_) => check_base_url(&fallback_base_url).await,
                Err(ApiError::Timeout(s)) => Err(DiscoveryError::Timeout(name, s)),
                // No well-known (or no CORS on it): try the name itself.
                Err(_) => check_base_url(&fallback_base_url).await.map_err(|e| match e {
                    DiscoveryError::NotMatrix(_) | DiscoveryError::Unreachable(_) => {
                        DiscoveryError::Unreachable(name.clone())
                    }
                    other => other,
                }),
            }
        }
    }
}

/// GET /_matrix/client/v3/account/whoami with a token not yet kept in a
/// client (right after an OAuth 2.0 sign-in): whose it is, and its device.
pub async fn whoami(homeserver: &Homeserver, access_token: &str) -> Result<Whoami, ApiError> {
    homeserver.call(Method::Get, "/_matrix/client/v3/account/whoami", None, Some(access_token)).await
}

/// GET /_matrix/client/v3/login — the sign-in methods the server offers.
pub async fn get_login_flows(homeserver: &Homeserver) -> Result<LoginFlows, ApiError> {
    homeserver.call(Method::Get, "/_matrix/client/v3/login", None, None).await
}

/// POST /_matrix/client/v3/login with a password — 403 `M_FORBIDDEN` for a
/// wrong password or unknown user, 429 when rate limited.
pub async fn login_with_password(
    homeserver: &Homeserver,
    user: &str,
    password: &str,
    device_display_name: &str,
) -> Result<LoginResponse, ApiError> {
    let request = PasswordLoginRequest {
        kind: "m.login.password",
        identifier: UserIdentifier::user(user.trim()),
        password,
        initial_device_display_name: device_display_name,
        refresh_token: true,
    };
    let body = serde_json::to_string(&request).map_err(|e| ApiError::Decode(e.to_string()))?;
    homeserver.call(Method::Post, "/_matrix/client/v3/login", Some(&body), None).await
}

/// POST /_matrix/client/v3/login with a single-sign-on `loginToken` — 403
/// `M_FORBIDDEN` when the token is unknown, used or older than 2 minutes.
pub async fn login_with_token(
    homeserver: &Homeserver,
    token: &str,
    device_display_name: &str,
) -> Result<LoginResponse, ApiError> {
    let body = serde_json::json!({
        "type": "m.login.token",
        "token": token,
        "initial_device_display_name": device_display_name,
        "refresh_token": true,
    });
    homeserver.call(Method::Post, "/_matrix/client/v3/login", Some(&body.to_string()), None).await
}

/// Where the browser goes to sign in with single sign-on (a page, not an
/// API call): `/login/sso/redirect[/{idp}]?redirectUrl=…`.
pub fn sso_redirect_url(homeserver: &Homeserver, idp: Option<&str>, redirect_url: &str) -> String {
    use super::client::encode_path_segment;
    let idp = idp.map(|id| format!("/{}", encode_path_segment(id))).unwrap_or_default();
    homeserver
        .url(&format!("/_matrix/client/v3/login/sso/redirect{idp}?redirectUrl={}", encode_path_segment(redirect_url)))
}

/// A server's OAuth 2.0 metadata (RFC 8414 as the Matrix spec uses it),
/// present when the server delegates authentication (e.g. to MAS): the
/// endpoints of OAuth sign-in and the account-management page.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct AuthMetadata {
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub response_types_supported: Option<Vec<String>>,
    #[serde(default)]
    pub response_modes_supported: Option<Vec<String>>,
    #[serde(default)]
    pub grant_types_supported: Option<Vec<String>>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub account_management_uri: Option<String>,
    #[serde(default)]
    pub account_management_actions_supported: Vec<String>,
}

/// GET /_matrix/client/v1/auth_metadata, and its unstable MSC2965 name at
/// the same time (one round trip). `None` when neither exists (404
/// `M_UNRECOGNIZED`): the server does not delegate authentication.
pub async fn get_auth_metadata(homeserver: &Homeserver) -> Result<Option<AuthMetadata>, ApiError> {
    let (stable, unstable) = futures::future::join(
        homeserver.call::<AuthMetadata>(Method::Get, "/_matrix/client/v1/auth_metadata", None, None),
        homeserver.call::<AuthMetadata>(
            Method::Get,
            "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata",
            None,
            None,
        ),
    )
    .await;
    let not_there = |e: &ApiError| matches!(e.status(), Some(404 | 405));
    match (stable, unstable) {
        (Ok(m), _) | (Err(_), Ok(m)) => Ok(Some(m)),
        (Err(a), Err(b)) if not_there(&a) && not_there(&b) => Ok(None),
        (Err(a), Err(_)) => Err(a),
    }
}

/// Ends this session on the server: `POST /v3/logout` for a legacy login;
/// for an OAuth 2.0 login, revocation at the authorization server (the
/// refresh token, which ends the whole session and its device; `/logout`
/// refuses OAuth tokens).
pub async fn logout(client: &MatrixClient) -> Result<(), ApiError> {
    if let Some(grant) = client.oauth() {
        let tokens = client.tokens();
        return match &tokens.refresh_token {
            Some(refresh) => super::oauth::revoke(grant, refresh, "refresh_token").await,
            None => super::oauth::revoke(grant, &tokens.access_token, "access_token").await,
        };
    }
    client.request::<Empty>(Method::Post, "/_matrix/client/v3/logout", Some("{}")).await.map(|_| ())
}
