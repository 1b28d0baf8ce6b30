use crate::web::i18n::t;
use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::device_heading::{DeviceHeading, RenameStatus};
use crate::components::verification_card::VerificationCard;
use crate::model::account_management::ManagedAt;
use crate::model::sessions::SessionRow;
use crate::web::format;

/// Where a push-notification change stands, as the page reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PushStatus {
    /// The state being written (shown until the server answers).
    pub pending: Option<bool>,
    pub error: Option<String>,
}

/// What can be done to a session, and where each action stands. The status
/// lookups read signals, so they are reactive where they are called.
#[derive(Clone, Copy)]
pub struct SessionActions {
    pub rename_status: Callback<String, RenameStatus>,
    pub push_status: Callback<String, PushStatus>,
    pub is_signing_out: Callback<String, bool>,
    pub on_rename: Callback<(String, String)>,
    pub on_push_toggle: Callback<(String, bool)>,
    pub on_sign_out: Callback<String>,
    /// Days after which a session counts as inactive (for texts).
    pub inactive_days: u32,
    /// Where a session is signed out: here, or at the account provider when
    /// the server delegates authentication.
    pub managed_at: Callback<String, ManagedAt>,
}

/// The expanded panel of a session: heading with rename, Session details,
/// Application, push notifications, and the sign-out button.
#[component]
pub fn DeviceDetails(#[prop(into)] row: Signal<SessionRow>, actions: SessionActions) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    let id = row.with_untracked(|r| r.id().to_string());
    let rename_status = {
        let id = id.clone();
        Signal::derive(move || actions.rename_status.run(id.clone()))
    };
    let push_status = {
        let id = id.clone();
        Signal::derive(move || actions.push_status.run(id.clone()))
    };
    let is_signing_out = {
        let id = id.clone();
        Signal::derive(move || actions.is_signing_out.run(id.clone()))
    };
    let on_rename = {
        let id = id.clone();
        Callback::new(move |name: String| actions.on_rename.run((id.clone(), name)))
    };
    let on_push_toggle = {
        let id = id.clone();
        Callback::new(move |on: bool| actions.on_push_toggle.run((id.clone(), on)))
    };
    let on_sign_out = {
        let id = id.clone();
        Callback::new(move |_| actions.on_sign_out.run(id.clone()))
    };
    let is_current = row.with_untracked(|r| r.is_current);
    let managed_at = {
        let id = id.clone();
        move || if is_current { ManagedAt::Here } else { actions.managed_at.run(id.clone()) }
    };
    let last_activity = move || row.with(|r| r.device.last_seen_ts).map(format::full_date);
    let ip = move || row.with(|r| r.device.last_seen_ip.clone().filter(|ip| !ip.is_empty()));
    let client_info = move || row.with(|r| r.client_info.clone());
    let push = move || row.with(|r| r.push.clone());
    view! { class = class_name,
        <div class="details" id=format!("device-detail-{id}") data-testid=format!("device-detail-{id}")>
            <DeviceHeading
                name=Signal::derive(move || row.with(|r| r.name().to_string()))
                display_name=Signal::derive(move || row.with(|r| r.device.display_name.clone().unwrap_or_default()))
                status=rename_status
                on_rename=on_rename
                device_id=id.clone()
            />
            <VerificationCard
                trust=Signal::derive(move || row.with(|r| r.trust))
                is_current=row.with_untracked(|r| r.is_current)
            />
            <section class="section">
                <h4 class="section-title">{t("details.session_details")}</h4>
                <table class="table" data-testid="device-detail-metadata-session">
                    <tbody>
                        <tr><th scope="row">{t("details.session_id")}</th><td class="mono">{id.clone()}</td></tr>
                        {move || last_activity().map(|text| view! { class = class_name,
                            <tr><th scope="row">{t("details.last_activity")}</th><td>{text}</td></tr>
                        })}
                    </tbody>
                </table>
                {move || client_info().map(|info| {
                    let link = info.url_link().map(str::to_string);
                    view! { class = class_name,
                        <table class="table" data-testid="device-detail-metadata-application">
                            <caption class="caption">{t("details.application")}</caption>
                            <tbody>
                                {info.name.clone().map(|v| view! { class = class_name, <tr><th scope="row">{t("details.name")}</th><td>{v}</td></tr> })}
                                {info.version.clone().map(|v| view! { class = class_name, <tr><th scope="row">{t("details.version")}</th><td>{v}</td></tr> })}
                                {info.url.clone().map(|v| view! { class = class_name,
                                    <tr><th scope="row">{t("details.url")}</th><td>{match link {
                                        Some(href) => view! { class = class_name, <a href=href target="_blank" rel="noopener noreferrer">{v}</a> }.into_any(),
                                        None => v.into_any(),
                                    }}</td></tr>
                                })}
                            </tbody>
                        </table>
                    }
                })}
                {move || ip().map(|ip| view! { class = class_name,
                    <table class="table" data-testid="device-detail-metadata-device">
                        <caption class="caption">{t("details.device")}</caption>
                        <tbody>
                            <tr><th scope="row">{t("details.ip")}</th><td>{ip}</td></tr>
                        </tbody>
                    </table>
                })}
            </section>
            {move || push().map(|toggle| {
                let is_on = move || push_status.get().pending.unwrap_or(toggle.is_on);
                let reason = toggle.unsupported.then(|| t("details.push.unsupported"));
                let is_disabled = toggle.unsupported;
                let checkbox_id = format!("push-toggle-{}", row.with_untracked(|r| r.id().to_string()));
                view! { class = class_name,
                    <section class="section push" data-testid="device-detail-push-notification">
                        <div class="push-row">
                            <div class="push-text">
                                <label class="section-title" for=checkbox_id.clone()>{t("details.push.title")}</label>
                                <p class="hint">{t("details.push.text")}</p>
                            </div>
                            <input
                                type="checkbox"
                                role="switch"
                                class="switch"
                                id=checkbox_id
                                data-testid="device-detail-push-notification-checkbox"
                                title=t("details.push.toggle")
                                prop:checked=is_on
                                aria-checked=move || is_on().to_string()
                                disabled=move || is_disabled || push_status.get().pending.is_some()
                                on:change=move |_| on_push_toggle.run(!is_on())
                            />
                        </div>
                        {reason.map(|r| view! { class = class_name, <p class="hint" data-testid="push-disabled-reason">{r}</p> })}
                        {move || push_status.get().error.map(|e| view! { class = class_name,
                            <p class="sm-alert" role="alert" data-testid="push-error">{e}</p>
                        })}
                    </section>
                }
            })}
            <div class="section">
                {move || match managed_at() {
                    ManagedAt::Link(href) => view! { class = class_name,
                        <a
                            class="sm-button sm-button--link"
                            href=href
                            target="_blank"
                            rel="noopener noreferrer"
                            data-testid="device-detail-manage-cta"
                        >
                            {t("details.manage")}
                        </a>
                        <p class="hint">{t("details.manage_hint")}</p>
                    }.into_any(),
                    ManagedAt::Unavailable => view! { class = class_name,
                        <p class="hint" data-testid="device-detail-manage-unavailable">{t("details.manage_unavailable")}</p>
                    }.into_any(),
                    ManagedAt::Here => view! { class = class_name,
                        <button
                            class="sm-button sm-button--link sm-button--danger"
                            data-testid="device-detail-sign-out-cta"
                            disabled=move || is_signing_out.get()
                            on:click=move |_| on_sign_out.run(())
                        >
                            {t("details.sign_out")}
                            <Show when=move || is_signing_out.get()>
                                <span class="sm-spinner" aria-hidden="true"></span>
                            </Show>
                        </button>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}
