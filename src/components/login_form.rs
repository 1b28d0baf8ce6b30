//! The sign-in form: the homeserver (or the one the portal locked), the
//! OAuth 2.0 choice when the server offers it, the username and password,
//! what went wrong, and "Sign in".

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::Button;
use crate::web::i18n::t;

/// The form. It reports the typed homeserver when it changes (`change`,
/// to look it up) and the submission; the page does the rest.
#[component]
pub fn LoginForm(
    /// The homeserver `config.json` locks the page to (no field then).
    locked: Option<String>,
    homeserver: RwSignal<String>,
    /// Under the homeserver field: what was found, or how to type it.
    #[prop(into)]
    homeserver_hint: Signal<String>,
    on_homeserver_change: Callback<()>,
    /// False when the server offers only single sign-on.
    #[prop(into)]
    offers_password: Signal<bool>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    #[prop(into)] problem: Signal<Option<String>>,
    #[prop(into)] is_busy: Signal<bool>,
    on_submit: Callback<()>,
    /// The OAuth 2.0 choice ("Continue at auth.example.org"), offered first
    /// when the server has it.
    #[prop(optional, into)]
    oauth_label: MaybeProp<String>,
    #[prop(optional)] on_oauth: Option<Callback<()>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/login_form.css");
    let homeserver_view = match locked {
        Some(address) => view! { class = class_name,
            <p class="locked" data-testid="login-homeserver-locked">
                {t("login.homeserver_locked")} " " <strong dir="ltr">{address}</strong>
            </p>
        }
        .into_any(),
        None => view! { class = class_name,
            <div class="field">
                <label class="label" for="login-homeserver">{t("login.homeserver")}</label>
                <input
                    class="sm-input"
                    id="login-homeserver"
                    data-testid="login-homeserver"
                    type="text"
                    inputmode="url"
                    dir="ltr"
                    autocomplete="url"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder="matrix.org"
                    aria-describedby="login-homeserver-hint"
                    prop:value=move || homeserver.get()
                    on:input=move |ev| homeserver.set(event_target_value(&ev))
                    on:change=move |_| on_homeserver_change.run(())
                />
                <p class="hint" id="login-homeserver-hint" aria-live="polite">{move || homeserver_hint.get()}</p>
            </div>
        }
        .into_any(),
    };
    view! { class = class_name,
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            {homeserver_view}
            {move || oauth_label.get().map(|label| view! { class = class_name,
                <div class="oauth">
                    <Button
                        testid="login-oauth"
                        class=format!("submit {class_name}")
                        is_pending=is_busy
                        on_click=Callback::new(move |_| {
                            if let Some(f) = on_oauth {
                                f.run(())
                            }
                        })
                    >
                        {label}
                    </Button>
                    <p class="hint">{t("login.oauth.hint")}</p>
                </div>
                {offers_password.get().then(|| view! { class = class_name,
                    <p class="divider"><span>{t("login.oauth.or_password")}</span></p>
                })}
            })}
            <Show when=move || offers_password.get()>
                <div class="field">
                    <label class="label" for="login-username">{t("login.username")}</label>
                    <input
                        class="sm-input"
                        id="login-username"
                        data-testid="login-username"
                        type="text"
                        dir="ltr"
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
            {move || problem.get().map(|message| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="login-error">{message}</p>
            })}
            <Show when=move || offers_password.get()>
                <Button submit=true testid="login-submit" class=format!("submit {class_name}") is_pending=is_busy>
                    {move || if is_busy.get() { t("login.signing_in") } else { t("login.sign_in") }}
                </Button>
            </Show>
        </form>
    }
}
