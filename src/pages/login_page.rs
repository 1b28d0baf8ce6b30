use leptos::prelude::*;
use leptos::task::spawn_local;
use stylers::style_sheet;

use crate::api::auth::{get_login_flows, login_with_password, login_with_token, resolve_homeserver};
use crate::api::types::{LoginFlows, mxc_to_http};
use crate::api::{ApiError, Homeserver};
use crate::components::sso_buttons::{SsoButtons, SsoChoice};
use crate::contexts::{ConfigCtx, LoginCtx, SsoReturnCtx};
use crate::model::homeserver::server_of_user_id;
use crate::model::user_agent::browser_and_os;
use crate::web::browser;
use crate::web::i18n::{self, t, t_with};
use crate::web::sso::{self, SsoReturn};

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
    let (homeserver, _versions) = resolve_homeserver(input).await.map_err(|e| i18n::discovery_error(&e))?;
    let flows = get_login_flows(&homeserver).await.map_err(|e| {
        t_with("login.error.flows", &[("url", homeserver.base_url()), ("reason", &i18n::api_error(&e))])
    })?;
    Ok((homeserver, flows))
}

/// The new session's name: "<brand> (Firefox on Linux)", in the page's
/// language.
fn session_name(brand: &str) -> String {
    let agent = match browser_and_os(&browser::user_agent()) {
        (Some(b), Some(o)) => t_with("session_name.browser_on_os", &[("browser", b), ("os", o)]),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => t_with("session_name.browser_on_os", &[("browser", &t("session_name.browser")), ("os", o)]),
        (None, None) => t("session_name.browser"),
    };
    format!("{brand} ({agent})")
}

fn sso_choices(homeserver: &Homeserver, flows: &LoginFlows) -> Vec<SsoChoice> {
    let Some(flow) = flows.sso() else { return Vec::new() };
    if flow.identity_providers.is_empty() {
        return vec![SsoChoice { idp: None, label: t("login.sso_default"), icon_url: None }];
    }
    flow.identity_providers
        .iter()
        .map(|p| SsoChoice {
            idp: Some(p.id.clone()),
            label: t_with("login.sso_idp", &[("name", &p.name)]),
            icon_url: p.icon.as_deref().and_then(|icon| mxc_to_http(homeserver.base_url(), icon)),
        })
        .collect()
}

