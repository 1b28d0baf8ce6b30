//! The values the app provides to its pages through Leptos context, as
//! newtypes (two contexts of the same inner type cannot collide). Only the
//! root (`app`) provides them; only pages read them.

use leptos::prelude::*;

use crate::model::config::AppConfig;
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

/// A single-sign-on return found at start-up, handed to the page that
/// shows first, once.
#[derive(Clone, Copy)]
pub struct SsoReturnCtx(pub StoredValue<Option<SsoReturn>>);

impl SsoReturnCtx {
    /// Takes the return (later calls get `None`).
    pub fn take() -> Option<SsoReturn> {
        expect_context::<SsoReturnCtx>().0.try_update_value(Option::take).flatten()
    }
}
