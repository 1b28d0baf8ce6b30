//! The root component: loads `config.json`, restores the login, and shows
//! the sign-in page or the Sessions page.

use leptos::prelude::*;

use crate::login::LoginCtx;
use crate::model::config::AppConfig;
use crate::pages::login_page::LoginPage;
use crate::pages::sessions_page::SessionsPage;

/// The deployment's configuration (context newtype).
#[derive(Clone)]
pub struct ConfigCtx(pub AppConfig);

#[component]
pub fn App(config: AppConfig) -> impl IntoView {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("Sessions · {}", config.brand));
    }
    provide_context(ConfigCtx(config));
    let login = LoginCtx::restore();
    provide_context(login);
    view! {
        {move || match login.client() {
            Some(client) => view! { <SessionsPage client=client/> }.into_any(),
            None => view! { <LoginPage/> }.into_any(),
        }}
    }
}
