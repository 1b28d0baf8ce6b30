//! "This browser": what this browser keeps for the account — the
//! client-information opt-in, the remembered identity — and forgetting it.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::model::pin::{IdentityPin, fingerprint};
use crate::web::format;
use crate::web::i18n::{t, t_with};

/// The "This browser" section of the Sessions page.
#[component]
pub fn ThisBrowser(
    /// The client-information opt-in and where writing it stands.
    #[prop(into)]
    client_info_on: Signal<bool>,
    #[prop(into)] client_info_pending: Signal<bool>,
    #[prop(into)] client_info_error: Signal<Option<String>>,
    on_client_info: Callback<bool>,
    /// The new-session notification switch and why it did not turn on.
    #[prop(into)]
    notify_on: Signal<bool>,
    #[prop(into)] notify_pending: Signal<bool>,
    #[prop(into)] notify_problem: Signal<Option<String>>,
    on_notify: Callback<bool>,
    /// The account's identity as this browser remembers it.
    #[prop(into)]
    identity: Signal<Option<IdentityPin>>,
    /// Opens the confirmation of "Forget this account on this browser".
    on_forget: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/this_browser.css");
    view! { class = class_name,
        <section class="section" aria-labelledby="settings-heading" data-testid="this-browser-section">
            <h2 class="title" id="settings-heading">{t("settings.title")}</h2>
            <label class="setting">
                <input
                    type="checkbox"
                    data-testid="client-info-opt-in"
                    prop:checked=move || client_info_on.get()
                    disabled=move || client_info_pending.get()
                    on:change=move |ev| on_client_info.run(event_target_checked(&ev))
                />
                <span>{t("settings.client_info")}</span>
            </label>
            {move || client_info_error.get().map(|e| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="client-info-opt-in-error">{e}</p>
            })}
            <label class="setting">
                <input
                    type="checkbox"
                    data-testid="notify-opt-in"
                    prop:checked=move || notify_on.get()
                    disabled=move || notify_pending.get()
                    on:change=move |ev| {
                        let wanted = event_target_checked(&ev);
                        // The box shows what is, not what was clicked: it turns
                        // on once the browser allowed it.
                        if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                            input.set_checked(notify_on.get_untracked());
                        }
                        on_notify.run(wanted)
                    }
                />
                <span>{t("settings.notify")}</span>
            </label>
            {move || notify_problem.get().map(|e| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="notify-opt-in-error">{e}</p>
            })}
            {move || identity.get().map(|pin| {
                let since = pin
                    .first_seen_ms
                    .map(|ms| t_with("settings.identity_since", &[("date", &format::full_date(ms as i64))]));
                view! { class = class_name,
                    <div class="identity" data-testid="remembered-identity">
                        <p class="label">{t("settings.identity")}</p>
                        <p class="key"><code translate="no" dir="ltr">{fingerprint(&pin.master_key)}</code></p>
                        <p class="hint">{since} " " {t("settings.identity_tofu")}</p>
                    </div>
                }
            })}
            <div>
                <Button style=ButtonStyle::Secondary testid="forget-account" on_click=on_forget>
                    {t("settings.forget")}
                </Button>
                <p class="hint">{t("settings.forget_hint")}</p>
            </div>
        </section>
    }
}
