//! Finding the homeserver and signing in and out.

use super::client::{Homeserver, MatrixClient};
use super::error::ApiError;
use super::http::Method;
use super::types::{
    Empty, LoginFlows, LoginResponse, PasswordLoginRequest, UserIdentifier, Versions, WellKnown,
};
use crate::model::homeserver::{HomeserverAddress, parse_address};

/// Why no homeserver was found for an address.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{0}")]
    Address(#[from] crate::model::homeserver::AddressError),
    #[error("Couldn't reach {0}. Check the address and your connection.")]
    Unreachable(String),
    #[error("{0} didn't answer within {1} seconds.")]
    Timeout(String, u32),
    #[error("{0} answered, but it isn't a Matrix homeserver.")]
    NotMatrix(String),
    #[error("The homeserver address published by {0} is invalid.")]
    BadWellKnown(String),
}

fn reach_error(target: &str, err: ApiError) -> DiscoveryError {
    match err {
        ApiError::Timeout(s) => DiscoveryError::Timeout(target.to_string(), s),
        ApiError::Network(_) => DiscoveryError::Unreachable(target.to_string()),
        _ => DiscoveryError::NotMatrix(target.to_string()),
    }
}

/// GET /_matrix/client/versions — proves that a base URL is a Matrix server.
pub async fn get_versions(homeserver: &Homeserver) -> Result<Versions, ApiError> {
    homeserver
        .call(Method::Get, "/_matrix/client/versions", None, None)
        .await
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
            let answer = super::http::send(
                Method::Get,
                &well_known_url,
                None,
                None,
                super::http::DEFAULT_TIMEOUT_MS,
            )
            .await;
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
                Err(_) => check_base_url(&fallback_base_url)
                    .await
                    .map_err(|e| match e {
                        DiscoveryError::NotMatrix(_) | DiscoveryError::Unreachable(_) => {
                            DiscoveryError::Unreachable(name.clone())
                        }
                        other => other,
                    }),
            }
        }
    }
}

/// GET /_matrix/client/v3/login — the sign-in methods the server offers.
pub async fn get_login_flows(homeserver: &Homeserver) -> Result<LoginFlows, ApiError> {
    homeserver
        .call(Method::Get, "/_matrix/client/v3/login", None, None)
        .await
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
    homeserver
        .call(Method::Post, "/_matrix/client/v3/login", Some(&body), None)
        .await
}

/// POST /_matrix/client/v3/logout — deletes this session on the server.
pub async fn logout(client: &MatrixClient) -> Result<(), ApiError> {
    client
        .request::<Empty>(Method::Post, "/_matrix/client/v3/logout", Some("{}"))
        .await
        .map(|_| ())
}
