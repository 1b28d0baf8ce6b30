//! The module's dialogs — unlocking and emoji verification — rendered by
//! the module's own Leptos into the page's `#verifier-dialogs`, so neither
//! their views nor their texts are part of the page.

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Engine;
use crate::components::sas_dialog::SasDialog;
use crate::components::unlock_dialog::{UnlockDialog, UnlockWith};
use crate::model::verifier_messages::{DIALOGS_HOST, RETURN_FOCUS_TO, UnlockInput};
use crate::web::i18n;

/// Mounts the dialogs into the page's host element; `None` if the page has
/// none. Dropping what it returns takes them away again.
pub fn mount(engine: Engine) -> Option<Box<dyn Any>> {
    let host =
        web_sys::window()?.document()?.get_element_by_id(DIALOGS_HOST)?.dyn_into::<web_sys::HtmlElement>().ok()?;
    let handle = leptos::mount::mount_to(host, move || view! { <VerifierDialogs engine=engine/> });
    Some(Box::new(handle))
}

#[component]
fn VerifierDialogs(engine: Engine) -> impl IntoView {
    let ui = engine.ui.clone();
    // Callbacks must be `Send`; the engine is reached through the owner.
    let engine = StoredValue::new_local(engine);
    let (open, pending, problem, sas) = (ui.unlock_open, ui.unlock_pending, ui.unlock_problem, ui.sas);
    view! {
        <UnlockDialog
            is_open=Signal::derive(move || open.get())
            is_pending=Signal::derive(move || pending.get())
            problem=Signal::derive(move || problem.with(|p| p.as_ref().map(i18n::text)))
            on_unlock=Callback::new(move |(with, text): (UnlockWith, String)| {
                let input = match with {
                    UnlockWith::RecoveryKey => UnlockInput::RecoveryKey(text),
                    UnlockWith::Phrase => UnlockInput::Passphrase(text),
                };
                engine.with_value(|e| e.submit_unlock(input));
            })
            on_cancel=Callback::new(move |_| engine.with_value(Engine::cancel_unlock))
            return_focus_to=RETURN_FOCUS_TO
        />
        <SasDialog
            view_state=Signal::derive(move || sas.get())
            on_choose=Callback::new(move |choice| engine.with_value(|e| e.choose(choice)))
            on_close=Callback::new(move |_| engine.with_value(Engine::close))
            return_focus_to=RETURN_FOCUS_TO
        />
    }
}
