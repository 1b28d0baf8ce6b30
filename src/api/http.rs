//! The one place that performs HTTP requests (through gloo-net's `fetch`).
//! Every request has a timeout; the answer comes back as status and text so
//! decoding stays in pure, tested code (`error.rs`).

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;

use super::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// Default time a request may take before the page reports a timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// Sends one request. `bearer` becomes the `Authorization` header; a `body`
/// is sent as JSON. Only CORS-safelisted or Synapse-allowed headers are used.
pub async fn send(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<&str>,
    timeout_ms: u32,
) -> Result<HttpResponse, ApiError> {
    let controller = web_sys::AbortController::new()
        .map_err(|_| ApiError::Network("the browser refused to start a request".into()))?;
    let timed_out = Rc::new(Cell::new(false));
    // Dropping the timer (when this function returns) cancels it.
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let signal = controller.signal();
    let mut builder = RequestBuilder::new(url)
        .method(match method {
            Method::Get => GlooMethod::GET,
            Method::Post => GlooMethod::POST,
            Method::Put => GlooMethod::PUT,
            Method::Delete => GlooMethod::DELETE,
        })
        .abort_signal(Some(&signal));
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let seconds = timeout_ms.div_ceil(1000);
    let failed = |e: gloo_net::Error| {
        if timed_out.get() {
            ApiError::Timeout(seconds)
        } else {
            ApiError::Network(e.to_string())
        }
    };
    let request = match body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json)
            .map_err(failed)?,
        None => builder.build().map_err(failed)?,
    };
    let response = request.send().await.map_err(failed)?;
    let status = response.status();
    let body = response.text().await.map_err(failed)?;
    Ok(HttpResponse { status, body })
}
