//! Every way a homeserver call can fail, and the one function that turns an
//! HTTP status and body into a result. Error texts are written for the
//! person using the page; they never contain tokens or URLs with secrets.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The state of a user-interactive-auth session, from a 401 with `flows`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UiaState {
    pub session: Option<String>,
    /// Each flow is its list of stage types.
    pub flows: Vec<Vec<String>>,
    pub completed: Vec<String>,
    pub params: Value,
    /// The error of the previous attempt (e.g. a wrong password).
    pub errcode: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an answer (offline, refused, DNS, CORS).
    #[error("Couldn't reach the homeserver. Check your connection and try again.")]
    Network(String),
    #[error("The homeserver didn't answer within {0} seconds.")]
    Timeout(u32),
    #[error("{}", rate_limit_text(*.retry_after_ms))]
    RateLimited { retry_after_ms: Option<u64> },
    /// The access token is no longer accepted.
    #[error("{message}")]
    UnknownToken { soft_logout: bool, message: String },
    /// The server asks for user-interactive auth before it does this.
    #[error("The homeserver asks you to confirm your identity.")]
    /// Boxed: the state is large and errors travel by value everywhere.
    AuthRequired(Box<UiaState>),
    /// A Matrix error with the server's own explanation.
    #[error("{message}")]
    Matrix { status: u16, errcode: String, message: String },
    /// A failure status without a Matrix error body.
    #[error("The homeserver answered with an error (HTTP {status}).")]
    Http { status: u16 },
    /// A success status whose body isn't what the spec promises.
    #[error("The homeserver sent an answer this page doesn't understand.")]
    Decode(String),
    /// An answer larger than the page accepts (protects the page's memory).
    #[error("The homeserver's answer was too large (over {0} MB).")]
    TooLarge(u32),
    /// The server answered with a redirect, which is not followed (it would
    /// send the request's body, a password or token, elsewhere).
    #[error(
        "The homeserver answered with a redirect to another address. It was not followed, so nothing was sent there."
    )]
    Redirected,
}

fn rate_limit_text(retry_after_ms: Option<u64>) -> String {
    match retry_after_ms {
        Some(ms) => {
            let secs = ms.div_ceil(1000).max(1);
            let unit = if secs == 1 { "second" } else { "seconds" };
            format!("Too many attempts. Try again in {secs} {unit}.")
        }
        None => "Too many attempts. Wait a moment and try again.".to_string(),
    }
}

impl ApiError {
    /// The Matrix error code, when the server sent one.
    pub fn errcode(&self) -> Option<&str> {
        match self {
            ApiError::Matrix { errcode, .. } => Some(errcode),
            ApiError::UnknownToken { .. } => Some("M_UNKNOWN_TOKEN"),
            ApiError::RateLimited { .. } => Some("M_LIMIT_EXCEEDED"),
            _ => None,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Matrix { status, .. } | ApiError::Http { status } => Some(*status),
            ApiError::UnknownToken { .. } | ApiError::AuthRequired(_) => Some(401),
            ApiError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Worth trying again unchanged (the request may not have been handled).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) | ApiError::Timeout(_) | ApiError::RateLimited { .. } => true,
            ApiError::Http { status } | ApiError::Matrix { status, .. } => *status >= 500,
            ApiError::Decode(_) | ApiError::TooLarge(_) => true,
            _ => false,
        }
    }
}

fn str_field(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_string)
}

