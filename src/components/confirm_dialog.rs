//! A confirmation in a modal dialog, which stays open with the reason when
//! the confirmed action fails.

use leptos::prelude::*;

use crate::components::button::{Button, ButtonStyle};
use crate::components::modal::Modal;
use crate::web::i18n::t;

/// A confirmation in a modal. Shows an error in place and stays open when
/// the confirmed action fails, so the user can retry or cancel.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] is_open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    /// True while the confirmed action runs: buttons are disabled.
    #[prop(into)]
    is_pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    /// Element ids that take focus after the dialog when its opener is gone.
    #[prop(optional)]
    return_focus_to: &'static [&'static str],
    /// A way out offered after a failure (e.g. "Remove from this browser
    /// anyway"), with its explanation; `None` shows nothing.
    #[prop(optional, into)]
    fallback: Signal<Option<(String, String)>>,
    #[prop(optional)] on_fallback: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <Modal
            is_open=is_open
            labelled_by="confirm-dialog-title"
            testid="confirm-dialog"
            can_cancel=Signal::derive(move || !is_pending.get())
            on_cancel=on_cancel
            return_focus_to=return_focus_to
        >
            <h2 class="sm-dialog__title" id="confirm-dialog-title">{move || title.get()}</h2>
            <p class="sm-dialog__text">{move || message.get()}</p>
            {move || error.get().map(|e| view! {
                <p class="sm-alert" role="alert" data-testid="dialog-error">{e}</p>
            })}
            {move || fallback.get().map(|(label, text)| view! {
                <div class="sm-dialog__fallback">
                    <p class="sm-dialog__text">{text}</p>
                    <Button
                        style=ButtonStyle::Secondary
                        testid="dialog-fallback-button"
                        is_disabled=is_pending
                        on_click=Callback::new(move |_| {
                            if let Some(cb) = on_fallback {
                                cb.run(());
                            }
                        })
                    >
                        {label}
                    </Button>
                </div>
            })}
            <div class="sm-dialog__buttons">
                <Button
                    style=ButtonStyle::Secondary
                    testid="dialog-cancel-button"
                    is_disabled=is_pending
                    on_click=on_cancel
                >
                    {t("dialog.cancel")}
                </Button>
                <Button
                    style=ButtonStyle::Danger
                    testid="dialog-primary-button"
                    is_pending=is_pending
                    on_click=on_confirm
                >
                    {move || confirm_label.get()}
                </Button>
            </div>
        </Modal>
    }
}
