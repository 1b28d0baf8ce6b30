//! Start-up: the panic screen, `config.json`, then the app.

use leptos::prelude::*;

use crate::api::http::{self, Method};
use crate::app::App;
use crate::model::config::{AppConfig, ConfigError, parse_config};

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
    wasm_bindgen_futures::spawn_local(async {
        match load_config().await {
            Ok(config) => leptos::mount::mount_to_body(move || view! { <App config=config/> }),
            Err(error) => {
                leptos::mount::mount_to_body(move || view! { <ConfigErrorPage error=error/> })
            }
        }
    });
}
