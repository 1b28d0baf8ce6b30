//! The account's sessions (devices).

use super::client::MatrixClient;
use super::error::ApiError;
use super::http::Method;
use super::types::{Device, DevicesResponse};

/// GET /_matrix/client/v3/devices — every session of the account, unordered.
pub async fn list_devices(client: &MatrixClient) -> Result<Vec<Device>, ApiError> {
    let answer: DevicesResponse = client
        .request(Method::Get, "/_matrix/client/v3/devices", None)
        .await?;
    Ok(answer.devices)
}
