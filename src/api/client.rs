//! Typed clients for one homeserver: `Homeserver` for calls without a login
//! and `MatrixClient` for an account's calls. `MatrixClient` keeps the access
//! token fresh: it refreshes before expiry and after an `M_UNKNOWN_TOKEN`,
//! once even when several requests fail at the same time, and reports a
//! login the server no longer accepts.

use std::cell::RefCell;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, decode_response};
use super::http::{self, DEFAULT_TIMEOUT_MS, Method};
use super::types::RefreshResponse;

/// Percent-encodes one path segment (device ids and user ids are arbitrary).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A homeserver, for requests that need no login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Homeserver {
    base_url: String,
}

impl Homeserver {
    pub fn new(base_url: &str) -> Self {
        Homeserver { base_url: super::address::normalise_base_url(base_url) }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// One request without login; `path` starts with `/_matrix/...`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        bearer: Option<&str>,
    ) -> Result<T, ApiError> {
        self.call_with_timeout(method, path, body, bearer, DEFAULT_TIMEOUT_MS).await
    }

    pub async fn call_with_timeout<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        bearer: Option<&str>,
        timeout_ms: u32,
    ) -> Result<T, ApiError> {
        let response = http::send(method, &self.url(path), bearer, body, timeout_ms).await?;
        decode_response(response.status, &response.body)
    }
}

pub use super::tokens::Tokens;

/// Why the client stopped working for this login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedOutReason {
    /// The server no longer knows the login (signed out elsewhere, deleted).
    Revoked,
    /// The token expired and cannot be refreshed (soft logout).
    Expired,
}

/// What the client tells its owner, so the login in storage stays current.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    TokensChanged(Tokens),
    SignedOut(SignedOutReason),
}

/// Who the client acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub user_id: String,
    pub device_id: String,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// Keeps several copies of the client (one per browser tab) from rotating
/// the same refresh token: refreshes run one at a time across copies, and a
/// copy first looks whether another one already stored fresh tokens.
pub trait RefreshCoordinator {
    /// The tokens another copy stored in place of `used`, if any. `waited`
    /// says another copy held the lock first, so it may have just refreshed
    /// and its tokens may still be on their way.
    fn newer_tokens(&self, used: &str, waited: bool) -> LocalBoxFuture<'static, Option<Tokens>>;
    /// Runs `job` while holding a lock shared by every copy, telling it
    /// whether it had to wait for another copy.
    fn exclusive(&self, job: LockedJob) -> LocalBoxFuture<'static, Result<(), ApiError>>;
}

/// Work done under a `RefreshCoordinator`'s lock; its argument is `waited`.
pub type LockedJob = Box<dyn FnOnce(bool) -> LocalBoxFuture<'static, Result<(), ApiError>>>;

struct Inner {
    homeserver: Homeserver,
    account: Account,
    tokens: RefCell<Tokens>,
    refreshing: RefCell<Option<RefreshFuture>>,
    on_event: Box<dyn Fn(ClientEvent)>,
    now_ms: fn() -> u64,
    coordinator: Option<Rc<dyn RefreshCoordinator>>,
    /// Set when the login came from OAuth 2.0: tokens are refreshed at the
    /// authorization server's token endpoint instead of `/v3/refresh`.
    oauth: Option<super::oauth::OAuthGrant>,
}

/// An account's client. Cheap to clone; clones share tokens.
#[derive(Clone)]
pub struct MatrixClient {
    inner: Rc<Inner>,
}

impl PartialEq for MatrixClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl MatrixClient {
    pub fn new(
        homeserver: Homeserver,
        account: Account,
        tokens: Tokens,
        now_ms: fn() -> u64,
        on_event: impl Fn(ClientEvent) + 'static,
        coordinator: Option<Rc<dyn RefreshCoordinator>>,
        oauth: Option<super::oauth::OAuthGrant>,
    ) -> Self {
        MatrixClient {
            inner: Rc::new(Inner {
                homeserver,
                account,
                tokens: RefCell::new(tokens),
                refreshing: RefCell::new(None),
                on_event: Box::new(on_event),
                now_ms,
                coordinator,
                oauth,
            }),
        }
    }

    /// The OAuth 2.0 grant of this login, if it signed in that way.
    pub fn oauth(&self) -> Option<&super::oauth::OAuthGrant> {
        self.inner.oauth.as_ref()
    }

    /// Takes tokens another copy of the client obtained (no event: they are
    /// stored already).
    pub fn adopt_tokens(&self, tokens: Tokens) {
        *self.inner.tokens.borrow_mut() = tokens;
    }

    pub fn homeserver(&self) -> &Homeserver {
        &self.inner.homeserver
    }

    pub fn user_id(&self) -> &str {
        &self.inner.account.user_id
    }

    pub fn device_id(&self) -> &str {
        &self.inner.account.device_id
    }

    pub fn tokens(&self) -> Tokens {
        self.inner.tokens.borrow().clone()
    }

    /// Sends an authenticated request and decodes the answer.
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<T, ApiError> {
        self.request_with_timeout(method, path, body, DEFAULT_TIMEOUT_MS).await
    }

