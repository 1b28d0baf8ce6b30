//! The verification card of a session: Verified, Unverified or No
//! encryption, and what that means.

use crate::web::i18n::t;
use leptos::prelude::*;
use stylers::style_sheet;

use crate::model::trust::Trust;

/// Heading and explanation for a session's verification state.
pub fn verification_text(trust: Trust, is_current: bool) -> (String, String) {
    let state = match trust {
        Trust::Verified => "verified",
        Trust::Unverified => "unverified",
        Trust::NoEncryption => "no_encryption",
        Trust::Unknown => return (t("trust.card.unknown.title"), t("trust.card.unknown.text")),
    };
    let whose = if is_current { "for_current" } else { "for_other" };
    (t(&format!("trust.card.{state}.title")), t(&format!("trust.card.{state}.{whose}")))
}

/// The verification card of a session.
#[component]
pub fn VerificationCard(#[prop(into)] trust: Signal<Trust>, is_current: bool) -> impl IntoView {
    let class_name = style_sheet!("style/components/verification_card.css");
    let modifier = move || match trust.get() {
        Trust::Verified => "card card--verified",
        Trust::Unverified => "card card--unverified",
        Trust::NoEncryption | Trust::Unknown => "card card--neutral",
    };
    view! { class = class_name,
        <div class=modifier data-testid="device-verification-card">
            <span class="icon" aria-hidden="true">
                {move || match trust.get() {
                    Trust::Verified => view! { class = class_name,
                        <svg viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3Z"/></svg>
                    }.into_any(),
                    Trust::Unverified => view! { class = class_name,
                        <svg viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z"/></svg>
                    }.into_any(),
                    _ => view! { class = class_name,
                        <svg viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm1 15h-2v-6h2v6Zm0-8h-2V7h2v2Z"/></svg>
                    }.into_any(),
                }}
            </span>
            <div class="text">
                <h4 class="heading">{move || verification_text(trust.get(), is_current).0}</h4>
                <p class="description">{move || verification_text(trust.get(), is_current).1}</p>
            </div>
        </div>
    }
}
