use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::types::Device;
use crate::components::device_details::DeviceDetails;
use crate::components::device_tile::DeviceTile;
use crate::components::options_menu::{MenuItem, OptionsMenu};
use crate::components::spinner::Spinner;

/// "Current session": this app's own session, its details and its menu.
#[component]
pub fn CurrentSession(
    /// This session as the server lists it; `None` while loading or when the
    /// server does not list it.
    #[prop(into)]
    device: Signal<Option<Device>>,
    /// True only during the first load (later loads keep the old content).
    #[prop(into)]
    is_first_load: Signal<bool>,
    #[prop(into)] is_signing_out: Signal<bool>,
    on_sign_out: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/current_session.css");
    let (is_expanded, set_expanded) = signal(false);
    let on_toggle = Callback::new(move |_| set_expanded.update(|e| *e = !*e));
    let menu_items = Signal::derive(move || {
        vec![MenuItem {
            label: "Sign out".into(),
            testid: "current-session-sign-out",
            is_danger: true,
            on_select: on_sign_out,
        }]
    });
    let menu_disabled =
        Signal::derive(move || device.with(Option::is_none) || is_signing_out.get());
    view! { class = class_name,
        <section class="section" data-testid="current-session-section" aria-labelledby="current-session-heading">
            <div class="header">
                <h2 class="title" id="current-session-heading">"Current session"</h2>
                <OptionsMenu
                    testid="current-session-menu"
                    label="Current session options"
                    items=menu_items
                    is_disabled=menu_disabled
                />
            </div>
            {move || {
                if is_first_load.get() {
                    return view! { class = class_name,
                        <div class="loading"><Spinner label="Loading sessions" large=true/></div>
                    }.into_any();
                }
                match device.get() {
                    Some(device) => view! { class = class_name,
                        <div>
                            <DeviceTile
                                device=device.clone()
                                is_expanded=is_expanded
                                on_toggle=on_toggle
                                toggle_testid="current-session-toggle-details"
                            />
                            <Show when=move || is_expanded.get()>
                                <DeviceDetails
                                    device=device.clone()
                                    is_signing_out=is_signing_out
                                    on_sign_out=on_sign_out
                                />
                            </Show>
                        </div>
                    }.into_any(),
                    None => view! { class = class_name,
                        <p class="missing">"This session is not in the homeserver's list of sessions."</p>
                    }.into_any(),
                }
            }}
        </section>
    }
}
