//! The account's sessions (devices).

use serde_json::{Value, json};

use super::client::{MatrixClient, encode_path_segment};
use super::error::ApiError;
use super::http::Method;
use super::types::{Device, DevicesResponse, Empty};

/// GET /_matrix/client/v3/devices — every session of the account, unordered.
pub async fn list_devices(client: &MatrixClient) -> Result<Vec<Device>, ApiError> {
    let answer: DevicesResponse = client.request(Method::Get, "/_matrix/client/v3/devices", None).await?;
    Ok(answer.devices)
}

/// PUT /_matrix/client/v3/devices/{deviceId} — renames a session; 400
/// `M_TOO_LARGE` past 100 characters, 404 for an unknown session.
pub async fn rename_device(client: &MatrixClient, device_id: &str, name: &str) -> Result<(), ApiError> {
    let path = format!("/_matrix/client/v3/devices/{}", encode_path_segment(device_id));
    client.request_json::<_, Empty>(Method::Put, &path, &json!({ "display_name": name })).await.map(|_| ())
}

/// POST /_matrix/client/v3/delete_devices — signs out several sessions in one
/// request. Usually answers 401 asking for user-interactive auth first; send
/// the same ids again with `auth`. 404 where authentication is delegated.
pub async fn delete_devices(client: &MatrixClient, device_ids: &[String], auth: Option<Value>) -> Result<(), ApiError> {
    let mut body = json!({ "devices": device_ids });
    if let Some(auth) = auth {
        body["auth"] = auth;
    }
    client.request_json::<_, Empty>(Method::Post, "/_matrix/client/v3/delete_devices", &body).await.map(|_| ())
}
