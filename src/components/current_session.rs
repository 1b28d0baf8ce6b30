//! "Current session": this app's own session, its details and its menu.

use crate::web::i18n::{t, t_with};
use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::device_details::{DeviceDetails, RowActions};
use crate::components::device_tile::DeviceTile;
use crate::components::options_menu::{MenuItem, OptionsMenu};
use crate::components::spinner::Spinner;
use crate::components::verification_card::VerificationCard;
use crate::components::verify_panel::VerifyPanel;
use crate::model::sessions::SessionRow;

/// "Current session": this app's own session, its details and its menu.
#[component]
pub fn CurrentSession(
    /// This session as the server lists it; `None` while loading or when the
    /// server does not list it.
    #[prop(into)]
    row: Signal<Option<SessionRow>>,
    /// True only during the first load (later loads keep the old content).
    #[prop(into)]
    is_first_load: Signal<bool>,
    /// This session's actions.
    actions: RowActions,
    /// Days after which a session counts as inactive (for texts).
    inactive_days: u32,
    /// How many other sessions "Sign out of all other sessions" would end;
    /// 0 hides that menu entry.
    #[prop(into)]
    other_count: Signal<usize>,
    on_sign_out_others: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/current_session.css");
    let (is_expanded, set_expanded) = signal(false);
    let on_toggle = Callback::new(move |_| set_expanded.update(|e| *e = !*e));
    let is_signing_out = actions.is_signing_out;
    let menu_items = Signal::derive(move || {
        let mut items = vec![MenuItem::danger(t("menu.sign_out"), "current-session-sign-out", actions.on_sign_out)];
        let others = other_count.get();
        if others > 0 {
            items.push(MenuItem::danger(
                t_with("menu.sign_out_all_others", &[("count", &others.to_string())]),
                "current-session-sign-out-all-others",
                on_sign_out_others,
            ));
        }
        items
    });
    let menu_disabled = Signal::derive(move || row.with(Option::is_none) || is_signing_out.get());
    // Only whether the session is there decides the structure; its data
    // flows into the tile and details, so an open rename editor survives
    // updates.
    let has_row = Memo::new(move |_| row.with(Option::is_some));
    view! { class = class_name,
        <section class="section" data-testid="current-session-section" aria-labelledby="current-session-heading">
            <div class="header">
                <h2 class="title" id="current-session-heading" tabindex="-1">{t("current.title")}</h2>
                <OptionsMenu
                    testid="current-session-menu"
                    label=t("current.options")
                    items=menu_items
                    is_disabled=menu_disabled
                />
            </div>
            {move || {
                if is_first_load.get() {
                    return view! { class = class_name,
                        <div class="loading"><Spinner label=t("sessions.loading") large=true/></div>
                    }.into_any();
                }
                if !has_row.get() {
                    return view! { class = class_name,
                        <p class="missing">{t("current.missing")}</p>
                    }.into_any();
                }
                let row = Signal::derive(move || row.get().unwrap_or_default());
                view! { class = class_name,
                    <div>
                        <DeviceTile
                            row=row
                            is_expanded=is_expanded
                            on_toggle=on_toggle
                            toggle_testid="current-session-toggle-details"
                            is_signing_out=is_signing_out
                            inactive_days=inactive_days
                        />
                        // Collapsed: the verification card; expanded: the
                        // details, which contain it (one card at a time).
                        <Show
                            when=move || is_expanded.get()
                            fallback=move || view! { class = class_name,
                                <div class="card">
                                    <VerificationCard trust=Signal::derive(move || row.with(|r| r.trust)) is_current=true/>
                                    <VerifyPanel actions=actions.verify is_current=true/>
                                </div>
                            }
                        >
                            <DeviceDetails row=row actions=actions/>
                        </Show>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
