//! A modal dialog on the native `<dialog>`, with focus taken in and given
//! back to what opened it.

use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style_sheet;

/// A modal dialog on the native `<dialog>`: focus moves into it and returns
/// afterwards to what opened it (or, when that is gone, to the first of
/// `return_focus_to` that exists), the rest of the page is inert, Escape
/// cancels (unless busy).
#[component]
pub fn Modal(
    #[prop(into)] is_open: Signal<bool>,
    /// Id of the element that names the dialog (its heading).
    labelled_by: &'static str,
    testid: &'static str,
    /// False while something runs that must not be abandoned.
    #[prop(into)]
    can_cancel: Signal<bool>,
    on_cancel: Callback<()>,
    /// Element ids that take focus when the opener is gone.
    #[prop(optional)]
    return_focus_to: &'static [&'static str],
    children: ChildrenFn,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/modal.css");
    let dialog_ref = NodeRef::<Dialog>::new();
    let shown = Memo::new(move |_| is_open.get());
    // The browser's own return of focus fails when the opener was disabled
    // while the dialog ran (as sign-out buttons are), so the page does it.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    // Opening happens once the content is built (below), so that focus
    // lands inside it; closing here.
    let open_now = move || {
        if let Some(dialog) = dialog_ref.get_untracked()
            && !dialog.open()
        {
            // Focus on the body (its opener was just removed, as an accepted
            // request's banner is) is no opener: the fallbacks take it.
            opener.set_value(focused_element().filter(|el| !is_body(el)));
            let _ = dialog.show_modal();
        }
    };
    Effect::new(move |_| {
        let open = shown.get();
        if let Some(dialog) = dialog_ref.get()
            && !open
            && dialog.open()
        {
            dialog.close();
            let back_to = opener.try_update_value(Option::take).flatten();
            // After this render: the opener may be enabled again, or gone.
            request_animation_frame(move || return_focus(back_to, return_focus_to));
        }
    });
    view! { class = class_name,
        <dialog
            node_ref=dialog_ref
            class="dialog"
            aria-labelledby=labelled_by
            data-testid=testid
            on:cancel=move |ev: leptos::ev::Event| {
                // Escape: our state closes the dialog, so it can't be lost.
                ev.prevent_default();
                if can_cancel.get_untracked() {
                    on_cancel.run(());
                }
            }
        >
            // Built while open only: a closed dialog costs the page nothing
            // (a memo, so changes while open don't rebuild it).
            {move || {
                shown.get().then(|| {
                    // Runs after this content is in the page.
                    Effect::new(move |_| open_now());
                    children()
                })
            }}
        </dialog>
    }
}

fn focused_element() -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.active_element()?.dyn_into::<web_sys::HtmlElement>().ok()
}

fn is_body(el: &web_sys::HtmlElement) -> bool {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()).is_some_and(|body| body == *el)
}

/// Focuses `opener` if it is still in the page and can take focus, else the
/// first fallback that exists.
fn return_focus(opener: Option<web_sys::HtmlElement>, fallbacks: &[&str]) {
    let is_focused = |el: &web_sys::HtmlElement| focused_element().is_some_and(|f| f == *el);
    if let Some(el) = opener
        && el.is_connected()
    {
        let _ = el.focus();
        if is_focused(&el) {
            return;
        }
    }
    for id in fallbacks {
        if crate::web::browser::focus_element(id) {
            return;
        }
    }
}
