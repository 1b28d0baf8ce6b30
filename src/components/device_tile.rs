use leptos::prelude::*;
use stylers::style_sheet;

use crate::format;
use crate::model::sessions::SessionRow;

/// Selection checkbox of a tile in the Other sessions list.
#[derive(Clone, Copy)]
pub struct TileSelection {
    pub is_selected: Signal<bool>,
    pub on_toggle: Callback<()>,
}

/// One session in a list: name and a metadata line ("Last activity … · IP ·
/// ID"), a caret that expands its details, and optionally a checkbox.
#[component]
pub fn DeviceTile(
    #[prop(into)] row: Signal<SessionRow>,
    #[prop(into)] is_expanded: Signal<bool>,
    on_toggle: Callback<()>,
    /// `data-testid` of the expand button.
    #[prop(into)]
    toggle_testid: String,
    /// True while this session is being signed out (shows a spinner).
    #[prop(into, optional)]
    is_signing_out: Signal<bool>,
    #[prop(optional)] selection: Option<TileSelection>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_tile.css");
    let id = row.with_untracked(|r| r.id().to_string());
    let name = move || row.with(|r| r.name().to_string());
    let last_activity = move || {
        row.with(|r| r.device.last_seen_ts).map(|ts| {
            (format!("Last activity {}", format::last_activity(ts)), format::full_date(ts))
        })
    };
    let ip = move || row.with(|r| r.device.last_seen_ip.clone().filter(|ip| !ip.is_empty()));
    let toggle_label = move || {
        let verb = if is_expanded.get() { "Hide" } else { "Show" };
        format!("{verb} details of {}", name())
    };
    let checkbox = selection.map(|sel| {
        let label = move || format!("Select {}", name());
        view! { class = class_name,
            <input
                type="checkbox"
                class="checkbox"
                data-testid=format!("device-tile-checkbox-{id}")
                aria-label=label
                prop:checked=move || sel.is_selected.get()
                on:change=move |_| sel.on_toggle.run(())
            />
        }
    });
    view! { class = class_name,
        <div
            class="tile"
            class=("tile--selected", move || selection.is_some_and(|s| s.is_selected.get()))
            data-testid=format!("device-tile-{id}")
        >
            {checkbox}
            <div class="icon" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="20" height="20">
                    <path fill="currentColor" d="M4 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5Zm2 0v9h12V5H6Zm-3 13h18v2H3v-2Z"/>
                </svg>
            </div>
            <div class="info" on:click=move |_| on_toggle.run(())>
                <h4 class="name">{name}</h4>
                <div class="metadata">
                    {move || last_activity().map(|(text, full)| view! { class = class_name,
                        <span data-testid="device-metadata-lastActivity" title=full>{text}</span>
                    })}
                    {move || ip().map(|ip| view! { class = class_name,
                        <span data-testid="device-metadata-lastSeenIp">{ip}</span>
                    })}
                    <span data-testid="device-metadata-deviceId">{id.clone()}</span>
                </div>
            </div>
            <div class="actions">
                <Show when=move || is_signing_out.get()>
                    <span class="sm-spinner" role="status" aria-label="Signing out"></span>
                </Show>
                <button
                    class="toggle"
                    data-testid=toggle_testid
                    aria-controls=format!("device-detail-{id}")
                    aria-expanded=move || is_expanded.get().to_string()
                    aria-label=toggle_label
                    on:click=move |_| on_toggle.run(())
                >
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path fill="currentColor" d="M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6 1.4-1.4Z"/>
                    </svg>
                </button>
            </div>
        </div>
    }
}
