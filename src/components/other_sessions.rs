use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::types::Device;
use crate::components::device_details::DeviceDetails;
use crate::components::device_tile::DeviceTile;

/// "Other sessions": every other session of the account, in page order.
#[component]
pub fn OtherSessions(
    /// Already sorted.
    #[prop(into)]
    devices: Signal<Vec<Device>>,
    /// Ids of the sessions whose details are open.
    expanded_ids: RwSignal<Vec<String>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/other_sessions.css");
    // Rows are keyed by id and content, so a renamed or newly seen session
    // re-renders while unchanged rows stay as they are.
    let row_key = |d: &Device| {
        format!("{}\u{0}{:?}\u{0}{:?}\u{0}{:?}", d.device_id, d.display_name, d.last_seen_ts, d.last_seen_ip)
    };
    view! { class = class_name,
        <section class="section" data-testid="other-sessions-section" aria-labelledby="other-sessions-heading">
            <div class="header">
                <h2 class="title" id="other-sessions-heading">"Other sessions"</h2>
            </div>
            <p class="description">
                "For best security, verify your sessions and sign out from any session that you don't recognize or use anymore."
            </p>
            <ul class="list">
                <For
                    each=move || devices.get()
                    key=row_key
                    children=move |device| {
                        let id = device.device_id.clone();
                        let is_expanded = {
                            let id = id.clone();
                            Signal::derive(move || expanded_ids.with(|ids| ids.contains(&id)))
                        };
                        let on_toggle = {
                            let id = id.clone();
                            Callback::new(move |_| {
                                expanded_ids.update(|ids| {
                                    if let Some(i) = ids.iter().position(|x| *x == id) {
                                        ids.remove(i);
                                    } else {
                                        ids.push(id.clone());
                                    }
                                })
                            })
                        };
                        view! { class = class_name,
                            <li class="item">
                                <DeviceTile
                                    device=device.clone()
                                    is_expanded=is_expanded
                                    on_toggle=on_toggle
                                    toggle_testid=format!("device-toggle-details-{id}")
                                />
                                <Show when=move || is_expanded.get()>
                                    <DeviceDetails device=device.clone() is_signing_out=false/>
                                </Show>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
