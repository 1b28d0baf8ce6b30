//! Global account data, read through a filtered `/sync` and written per type.

use serde_json::Value;

use super::client::{MatrixClient, encode_path_segment};
use super::error::ApiError;
use super::http::Method;
use super::types::{Empty, SyncResponse};

/// The account-data types the page reads: client information and the
/// local-notification settings of every session (trailing `*` = prefix).
pub const SYNC_FILTER: &str = r#"{"account_data":{"types":["io.element.matrix_client_information.*","org.matrix.msc3890.local_notification_settings.*","m.local_notification_settings.*"]},"presence":{"types":[]},"room":{"rooms":[]}}"#;

/// GET /_matrix/client/v3/sync with the page's filter — the first call
/// (`since = None`, no wait) returns all matching account data; later calls
/// long-poll for changes for up to `wait_ms`.
pub async fn sync(client: &MatrixClient, since: Option<&str>, wait_ms: u32) -> Result<SyncResponse, ApiError> {
    let mut path = format!(
        "/_matrix/client/v3/sync?timeout={wait_ms}&set_presence=offline&filter={}",
        encode_path_segment(SYNC_FILTER)
    );
    if let Some(since) = since {
        path.push_str("&since=");
        path.push_str(&encode_path_segment(since));
    }
    // The server may hold the request for `wait_ms`; allow for that.
    client.request_with_timeout(Method::Get, &path, None, wait_ms + super::http::DEFAULT_TIMEOUT_MS).await
}

/// PUT /_matrix/client/v3/user/{userId}/account_data/{type} — replaces one
/// event; `{}` removes it where the server supports MSC3391.
pub async fn put_account_data(client: &MatrixClient, kind: &str, content: &Value) -> Result<(), ApiError> {
    let path = format!(
        "/_matrix/client/v3/user/{}/account_data/{}",
        encode_path_segment(client.user_id()),
        encode_path_segment(kind)
    );
    client.request_json::<_, Empty>(Method::Put, &path, content).await.map(|_| ())
}

/// GET /_matrix/client/v3/user/{userId}/account_data/{type} — `None` when
/// the account has none of that type (404 `M_NOT_FOUND`).
pub async fn get_account_data(client: &MatrixClient, kind: &str) -> Result<Option<Value>, ApiError> {
    let path = format!(
        "/_matrix/client/v3/user/{}/account_data/{}",
        encode_path_segment(client.user_id()),
        encode_path_segment(kind)
    );
    match client.request::<Value>(Method::Get, &path, None).await {
        Ok(content) => Ok(Some(content)),
        Err(err) if err.status() == Some(404) => Ok(None),
        Err(err) => Err(err),
    }
}
