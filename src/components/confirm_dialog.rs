use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style_sheet;

/// A modal confirmation (native `<dialog>`: focus moves in, Escape cancels,
/// focus returns afterwards). Shows an error in place and stays open when
/// the confirmed action fails, so the user can retry or cancel.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] is_open: Signal<bool>,
    #[prop(into)] title: String,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: String,
    /// True while the confirmed action runs: buttons are disabled.
    #[prop(into)]
    is_pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/confirm_dialog.css");
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
    let title_id = "confirm-dialog-title";
    view! { class = class_name,
        <dialog
            node_ref=dialog_ref
            class="dialog"
            aria-labelledby=title_id
            data-testid="confirm-dialog"
            on:cancel=move |ev: leptos::ev::Event| {
                // Escape: let our state close the dialog, unless busy.
                ev.prevent_default();
                if !is_pending.get_untracked() {
                    on_cancel.run(());
                }
            }
        >
            <h2 class="title" id=title_id>{title}</h2>
            <p class="message">{move || message.get()}</p>
            {move || error.get().map(|e| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="dialog-error">{e}</p>
            })}
            <div class="buttons">
                <button
                    class="sm-button sm-button--secondary"
                    data-testid="dialog-cancel-button"
                    disabled=move || is_pending.get()
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
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
                    {confirm_label}
                </button>
            </div>
        </dialog>
    }
}
