//! Finishing an OAuth 2.0 sign-in: the code exchanged at the token endpoint
//! (with the PKCE verifier), then `/whoami` tells whose login it is.

use crate::api::Homeserver;
use crate::api::auth::whoami;
use crate::api::client::{Account, Tokens};
use crate::api::oauth::{self, OAuthGrant};
use crate::model::oauth::{Callback, callback_problem};
use crate::model::sign_in::SignInProblem;
use crate::web::browser;
use crate::web::oauth::{PendingSignIn, StartProblem};

/// A finished sign-in, ready to keep.
pub struct SignedIn {
    pub homeserver: Homeserver,
    pub account: Account,
    pub tokens: Tokens,
    pub grant: OAuthGrant,
}

/// Exchanges the callback's code, or explains the error it carries.
pub async fn finish(callback: Callback, pending: PendingSignIn) -> Result<SignedIn, SignInProblem> {
    let code = match callback {
        Callback::Code { code, .. } => code,
        Callback::Error { error, description, .. } => {
            return Err(SignInProblem::OAuth(callback_problem(&error, description)));
        }
    };
    let form = oauth::form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &pending.redirect_uri),
        ("client_id", &pending.client_id),
        ("code_verifier", &pending.code_verifier),
    ]);
    let answer = oauth::token(&pending.token_endpoint, &form).await.map_err(SignInProblem::OAuthRequest)?;
    let homeserver = Homeserver::new(&pending.homeserver);
    let who = whoami(&homeserver, &answer.access_token).await.map_err(SignInProblem::OAuthRequest)?;
    let tokens = Tokens::issued(
        answer.access_token,
        answer.refresh_token,
        answer.expires_in.map(|s| s.saturating_mul(1000)),
        browser::now_ms(),
    );
    Ok(SignedIn {
        homeserver,
        account: Account { user_id: who.user_id, device_id: who.device_id.unwrap_or(pending.device_id) },
        tokens,
        grant: OAuthGrant {
            issuer: pending.issuer,
            client_id: pending.client_id,
            token_endpoint: pending.token_endpoint,
            revocation_endpoint: pending.revocation_endpoint,
        },
    })
}

/// A sign-in that could not start, as the page's problem.
pub fn start_problem(problem: StartProblem) -> SignInProblem {
    match problem {
        StartProblem::Registration(p) => SignInProblem::OAuth(p),
        StartProblem::Request(e) => SignInProblem::OAuthRequest(e),
        StartProblem::Crypto(c) => SignInProblem::OAuthCrypto(c),
        StartProblem::PopupBlocked => SignInProblem::PopupBlocked,
    }
}
