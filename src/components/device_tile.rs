use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::types::Device;
use crate::format;
use crate::model::devices::display_name;

/// One session in a list: name and a metadata line ("Last activity … · IP ·
/// ID"), with a caret that expands its details.
#[component]
pub fn DeviceTile(
    device: Device,
    #[prop(into)] is_expanded: Signal<bool>,
    on_toggle: Callback<()>,
    /// `data-testid` of the expand button.
    #[prop(into)]
    toggle_testid: String,
    /// Extra controls shown before the caret (e.g. a spinner).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_tile.css");
    let name = display_name(&device).to_string();
    let details_id = format!("device-detail-{}", device.device_id);
    let last_activity = device.last_seen_ts.map(|ts| {
        (format!("Last activity {}", format::last_activity(ts)), format::full_date(ts))
    });
    let ip = device.last_seen_ip.clone().filter(|ip| !ip.is_empty());
    let toggle_label = {
        let name = name.clone();
        move || {
            if is_expanded.get() {
                format!("Hide details of {name}")
            } else {
                format!("Show details of {name}")
            }
        }
    };
    view! { class = class_name,
        <div class="tile" data-testid=format!("device-tile-{}", device.device_id)>
            <div class="icon" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="20" height="20">
                    <path fill="currentColor" d="M4 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5Zm2 0v9h12V5H6Zm-3 13h18v2H3v-2Z"/>
                </svg>
            </div>
            <div class="info" on:click=move |_| on_toggle.run(())>
                <h4 class="name">{name.clone()}</h4>
                <div class="metadata">
                    {last_activity.map(|(text, full)| view! { class = class_name,
                        <span data-testid="device-metadata-lastActivity" title=full>{text}</span>
                    })}
                    {ip.map(|ip| view! { class = class_name,
                        <span data-testid="device-metadata-lastSeenIp">{ip}</span>
                    })}
                    <span data-testid="device-metadata-deviceId">{device.device_id.clone()}</span>
                </div>
            </div>
            <div class="actions">
                {children.map(|c| c())}
                <button
                    class="toggle"
                    data-testid=toggle_testid
                    aria-controls=details_id
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
