use crate::web::i18n::t;
use leptos::prelude::*;

use crate::components::modal::Modal;

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
                    <button
                        class="sm-button sm-button--secondary"
                        data-testid="dialog-fallback-button"
                        disabled=move || is_pending.get()
                        on:click=move |_| {
                            if let Some(cb) = on_fallback {
                                cb.run(());
                            }
                        }
                    >
                        {label}
                    </button>
                </div>
            })}
            <div class="sm-dialog__buttons">
                <button
                    class="sm-button sm-button--secondary"
                    data-testid="dialog-cancel-button"
                    disabled=move || is_pending.get()
                    on:click=move |_| on_cancel.run(())
                >
                    {t("dialog.cancel")}
                </button>
                <button
                    class="sm-button sm-button--danger"
                    data-testid="dialog-primary-button"
                    disabled=move || is_pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    <Show when=move || is_pending.get()>
                        <span class="sm-spinner" aria-hidden="true"></span>
                    </Show>
                    {move || confirm_label.get()}
                </button>
            </div>
        </Modal>
    }
}
