//! Why signing in did not work, as kinds the sign-in page turns into text.

use crate::api::ApiError;
use crate::api::auth::DiscoveryError;

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
}