fn uia_state(body: &Value) -> Option<UiaState> {
    let flows = body.get("flows")?.as_array()?;
    let flows = flows
        .iter()
        .map(|flow| {
            flow.get("stages")
                .and_then(Value::as_array)
                .map(|stages| stages.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        })
        .collect();
    let completed = body
        .get("completed")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    Some(UiaState {
        session: str_field(body, "session"),
        flows,
        completed,
        params: body.get("params").cloned().unwrap_or(Value::Null),
        errcode: str_field(body, "errcode"),
        error: str_field(body, "error"),
    })
}

/// Turns a non-success answer into an error. The body is read leniently:
/// wrongly typed fields are ignored rather than hiding the status.
pub fn error_from_response(status: u16, body: &str) -> ApiError {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if status == 401
        && let Some(state) = uia_state(&json)
    {
        return ApiError::AuthRequired(Box::new(state));
    }
    let errcode = str_field(&json, "errcode");
    let message = str_field(&json, "error");
    if status == 429 || errcode.as_deref() == Some("M_LIMIT_EXCEEDED") {
        let retry_after_ms = json.get("retry_after_ms").and_then(Value::as_u64);
        return ApiError::RateLimited { retry_after_ms };
    }
    match errcode {
        Some(code) if code == "M_UNKNOWN_TOKEN" => ApiError::UnknownToken {
            soft_logout: json.get("soft_logout").and_then(Value::as_bool).unwrap_or(false),
            message: message.unwrap_or_else(|| "Your sign-in is no longer valid.".into()),
        },
        Some(code) => ApiError::Matrix {
            status,
            message: message.unwrap_or_else(|| format!("The homeserver refused ({code}).")),
            errcode: code,
        },
        None => ApiError::Http { status },
    }
}

/// Decodes an answer: a 2xx body into `T`, anything else into an error.
pub fn decode_response<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        // An empty 2xx body counts as `{}`: some servers answer that way.
        let body = if body.trim().is_empty() { "{}" } else { body };
        serde_json::from_str(body).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(error_from_response(status, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{DevicesResponse, Empty};

    #[test]
    fn wrong_password_is_a_matrix_error_with_the_server_text() {
        let err = error_from_response(403, r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#);
        assert_eq!(err.errcode(), Some("M_FORBIDDEN"));
        assert_eq!(err.to_string(), "Invalid username or password");
    }

    #[test]
    fn rate_limit_reads_retry_after_ms() {
        let err = error_from_response(
            429,
            r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}"#,
        );
        assert_eq!(err, ApiError::RateLimited { retry_after_ms: Some(2500) });
        assert_eq!(err.to_string(), "Too many attempts. Try again in 3 seconds.");
        let no_hint = error_from_response(429, "");
        assert_eq!(no_hint.to_string(), "Too many attempts. Wait a moment and try again.");
    }

    #[test]
    fn unknown_token_carries_soft_logout() {
        let soft = error_from_response(
            401,
            r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Access token has expired","soft_logout":true}"#,
        );
        assert_eq!(soft, ApiError::UnknownToken { soft_logout: true, message: "Access token has expired".into() });
        let hard = error_from_response(
            401,
            r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}"#,
        );
        assert!(matches!(hard, ApiError::UnknownToken { soft_logout: false, .. }));
    }

    #[test]
    fn a_401_with_flows_asks_for_user_interactive_auth() {
        let err = error_from_response(
            401,
            r#"{"session":"S","flows":[{"stages":["m.login.password"]},{"stages":["m.login.sso"]}],"params":{},"completed":[],"errcode":"M_FORBIDDEN","error":"Invalid password"}"#,
        );
        let ApiError::AuthRequired(state) = err else { panic!("expected UIA") };
        assert_eq!(state.session.as_deref(), Some("S"));
        assert_eq!(state.flows, vec![vec!["m.login.password".to_string()], vec!["m.login.sso".to_string()]]);
        assert_eq!(state.error.as_deref(), Some("Invalid password"));
    }

    #[test]
    fn non_json_error_bodies_keep_the_status() {
        assert_eq!(error_from_response(502, "<html>Bad gateway</html>"), ApiError::Http { status: 502 });
        assert_eq!(error_from_response(500, r#"{"errcode":7}"#), ApiError::Http { status: 500 });
        assert!(error_from_response(503, "").is_transient());
    }

    #[test]
    fn success_bodies_that_do_not_match_are_decode_errors() {
        assert!(matches!(
            decode_response::<DevicesResponse>(200, r#"{"devices":[{"device_id":"A""#),
            Err(ApiError::Decode(_))
        ));
        assert!(matches!(decode_response::<DevicesResponse>(200, r#"{"devices":"many"}"#), Err(ApiError::Decode(_))));
        assert!(matches!(decode_response::<DevicesResponse>(200, "null"), Err(ApiError::Decode(_))));
        assert!(decode_response::<Empty>(200, "").is_ok());
    }

    #[test]
    fn messages_never_echo_the_raw_body() {
        let err = decode_response::<DevicesResponse>(200, r#"{"access_token":"secret"}"#).unwrap_err();
        assert!(!err.to_string().contains("secret"));
    }
}
