use crate::web::i18n::{t, t_count};
use leptos::html::Input;
use leptos::prelude::*;

use crate::components::modal::Modal;

/// Where the sign-out dialog is.
#[derive(Clone, Debug, PartialEq)]
pub enum SignOutPhase {
    Closed,
    Confirm,
    /// The server wants the account password.
    Password,
    /// Single sign-on: `popup_done` once the popup reported success.
    Sso {
        popup_done: bool,
    },
    /// A stage without a form here: the server's own page does it.
    Fallback {
        stage: String,
    },
}

/// The dialog that confirms signing out other sessions and asks for
/// re-authentication when the server wants it.
#[component]
pub fn SignOutDialog(
    #[prop(into)] phase: Signal<SignOutPhase>,
    /// How many sessions are being signed out.
    #[prop(into)]
    count: Signal<usize>,
    #[prop(into)] is_pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The password field's text (kept when an attempt fails).
    password: RwSignal<String>,
    on_confirm: Callback<()>,
    on_password: Callback<()>,
    on_open_popup: Callback<()>,
    on_cancel: Callback<()>,
    /// Element ids that take focus after the dialog when its opener is gone.
    #[prop(optional)]
    return_focus_to: &'static [&'static str],
) -> impl IntoView {
    let password_ref = NodeRef::<Input>::new();
    // Focus the password field when the server asks for it.
    Effect::new(move |_| {
        if phase.get() == SignOutPhase::Password
            && let Some(input) = password_ref.get()
        {
            let _ = input.focus();
        }
    });
    let title = move || match phase.get() {
        SignOutPhase::Closed | SignOutPhase::Confirm => t("sign_out.title"),
        SignOutPhase::Password | SignOutPhase::Fallback { .. } => t("uia.title"),
        SignOutPhase::Sso { popup_done: false } => t("uia.sso_title"),
        SignOutPhase::Sso { popup_done: true } => t("uia.sso_confirm_title"),
    };
    let text = move || {
        let n = count.get();
        match phase.get() {
            SignOutPhase::Closed | SignOutPhase::Confirm => t_count("sign_out.question", n, &[]),
            SignOutPhase::Password => t("uia.password_text"),
            SignOutPhase::Sso { popup_done: false } => t_count("uia.sso_text", n, &[]),
            SignOutPhase::Sso { popup_done: true } => t_count("uia.sso_confirm_text", n, &[]),
            SignOutPhase::Fallback { .. } => t("uia.fallback_text"),
        }
    };
    let primary_label = move || match phase.get() {
        SignOutPhase::Password => t("uia.continue"),
        SignOutPhase::Sso { popup_done: false } => t("uia.sso_button"),
        SignOutPhase::Fallback { .. } => t("uia.fallback_button"),
        _ => t("sign_out.confirm"),
    };
    let is_danger = move || matches!(phase.get(), SignOutPhase::Confirm | SignOutPhase::Sso { popup_done: true });
    let primary_disabled =
        move || is_pending.get() || (phase.get() == SignOutPhase::Password && password.with(String::is_empty));
    let on_primary = move || match phase.get_untracked() {
        SignOutPhase::Confirm => on_confirm.run(()),
        SignOutPhase::Password => on_password.run(()),
        SignOutPhase::Sso { popup_done: true } => on_confirm.run(()),
        SignOutPhase::Sso { popup_done: false } | SignOutPhase::Fallback { .. } => on_open_popup.run(()),
        SignOutPhase::Closed => {}
    };
    view! {
        <Modal
            is_open=Signal::derive(move || phase.get() != SignOutPhase::Closed)
            labelled_by="sign-out-dialog-title"
            testid="sign-out-dialog"
            can_cancel=Signal::derive(move || !is_pending.get())
            on_cancel=on_cancel
            return_focus_to=return_focus_to
        >
            <form
                method="dialog"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if !primary_disabled() {
                        on_primary();
                    }
                }
            >
                <h2 class="sm-dialog__title" id="sign-out-dialog-title">{title}</h2>
                <p class="sm-dialog__text">{text}</p>
                <Show when=move || phase.get() == SignOutPhase::Password>
                    <div class="sm-dialog__field">
                        <label class="sm-dialog__label" for="uia-password">{t("uia.password")}</label>
                        <input
                            class="sm-input"
                            id="uia-password"
                            data-testid="uia-password-input"
                            type="password"
                            autocomplete="current-password"
                            node_ref=password_ref
                            disabled=move || is_pending.get()
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                </Show>
                {move || error.get().map(|e| view! {
                    <p class="sm-alert" role="alert" data-testid="dialog-error">{e}</p>
                })}
                <div class="sm-dialog__buttons">
                    <button
                        type="button"
                        class="sm-button sm-button--secondary"
                        data-testid="dialog-cancel-button"
                        disabled=move || is_pending.get()
                        on:click=move |_| on_cancel.run(())
                    >
                        {t("dialog.cancel")}
                    </button>
                    <button
                        type="submit"
                        class=move || if is_danger() { "sm-button sm-button--danger" } else { "sm-button" }
                        data-testid="dialog-primary-button"
                        disabled=primary_disabled
                    >
                        <Show when=move || is_pending.get()>
                            <span class="sm-spinner" aria-hidden="true"></span>
                        </Show>
                        {primary_label}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
