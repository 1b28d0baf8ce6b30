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
    Sso { popup_done: bool },
    /// A stage without a form here: the server's own page does it.
    Fallback { stage: String },
}

fn sessions_text(count: usize) -> String {
    if count == 1 { "1 session".to_string() } else { format!("{count} sessions") }
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
) -> impl IntoView {
    let password_ref = NodeRef::<Input>::new();
    // Focus the password field when the server asks for it.
    Effect::new(move |_| {
        if phase.get() == SignOutPhase::Password {
            if let Some(input) = password_ref.get() {
                let _ = input.focus();
            }
        }
    });
    let title = move || match phase.get() {
        SignOutPhase::Closed | SignOutPhase::Confirm => "Sign out".to_string(),
        SignOutPhase::Password | SignOutPhase::Fallback { .. } => "Confirm your identity".to_string(),
        SignOutPhase::Sso { popup_done: false } => "Use Single Sign On to continue".to_string(),
        SignOutPhase::Sso { popup_done: true } => "Confirm signing out".to_string(),
    };
    let text = move || {
        let what = sessions_text(count.get());
        match phase.get() {
            SignOutPhase::Closed | SignOutPhase::Confirm => {
                format!("Are you sure you want to sign out of {what}?")
            }
            SignOutPhase::Password => {
                "Confirm your identity by entering your account password below.".to_string()
            }
            SignOutPhase::Sso { popup_done: false } => format!(
                "Confirm signing out of {what} by using Single Sign On to prove your identity. A new window opens."
            ),
            SignOutPhase::Sso { popup_done: true } => {
                format!("Click the button below to confirm signing out of {what}.")
            }
            SignOutPhase::Fallback { .. } => {
                "Your homeserver confirms your identity on its own page, which opens in a new window.".to_string()
            }
        }
    };
    let primary_label = move || match phase.get() {
        SignOutPhase::Password => "Continue",
        SignOutPhase::Sso { popup_done: false } => "Single Sign On",
        SignOutPhase::Fallback { .. } => "Start authentication",
        _ => "Sign out",
    };
    let is_danger = move || {
        matches!(phase.get(), SignOutPhase::Confirm | SignOutPhase::Sso { popup_done: true })
    };
    let primary_disabled = move || {
        is_pending.get() || (phase.get() == SignOutPhase::Password && password.with(String::is_empty))
    };
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
                        <label class="sm-dialog__label" for="uia-password">"Password"</label>
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
                        "Cancel"
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
