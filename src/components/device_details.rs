//! The expanded panel of a session: heading with rename, verification,
//! session details, application, push notifications, and signing out.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::device_heading::DeviceHeading;
use crate::components::verification_card::VerificationCard;
use crate::components::verify_panel::{VerifyActions, VerifyPanel};
use crate::model::account_management::ManagedAt;
use crate::model::edits::{PushStatus, RenameStatus};
use crate::model::push::PushToggle;
use crate::model::sessions::SessionRow;
use crate::web::format;
use crate::web::i18n::{self, t, t_with};

/// What can be done to one session, and where each action stands; made by
/// the page for each row, so a row reads only its own state.
#[derive(Clone, Copy)]
pub struct RowActions {
    pub rename_status: Signal<RenameStatus>,
    /// Completed renames (the editor closes after one it sent succeeds).
    pub renames: Signal<usize>,
    pub on_rename: Callback<String>,
    pub push_status: Signal<PushStatus>,
    pub on_push_toggle: Callback<bool>,
    /// True while this session is being signed out.
    pub is_signing_out: Signal<bool>,
    pub on_sign_out: Callback<()>,
    /// Where it is signed out: here, or at the account provider.
    pub managed_at: Signal<ManagedAt>,
    /// Verifying it (or this session).
    pub verify: VerifyActions,
}

/// The expanded panel of a session.
#[component]
pub fn DeviceDetails(#[prop(into)] row: Signal<SessionRow>, actions: RowActions) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    let id = row.with_untracked(|r| r.id().to_string());
    view! { class = class_name,
        <div class="details" id=format!("device-detail-{id}") data-testid=format!("device-detail-{id}")>
            <DeviceHeading
                name=Signal::derive(move || row.with(|r| r.name().to_string()))
                display_name=Signal::derive(move || row.with(|r| r.device.display_name.clone().unwrap_or_default()))
                status=actions.rename_status
                renames=actions.renames
                on_rename=actions.on_rename
                device_id=id.clone()
            />
            <VerificationCard
                trust=Signal::derive(move || row.with(|r| r.trust))
                is_current=row.with_untracked(|r| r.is_current)
            />
            <VerifyPanel actions=actions.verify is_current=row.with_untracked(|r| r.is_current)/>
            <SessionFacts row=row/>
            {let id = id.clone(); move || row.with(|r| r.push.clone()).map(|toggle| view! {
                <PushSetting toggle=toggle status=actions.push_status on_toggle=actions.on_push_toggle device_id=id.clone()/>
            })}
            <div class="section">
                <SessionEnd actions=actions/>
            </div>
        </div>
    }
}

/// Session id, last activity, application and IP address.
#[component]
fn SessionFacts(#[prop(into)] row: Signal<SessionRow>) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    let id = row.with_untracked(|r| r.id().to_string());
    let last_activity = move || row.with(|r| r.device.last_seen_ts).map(format::full_date);
    let ip = move || row.with(|r| r.device.last_seen_ip.clone().filter(|ip| !ip.is_empty()));
    let client_info = move || row.with(|r| r.client_info.clone());
    view! { class = class_name,
        <section class="section">
            <h4 class="section-title">{t("details.session_details")}</h4>
            <table class="table" data-testid="device-detail-metadata-session">
                <tbody>
                    <tr><th scope="row">{t("details.session_id")}</th><td class="mono"><span dir="ltr" translate="no">{id}</span></td></tr>
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
                                    Some(href) => view! { class = class_name, <a href=href target="_blank" rel="noopener noreferrer" dir="ltr">{v}</a> }.into_any(),
                                    None => view! { class = class_name, <span dir="ltr">{v}</span> }.into_any(),
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
                        <tr><th scope="row">{t("details.ip")}</th><td><span dir="ltr" translate="no">{ip}</span></td></tr>
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// The push-notification switch: shows the state being written while it
/// runs, and the server's state (with the reason) when it fails.
#[component]
fn PushSetting(
    toggle: PushToggle,
    #[prop(into)] status: Signal<PushStatus>,
    on_toggle: Callback<bool>,
    device_id: String,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    let server_on = toggle.is_on;
    let is_on = move || status.get().pending.unwrap_or(server_on);
    let unsupported = toggle.unsupported;
    let checkbox_id = format!("push-toggle-{device_id}");
    let failure = move || {
        status.get().failure.map(|f| {
            let key = if f.wanted_on { "sessions.error.push_on" } else { "sessions.error.push_off" };
            t_with(key, &[("reason", &i18n::api_error(&f.error))])
        })
    };
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
                    disabled=move || unsupported || status.get().pending.is_some()
                    on:change=move |_| on_toggle.run(!is_on())
                />
            </div>
            {unsupported.then(|| view! { class = class_name,
                <p class="hint" data-testid="push-disabled-reason">{t("details.push.unsupported")}</p>
            })}
            {move || failure().map(|e| view! { class = class_name,
                <p class="sm-alert" role="alert" data-testid="push-error">{e}</p>
            })}
        </section>
    }
}

/// "Sign out of this session", or where the account provider does it.
#[component]
fn SessionEnd(actions: RowActions) -> impl IntoView {
    let class_name = style_sheet!("style/components/device_details.css");
    move || match actions.managed_at.get() {
        ManagedAt::Link { sign_out, view } => view! { class = class_name,
            <a
                class="sm-button sm-button--link sm-button--danger"
                href=sign_out
                target="_blank"
                rel="noopener noreferrer"
                data-testid="device-detail-sign-out-link"
            >
                {t("details.sign_out_there")}
            </a>
            <p class="hint">{t("details.sign_out_there_hint")}</p>
            <a
                class="sm-button sm-button--link"
                href=view
                target="_blank"
                rel="noopener noreferrer"
                data-testid="device-detail-manage-cta"
            >
                {t("details.manage")}
            </a>
        }
        .into_any(),
        ManagedAt::Unavailable => view! { class = class_name,
            <p class="hint" data-testid="device-detail-manage-unavailable">{t("details.manage_unavailable")}</p>
        }
        .into_any(),
        ManagedAt::Here => view! {
            <Button
                style=ButtonStyle::DangerLink
                testid="device-detail-sign-out-cta"
                is_pending=actions.is_signing_out
                spinner_after=true
                on_click=actions.on_sign_out
            >
                {t("details.sign_out")}
            </Button>
        }
        .into_any(),
    }
}
