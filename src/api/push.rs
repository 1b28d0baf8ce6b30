//! Pushers: how notifications reach each session.

use serde_json::{Map, Value};

use super::client::MatrixClient;
use super::error::ApiError;
use super::http::Method;
use super::types::{Empty, Pusher, PushersResponse};

/// GET /_matrix/client/v3/pushers — the account's pushers.
pub async fn list_pushers(client: &MatrixClient) -> Result<Vec<Pusher>, ApiError> {
    let answer: PushersResponse = client.request(Method::Get, "/_matrix/client/v3/pushers", None).await?;
    Ok(answer.pushers)
}

/// POST /_matrix/client/v3/pushers/set — re-posts a pusher, here to switch it
/// on or off (MSC3881); 400 `M_MISSING_PARAM` if the object is incomplete.
pub async fn set_pusher(client: &MatrixClient, pusher: &Map<String, Value>) -> Result<(), ApiError> {
    client.request_json::<_, Empty>(Method::Post, "/_matrix/client/v3/pushers/set", pusher).await.map(|_| ())
}
