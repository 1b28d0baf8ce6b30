use crate::web::i18n::{t, t_with};
use leptos::html::{Button, Input};
use leptos::prelude::*;
use stylers::style_sheet;

/// Session names longer than this are refused by Synapse (`M_TOO_LARGE`).
pub const MAX_NAME_CHARS: usize = 100;

/// Where a rename stands, as the page reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RenameStatus {
    #[default]
    Idle,
    Saving,
    Failed(String),
    Saved,
}

/// The heading of a session's details, with its rename editor. The typed
/// name stays in the editor until it is saved, whatever fails.
#[component]
pub fn DeviceHeading(
    /// The name shown (display name or id).
    #[prop(into)]
    name: Signal<String>,
    /// The display name as stored on the server ("" when none).
    #[prop(into)]
    display_name: Signal<String>,
    #[prop(into)] status: Signal<RenameStatus>,
    on_rename: Callback<String>,
    /// The session id, to keep element ids unique when several are open.
    device_id: String,
) -> impl IntoView {
    let input_id = format!("device-rename-input-{device_id}");
    let help_id = format!("device-rename-help-{device_id}");
    let class_name = style_sheet!("style/components/device_heading.css");
    let (is_editing, set_editing) = signal(false);
    let draft = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let input_ref = NodeRef::<Input>::new();
    let rename_ref = NodeRef::<Button>::new();
    let is_saving = move || status.get() == RenameStatus::Saving;
    let length = move || draft.with(|d| d.chars().count());

    // Close the editor once the page reports the new name saved, and give
    // focus back to the Rename button.
    Effect::new(move |previous: Option<RenameStatus>| {
        let now = status.get();
        if now == RenameStatus::Saved && previous.as_ref() != Some(&RenameStatus::Saved) && is_editing.get_untracked() {
            set_editing.set(false);
            request_animation_focus(rename_ref);
        }
        now
    });

    let start = move |_| {
        draft.set(display_name.get_untracked());
        local_error.set(None);
        set_editing.set(true);
        request_animation_focus_input(input_ref);
    };
    let cancel = move || {
        set_editing.set(false);
        local_error.set(None);
        request_animation_focus(rename_ref);
    };
    let save = move || {
        if is_saving() {
            return;
        }
        let value = draft.get_untracked();
        let count = value.chars().count();
        if count > MAX_NAME_CHARS {
            local_error.set(Some(t_with(
                "rename.too_long",
                &[("max", &MAX_NAME_CHARS.to_string()), ("count", &count.to_string())],
            )));
            return;
        }
        if value == display_name.get_untracked() {
            // Nothing changed: nothing to send.
            set_editing.set(false);
            request_animation_focus(rename_ref);
            return;
        }
        local_error.set(None);
        on_rename.run(value);
    };
    let error = move || {
        local_error.get().or_else(|| match status.get() {
            RenameStatus::Failed(message) => Some(message),
            _ => None,
        })
    };

    view! { class = class_name,
        <div class="heading">
            <Show
                when=move || is_editing.get()
                fallback=move || view! { class = class_name,
                    <div class="read">
                        <h3 class="name">{move || name.get()}</h3>
                        <button
                            class="sm-button sm-button--link"
                            data-testid="device-heading-rename-cta"
                            node_ref=rename_ref
                            on:click=start
                        >
                            {t("rename.button")}
                        </button>
                    </div>
                }
            >
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
                        disabled=is_saving
                        prop:value=move || draft.get()
                        on:input=move |ev| {
                            draft.set(event_target_value(&ev));
                            local_error.set(None);
                        }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                ev.stop_propagation();
                                if !is_saving() {
                                    cancel();
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
                        <button
                            type="submit"
                            class="sm-button"
                            data-testid="device-rename-submit-cta"
                            disabled=is_saving
                        >
                            <Show when=is_saving>
                                <span class="sm-spinner" aria-hidden="true"></span>
                            </Show>
                            {t("rename.save")}
                        </button>
                        <button
                            type="button"
                            class="sm-button sm-button--secondary"
                            data-testid="device-rename-cancel-cta"
                            disabled=is_saving
                            on:click=move |_| cancel()
                        >
                            {t("rename.cancel")}
                        </button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// Focuses an element once it is in the page (after this render).
fn request_animation_focus(target: NodeRef<Button>) {
    request_animation_frame(move || {
        // The editor may be gone by the next frame.
        if let Some(el) = target.try_get_untracked().flatten() {
            let _ = el.focus();
        }
    });
}

fn request_animation_focus_input(target: NodeRef<Input>) {
    request_animation_frame(move || {
        if let Some(el) = target.try_get_untracked().flatten() {
            let _ = el.focus();
            el.select();
        }
    });
}
