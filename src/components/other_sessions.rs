use std::collections::HashMap;

use crate::web::i18n::{t, t_count, t_with};
use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::device_details::{DeviceDetails, SessionActions};
use crate::components::device_tile::{DeviceTile, TileSelection};
use crate::components::options_menu::{MenuItem, MenuTrigger, OptionsMenu};
use crate::model::filters::SessionFilter;
use crate::model::sessions::{SelectAllState, SessionRow, select_all_state, toggle_select_all};

/// The translation-key part of a filter ("filter.<name>…").
fn filter_key(filter: SessionFilter) -> &'static str {
    match filter {
        SessionFilter::All => "all",
        SessionFilter::Verified => "verified",
        SessionFilter::Unverified => "unverified",
        SessionFilter::Inactive => "inactive",
        SessionFilter::NoEncryption => "no_encryption",
    }
}

fn filter_label(filter: SessionFilter) -> String {
    t(&format!("filter.{}", filter_key(filter)))
}

/// Description of a filter in the dropdown.
fn filter_description(filter: SessionFilter, inactive_days: u32) -> Option<String> {
    (filter != SessionFilter::All)
        .then(|| t_with(&format!("filter.{}.description", filter_key(filter)), &[("days", &inactive_days.to_string())]))
}

/// The card above a filtered list: heading and advice.
fn filter_card(filter: SessionFilter, inactive_days: u32) -> Option<(String, String)> {
    (filter != SessionFilter::All).then(|| {
        let key = filter_key(filter);
        (
            t(&format!("filter.card.{key}.title")),
            t_with(&format!("filter.card.{key}.text"), &[("days", &inactive_days.to_string())]),
        )
    })
}

fn empty_text(filter: SessionFilter) -> String {
    t(&format!("filter.empty.{}", filter_key(filter)))
}

