//! The dialog that confirms signing out other sessions and asks for the
//! re-authentication the server wants (password, or its own page in a
//! popup).

use leptos::html::Input;
use leptos::prelude::*;

use crate::components::button::{Button, ButtonStyle};
use crate::components::modal::Modal;
use crate::model::sign_out::{SignOutPhase, SignOutProblem};
use crate::web::i18n::{self, t, t_count, t_with};

/// What went wrong, in the page's language.
pub fn problem_text(problem: &SignOutProblem) -> String {
    match problem {
        SignOutProblem::Failed(err) => t_with("sessions.error.sign_out", &[("reason", &i18n::api_error(err))]),
        SignOutProblem::Delegated => t("sign_out.error.delegated"),
        // The homeserver's own words.
        SignOutProblem::Refused(text) => text.clone(),
        SignOutProblem::PasswordEmpty => t("uia.error.password_empty"),
        SignOutProblem::NoSession => t("uia.error.no_session"),
        SignOutProblem::PopupBlocked => t("uia.error.popup_blocked"),
        SignOutProblem::Unsupported => t("uia.error.unsupported"),
    }
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
    #[prop(into)] problem: Signal<Option<SignOutProblem>>,
    /// The password field's text (kept when an attempt fails).
    password: RwSignal<String>,
    /// The main button: confirm, continue with the password, or open the
    /// server's page, as the phase says.
    on_primary: Callback<()>,
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
        SignOutPhase::OAuth { .. } => t("uia.oauth_title"),
    };
    let text = move || {
        let n = count.get();
        match phase.get() {
            SignOutPhase::Closed | SignOutPhase::Confirm => t_count("sign_out.question", n, &[]),
            SignOutPhase::Password => t("uia.password_text"),
            SignOutPhase::Sso { popup_done: false } => t_count("uia.sso_text", n, &[]),
            SignOutPhase::Sso { popup_done: true } => t_count("uia.sso_confirm_text", n, &[]),
            SignOutPhase::Fallback { .. } => t("uia.fallback_text"),
            SignOutPhase::OAuth { opened: false, .. } => t("uia.oauth_text"),
            SignOutPhase::OAuth { opened: true, .. } => t_count("uia.oauth_confirm_text", n, &[]),
        }
    };
    let primary_label = move || match phase.get() {
        SignOutPhase::Password => t("uia.continue"),
        SignOutPhase::Sso { popup_done: false } => t("uia.sso_button"),
        SignOutPhase::Fallback { .. } => t("uia.fallback_button"),
        SignOutPhase::OAuth { opened: false, .. } => t("uia.oauth_button"),
        _ => t("sign_out.confirm"),
    };
    let is_danger = move || {
        matches!(
            phase.get(),
            SignOutPhase::Confirm | SignOutPhase::Sso { popup_done: true } | SignOutPhase::OAuth { opened: true, .. }
        )
    };
    let primary_disabled =
        move || is_pending.get() || (phase.get() == SignOutPhase::Password && password.with(String::is_empty));

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
                        on_primary.run(());
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
                {move || problem.get().map(|p| view! {
                    <p class="sm-alert" role="alert" data-testid="dialog-error">{problem_text(&p)}</p>
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
                        submit=true
                        style=Signal::derive(move || if is_danger() { ButtonStyle::Danger } else { ButtonStyle::Primary })
                        testid="dialog-primary-button"
                        is_pending=is_pending
                        is_disabled=Signal::derive(move || phase.get() == SignOutPhase::Password && password.with(String::is_empty))
                    >
                        {primary_label}
                    </Button>
                </div>
            </form>
        </Modal>
    }
}
