//! Emoji verification with another session: waiting for it, the seven
//! emoji and three numbers to compare (with names in the page's language),
//! then verified — or how it ended.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::modal::Modal;
use crate::components::spinner::Spinner;
use crate::model::messages::Text;
use crate::model::sas::EMOJI;
use crate::model::verification::{SasChoice, SasEnd, SasView};
use crate::web::i18n::{t, t_with};

/// How a verification ended, in words.
pub fn end_text(end: &SasEnd) -> String {
    match end {
        SasEnd::CancelledByThem(_) => t("sas.end.cancelled_by_them"),
        SasEnd::CancelledByUs => t("sas.end.cancelled"),
        SasEnd::Mismatch => t("sas.end.mismatch"),
        SasEnd::Timeout => t("sas.end.timeout"),
        SasEnd::UnknownMethod => t("sas.end.unknown_method"),
        SasEnd::Tampered => t("sas.end.tampered"),
        SasEnd::Unexpected => t("sas.end.unexpected"),
        SasEnd::Failed(reason) => crate::web::i18n::text(&Text::new("sas.end.failed").because(reason.clone())),
    }
}

/// The dialog, shown while a verification is on.
#[component]
pub fn SasDialog(
    #[prop(into)] view_state: Signal<SasView>,
    on_choose: Callback<SasChoice>,
    on_close: Callback<()>,
    /// Element ids that take focus after the dialog when its opener is gone.
    #[prop(optional)]
    return_focus_to: &'static [&'static str],
) -> impl IntoView {
    let class_name = style_sheet!("style/components/sas_dialog.css");
    let is_open = Signal::derive(move || view_state.get() != SasView::Closed);
    let title = move || match view_state.get() {
        SasView::Closed => String::new(),
        SasView::Waiting { name } | SasView::Compare { name, .. } => t_with("sas.title", &[("name", &name)]),
        SasView::Verified { .. } => t("sas.verified_title"),
        SasView::Ended { .. } => t("sas.ended_title"),
    };
    let body = move || {
        match view_state.get() {
        SasView::Closed => ().into_any(),
        SasView::Waiting { name } => view! { class = class_name,
            <div class="waiting" data-testid="sas-waiting">
                <Spinner label=t("sas.waiting_label")/>
                <p class="sm-dialog__text">{t_with("sas.waiting", &[("name", &name)])}</p>
            </div>
            <div class="sm-dialog__buttons">
                <Button style=ButtonStyle::Secondary testid="sas-cancel" on_click=Callback::new(move |_| on_choose.run(SasChoice::Cancel))>
                    {t("dialog.cancel")}
                </Button>
            </div>
        }
        .into_any(),
        SasView::Compare { emoji, decimals, confirmed, .. } => view! { class = class_name,
            <p class="sm-dialog__text">{t("sas.compare")}</p>
            <ol class="emoji" data-testid="sas-emoji" aria-label=t("sas.emoji_label")>
                {emoji.iter().map(|&n| view! { class = class_name,
                    <li class="emoji-item" data-testid="sas-emoji-item">
                        <span class="emoji-symbol" aria-hidden="true">{EMOJI[n]}</span>
                        <span class="emoji-name">{t(&format!("sas.emoji.{n}"))}</span>
                    </li>
                }).collect_view()}
            </ol>
            <p class="decimals" data-testid="sas-decimals">
                {t_with("sas.numbers", &[("numbers", &decimals.map(|d| d.to_string()).join(" – "))])}
            </p>
            {confirmed.then(|| view! { class = class_name,
                <div class="waiting" data-testid="sas-confirmed">
                    <Spinner label=t("sas.waiting_label")/>
                    <p class="sm-dialog__text">{t("sas.waiting_other_confirm")}</p>
                </div>
            })}
            <div class="sm-dialog__buttons">
                <Button
                    style=ButtonStyle::Danger
                    testid="sas-mismatch"
                    is_disabled=confirmed
                    on_click=Callback::new(move |_| on_choose.run(SasChoice::Mismatch))
                >
                    {t("sas.mismatch")}
                </Button>
                <Button testid="sas-match" is_pending=confirmed on_click=Callback::new(move |_| on_choose.run(SasChoice::Match))>
                    {t("sas.match")}
                </Button>
            </div>
        }
        .into_any(),
        SasView::Verified { name } => view! {
            <p class="sm-dialog__text" role="status" data-testid="sas-verified">{t_with("sas.verified", &[("name", &name)])}</p>
            <div class="sm-dialog__buttons">
                <Button testid="sas-close" on_click=on_close>{t("dialog.close")}</Button>
            </div>
        }
        .into_any(),
        SasView::Ended { end, .. } => view! {
            <p class="sm-alert" role="alert" data-testid="sas-ended">{end_text(&end)}</p>
            <div class="sm-dialog__buttons">
                <Button testid="sas-close" on_click=on_close>{t("dialog.close")}</Button>
            </div>
        }
        .into_any(),
    }
    };
    view! { class = class_name,
        <Modal
            is_open=is_open
            labelled_by="sas-dialog-title"
            testid="sas-dialog"
            can_cancel=true
            on_cancel=on_close
            return_focus_to=return_focus_to
        >
            <h2 class="sm-dialog__title" id="sas-dialog-title">{title}</h2>
            {body}
        </Modal>
    }
}
