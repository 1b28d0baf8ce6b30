//! A request from another session of the account to be verified, with
//! Accept (busy while verification loads, or why it could not) and Ignore.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::web::i18n::{t, t_with};

/// The banner, while a request waits: `asker` names the session asking.
#[component]
pub fn VerificationRequest(
    #[prop(into)] asker: Signal<Option<String>>,
    #[prop(into)] is_pending: Signal<bool>,
    /// Why accepting failed, in words.
    #[prop(into)]
    problem: Signal<Option<String>>,
    on_accept: Callback<()>,
    on_ignore: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/verification_request.css");
    move || {
        asker.get().map(|name| {
            view! { class = class_name,
                <div class="request sm-notice" role="alert" data-testid="verification-request">
                    <p class="text">{t_with("verify.request", &[("name", &name)])}</p>
                    <div class="buttons">
                        <Button testid="verification-request-accept" is_pending=is_pending on_click=on_accept>
                            {t("verify.accept")}
                        </Button>
                        <Button style=ButtonStyle::Secondary testid="verification-request-ignore" on_click=on_ignore>
                            {t("verify.ignore")}
                        </Button>
                    </div>
                    {move || problem.get().map(|p| view! { class = class_name,
                        <p class="sm-alert" role="alert" data-testid="verification-request-error">{p}</p>
                    })}
                </div>
            }
        })
    }
}
