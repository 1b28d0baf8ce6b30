//! One session in a list: name, verification and a metadata line, the
//! caret that expands its details, and optionally its checkbox.

use crate::web::i18n::{t, t_with};
use leptos::prelude::*;
use stylers::style_sheet;

use crate::model::device_type::{self, DeviceType};
use crate::model::sessions::SessionRow;
use crate::model::trust::Trust;
use crate::web::format;

/// The accessible name and glyph of a device type (Unknown keeps the
/// neutral screen-and-keyboard glyph).
fn type_glyph(kind: DeviceType) -> (&'static str, &'static str) {
    match kind {
        DeviceType::Mobile => (
            "device_type.mobile",
            "M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm0 2v14h8V4H8Zm3 15h2v1.5h-2V19Z",
        ),
        DeviceType::Desktop => (
            "device_type.desktop",
            "M3 3h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1h-7v2h3v2H7v-2h3v-2H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm1 2v10h16V5H4Z",
        ),
        DeviceType::Web => (
            "device_type.web",
            "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2c.9 0 2.3 2.2 2.8 6H9.2C9.7 6.2 11.1 4 12 4Zm-2.9.6C8 6.2 7.4 8 7.2 10H4.3a8 8 0 0 1 4.8-5.4Zm5.8 0a8 8 0 0 1 4.8 5.4h-2.9c-.2-2-.8-3.8-1.9-5.4ZM4.3 12h2.9c.2 2 .8 3.8 1.9 5.4A8 8 0 0 1 4.3 12Zm4.9 0h5.6c-.5 3.8-1.9 6-2.8 6s-2.3-2.2-2.8-6Zm7.6 0h2.9a8 8 0 0 1-4.8 5.4c1.1-1.6 1.7-3.4 1.9-5.4Z",
        ),
        DeviceType::Bot => (
            "device_type.bot",
            "M11 2h2v3h4a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3V8a3 3 0 0 1 3-3h4V2ZM7 7a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1H7Zm2 3.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm6 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3ZM9 15h6v1.5H9V15Z",
        ),
        DeviceType::Unknown => (
            "device_type.unknown",
            "M4 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5Zm2 0v9h12V5H6Zm-3 13h18v2H3v-2Z",
        ),
    }
}

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
    let device_type = move || row.with(device_type::of_row);
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
                {move || {
                    let kind = device_type();
                    let (label, path) = type_glyph(kind);
                    view! { class = class_name,
                        <span class="type" role="img" aria-label=t(label) data-testid="device-type-icon" data-type=kind.as_str()>
                            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                                <path fill="currentColor" fill-rule="evenodd" d=path/>
                            </svg>
                        </span>
                    }
                }}
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
                <div class="title-row">
                    <h4 class="name"><bdi>{name}</bdi></h4>
                    {move || row.with(|r| r.is_new).then(|| view! { class = class_name,
                        <span class="new" data-testid="device-new-badge">{t("new.badge")}</span>
                    })}
                </div>
                <div class="metadata">
                    {let id = id.clone(); move || if is_inactive() {
                        view! { class = class_name,
                            <span class="inactive" data-testid="device-metadata-inactive">
                                <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16Zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7V7Z"/></svg>
                                {inactive_text()}
                            </span>
                            {ip().map(|ip| view! { class = class_name,
                                <span data-testid="device-metadata-lastSeenIp"><bdi dir="ltr" translate="no">{ip}</bdi></span>
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
                                <span data-testid="device-metadata-lastSeenIp"><bdi dir="ltr" translate="no">{ip}</bdi></span>
                            })}
                            <span data-testid="device-metadata-deviceId"><bdi dir="ltr" translate="no">{id.clone()}</bdi></span>
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
