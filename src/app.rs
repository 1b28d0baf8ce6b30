//! The root component: loads `config.json`, restores the login, and shows
//! the sign-in page or the Sessions page.

use leptos::prelude::*;

use crate::contexts::{ConfigCtx, LoginCtx, SignInReturn, SignInReturnCtx};
use crate::model::config::AppConfig;
use crate::pages::login_page::LoginPage;
use crate::pages::sessions_page::SessionsPage;

#[component]
pub fn App(config: AppConfig, sign_in_return: Option<SignInReturn>) -> impl IntoView {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&crate::web::i18n::t_plain("app.title", &[("brand", &config.brand)]));
    }
    if sign_in_return.as_ref().is_some_and(SignInReturn::handed_over) {
        // This is the sign-in popup of a framed page, which closes it.
        return view! {
            <main class="sm-handover" data-testid="sso-handed-over">
                <p>{crate::web::i18n::t("login.sso_handed_over")}</p>
            </main>
        }
        .into_any();
    }
    let locked = config.locked_homeserver();
    provide_context(ConfigCtx(config));
    provide_context(SignInReturnCtx(StoredValue::new(sign_in_return)));
    let login = LoginCtx::restore(locked);
    provide_context(login);
    view! {
        {move || match login.client() {
            Some(client) => view! { <SessionsPage client=client/> }.into_any(),
            None => view! { <LoginPage/> }.into_any(),
        }}
    }
    .into_any()
}
