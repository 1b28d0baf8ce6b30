//! The Sessions page's dialogs: the clean-up preview, signing out other
//! sessions, and signing out (or forgetting) this session — each renders
//! its flow's state, none owns any — and the place where the verification
//! module shows its own.

use std::collections::HashMap;

use leptos::prelude::*;

use super::RETURN_FOCUS_TO;
use super::clean_up::CleanUp;
use super::sign_out::{CurrentSignOut, SignOutFlow};
use crate::components::clean_up_dialog::CleanUpDialog;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::sign_out_dialog::SignOutDialog;
use crate::model::sessions::SessionRow;
use crate::model::verifier_messages::DIALOGS_HOST;
use crate::web::i18n::{self, t, t_with};

#[component]
pub fn SessionsDialogs(
    clean_up: CleanUp,
    clean_up_choices: Vec<u32>,
    flow: SignOutFlow,
    current_sign_out: CurrentSignOut,
    rows: Memo<HashMap<String, SessionRow>>,
    #[prop(into)] is_delegated: Signal<bool>,
    /// A session's sign-out page at the account provider.
    sign_out_link: Callback<String, Option<String>>,
    user_id: String,
) -> impl IntoView {
    view! {
        // The verification module's dialogs (unlock, emoji), rendered by
        // the module itself once loaded.
        <div id=DIALOGS_HOST></div>
        <CleanUpDialog
            is_open=clean_up.is_open
            days=clean_up.days
            choices=clean_up_choices
            on_days=Callback::new(move |d| clean_up.set_days(d))
            candidates=clean_up.candidates
            rows=rows
            kept=clean_up.kept
            is_delegated=is_delegated
            link_of=sign_out_link
            on_confirm=Callback::new(move |ids| clean_up.confirm(ids))
            on_cancel=Callback::new(move |_| clean_up.cancel())
            return_focus_to=RETURN_FOCUS_TO
        />
        <SignOutDialog
            phase=flow.phase()
            count=flow.count()
            is_pending=flow.is_pending()
            problem=flow.problem()
            password=flow.password
            on_primary=Callback::new(move |_| flow.primary())
            on_cancel=Callback::new(move |_| flow.cancel())
            return_focus_to=RETURN_FOCUS_TO
        />
        <ConfirmDialog
            is_open=current_sign_out.is_open
            title=Signal::derive(move || {
                t(if current_sign_out.forgets_account.get() { "sign_out.forget_title" } else { "sign_out.title" })
            })
            message=Signal::derive({
                let user_id = user_id.clone();
                move || if current_sign_out.forgets_account.get() {
                    t_with("sign_out.forget_question", &[("user", &user_id)])
                } else {
                    t("sign_out.current_question")
                }
            })
            confirm_label=Signal::derive(move || {
                t(if current_sign_out.forgets_account.get() { "sign_out.forget_confirm" } else { "sign_out.confirm" })
            })
            is_pending=current_sign_out.is_pending()
            error=Signal::derive(move || {
                current_sign_out.error().get().map(|e| t_with("sessions.error.sign_out", &[("reason", &i18n::api_error(&e))]))
            })
            on_confirm=Callback::new(move |_| current_sign_out.confirm())
            on_cancel=Callback::new(move |_| current_sign_out.cancel())
            fallback=Signal::derive(move || {
                current_sign_out
                    .error()
                    .get()
                    .filter(|e| e.is_transient())
                    .map(|_| (t("sign_out.remove_locally"), t("sign_out.remove_locally_text")))
            })
            on_fallback=Callback::new(move |_| current_sign_out.remove_locally())
            return_focus_to=RETURN_FOCUS_TO
        />
    }
}
