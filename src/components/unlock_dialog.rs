//! "Unlock verification": the recovery key or the security phrase that
//! opens the account's secret storage. The phrase takes a moment to check;
//! a progress bar says so. What was typed is never stored.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::modal::Modal;
use crate::web::i18n::t;

/// Which secret the user types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnlockWith {
    #[default]
    RecoveryKey,
    Phrase,
}

/// The dialog; `on_unlock` gets the kind and the typed text.
#[component]
pub fn UnlockDialog(
    #[prop(into)] is_open: Signal<bool>,
    #[prop(into)] is_pending: Signal<bool>,
    /// Why the last attempt failed, in words.
    #[prop(into)]
    problem: Signal<Option<String>>,
    on_unlock: Callback<(UnlockWith, String)>,
    on_cancel: Callback<()>,
    /// Element ids that take focus after the dialog when its opener is gone.
    #[prop(optional)]
    return_focus_to: &'static [&'static str],
) -> impl IntoView {
    view! {
        <Modal
            is_open=is_open
            labelled_by="unlock-dialog-title"
            testid="unlock-dialog"
            can_cancel=Signal::derive(move || !is_pending.get())
            on_cancel=on_cancel
            return_focus_to=return_focus_to
        >
            <UnlockForm is_pending=is_pending problem=problem on_unlock=on_unlock on_cancel=on_cancel/>
        </Modal>
    }
}

/// The dialog's content, built each time it opens: what is typed lives
/// only as long as the open dialog, so a recovery key or phrase is dropped
/// when it closes (unlocked or cancelled).
#[component]
fn UnlockForm(
    is_pending: Signal<bool>,
    problem: Signal<Option<String>>,
    on_unlock: Callback<(UnlockWith, String)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/unlock_dialog.css");
    let with = RwSignal::new(UnlockWith::RecoveryKey);
    let typed = RwSignal::new(String::new());
    let submit = move || {
        let text = typed.get_untracked();
        if !text.trim().is_empty() && !is_pending.get_untracked() {
            on_unlock.run((with.get_untracked(), text));
        }
    };
    let field_label = move || t(if with.get() == UnlockWith::Phrase { "unlock.phrase" } else { "unlock.key" });
    view! { class = class_name,
        <form
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <h2 class="sm-dialog__title" id="unlock-dialog-title">{t("unlock.title")}</h2>
            <p class="sm-dialog__text">{t("unlock.text")}</p>
            <fieldset class="choice">
                <legend class="sm-visually-hidden">{t("unlock.with")}</legend>
                <label class="option">
                    <input
                        type="radio"
                        name="unlock-with"
                        data-testid="unlock-with-key"
                        prop:checked=move || with.get() == UnlockWith::RecoveryKey
                        on:change=move |_| with.set(UnlockWith::RecoveryKey)
                    />
                    {t("unlock.with_key")}
                </label>
                <label class="option">
                    <input
                        type="radio"
                        name="unlock-with"
                        data-testid="unlock-with-phrase"
                        prop:checked=move || with.get() == UnlockWith::Phrase
                        on:change=move |_| with.set(UnlockWith::Phrase)
                    />
                    {t("unlock.with_phrase")}
                </label>
            </fieldset>
            <div class="sm-dialog__field">
                <label class="sm-dialog__label" for="unlock-secret">{field_label}</label>
                <input
                    class="sm-input secret"
                    id="unlock-secret"
                    data-testid="unlock-secret"
                    type=move || if with.get() == UnlockWith::Phrase { "password" } else { "text" }
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    disabled=move || is_pending.get()
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </div>
            <Show when=move || is_pending.get()>
                <div class="progress" role="status" data-testid="unlock-progress">
                    <progress aria-label=t("unlock.checking")></progress>
                    <span>{t("unlock.checking")}</span>
                </div>
            </Show>
            {move || problem.get().map(|p| view! {
                <p class="sm-alert" role="alert" data-testid="unlock-error">{p}</p>
            })}
            <div class="sm-dialog__buttons">
                <Button style=ButtonStyle::Secondary testid="unlock-cancel" is_disabled=is_pending on_click=on_cancel>
                    {t("dialog.cancel")}
                </Button>
                <Button
                    submit=true
                    testid="unlock-submit"
                    is_pending=is_pending
                    is_disabled=Signal::derive(move || typed.with(|t| t.trim().is_empty()))
                >
                    {t("unlock.submit")}
                </Button>
            </div>
        </form>
    }
}