    /// `request` for calls the server may hold open (long-polling `/sync`).
    pub async fn request_with_timeout<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        timeout_ms: u32,
    ) -> Result<T, ApiError> {
        let due = self.inner.tokens.borrow().refresh_due((self.inner.now_ms)());
        if due {
            let used = self.tokens().access_token;
            // A failed early refresh is not fatal: the token may still work.
            if let Err(err) = self.refresh(&used).await
                && self.is_fatal_refresh_error(&err)
            {
                return Err(err);
            }
        }
        let used = self.tokens().access_token;
        match self.send::<T>(method, path, body, &used, timeout_ms).await {
            Err(ApiError::UnknownToken { soft_logout, message }) => {
                if self.tokens().refresh_token.is_none() {
                    self.signed_out(if soft_logout { SignedOutReason::Expired } else { SignedOutReason::Revoked });
                    return Err(ApiError::UnknownToken { soft_logout, message });
                }
                self.refresh(&used).await?;
                let retry = self.tokens().access_token;
                let result = self.send::<T>(method, path, body, &retry, timeout_ms).await;
                if let Err(ApiError::UnknownToken { .. }) = &result {
                    self.signed_out(SignedOutReason::Revoked);
                }
                result
            }
            other => other,
        }
    }

    /// `request` with a JSON-serialised body.
    pub async fn request_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let json = serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.request(method, path, Some(&json)).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        token: &str,
        timeout_ms: u32,
    ) -> Result<T, ApiError> {
        self.inner.homeserver.call_with_timeout(method, path, body, Some(token), timeout_ms).await
    }

    /// A refresh the server refused for good ends the login. The OAuth spec
    /// says any 4xx from the token endpoint (MAS answers 400
    /// `invalid_grant`); a retry is for 5xx and network failures.
    fn is_fatal_refresh_error(&self, err: &ApiError) -> bool {
        if matches!(err, ApiError::UnknownToken { .. }) {
            return true;
        }
        match (&self.inner.oauth, err.status()) {
            (Some(_), Some(status)) => (400..500).contains(&status) && status != 429,
            (Some(_), None) => false,
            (None, status) => matches!(status, Some(401 | 403)),
        }
    }

    fn signed_out(&self, reason: SignedOutReason) {
        (self.inner.on_event)(ClientEvent::SignedOut(reason));
    }

    /// Refreshes the access token unless it already changed since `used` was
    /// read. Concurrent callers share one `POST /refresh`.
    async fn refresh(&self, used: &str) -> Result<(), ApiError> {
        if self.tokens().access_token != used {
            return Ok(());
        }
        let pending = self.inner.refreshing.borrow().clone();
        let future = match pending {
            Some(future) => future,
            None => {
                let this = self.clone();
                let used = used.to_string();
                let future = async move {
                    let result = this.refresh_coordinated(used).await;
                    this.inner.refreshing.borrow_mut().take();
                    result
                }
                .boxed_local()
                .shared();
                *self.inner.refreshing.borrow_mut() = Some(future.clone());
                future
            }
        };
        future.await
    }

    /// Refreshes under the coordinator's lock, unless another copy of the
    /// client already did (then its stored tokens are taken).
    async fn refresh_coordinated(&self, used: String) -> Result<(), ApiError> {
        let Some(coordinator) = self.inner.coordinator.clone() else {
            return self.refresh_now().await;
        };
        let this = self.clone();
        let check = coordinator.clone();
        let job: LockedJob = Box::new(move |waited| {
            async move {
                if let Some(stored) = check.newer_tokens(&used, waited).await {
                    this.adopt_tokens(stored);
                    return Ok(());
                }
                this.refresh_now().await
            }
            .boxed_local()
        });
        coordinator.exclusive(job).await
    }

    /// POST /_matrix/client/v3/refresh — the server rotates the refresh token;
    /// a refused refresh (401/403) means the login is over.
    async fn refresh_now(&self) -> Result<(), ApiError> {
        let Some(refresh_token) = self.tokens().refresh_token else {
            return Err(ApiError::UnknownToken { soft_logout: true, message: "Your sign-in has expired.".into() });
        };
        let answer: Result<RefreshResponse, ApiError> = match &self.inner.oauth {
            Some(grant) => super::oauth::refresh(grant, &refresh_token).await.map(|t| RefreshResponse {
                access_token: t.access_token,
                refresh_token: t.refresh_token,
                expires_in_ms: t.expires_in.map(|s| s.saturating_mul(1000)),
            }),
            None => {
                let body = serde_json::json!({ "refresh_token": refresh_token }).to_string();
                self.inner.homeserver.call(Method::Post, "/_matrix/client/v3/refresh", Some(&body), None).await
            }
        };
        match answer {
            Ok(answer) => {
                let tokens = Tokens::issued(
                    answer.access_token,
                    answer.refresh_token.or(Some(refresh_token)),
                    answer.expires_in_ms,
                    (self.inner.now_ms)(),
                );
                *self.inner.tokens.borrow_mut() = tokens.clone();
                (self.inner.on_event)(ClientEvent::TokensChanged(tokens));
                Ok(())
            }
            Err(err) => {
                if self.is_fatal_refresh_error(&err) {
                    self.signed_out(SignedOutReason::Revoked);
                }
                Err(err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path_segment("ABC_def-1.2~"), "ABC_def-1.2~");
        assert_eq!(encode_path_segment("a/b c?#"), "a%2Fb%20c%3F%23");
        assert_eq!(encode_path_segment("@alice:hs"), "%40alice%3Ahs");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }
}
