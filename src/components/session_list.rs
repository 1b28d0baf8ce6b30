//! The list of other sessions, a page of rows at a time: thousands of rows
//! would cost seconds of layout, so more are added as the end of the list
//! comes into view (or with "Show more"). A new filter starts again at the
//! first page.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::device_details::{DeviceDetails, RowActions};
use crate::components::device_tile::{DeviceTile, TileSelection};
use crate::model::filters::SessionFilter;
use crate::model::sessions::{SessionRow, toggle};
use crate::web::i18n::t_with;

/// The first page of rows, and how many are added each time the end of the
/// list shows.
pub const PAGE_SIZE: usize = 50;

/// Rows rendered before the browser first paints the list: more than a tall
/// screen shows. The rest of the first page follows right after that paint
/// (a row costs about 1.5 ms to build, measured: 50 would hold the first
/// paint back by about 45 ms).
pub const FIRST_PAINT: usize = 20;

/// How many rows to render: the grown page count for `filter`, else one
/// page (a new filter starts again at the top).
pub fn page_limit(grown: (SessionFilter, usize), filter: SessionFilter) -> usize {
    if grown.0 == filter { grown.1 } else { PAGE_SIZE }
}

/// The rows of `ids`, each a tile that expands into its details.
#[component]
pub fn SessionList(
    /// The sessions the filter shows, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    #[prop(into)] filter: Signal<SessionFilter>,
    rows: Memo<HashMap<String, SessionRow>>,
    /// Creates a row's actions (they live as long as the row).
    row_actions: Callback<String, RowActions>,
    expanded_ids: RwSignal<HashSet<String>>,
    selected_ids: RwSignal<HashSet<String>>,
    /// False where the account provider signs sessions out (no checkboxes).
    #[prop(into)]
    is_selectable: Signal<bool>,
    inactive_days: u32,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_list.css");
    let grown = RwSignal::new((SessionFilter::All, PAGE_SIZE));
    // False until the browser has painted the first rows.
    let painted = RwSignal::new(false);
    let whole_page_first = ids.with_untracked(|all| all.len() <= FIRST_PAINT);
    request_animation_frame(move || {
        let mark = || crate::web::browser::mark("sm:page-rendered");
        if whole_page_first {
            mark();
        }
        set_timeout(
            move || {
                if painted.try_set(true).is_none() && !whole_page_first {
                    request_animation_frame(mark);
                }
            },
            std::time::Duration::ZERO,
        )
    });
    let limit = Memo::new(move |_| {
        let limit = page_limit(grown.get(), filter.get());
        if painted.get() { limit } else { limit.min(FIRST_PAINT) }
    });
    let grow = move || {
        let (f, n) = (filter.get_untracked(), limit.get_untracked());
        grown.set((f, n + PAGE_SIZE));
    };
    let visible_ids = Memo::new(move |_| ids.with(|all| all[..all.len().min(limit.get())].to_vec()));
    let more_ref = NodeRef::<leptos::html::Div>::new();
    grow_when_seen(more_ref, Callback::new(move |_| grow()));
    view! { class = class_name,
        <ul class="list">
            <For
                each=move || visible_ids.get()
                key=|id| id.clone()
                children=move |id| {
                    let row = {
                        let id = id.clone();
                        // Keeps the last known data while the row leaves.
                        Memo::new(move |prev: Option<&SessionRow>| {
                            rows.with(|m| m.get(&id).cloned()).or_else(|| prev.cloned()).unwrap_or_default()
                        })
                    };
                    let actions = row_actions.run(id.clone());
                    let is_expanded = {
                        let id = id.clone();
                        Signal::derive(move || expanded_ids.with(|ids| ids.contains(&id)))
                    };
                    let on_toggle = {
                        let id = id.clone();
                        Callback::new(move |_| expanded_ids.update(|ids| toggle(ids, &id)))
                    };
                    let selection = is_selectable.get_untracked().then(|| {
                        let (id_sel, id_toggle) = (id.clone(), id.clone());
                        TileSelection {
                            is_selected: Signal::derive(move || selected_ids.with(|s| s.contains(&id_sel))),
                            on_toggle: Callback::new(move |_| selected_ids.update(|s| toggle(s, &id_toggle))),
                        }
                    });
                    view! { class = class_name,
                        <li class="item">
                            <DeviceTile
                                row=row
                                is_expanded=is_expanded
                                on_toggle=on_toggle
                                toggle_testid=format!("device-toggle-details-{id}")
                                is_signing_out=actions.is_signing_out
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
        // Rebuilt whenever the limit grows, so the observer looks again (a
        // marker still in view after a page was added adds another).
        {move || {
            let shown = limit.get();
            let total = ids.with(Vec::len);
            (painted.get() && total > shown).then(|| view! { class = class_name,
                <div class="more" node_ref=more_ref data-testid="more-sessions">
                    <span>{t_with("list.showing", &[("shown", &shown.to_string()), ("total", &total.to_string())])}</span>
                    <Button style=ButtonStyle::Secondary testid="show-more-sessions" on_click=Callback::new(move |_| grow())>
                        {crate::web::i18n::t("list.show_more")}
                    </Button>
                </div>
            })
        }}
    }
}

/// Calls `grow` when `target` (the end of the list) comes near the viewport.
fn grow_when_seen(target: NodeRef<leptos::html::Div>, grow: Callback<()>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let observer: StoredValue<Option<web_sys::IntersectionObserver>, LocalStorage> = StoredValue::new_local(None);
    // The browser's IntersectionObserver, re-attached whenever the marker is
    // (re)created: the world outside, not state.
    Effect::new(move |_| {
        let Some(element) = target.get() else { return };
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let seen = entries
                .iter()
                .any(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().is_ok_and(|e| e.is_intersecting()));
            if seen {
                grow.try_run(());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_filter_starts_at_the_first_page() {
        assert_eq!(page_limit((SessionFilter::All, 150), SessionFilter::All), 150);
        assert_eq!(page_limit((SessionFilter::All, 150), SessionFilter::Verified), PAGE_SIZE);
    }
}
