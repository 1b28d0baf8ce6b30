//! The single-sign-on buttons of the sign-in page, one per identity
//! provider (with its icon when the homeserver serves one).

use leptos::prelude::*;
use stylers::style_sheet;

/// One way to sign in with single sign-on.
#[derive(Clone, Debug, PartialEq)]
pub struct SsoChoice {
    /// Identity provider id; `None` for the server's default.
    pub idp: Option<String>,
    pub label: String,
    pub icon_url: Option<String>,
}

/// The single-sign-on buttons of the sign-in page.
#[component]
pub fn SsoButtons(
    #[prop(into)] choices: Signal<Vec<SsoChoice>>,
    #[prop(into)] is_disabled: Signal<bool>,
    on_choose: Callback<Option<String>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/sso_buttons.css");
    view! { class = class_name,
        <div class="sso" data-testid="sso-buttons">
            <For
                each=move || choices.get()
                key=|c| c.idp.clone()
                children=move |choice| {
                    let idp = choice.idp.clone();
                    let testid = format!("sso-button-{}", idp.clone().unwrap_or_else(|| "default".into()));
                    let (icon_failed, set_icon_failed) = signal(false);
                    let icon = choice.icon_url.clone();
                    view! { class = class_name,
                        <button
                            type="button"
                            class="sm-button sm-button--secondary button"
                            data-testid=testid
                            disabled=move || is_disabled.get()
                            on:click=move |_| on_choose.run(idp.clone())
                        >
                            {move || icon.clone().filter(|_| !icon_failed.get()).map(|src| view! { class = class_name,
                                <img class="icon" src=src alt="" width="20" height="20" on:error=move |_| set_icon_failed.set(true)/>
                            })}
                            {choice.label.clone()}
                        </button>
                    }
                }
            />
        </div>
    }
}
