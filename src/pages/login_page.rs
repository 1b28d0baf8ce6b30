use leptos::prelude::*;
use leptos::task::spawn_local;
use stylers::style_sheet;

use crate::api::auth::{get_login_flows, login_with_password, resolve_homeserver};
use crate::api::types::LoginFlows;
use crate::api::Homeserver;
use crate::app::ConfigCtx;
use crate::browser;
use crate::login::LoginCtx;
use crate::model::homeserver::server_of_user_id;
use crate::model::user_agent::describe_browser;

/// What is known about the homeserver typed in the form.
#[derive(Clone, Debug)]
enum ServerCheck {
    Unchecked,
    Checking,
    Ready { input: String, homeserver: Homeserver, flows: LoginFlows },
    Failed,
}

/// Resolves the address and asks which sign-in methods it offers.
async fn check_server(input: &str) -> Result<(Homeserver, LoginFlows), String> {
    let (homeserver, _versions) = resolve_homeserver(input).await.map_err(|e| e.to_string())?;
    let flows = get_login_flows(&homeserver)
        .await
        .map_err(|e| format!("{} did not list its sign-in methods: {e}", homeserver.base_url()))?;
    Ok((homeserver, flows))
}

/// The sign-in page: homeserver, username, password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let class_name = style_sheet!("style/components/login_page.css");
    let login = LoginCtx::expect();
    let config = expect_context::<ConfigCtx>().0;
    let initial_homeserver = config
        .default_homeserver
        .clone()
        .or_else(LoginCtx::last_homeserver)
        .unwrap_or_default();
    let homeserver_input = RwSignal::new(initial_homeserver);
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let server = RwSignal::new(ServerCheck::Unchecked);
    let error = RwSignal::new(None::<String>);
    let is_busy = RwSignal::new(false);
    // Only the newest server check may update the form.
    let generation = StoredValue::new(0u32);

    let run_check = move |input: String| async move {
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        server.set(ServerCheck::Checking);
        let result = check_server(&input).await;
        if generation.get_value() != mine {
            return None;
        }
        match result {
            Ok((homeserver, flows)) => {
                server.set(ServerCheck::Ready { input, homeserver: homeserver.clone(), flows: flows.clone() });
                Some((homeserver, flows))
            }
            Err(message) => {
                server.set(ServerCheck::Failed);
                error.set(Some(message));
                None
            }
        }
    };

    let on_homeserver_change = move |_| {
        let input = homeserver_input.get_untracked();
        if input.trim().is_empty() {
            return;
        }
        error.set(None);
        spawn_local(async move {
            run_check(input).await;
        });
    };

    let brand = config.brand.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if is_busy.get_untracked() {
            return;
        }
        let user = username.get_untracked().trim().to_string();
        let pass = password.get_untracked();
        if homeserver_input.get_untracked().trim().is_empty() {
            if let Some(server_name) = server_of_user_id(&user) {
                homeserver_input.set(server_name.to_string());
            }
        }
        let input = homeserver_input.get_untracked();
        if user.is_empty() || pass.is_empty() {
            error.set(Some("Enter your username and password.".into()));
            return;
        }
        error.set(None);
        is_busy.set(true);
        let device_name = format!("{} ({})", brand, describe_browser(&browser::user_agent()));
        spawn_local(async move {
            let known = match server.get_untracked() {
                ServerCheck::Ready { input: checked, homeserver, flows } if checked == input => {
                    Some((homeserver, flows))
                }
                _ => run_check(input).await,
            };
            let Some((homeserver, flows)) = known else {
                is_busy.try_set(false);
                return;
            };
            if !flows.supports("m.login.password") {
                error.set(Some(format!(
                    "{} doesn't offer password sign-in.",
                    homeserver.base_url()
                )));
                is_busy.set(false);
                return;
            }
            match login_with_password(&homeserver, &user, &pass, &device_name).await {
                Ok(answer) => {
                    // The page switches to the sessions list; this form is gone.
                    login.sign_in(&homeserver, answer);
                }
                Err(err) => {
                    error.try_set(Some(err.to_string()));
                    is_busy.try_set(false);
                }
            }
        });
    };

    let server_hint = move || match server.get() {
        ServerCheck::Checking => Some("Checking homeserver…".to_string()),
        ServerCheck::Ready { homeserver, .. } => {
            Some(format!("Matrix homeserver at {}", homeserver.base_url()))
        }
        ServerCheck::Unchecked | ServerCheck::Failed => None,
    };

    view! { class = class_name,
        <main class="page">
            <div class="card">
                <h1 class="title">"Sign in"</h1>
                <p class="intro">"See and manage every device signed in to your Matrix account."</p>
                {move || login.notice().get().map(|notice| view! { class = class_name,
                    <p class="sm-notice" role="status" data-testid="login-notice">{notice}</p>
                })}
                <form class="form" on:submit=on_submit novalidate>
                    <div class="field">
                        <label class="label" for="login-homeserver">"Homeserver"</label>
                        <input
                            class="sm-input"
                            id="login-homeserver"
                            data-testid="login-homeserver"
                            type="text"
                            inputmode="url"
                            autocomplete="url"
                            autocapitalize="off"
                            spellcheck="false"
                            placeholder="matrix.org"
                            aria-describedby="login-homeserver-hint"
                            prop:value=move || homeserver_input.get()
                            on:input=move |ev| homeserver_input.set(event_target_value(&ev))
                            on:change=on_homeserver_change
                        />
                        <p class="hint" id="login-homeserver-hint" aria-live="polite">
                            {move || server_hint().unwrap_or_else(|| "A server name such as example.org, or a full URL.".into())}
                        </p>
                    </div>
                    <div class="field">
                        <label class="label" for="login-username">"Username"</label>
                        <input
                            class="sm-input"
                            id="login-username"
                            data-testid="login-username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="off"
                            spellcheck="false"
                            placeholder="alice or @alice:example.org"
                            prop:value=move || username.get()
                            on:input=move |ev| username.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label class="label" for="login-password">"Password"</label>
                        <input
                            class="sm-input"
                            id="login-password"
                            data-testid="login-password"
                            type="password"
                            autocomplete="current-password"
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    {move || error.get().map(|message| view! { class = class_name,
                        <p class="sm-alert" role="alert" data-testid="login-error">{message}</p>
                    })}
                    <button
                        class="sm-button submit"
                        type="submit"
                        data-testid="login-submit"
                        disabled=move || is_busy.get()
                    >
                        <Show when=move || is_busy.get()>
                            <span class="sm-spinner" aria-hidden="true"></span>
                        </Show>
                        {move || if is_busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </div>
        </main>
    }
}
