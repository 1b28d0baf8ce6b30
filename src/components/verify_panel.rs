//! The verification actions under a session's verification card:
//! "Unlock verification", "Verify this session", "Verify session", "Lock".

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::model::verification::VerifyOffer;
use crate::web::i18n::t;

/// What the card offers, and what happens on a click.
#[derive(Clone, Copy)]
pub struct VerifyActions {
    pub offer: Signal<VerifyOffer>,
    /// The private keys are unlocked (then "Lock" shows on this session).
    pub is_unlocked: Signal<bool>,
    /// A verification step of this session runs (spinner on its button).
    pub is_pending: Signal<bool>,
    /// Why the last step failed, in words.
    pub problem: Signal<Option<String>>,
    pub on_unlock: Callback<()>,
    pub on_verify: Callback<()>,
    pub on_lock: Callback<()>,
}

/// The buttons for one session (`is_current`: this page's own).
#[component]
pub fn VerifyPanel(actions: VerifyActions, is_current: bool) -> impl IntoView {
    let class_name = style_sheet!("style/components/verify_panel.css");
    let a = actions;
    let show_lock = move || is_current && a.is_unlocked.get();
    // The button's test id, text, look and action.
    let step = move || match a.offer.get() {
        VerifyOffer::Unlock => Some(("verify-unlock", "verify.unlock", ButtonStyle::Secondary, a.on_unlock)),
        VerifyOffer::VerifyThisSession => {
            Some(("verify-this-session", "verify.this_session", ButtonStyle::Primary, a.on_verify))
        }
        VerifyOffer::VerifyOther => Some(("verify-session", "verify.other_session", ButtonStyle::Primary, a.on_verify)),
        VerifyOffer::VerifyThisFirst | VerifyOffer::Done | VerifyOffer::Nothing => None,
    };
    view! { class = class_name,
        <Show when=move || a.offer.get() != VerifyOffer::Nothing || show_lock()>
            <div class="panel" data-testid="verify-panel">
                // One button whose step follows the offer: the same element
                // throughout, so focus stays on it from "Unlock" to "Verify".
                {move || match a.offer.get() {
                    VerifyOffer::VerifyThisFirst => Some(view! { class = class_name,
                        <p class="hint" data-testid="verify-this-first">{t("verify.this_first")}</p>
                    }.into_any()),
                    _ => None,
                }}
                <Show when=move || step().is_some()>
                    <Button
                        style=Signal::derive(move || step().map_or(ButtonStyle::Primary, |s| s.2))
                        testid=Signal::derive(move || step().map(|s| s.0.to_string()))
                        is_pending=a.is_pending
                        keeps_focus=true
                        on_click=Callback::new(move |()| {
                            if let Some((_, _, _, on_click)) = step() {
                                on_click.run(());
                            }
                        })
                    >
                        {move || step().map(|s| t(s.1))}
                    </Button>
                </Show>
                <Show when=show_lock>
                    <Button style=ButtonStyle::Link testid="verify-lock" on_click=a.on_lock>{t("verify.lock")}</Button>
                    <p class="hint">{t("verify.unlocked_hint")}</p>
                </Show>
                {move || a.problem.get().map(|p| view! { class = class_name,
                    <p class="sm-alert" role="alert" data-testid="verify-error">{p}</p>
                })}
            </div>
        </Show>
    }
}
