//! The rename editor of a session: the name field with its length count,
//! Save and Cancel. What was typed stays until it is saved, whatever fails.

use leptos::html::Input;
use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::model::edits::RenameStatus;
use crate::web::i18n::{self, t, t_with};

/// Session names longer than this are refused by Synapse (`M_TOO_LARGE`).
pub const MAX_NAME_CHARS: usize = 100;

/// Edits a session's name. Enter saves, Escape cancels; a name longer than
/// `MAX_NAME_CHARS` is refused before it is sent; an unchanged one is not
/// sent at all.
#[component]
pub fn RenameEditor(
    /// The display name the editor starts from.
    initial: String,
    #[prop(into)] status: Signal<RenameStatus>,
    on_save: Callback<String>,
    on_cancel: Callback<()>,
    /// The session id, to keep element ids unique when several are open.
    device_id: String,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/rename_editor.css");
    let input_id = format!("device-rename-input-{device_id}");
    let help_id = format!("device-rename-help-{device_id}");
    let unchanged = initial.clone();
    let draft = RwSignal::new(initial);
    let too_long = RwSignal::new(None::<usize>);
    let input_ref = NodeRef::<Input>::new();
    let is_saving = Signal::derive(move || status.get() == RenameStatus::Saving);
    let length = move || draft.with(|d| d.chars().count());
    request_animation_frame(move || {
        if let Some(el) = input_ref.try_get_untracked().flatten() {
            let _ = el.focus();
            el.select();
        }
    });
    let save = move || {
        if is_saving.get_untracked() {
            return;
        }
        let value = draft.get_untracked();
        let count = value.chars().count();
        if count > MAX_NAME_CHARS {
            too_long.set(Some(count));
        } else if value == unchanged {
            // Nothing changed: nothing to send.
            on_cancel.run(());
        } else {
            too_long.set(None);
            on_save.run(value);
        }
    };
    let error = move || match (too_long.get(), status.get()) {
        (Some(count), _) => {
            Some(t_with("rename.too_long", &[("max", &MAX_NAME_CHARS.to_string()), ("count", &count.to_string())]))
        }
        (None, RenameStatus::Failed(err)) => {
            Some(t_with("sessions.error.rename", &[("reason", &i18n::api_error(&err))]))
        }
        _ => None,
    };
    view! { class = class_name,
        <form
            class="form"
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }
        >
            <label class="label" for=input_id.clone()>{t("rename.label")}</label>
            <input
                class="sm-input"
                id=input_id.clone()
                data-testid="device-rename-input"
                type="text"
                autocomplete="off"
                node_ref=input_ref
                aria-describedby=help_id.clone()
                aria-invalid=move || (length() > MAX_NAME_CHARS).to_string()
                disabled=move || is_saving.get()
                prop:value=move || draft.get()
                on:input=move |ev| {
                    draft.set(event_target_value(&ev));
                    too_long.set(None);
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        ev.stop_propagation();
                        if !is_saving.get_untracked() {
                            on_cancel.run(());
                        }
                    }
                }
            />
            <p class="help" id=help_id.clone()>
                <span
                    class=move || { if length() > MAX_NAME_CHARS { "count count--over" } else { "count" } }
                    data-testid="device-rename-count"
                >
                    {move || format!("{}/{MAX_NAME_CHARS}", length())}
                </span>
                " " {t("rename.caption")}
            </p>
            {move || error().map(|message| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="device-rename-error">{message}</p>
            })}
            <div class="buttons">
                <Button submit=true testid="device-rename-submit-cta" is_pending=is_saving>
                    {t("rename.save")}
                </Button>
                <Button
                    style=ButtonStyle::Secondary
                    testid="device-rename-cancel-cta"
                    is_disabled=is_saving
                    on_click=on_cancel
                >
                    {t("rename.cancel")}
                </Button>
            </div>
        </form>
    }
}