/// "Other sessions": the account's other sessions with multi-selection and
/// bulk sign-out.
#[component]
pub fn OtherSessions(
    /// Ids of the sessions the filter shows, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    #[prop(into)] filter: Signal<SessionFilter>,
    on_filter: Callback<SessionFilter>,
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
    /// True when the server delegates authentication: sessions are signed
    /// out at the account provider, so there is no selection and no bulk
    /// sign-out.
    #[prop(into)]
    is_delegated: Signal<bool>,
    /// The provider's list of sessions (`None` when it names no page this
    /// page will open).
    #[prop(into)]
    account_sessions_url: Signal<Option<String>>,
) -> impl IntoView {
    let is_delegated = move || is_delegated.get();
    let class_name = style_sheet!("style/components/other_sessions.css");
    let selected_count =
        move || ids.with(|ids| selected_ids.with(|sel| ids.iter().filter(|id| sel.contains(id)).count()));
    let select_all = Memo::new(move |_| ids.with(|ids| selected_ids.with(|sel| select_all_state(ids, sel))));
    let menu_items = Signal::derive(move || {
        let n = total_count.get();
        vec![MenuItem::danger(t_count("other.sign_out_all", n, &[]), "other-sessions-sign-out-all", on_sign_out_all)]
    });
    let inactive_days = actions.inactive_days;
    // Long lists render a page of rows at a time and grow as the end comes
    // into view: thousands of rows would cost seconds of layout. A new filter
    // starts again at the first page.
    let limit = RwSignal::new(PAGE_SIZE);
    Effect::new(move |previous: Option<SessionFilter>| {
        let now = filter.get();
        if previous.is_some_and(|p| p != now) {
            limit.set(PAGE_SIZE);
        }
        now
    });
    let visible_ids = Memo::new(move |_| ids.with(|all| all[..all.len().min(limit.get())].to_vec()));
    let more_ref = NodeRef::<leptos::html::Div>::new();
    grow_when_seen(more_ref, limit);
    let filter_items = Signal::derive(move || {
        let current = filter.get();
        SessionFilter::ALL
            .into_iter()
            .map(|f| MenuItem {
                checked: Some(f == current),
                description: filter_description(f, inactive_days),
                ..MenuItem::action(filter_label(f), filter_option_testid(f), Callback::new(move |_| on_filter.run(f)))
            })
            .collect::<Vec<_>>()
    });
    let header_label = move || match selected_count() {
        0 => t("list.sessions"),
        n => t_count("list.selected", n, &[]),
    };
    view! { class = class_name,
        <section class="section" data-testid="other-sessions-section" aria-labelledby="other-sessions-heading">
            <div class="header">
                <h2 class="title" id="other-sessions-heading" tabindex="-1">{t("other.title")}</h2>
                <Show when=move || !is_delegated()>
                    <OptionsMenu
                        testid="other-sessions-menu"
                        label=t("other.options")
                        items=menu_items
                        is_disabled=is_signing_out
                    />
                </Show>
            </div>
            <p class="description">{t("other.description")}</p>
            {move || is_delegated().then(|| match account_sessions_url.get() {
                Some(href) => view! { class = class_name,
                    <p class="delegated">
                        {t("other.delegated")} " "
                        <a href=href target="_blank" rel="noopener noreferrer" data-testid="account-management-link">
                            {t("other.delegated_link")}
                        </a>
                    </p>
                }.into_any(),
                None => view! { class = class_name,
                    <p class="delegated sm-alert" role="alert" data-testid="account-management-unavailable">
                        {t("other.delegated_unavailable")}
                    </p>
                }.into_any(),
            })}
            <div class="list-header">
                <Show when=move || !is_delegated()>
                <input
                    type="checkbox"
                    class="select-all"
                    data-testid="device-select-all-checkbox"
                    aria-label=move || if select_all.get() == SelectAllState::All { t("list.deselect_all") } else { t("list.select_all") }
                    title=move || if select_all.get() == SelectAllState::All { t("list.deselect_all") } else { t("list.select_all") }
                    prop:checked=move || select_all.get() == SelectAllState::All
                    prop:indeterminate=move || select_all.get() == SelectAllState::Some
                    disabled=move || ids.with(Vec::is_empty)
                    on:change=move |_| {
                        let next = ids.with_untracked(|ids| selected_ids.with_untracked(|sel| toggle_select_all(ids, sel)));
                        selected_ids.set(next);
                    }
                />
                </Show>
                <span class="list-label" aria-live="polite" data-testid="list-header-label">{header_label}</span>
                <Show when=move || { selected_count() == 0 }>
                    <OptionsMenu
                        testid="device-list-filter-button"
                        label=t("filter.label")
                        trigger=MenuTrigger::Text {
                            text: Signal::derive(move || t_with("filter.show", &[("filter", &filter_label(filter.get()))])),
                            id: "device-list-filter",
                        }
                        items=filter_items
                        is_disabled=false
                    />
                </Show>
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
                            {t("list.sign_out")}
                        </button>
                        <button
                            class="sm-button sm-button--secondary"
                            data-testid="cancel-selection-cta"
                            disabled=move || is_signing_out.get()
                            on:click=move |_| selected_ids.set(Vec::new())
                        >
                            {t("list.cancel")}
                        </button>
                    </div>
                </Show>
            </div>
            {move || filter_card(filter.get(), inactive_days).filter(|_| ids.with(|i| !i.is_empty())).map(|(title, text)| view! { class = class_name,
                <div class="filter-card" data-testid="filter-card">
                    <h3 class="filter-card-title">{title}</h3>
                    <p class="filter-card-text">{text}</p>
                </div>
            })}
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="empty" data-testid="devices-empty">
                    {move || empty_text(filter.get())}
                    " "
                    <Show when=move || filter.get() != SessionFilter::All>
                        <button
                            class="sm-button sm-button--link"
                            data-testid="devices-clear-filter-btn"
                            on:click=move |_| on_filter.run(SessionFilter::All)
                        >
                            {t("filter.show_all")}
                        </button>
                    </Show>
                </p>
            </Show>
            <ul class="list">
                <For
                    each=move || visible_ids.get()
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
                        // No selection where the provider signs sessions out.
                        let selection = (!is_delegated()).then(|| {
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
                        });
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
                                    inactive_days=inactive_days
                                />
                                <Show when=move || is_expanded.get()>
                                    <DeviceDetails row=row actions=actions/>
                                </Show>
                            </li>
                        }
                    }
                />
            </ul>
            // Rebuilt whenever the limit grows, so the observer looks again
            // (a marker still in view after a page was added adds another).
            {move || {
                let shown = limit.get();
                let total = ids.with(Vec::len);
                (total > shown).then(|| view! { class = class_name,
                    <div class="more" node_ref=more_ref data-testid="more-sessions">
                        <span>
                            {t_with("list.showing", &[("shown", &shown.to_string()), ("total", &total.to_string())])}
                        </span>
                        <button
                            class="sm-button sm-button--secondary"
                            data-testid="show-more-sessions"
                            on:click=move |_| limit.update(|l| *l += PAGE_SIZE)
                        >
                            {t("list.show_more")}
                        </button>
                    </div>
                })
            }}
        </section>
    }
}

/// Rows rendered at first, and added each time the end of the list shows.
const PAGE_SIZE: usize = 50;

/// Renders the next page of rows when `target` (the end of the list) comes
/// near the viewport.
fn grow_when_seen(target: NodeRef<leptos::html::Div>, limit: RwSignal<usize>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let observer: StoredValue<Option<web_sys::IntersectionObserver>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        // Re-observe whenever the marker is (re)created.
        let Some(element) = target.get() else { return };
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let seen = entries
                .iter()
                .any(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().is_ok_and(|e| e.is_intersecting()));
            if seen {
                limit.try_update(|l| *l += PAGE_SIZE);
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("600px 0px");
        if let Ok(created) =
            web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
        {
            created.observe(&element);
            if let Some(Some(old)) = observer.try_update_value(|o| o.replace(created)) {
                old.disconnect();
            }
        }
        callback.forget();
    });
    on_cleanup(move || {
        if let Some(Some(o)) = observer.try_update_value(Option::take) {
            o.disconnect();
        }
    });
}

/// Element's test ids for the filter options.
fn filter_option_testid(filter: SessionFilter) -> &'static str {
    match filter {
        SessionFilter::All => "filter-option-ALL",
        SessionFilter::Verified => "filter-option-Verified",
        SessionFilter::Unverified => "filter-option-Unverified",
        SessionFilter::Inactive => "filter-option-Inactive",
        SessionFilter::NoEncryption => "filter-option-NoEncryption",
    }
}
