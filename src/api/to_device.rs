//! Messages to other sessions of the account (to-device), as verification
//! uses them: unencrypted, one session at a time.

use serde_json::{Value, json};

use super::client::{MatrixClient, encode_path_segment};
use super::error::ApiError;
use super::http::Method;

/// PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId} — `txn_id` makes
/// a retried request count once.
pub async fn send_to_device(
    client: &MatrixClient,
    event_type: &str,
    txn_id: &str,
    user_id: &str,
    device_id: &str,
    content: &Value,
) -> Result<(), ApiError> {
    let path =
        format!("/_matrix/client/v3/sendToDevice/{}/{}", encode_path_segment(event_type), encode_path_segment(txn_id));
    let body = json!({ "messages": { user_id: { device_id: content } } });
    client.request_json::<_, Value>(Method::Put, &path, &body).await.map(|_| ())
}
