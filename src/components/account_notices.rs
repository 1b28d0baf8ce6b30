//! Notices about the account's identity above the Sessions: trust on first
//! use, a replaced identity (with "accept"), missing or broken
//! cross-signing, and an ignored sign-in link.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::Button;
use crate::model::trust::{CrossSigning, IdentityCheck};
use crate::web::i18n::t;

/// The notices, each only when it applies.
#[component]
pub fn AccountNotices(
    /// A single-sign-on link was opened while signed in (and ignored).
    ignored_sign_in_link: bool,
    /// This page load remembered the identity for the first time.
    #[prop(into)]
    pinned_now: Signal<bool>,
    #[prop(into)] identity: Signal<Option<IdentityCheck>>,
    #[prop(into)] chain: Signal<Option<CrossSigning>>,
    on_accept_identity: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/account_notices.css");
    view! { class = class_name,
        {ignored_sign_in_link.then(|| view! { class = class_name,
            <p class="sm-notice" role="status" data-testid="sso-link-ignored">{t("sessions.sso_link_ignored")}</p>
        })}
        <Show when=move || pinned_now.get()>
            <p class="sm-notice" data-testid="identity-first-seen">{t("identity.first_seen")}</p>
        </Show>
        <Show when=move || matches!(identity.get(), Some(IdentityCheck::Changed { .. }))>
            <div class="identity-warning" role="alert" data-testid="identity-changed-warning">
                <h2 class="notice-title">{t("identity.title")}</h2>
                <p class="notice-text">{t("identity.text")}</p>
                <Button testid="identity-accept" on_click=on_accept_identity>{t("identity.accept")}</Button>
            </div>
        </Show>
        {move || match chain.get() {
            Some(CrossSigning::NotSetUp) => Some(view! { class = class_name,
                <p class="sm-notice" data-testid="cross-signing-missing">{t("cross_signing.missing")}</p>
            }.into_any()),
            Some(CrossSigning::Broken { .. }) => Some(view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="cross-signing-broken">{t("cross_signing.broken")}</p>
            }.into_any()),
            _ => None,
        }}
    }
}
