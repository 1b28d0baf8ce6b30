//! The one place that performs HTTP requests (through gloo-net's `fetch`).
//! Every request has a timeout; the answer comes back as status and text so
//! decoding stays in pure, tested code (`error.rs`).

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{RequestCache, RequestRedirect, ResponseType};

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

/// The largest answer the page reads (a 2,000-session account's keys are
/// about 2 MB); anything bigger is refused instead of filling memory.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// Sends one request to the homeserver. `bearer` becomes the
/// `Authorization` header; a `body` is sent as JSON. Only CORS-safelisted or
/// Synapse-allowed headers are used.
///
/// Redirects are not followed: a 307/308 would resend the body — a password,
/// a refresh token — to another address. One comes back as
/// `ApiError::Redirected`.
pub async fn send(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<&str>,
    timeout_ms: u32,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(|json| ("application/json", json));
    send_with(method, url, bearer, body, timeout_ms, RequestRedirect::Manual).await
}

/// `send` of an `application/x-www-form-urlencoded` POST (the OAuth 2.0
/// token and revocation endpoints), with the same no-redirect rule.
pub async fn post_form(url: &str, form: &str, timeout_ms: u32) -> Result<HttpResponse, ApiError> {
    let body = Some(("application/x-www-form-urlencoded", form));
    send_with(Method::Post, url, None, body, timeout_ms, RequestRedirect::Manual).await
}

/// `send` for public documents fetched without secrets (`config.json`,
/// `/.well-known/matrix/client`), where following a redirect is normal.
pub async fn get_document(url: &str, timeout_ms: u32) -> Result<HttpResponse, ApiError> {
    send_with(Method::Get, url, None, None, timeout_ms, RequestRedirect::Follow).await
}

async fn send_with(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<(&str, &str)>,
    timeout_ms: u32,
    redirect: RequestRedirect,
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
        .abort_signal(Some(&signal))
        .redirect(redirect)
        // Matrix answers are per user and per moment. Bypassing the HTTP
        // cache also avoids its lock, which makes identical requests from
        // two tabs (the same /sync long-poll) wait for each other.
        .cache(RequestCache::NoStore);
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let seconds = timeout_ms.div_ceil(1000);
    let failed = |e: gloo_net::Error| {
        if timed_out.get() { ApiError::Timeout(seconds) } else { ApiError::Network(e.to_string()) }
    };
    let request = match body {
        Some((content_type, text)) => builder.header("Content-Type", content_type).body(text).map_err(failed)?,
        None => builder.build().map_err(failed)?,
    };
    let response = request.send().await.map_err(failed)?;
    // With `redirect: "manual"` a redirect arrives as an opaque answer that
    // cannot be read: nothing was sent to its target.
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(ApiError::Redirected);
    }
    let status = response.status();
    let body = read_body(&response, MAX_BODY_BYTES).await.map_err(|e| match e {
        BodyError::Js(_) if timed_out.get() => ApiError::Timeout(seconds),
        BodyError::Js(message) => ApiError::Network(message),
        BodyError::TooLarge => ApiError::TooLarge((MAX_BODY_BYTES / (1024 * 1024)) as u32),
        BodyError::NotText => ApiError::Decode("the answer is not UTF-8 text".into()),
    })?;
    Ok(HttpResponse { status, body })
}

enum BodyError {
    Js(String),
    TooLarge,
    NotText,
}

/// Reads the body chunk by chunk, stopping as soon as it exceeds `limit`.
async fn read_body(response: &gloo_net::http::Response, limit: usize) -> Result<String, BodyError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let declared = response.headers().get("content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        if let Some(stream) = response.body() {
            let _ = stream.cancel();
        }
        return Err(BodyError::TooLarge);
    }
    let Some(stream) = response.body() else { return Ok(String::new()) };
    let reader: web_sys::ReadableStreamDefaultReader =
        stream.get_reader().dyn_into().map_err(|_| BodyError::Js("the answer could not be read".into()))?;
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| BodyError::Js(e.as_string().unwrap_or_else(|| "the connection broke".into())))?;
        let chunk: web_sys::ReadableStreamReadResult = chunk.unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            break;
        }
        let data = js_sys::Uint8Array::new(&chunk.get_value());
        if bytes.len() + data.length() as usize > limit {
            let _ = reader.cancel();
            return Err(BodyError::TooLarge);
        }
        let start = bytes.len();
        bytes.resize(start + data.length() as usize, 0);
        data.copy_to(&mut bytes[start..]);
    }
    String::from_utf8(bytes).map_err(|_| BodyError::NotText)
}
