use std::collections::HashMap;

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::device_details::{DeviceDetails, SessionActions};
use crate::components::device_tile::{DeviceTile, TileSelection};
use crate::components::options_menu::{MenuItem, OptionsMenu};
use crate::model::sessions::{SelectAllState, SessionRow, select_all_state, toggle_select_all};

/// "Other sessions": the account's other sessions with multi-selection and
/// bulk sign-out.
#[component]
pub fn OtherSessions(
    /// Ids of the sessions to list, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    rows: Memo<HashMap<String, SessionRow>>,
    /// Ids of the sessions whose details are open.
    expanded_ids: RwSignal<Vec<String>>,
    selected_ids: RwSignal<Vec<String>>,
    actions: SessionActions,
    /// True while any sign-out runs (bulk buttons and menu are disabled).
    #[prop(into)]
    is_signing_out: Signal<bool>,
    /// How many other sessions exist (for "Sign out of N sessions").
    #[prop(into)]
    total_count: Signal<usize>,
    on_sign_out_selected: Callback<()>,
    on_sign_out_all: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/other_sessions.css");
    let selected_count = move || {
        ids.with(|ids| selected_ids.with(|sel| ids.iter().filter(|id| sel.contains(id)).count()))
    };
    let select_all = Memo::new(move |_| ids.with(|ids| selected_ids.with(|sel| select_all_state(ids, sel))));
    let menu_items = Signal::derive(move || {
        let n = total_count.get();
        vec![MenuItem {
            label: if n == 1 { "Sign out of 1 session".into() } else { format!("Sign out of {n} sessions") },
            testid: "other-sessions-sign-out-all",
            is_danger: true,
            on_select: on_sign_out_all,
        }]
    });
    let header_label = move || match selected_count() {
        0 => "Sessions".to_string(),
        1 => "1 session selected".to_string(),
        n => format!("{n} sessions selected"),
    };
    view! { class = class_name,
        <section class="section" data-testid="other-sessions-section" aria-labelledby="other-sessions-heading">
            <div class="header">
                <h2 class="title" id="other-sessions-heading">"Other sessions"</h2>
                <OptionsMenu
                    testid="other-sessions-menu"
                    label="Other sessions options"
                    items=menu_items
                    is_disabled=is_signing_out
                />
            </div>
            <p class="description">
                "For best security, verify your sessions and sign out from any session that you don't recognize or use anymore."
            </p>
            <div class="list-header">
                <input
                    type="checkbox"
                    class="select-all"
                    data-testid="device-select-all-checkbox"
                    aria-label=move || if select_all.get() == SelectAllState::All { "Deselect all" } else { "Select all" }
                    title=move || if select_all.get() == SelectAllState::All { "Deselect all" } else { "Select all" }
                    prop:checked=move || select_all.get() == SelectAllState::All
                    prop:indeterminate=move || select_all.get() == SelectAllState::Some
                    disabled=move || ids.with(Vec::is_empty)
                    on:change=move |_| {
                        let next = ids.with_untracked(|ids| selected_ids.with_untracked(|sel| toggle_select_all(ids, sel)));
                        selected_ids.set(next);
                    }
                />
                <span class="list-label" aria-live="polite" data-testid="list-header-label">{header_label}</span>
                <Show when=move || { selected_count() > 0 }>
                    <div class="bulk">
                        <button
                            class="sm-button sm-button--danger"
                            data-testid="sign-out-selection-cta"
                            disabled=move || is_signing_out.get()
                            on:click=move |_| on_sign_out_selected.run(())
                        >
                            <Show when=move || is_signing_out.get()>
                                <span class="sm-spinner" aria-hidden="true"></span>
                            </Show>
                            "Sign out"
                        </button>
                        <button
                            class="sm-button sm-button--secondary"
                            data-testid="cancel-selection-cta"
                            disabled=move || is_signing_out.get()
                            on:click=move |_| selected_ids.set(Vec::new())
                        >
                            "Cancel"
                        </button>
                    </div>
                </Show>
            </div>
            <ul class="list">
                <For
                    each=move || ids.get()
                    key=|id| id.clone()
                    children=move |id| {
                        let row = {
                            let id = id.clone();
                            // Keeps the last known data while the row leaves.
                            Memo::new(move |prev: Option<&SessionRow>| {
                                rows.with(|m| m.get(&id).cloned())
                                    .or_else(|| prev.cloned())
                                    .unwrap_or_default()
                            })
                        };
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
                        let selection = {
                            let id_sel = id.clone();
                            let id_toggle = id.clone();
                            TileSelection {
                                is_selected: Signal::derive(move || selected_ids.with(|s| s.contains(&id_sel))),
                                on_toggle: Callback::new(move |_| {
                                    selected_ids.update(|s| {
                                        if let Some(i) = s.iter().position(|x| *x == id_toggle) {
                                            s.remove(i);
                                        } else {
                                            s.push(id_toggle.clone());
                                        }
                                    })
                                }),
                            }
                        };
                        let is_signing_out = {
                            let id = id.clone();
                            Signal::derive(move || actions.is_signing_out.run(id.clone()))
                        };
                        view! { class = class_name,
                            <li class="item">
                                <DeviceTile
                                    row=row
                                    is_expanded=is_expanded
                                    on_toggle=on_toggle
                                    toggle_testid=format!("device-toggle-details-{id}")
                                    is_signing_out=is_signing_out
                                    selection=selection
                                />
                                <Show when=move || is_expanded.get()>
                                    <DeviceDetails row=row actions=actions/>
                                </Show>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
