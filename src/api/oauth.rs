//! The OAuth 2.0 endpoints of a server that delegates authentication (the
//! Matrix spec's OAuth API; MAS): client registration, the token endpoint
//! and revocation. Their errors are OAuth's `{error, error_description}`,
//! kept as `ApiError::Matrix` with the OAuth code as `errcode`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, error_from_response};
use super::http::{self, DEFAULT_TIMEOUT_MS, Method};

/// What a login signed in with OAuth needs to refresh and revoke its tokens.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OAuthGrant {
    pub issuer: String,
    pub client_id: String,
    pub token_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
}

/// A token endpoint's answer (`expires_in` in seconds).
#[derive(Clone, serde::Deserialize)]
pub struct OAuthTokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

#[derive(serde::Deserialize)]
struct Registered {
    client_id: String,
}

/// An OAuth answer: 2xx decoded, an OAuth error as `ApiError::Matrix` with
/// `errcode` = the OAuth `error`; anything else as the homeserver's errors.
pub fn decode_oauth<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        let body = if body.trim().is_empty() { "null" } else { body };
        return serde_json::from_str(body).map_err(|e| ApiError::Decode(e.to_string()));
    }
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match (json.get("error").and_then(Value::as_str), json.get("errcode")) {
        (Some(error), None) if status != 429 => {
            let description = json.get("error_description").and_then(Value::as_str).filter(|d| !d.is_empty());
            Err(ApiError::Matrix {
                status,
                errcode: error.to_string(),
                message: description.unwrap_or(error).to_string(),
            })
        }
        _ => Err(error_from_response(status, body)),
    }
}

/// Registers this page as a client (RFC 7591); the server's `client_id`.
pub async fn register(endpoint: &str, request: &Value) -> Result<String, ApiError> {
    let body = request.to_string();
    let answer = http::send(Method::Post, endpoint, None, Some(&body), DEFAULT_TIMEOUT_MS).await?;
    decode_oauth::<Registered>(answer.status, &answer.body).map(|r| r.client_id)
}

/// A form POST to the token endpoint (code exchange or refresh).
pub async fn token(endpoint: &str, form: &str) -> Result<OAuthTokens, ApiError> {
    let answer = http::post_form(endpoint, form, DEFAULT_TIMEOUT_MS).await?;
    decode_oauth(answer.status, &answer.body)
}

/// Refreshes with the rotating refresh token.
pub async fn refresh(grant: &OAuthGrant, refresh_token: &str) -> Result<OAuthTokens, ApiError> {
    let form =
        form(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", &grant.client_id)]);
    token(&grant.token_endpoint, &form).await
}

/// Revokes a token (RFC 7009); the server ends the whole session with it.
pub async fn revoke(grant: &OAuthGrant, token: &str, hint: &str) -> Result<(), ApiError> {
    let Some(endpoint) = &grant.revocation_endpoint else {
        return Err(ApiError::Decode("the server offers no way to end this session".into()));
    };
    let form = form(&[("token", token), ("token_type_hint", hint), ("client_id", &grant.client_id)]);
    let answer = http::post_form(endpoint, &form, DEFAULT_TIMEOUT_MS).await?;
    decode_oauth::<Value>(answer.status, &answer.body).map(|_| ())
}

/// An `application/x-www-form-urlencoded` body.
pub fn form(fields: &[(&str, &str)]) -> String {
    use super::client::encode_path_segment as enc;
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_errors_keep_their_code_and_description() {
        let err = decode_oauth::<Value>(400, r#"{"error":"invalid_grant","error_description":"The grant is gone."}"#)
            .unwrap_err();
        assert_eq!(
            err,
            ApiError::Matrix { status: 400, errcode: "invalid_grant".into(), message: "The grant is gone.".into() }
        );
        let bare = decode_oauth::<Value>(401, r#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(bare.errcode(), Some("invalid_client"));
        assert_eq!(bare.to_string(), "invalid_client");
    }

    #[test]
    fn other_failures_decode_as_homeserver_errors() {
        assert_eq!(decode_oauth::<Value>(502, "<html>").unwrap_err(), ApiError::Http { status: 502 });
        assert!(matches!(decode_oauth::<Value>(429, r#"{"error":"slow_down"}"#), Err(ApiError::RateLimited { .. })));
        // A Matrix error body keeps meaning what it means.
        let m = decode_oauth::<Value>(401, r#"{"errcode":"M_UNKNOWN_TOKEN","error":"gone"}"#).unwrap_err();
        assert!(matches!(m, ApiError::UnknownToken { .. }));
    }

    #[test]
    fn tokens_decode_with_optional_fields() {
        let t: OAuthTokens =
            decode_oauth(200, r#"{"access_token":"mat_1","token_type":"Bearer","expires_in":300}"#).ok().unwrap();
        assert_eq!((t.access_token.as_str(), t.refresh_token, t.expires_in), ("mat_1", None, Some(300)));
        // Revocation answers 200 with an empty body.
        assert_eq!(decode_oauth::<Value>(200, "").unwrap(), Value::Null);
    }

    #[test]
    fn form_bodies_are_percent_encoded() {
        assert_eq!(
            form(&[("grant_type", "refresh_token"), ("refresh_token", "a+b/c=")]),
            "grant_type=refresh_token&refresh_token=a%2Bb%2Fc%3D"
        );
    }
}
