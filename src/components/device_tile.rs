//! One session in a list: name, verification and a metadata line, the
//! caret that expands its details, and optionally its checkbox.

use crate::web::i18n::{t, t_with};
use leptos::prelude::*;
use stylers::style_sheet;

use crate::model::sessions::SessionRow;
use crate::model::trust::Trust;
use crate::web::format;

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
    #[prop(optional_no_strip)] selection: Option<TileSelection>,
    /// Days after which a session counts as inactive (for the text).
    inactive_days: u32,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_tile.css");
    let id = row.with_untracked(|r| r.id().to_string());
    let name = move || row.with(|r| r.name().to_string());
    let last_activity = move || {
        row.with(|r| r.device.last_seen_ts)
            .map(|ts| (t_with("tile.last_activity", &[("time", &format::last_activity(ts))]), format::full_date(ts)))
    };
    let ip = move || row.with(|r| r.device.last_seen_ip.clone().filter(|ip| !ip.is_empty()));
    let is_inactive = move || row.with(|r| r.is_inactive);
    let trust = move || row.with(|r| r.trust);
    let trust_text = move || match trust() {
        Trust::Verified => Some((t("trust.verified"), "verification verification--verified")),
        Trust::Unverified => Some((t("trust.unverified"), "verification verification--unverified")),
        Trust::NoEncryption => Some((t("trust.no_encryption"), "verification")),
        Trust::Unknown => None,
    };
    let inactive_text = move || {
        row.with(|r| r.device.last_seen_ts).map(|ts| {
            t_with("tile.inactive", &[("days", &inactive_days.to_string()), ("time", &format::last_activity(ts))])
        })
    };
    let toggle_label = move || {
        let key = if is_expanded.get() { "tile.hide_details" } else { "tile.show_details" };
        t_with(key, &[("name", &name())])
    };
    let checkbox = selection.map(|sel| {
        let label = move || t_with("tile.select", &[("name", &name())]);
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
            <div class="icon">
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path fill="currentColor" d="M4 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5Zm2 0v9h12V5H6Zm-3 13h18v2H3v-2Z"/>
                </svg>
                {move || match trust() {
                    Trust::Verified => Some(view! { class = class_name,
                        <span class="badge badge--verified" role="img" aria-label=t("trust.verified") data-testid="device-badge">
                            <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true"><path fill="currentColor" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z"/></svg>
                        </span>
                    }.into_any()),
                    Trust::Unverified => Some(view! { class = class_name,
                        <span class="badge badge--unverified" role="img" aria-label=t("trust.unverified") data-testid="device-badge">
                            <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true"><path fill="currentColor" d="M11 4h2v10h-2zM11 17h2v2h-2z"/></svg>
                        </span>
                    }.into_any()),
                    Trust::NoEncryption => Some(view! { class = class_name,
                        <span class="badge badge--neutral" role="img" aria-label=t("trust.no_encryption") data-testid="device-badge">
                            <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true"><path fill="currentColor" d="M11 10h2v9h-2zM11 5h2v2h-2z"/></svg>
                        </span>
                    }.into_any()),
                    Trust::Unknown => None,
                }}
            </div>
            <div class="info" on:click=move |_| on_toggle.run(())>
                <h4 class="name">{name}</h4>
                <div class="metadata">
                    {let id = id.clone(); move || if is_inactive() {
                        view! { class = class_name,
                            <span class="inactive" data-testid="device-metadata-inactive">
                                <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16Zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7V7Z"/></svg>
                                {inactive_text()}
                            </span>
                            {ip().map(|ip| view! { class = class_name,
                                <span data-testid="device-metadata-lastSeenIp">{ip}</span>
                            })}
                        }.into_any()
                    } else {
                        view! { class = class_name,
                            {trust_text().map(|(text, class)| view! { class = class_name,
                                <span class=class data-testid="device-metadata-isVerified">{text}</span>
                            })}
                            {last_activity().map(|(text, full)| view! { class = class_name,
                                <span data-testid="device-metadata-lastActivity" title=full>{text}</span>
                            })}
                            {ip().map(|ip| view! { class = class_name,
                                <span data-testid="device-metadata-lastSeenIp">{ip}</span>
                            })}
                            <span data-testid="device-metadata-deviceId">{id.clone()}</span>
                        }.into_any()
                    }}
                </div>
            </div>
            <div class="actions">
                <Show when=move || is_signing_out.get()>
                    <span class="sm-spinner" role="status" aria-label=t("tile.signing_out")></span>
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
