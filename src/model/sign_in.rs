//! Why signing in did not work, as kinds the sign-in page turns into text.

use crate::api::ApiError;
use crate::api::auth::DiscoveryError;
use crate::model::oauth::OAuthProblem;

#[derive(Clone, Debug, PartialEq)]
pub enum SignInProblem {
    /// The typed homeserver could not be found or is no Matrix server.
    Discovery(DiscoveryError),
    /// The server did not list its sign-in methods.
    Flows {
        url: String,
        error: ApiError,
    },
    MissingFields,
    /// The server offers no password sign-in.
    NoPassword {
        url: String,
    },
    /// `POST /login` failed (wrong password, rate limit, unreachable…).
    Login(ApiError),
    /// The single-sign-on token was refused.
    Sso(ApiError),
    /// A single sign-on came back without a token.
    SsoUnfinished,
    /// A token this browser did not ask for (never redeemed).
    SsoNotStarted,
    PopupBlocked,
    /// OAuth 2.0: the authorization page said no, the answer was not this
    /// tab's, or the server refused to register this page.
    OAuth(OAuthProblem),
    /// OAuth 2.0: registering, exchanging the code or `/whoami` failed.
    OAuthRequest(ApiError),
    /// The browser could not make the random numbers or hash PKCE needs.
    OAuthCrypto(String),
}
