//! Published encryption keys, read to compute verification.

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
