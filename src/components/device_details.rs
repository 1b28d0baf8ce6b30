use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::types::Device;
use crate::format;
use crate::model::devices::display_name;

/// The expanded panel of a session: heading, Session details tables, and the
/// sign-out button when `on_sign_out` is given.
#[component]
pub fn DeviceDetails(
    device: Device,
    /// True while this session is being signed out.
    #[prop(into)]
    is_signing_out: Signal<bool>,
    #[prop(optional)] on_sign_out: Option<Callback<()>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    let id = device.device_id.clone();
    let name = display_name(&device).to_string();
    let last_activity = device.last_seen_ts.map(format::full_date);
    let ip = device.last_seen_ip.clone().filter(|ip| !ip.is_empty());
    view! { class = class_name,
        <div class="details" id=format!("device-detail-{id}") data-testid=format!("device-detail-{id}")>
            <div class="heading">
                <h3 class="name">{name}</h3>
            </div>
            <section class="section">
                <h4 class="section-title">"Session details"</h4>
                <table class="table" data-testid="device-detail-metadata-session">
                    <tbody>
                        <tr><th scope="row">"Session ID"</th><td class="mono">{id.clone()}</td></tr>
                        {last_activity.map(|text| view! { class = class_name,
                            <tr><th scope="row">"Last activity"</th><td>{text}</td></tr>
                        })}
                    </tbody>
                </table>
                {ip.map(|ip| view! { class = class_name,
                    <table class="table" data-testid="device-detail-metadata-device">
                        <caption class="caption">"Device"</caption>
                        <tbody>
                            <tr><th scope="row">"IP address"</th><td>{ip}</td></tr>
                        </tbody>
                    </table>
                })}
            </section>
            {on_sign_out.map(|on_sign_out| view! { class = class_name,
                <div class="section">
                    <button
                        class="sm-button sm-button--link sm-button--danger"
                        data-testid="device-detail-sign-out-cta"
                        disabled=move || is_signing_out.get()
                        on:click=move |_| on_sign_out.run(())
                    >
                        "Sign out of this session"
                        <Show when=move || is_signing_out.get()>
                            <span class="sm-spinner" aria-hidden="true"></span>
                        </Show>
                    </button>
                </div>
            })}
        </div>
    }
}