/// The sign-in page: homeserver, then password and/or single sign-on.
#[component]
pub fn LoginPage() -> impl IntoView {
    let class_name = style_sheet!("style/components/login_page.css");
    let login = LoginCtx::expect();
    let config = ConfigCtx::expect();
    let locked = config.lock_homeserver;
    let initial_homeserver = if locked {
        config.default_homeserver.clone().unwrap_or_default()
    } else {
        config.default_homeserver.clone().or_else(LoginCtx::last_homeserver).unwrap_or_default()
    };
    let homeserver_input = RwSignal::new(initial_homeserver.clone());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let server = RwSignal::new(ServerCheck::Unchecked);
    let error = RwSignal::new(None::<String>);
    let is_busy = RwSignal::new(false);
    // Only the newest server check may update the form.
    let generation = StoredValue::new(0u32);
    let device_name = session_name(&config.brand);

    let run_check = move |input: String| async move {
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        server.set(ServerCheck::Checking);
        let result = check_server(&input).await;
        if generation.try_get_value() != Some(mine) {
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

    // Signs in with a single-sign-on token (from a redirect or our popup).
    let finish_sso = {
        let device_name = device_name.clone();
        move |token: String, homeserver: Option<String>| {
            let device_name = device_name.clone();
            is_busy.set(true);
            error.set(None);
            spawn_local(async move {
                let known = match homeserver {
                    Some(base) => Some(Homeserver::new(&base)),
                    None => match server.get_untracked() {
                        ServerCheck::Ready { homeserver, .. } => Some(homeserver),
                        _ => run_check(homeserver_input.get_untracked()).await.map(|(hs, _)| hs),
                    },
                };
                let Some(homeserver) = known else {
                    is_busy.try_set(false);
                    return;
                };
                match login_with_token(&homeserver, &token, &device_name).await {
                    Ok(answer) => login.sign_in(&homeserver, answer),
                    Err(err) => {
                        let reason = match &err {
                            ApiError::Matrix { errcode, .. } if errcode == "M_FORBIDDEN" => t("login.error.sso_token"),
                            other => i18n::api_error(other),
                        };
                        error.try_set(Some(t_with("login.error.sso_failed", &[("reason", &reason)])));
                        is_busy.try_set(false);
                    }
                }
            });
        }
    };

    // Coming back from the identity provider?
    match SsoReturnCtx::take() {
        Some(SsoReturn::Token { token, homeserver }) => finish_sso.clone()(token, homeserver),
        Some(SsoReturn::Unfinished) => error.set(Some(t("login.error.sso_unfinished"))),
        Some(SsoReturn::Refused) => error.set(Some(t("login.error.sso_not_started"))),
        Some(SsoReturn::HandedOver) | None => {}
    }
    // A framed page signs in through a popup, which hands the token over.
    if sso::is_framed() {
        let finish_sso = finish_sso.clone();
        let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
            if let Some(token) = sso::token_from_popup(&ev) {
                let homeserver = match server.get_untracked() {
                    ServerCheck::Ready { homeserver, .. } => Some(homeserver.base_url().to_string()),
                    _ => None,
                };
                finish_sso(token, homeserver);
            }
        });
        on_cleanup(move || handle.remove());
    }
    // Show the sign-in methods of a known homeserver straight away.
    if !initial_homeserver.trim().is_empty() && !is_busy.get_untracked() {
        spawn_local(async move {
            run_check(initial_homeserver).await;
        });
    }

    let on_homeserver_change = move |_| {
        // `change` can fire as the form leaves the page (after signing in).
        let Some(input) = homeserver_input.try_get_untracked() else { return };
        if input.trim().is_empty() {
            return;
        }
        error.set(None);
        spawn_local(async move {
            run_check(input).await;
        });
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if is_busy.get_untracked() {
            return;
        }
        let user = username.get_untracked().trim().to_string();
        let pass = password.get_untracked();
        if homeserver_input.get_untracked().trim().is_empty()
            && let Some(server_name) = server_of_user_id(&user)
        {
            homeserver_input.set(server_name.to_string());
        }
        let input = homeserver_input.get_untracked();
        if user.is_empty() || pass.is_empty() {
            error.set(Some(t("login.error.missing_fields")));
            return;
        }
        error.set(None);
        is_busy.set(true);
        let device_name = device_name.clone();
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
            if !flows.offers_password() {
                error.set(Some(t_with("login.error.no_password", &[("url", homeserver.base_url())])));
                is_busy.set(false);
                return;
            }
            match login_with_password(&homeserver, &user, &pass, &device_name).await {
                // The page switches to the sessions list; this form is gone.
                Ok(answer) => login.sign_in(&homeserver, answer),
                Err(err) => {
                    error.try_set(Some(i18n::api_error(&err)));
                    is_busy.try_set(false);
                }
            }
        });
    };

    let on_sso = Callback::new(move |idp: Option<String>| {
        let ServerCheck::Ready { homeserver, .. } = server.get_untracked() else { return };
        error.set(None);
        if !sso::start(&homeserver, idp.as_deref()) {
            error.set(Some(t("login.error.popup_blocked")));
        }
    });

    let server_hint = move || match server.get() {
        ServerCheck::Checking => Some(t("login.homeserver_checking")),
        ServerCheck::Ready { homeserver, .. } => {
            Some(t_with("login.homeserver_found", &[("url", homeserver.base_url())]))
        }
        ServerCheck::Unchecked | ServerCheck::Failed => None,
    };
    // Until the server has answered, offer the password form.
    let show_password = move || match server.get() {
        ServerCheck::Ready { flows, .. } => flows.offers_password(),
        _ => true,
    };
    let sso_offered = Memo::new(move |_| match server.get() {
        ServerCheck::Ready { homeserver, flows, .. } => sso_choices(&homeserver, &flows),
        _ => Vec::new(),
    });
    let portal = config.portal.clone();

    view! { class = class_name,
        <main class="page">
            <div class="card">
                {portal.map(|p| view! { class = class_name,
                    <a class="portal" href=p.url data-testid="portal-link">
                        {t_with("login.portal_link", &[("name", &p.name.unwrap_or_else(|| t("login.portal_default")))])}
                    </a>
                })}
                <h1 class="title">{t("login.title")}</h1>
                <p class="intro">{t("login.intro")}</p>
                {move || login.notice().get().map(|notice| view! { class = class_name,
                    <p class="sm-notice" role="status" data-testid="login-notice">{notice}</p>
                })}
                <form class="form" on:submit=on_submit novalidate>
                    {if locked {
                        view! { class = class_name,
                            <p class="locked" data-testid="login-homeserver-locked">
                                {t("login.homeserver_locked")} " " <strong>{homeserver_input.get_untracked()}</strong>
                            </p>
                        }.into_any()
                    } else {
                        view! { class = class_name,
                            <div class="field">
                                <label class="label" for="login-homeserver">{t("login.homeserver")}</label>
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
                                    {move || server_hint().unwrap_or_else(|| t("login.homeserver_hint"))}
                                </p>
                            </div>
                        }.into_any()
                    }}
                    <Show when=show_password>
                        <div class="field">
                            <label class="label" for="login-username">{t("login.username")}</label>
                            <input
                                class="sm-input"
                                id="login-username"
                                data-testid="login-username"
                                type="text"
                                autocomplete="username"
                                autocapitalize="off"
                                spellcheck="false"
                                placeholder=t("login.username_placeholder")
                                prop:value=move || username.get()
                                on:input=move |ev| username.set(event_target_value(&ev))
                            />
                        </div>
                        <div class="field">
                            <label class="label" for="login-password">{t("login.password")}</label>
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
                    </Show>
                    {move || error.get().map(|message| view! { class = class_name,
                        <p class="sm-alert" role="alert" data-testid="login-error">{message}</p>
                    })}
                    <Show when=show_password>
                        <button
                            class="sm-button submit"
                            type="submit"
                            data-testid="login-submit"
                            disabled=move || is_busy.get()
                        >
                            <Show when=move || is_busy.get()>
                                <span class="sm-spinner" aria-hidden="true"></span>
                            </Show>
                            {move || if is_busy.get() { t("login.signing_in") } else { t("login.sign_in") }}
                        </button>
                    </Show>
                </form>
                <Show when=move || sso_offered.with(|c| !c.is_empty())>
                    <Show when=show_password>
                        <p class="divider"><span>{t("login.or")}</span></p>
                    </Show>
                    <SsoButtons choices=sso_offered is_disabled=is_busy on_choose=on_sso/>
                </Show>
            </div>
        </main>
    }
}
