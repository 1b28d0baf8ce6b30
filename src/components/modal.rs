use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style_sheet;

/// A modal dialog on the native `<dialog>`: focus moves into it and returns
/// afterwards, the rest of the page is inert, Escape cancels (unless busy).
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
    children: Children,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/modal.css");
    let dialog_ref = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let open = is_open.get();
        if let Some(dialog) = dialog_ref.get() {
            if open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !open && dialog.open() {
                dialog.close();
            }
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
            {children()}
        </dialog>
    }
}
