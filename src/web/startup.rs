//! Start-up: the panic screen, `config.json` and the language's texts, then
//! the app.

use futures::FutureExt;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::http;
use crate::app::App;
use crate::contexts::SignInReturn;
use crate::model::config::{AppConfig, ConfigError, parse_config, text_colour_on};
use crate::model::languages::{FALLBACK, shipped};
use crate::web::i18n;

/// Replaces a frozen page with a message when the app panics: a WebAssembly
/// panic stops every handler, so the page must say so and offer a reload.
pub fn install_panic_screen() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("session manager crashed: {info}").into());
        show_crash_screen();
    }));
}

/// Built with DOM calls, not markup: no inline handler, so a strict
/// Content-Security-Policy allows it.
fn show_crash_screen() -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    body.set_inner_html("");
    let main = document.create_element("main").ok()?;
    main.set_class_name("sm-crash");
    main.set_attribute("role", "alert").ok()?;
    main.set_attribute("data-testid", "crash-screen").ok()?;
    let heading = document.create_element("h1").ok()?;
    heading.set_text_content(Some(&i18n::t("crash.title")));
    let text = document.create_element("p").ok()?;
    text.set_text_content(Some(&i18n::t("crash.text")));
    let button = document.create_element("button").ok()?;
    button.set_attribute("type", "button").ok()?;
    button.set_class_name("sm-button");
    button.set_text_content(Some(&i18n::t("crash.reload")));
    let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref()).ok()?;
    reload.forget();
    main.append_child(&heading).ok()?;
    main.append_child(&text).ok()?;
    main.append_child(&button).ok()?;
    body.append_child(&main).ok()?;
    Some(())
}

/// Fetches `config.json` next to the page. A missing file means defaults.
async fn load_config() -> Result<AppConfig, ConfigError> {
    match http::get_document("config.json", 10_000).await {
        Ok(res) if res.status == 404 => Ok(AppConfig::default()),
        Ok(res) if (200..300).contains(&res.status) => parse_config(&res.body),
        Ok(res) => Err(ConfigError(format!("HTTP {}", res.status))),
        Err(err) => Err(ConfigError(i18n::api_error(&err))),
    }
}

/// Applies the configured theme and accent colour to the document.
fn apply_theme(config: &AppConfig) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = root.set_attribute("data-theme", config.theme.as_str());
    if let Some(accent) = &config.accent_color {
        // Through the CSS object model, which a strict Content-Security-Policy
        // allows (a `style` attribute it would block).
        if let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() {
            let style = root.style();
            let _ = style.set_property("--sm-accent", accent);
            let _ = style.set_property("--sm-accent-text", text_colour_on(accent));
        }
    }
}

#[component]
fn ConfigErrorPage(error: ConfigError) -> impl IntoView {
    view! {
        <main class="sm-config-error" role="alert" data-testid="config-error">
            <h1>{i18n::t("config_error.title")}</h1>
            <p>{i18n::t_with("config_error.detail", &[("detail", &error.0)])}</p>
            <p>{i18n::t("config_error.ask")}</p>
        </main>
    }
}

/// Loads the configuration and mounts the app (or the configuration error).
pub fn start() {
    crate::web::browser::mark("sm:app-started");
    install_panic_screen();
    // Leptos sets up its own executor when mounting; until then, use the
    // browser's microtask queue directly.
    // Before anything else: a sign-in token or code must not stay in the
    // address.
    let oauth_return = crate::web::oauth::take_return();
    let sso_return = crate::web::sso::take_return();
    let sign_in_return = match (oauth_return, sso_return) {
        (Some(oauth), _) => Some(SignInReturn::OAuth(oauth)),
        (None, sso) => sso.map(SignInReturn::Sso),
    };
    // Keys of earlier versions move under this deployment's namespace.
    crate::web::storage::migrate();
    // A returning user's first requests go out now, alongside config.json.
    if sign_in_return.is_none()
        && let Some(client) = crate::web::login::early_client()
    {
        crate::pages::sessions_page::start_early(client);
    }
    // English until a catalog is in; the browser's language is fetched
    // alongside config.json, which may choose another (then the first fetch
    // is dropped, not waited for).
    i18n::activate(FALLBACK, Ok(Default::default()));
    let browser_language = i18n::browser_language();
    let (early, early_catalog) = i18n::fetch_catalog(browser_language).remote_handle();
    wasm_bindgen_futures::spawn_local(early);
    wasm_bindgen_futures::spawn_local(async move {
        let config = load_config().await;
        let chosen = match &config {
            Ok(config) => config.language.as_deref().and_then(shipped).unwrap_or(browser_language),
            Err(_) => browser_language,
        };
        let catalog = if chosen == browser_language {
            early_catalog.await
        } else {
            drop(early_catalog);
            i18n::fetch_catalog(chosen).await
        };
        i18n::activate(chosen, catalog);
        crate::web::browser::mark("sm:config-loaded");
        // The early round was allowed by the last visit's lock: it stands
        // only if this visit's is the same.
        let lock = config.as_ref().ok().map(|c| c.locked_homeserver().unwrap_or_default());
        let lock_key = crate::web::storage::homeserver_lock_key();
        if lock.is_none() || crate::web::storage::get(&lock_key) != lock {
            crate::pages::sessions_page::drop_early();
        }
        if let Some(lock) = &lock {
            crate::web::storage::set(&lock_key, lock);
        }
        match config {
            Ok(config) => {
                apply_theme(&config);
                crate::web::embed::init(config.embed_parent_origin.clone());
                leptos::mount::mount_to_body(move || view! { <App config=config sign_in_return=sign_in_return/> })
            }
            Err(error) => leptos::mount::mount_to_body(move || view! { <ConfigErrorPage error=error/> }),
        }
    });
}
