//! The values the app provides to its pages through Leptos context, as
//! newtypes (two contexts of the same inner type cannot collide). Only the
//! root (`app`) provides them; only pages read them.

use leptos::prelude::*;

use crate::model::config::AppConfig;
use crate::web::oauth::OAuthReturn;
use crate::web::sso::SsoReturn;

pub use crate::web::login::LoginCtx;

/// The deployment's configuration.
#[derive(Clone)]
pub struct ConfigCtx(pub AppConfig);

impl ConfigCtx {
    pub fn expect() -> AppConfig {
        expect_context::<ConfigCtx>().0
    }
}

/// A sign-in coming back to the page (single sign-on's `loginToken`, or an
/// OAuth 2.0 callback), found at start-up.
#[derive(Clone, Debug)]
pub enum SignInReturn {
    Sso(SsoReturn),
    OAuth(OAuthReturn),
}

impl SignInReturn {
    /// This page is the sign-in popup of a framed page and handed over.
    pub fn handed_over(&self) -> bool {
        matches!(self, SignInReturn::Sso(SsoReturn::HandedOver) | SignInReturn::OAuth(OAuthReturn::HandedOver))
    }

    /// A sign-in answer that a signed-in page must not use.
    pub fn is_sign_in(&self) -> bool {
        matches!(
            self,
            SignInReturn::Sso(SsoReturn::Token { .. } | SsoReturn::Refused)
                | SignInReturn::OAuth(OAuthReturn::Callback(..) | OAuthReturn::Refused)
        )
    }
}

/// The sign-in return found at start-up, handed to the page that shows
/// first, once.
#[derive(Clone, Copy)]
pub struct SignInReturnCtx(pub StoredValue<Option<SignInReturn>>);

impl SignInReturnCtx {
    /// Takes the return (later calls get `None`).
    pub fn take() -> Option<SignInReturn> {
        expect_context::<SignInReturnCtx>().0.try_update_value(Option::take).flatten()
    }
}
