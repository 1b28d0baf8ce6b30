//! The heading of a session's details: its name with "Rename", or the
//! rename editor while renaming.

use leptos::html::Button as ButtonElement;
use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::rename_editor::RenameEditor;
use crate::model::edits::RenameStatus;
use crate::web::i18n::t;

/// The name (read mode) or the editor. The editor closes when a rename it
/// sent is saved, or on Cancel; focus then returns to "Rename".
#[component]
pub fn DeviceHeading(
    /// The name shown (display name or id).
    #[prop(into)]
    name: Signal<String>,
    /// The display name as stored on the server ("" when none).
    #[prop(into)]
    display_name: Signal<String>,
    #[prop(into)] status: Signal<RenameStatus>,
    /// Completed renames so far (the editor closes after one it sent).
    #[prop(into)]
    renames: Signal<usize>,
    on_rename: Callback<String>,
    /// The session id, to keep element ids unique when several are open.
    device_id: String,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_heading.css");
    // `Some(n)`: the editor was opened when `n` renames had completed.
    let opened_at = RwSignal::new(None::<usize>);
    let is_editing = Memo::new(move |_| match opened_at.get() {
        None => false,
        Some(n) => !(renames.get() > n && status.get() == RenameStatus::Saved),
    });
    let rename_ref = NodeRef::<ButtonElement>::new();
    // Focus goes back to "Rename" when the editor closes (the DOM, not state).
    Effect::new(move |was_editing: Option<bool>| {
        let editing = is_editing.get();
        if was_editing == Some(true) && !editing {
            request_animation_frame(move || {
                if let Some(el) = rename_ref.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
        }
        editing
    });
    let on_cancel = Callback::new(move |_| opened_at.set(None));
    view! { class = class_name,
        <div class="heading">
            <Show
                when=move || is_editing.get()
                fallback=move || view! { class = class_name,
                    <div class="read">
                        <h3 class="name"><bdi>{move || name.get()}</bdi></h3>
                        <Button
                            style=ButtonStyle::Link
                            testid="device-heading-rename-cta"
                            node_ref=rename_ref
                            on_click=Callback::new(move |_| opened_at.set(Some(renames.get_untracked())))
                        >
                            {t("rename.button")}
                        </Button>
                    </div>
                }
            >
                <RenameEditor
                    initial=display_name.get_untracked()
                    status=status
                    on_save=on_rename
                    on_cancel=on_cancel
                    device_id=device_id.clone()
                />
            </Show>
        </div>
    }
}
