//! Start-up: the panic screen, `config.json`, then the app.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::http::{self, Method};
use crate::app::App;
use crate::model::config::{AppConfig, ConfigError, parse_config, text_colour_on};

/// Replaces a frozen page with a message when the app panics: a WebAssembly
/// panic stops every handler, so the page must say so and offer a reload.
pub fn install_panic_screen() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("session manager crashed: {info}").into());
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
            return;
        };
        body.set_inner_html(
            "<main class=\"sm-crash\" role=\"alert\" data-testid=\"crash-screen\">\
             <h1>Something went wrong</h1>\
             <p>The page stopped working. Reload it to continue; your sign-in is kept.</p>\
             <button type=\"button\" onclick=\"location.reload()\">Reload</button></main>",
        );
    }));
}

/// Fetches `config.json` next to the page. A missing file means defaults.
async fn load_config() -> Result<AppConfig, ConfigError> {
    match http::send(Method::Get, "config.json", None, None, 10_000).await {
        Ok(res) if res.status == 404 => Ok(AppConfig::default()),
        Ok(res) if (200..300).contains(&res.status) => parse_config(&res.body),
        Ok(res) => Err(ConfigError(format!("the server answered HTTP {}", res.status))),
        Err(err) => Err(ConfigError(format!("it could not be loaded ({err})"))),
    }
}

/// Applies the configured theme and accent colour to the document.
fn apply_theme(config: &AppConfig) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
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
            <h1>"This page is not set up correctly"</h1>
            <p>{error.to_string()}</p>
            <p>"Ask the administrator of this site to fix config.json."</p>
        </main>
    }
}

/// Loads the configuration and mounts the app (or the configuration error).
pub fn start() {
    install_panic_screen();
    // Leptos sets up its own executor when mounting; until then, use the
    // browser's microtask queue directly.
    // Before anything else: a sign-in token must not stay in the address.
    let sso_return = crate::sso::take_return();
    wasm_bindgen_futures::spawn_local(async move {
        match load_config().await {
            Ok(config) => {
                apply_theme(&config);
                crate::embed::init(config.embed_parent_origin.clone());
                leptos::mount::mount_to_body(move || view! { <App config=config sso_return=sso_return/> })
            }
            Err(error) => {
                leptos::mount::mount_to_body(move || view! { <ConfigErrorPage error=error/> })
            }
        }
    });
}
