//! Published encryption keys: read to compute verification, and written
//! when this session publishes its own keys or signs another's.

use serde_json::{Value, json};

use super::client::MatrixClient;
use super::error::ApiError;
use super::http::Method;

/// POST /_matrix/client/v3/keys/query for the user's own devices and
/// cross-signing keys. Kept as raw JSON: signatures are checked over the
/// objects exactly as the server sent them.
pub async fn query_own_keys(client: &MatrixClient) -> Result<Value, ApiError> {
    let body = json!({ "device_keys": { client.user_id(): [] } });
    let answer: Value = client.request_json(Method::Post, "/_matrix/client/v3/keys/query", &body).await?;
    if answer.is_object() {
        Ok(answer)
    } else {
        Err(ApiError::Decode("keys/query did not answer with an object".into()))
    }
}

/// POST /_matrix/client/v3/keys/upload with this session's device keys
/// (self-signed). Publishes no one-time keys: this page never uses Olm.
pub async fn upload_device_keys(client: &MatrixClient, device_keys: &Value) -> Result<(), ApiError> {
    let body = json!({ "device_keys": device_keys });
    client.request_json::<_, Value>(Method::Post, "/_matrix/client/v3/keys/upload", &body).await.map(|_| ())
}

/// POST /_matrix/client/v3/keys/signatures/upload — `signed` is
/// `{user: {device_id: object with the new signature}}`. The answer's
/// `failures` must be empty; a failure comes back as `ApiError::Matrix`.
pub async fn upload_signatures(client: &MatrixClient, signed: &Value) -> Result<(), ApiError> {
    let answer: Value = client.request_json(Method::Post, "/_matrix/client/v3/keys/signatures/upload", signed).await?;
    match answer.get("failures").and_then(Value::as_object) {
        Some(failures) if !failures.is_empty() => Err(ApiError::Matrix {
            status: 200,
            errcode: "M_INVALID_SIGNATURE".into(),
            message: "The homeserver did not accept the signature.".into(),
        }),
        _ => Ok(()),
    }
}
