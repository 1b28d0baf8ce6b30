//! The bar above the list of other sessions: "select all", what is
//! selected, and either the Show filter or the bulk actions.

use std::collections::HashSet;

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::session_filter::FilterMenu;
use crate::model::filters::SessionFilter;
use crate::model::sessions::{SelectAllState, select_all_state, toggle_select_all};
use crate::web::i18n::{t, t_count};

/// Select-all checkbox, label ("Sessions" / "2 sessions selected"), and the
/// filter menu — replaced by "Sign out" and "Cancel" while sessions are
/// selected.
#[component]
pub fn SelectionBar(
    /// The sessions the filter shows, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    selected_ids: RwSignal<HashSet<String>>,
    /// How many of the shown sessions are selected.
    #[prop(into)]
    selected_count: Signal<usize>,
    /// False where the account provider signs sessions out (no selection).
    #[prop(into)]
    is_selectable: Signal<bool>,
    #[prop(into)] filter: Signal<SessionFilter>,
    on_filter: Callback<SessionFilter>,
    /// True while any sign-out runs (the bulk buttons are disabled).
    #[prop(into)]
    is_signing_out: Signal<bool>,
    on_sign_out_selected: Callback<()>,
    inactive_days: u32,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/selection_bar.css");
    let select_all = Memo::new(move |_| ids.with(|ids| selected_ids.with(|sel| select_all_state(ids, sel))));
    let select_all_label =
        move || if select_all.get() == SelectAllState::All { t("list.deselect_all") } else { t("list.select_all") };
    let header_label = move || match selected_count.get() {
        0 => t("list.sessions"),
        n => t_count("list.selected", n, &[]),
    };
    view! { class = class_name,
        <div class="list-header">
            <Show when=move || is_selectable.get()>
                <input
                    type="checkbox"
                    class="select-all"
                    data-testid="device-select-all-checkbox"
                    aria-label=select_all_label
                    title=select_all_label
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
            <Show
                when=move || { selected_count.get() > 0 }
                fallback=move || view! { <FilterMenu filter=filter on_filter=on_filter inactive_days=inactive_days/> }
            >
                <div class="bulk">
                    <Button
                        style=ButtonStyle::Danger
                        testid="sign-out-selection-cta"
                        is_pending=is_signing_out
                        on_click=on_sign_out_selected
                    >
                        {t("list.sign_out")}
                    </Button>
                    <Button
                        style=ButtonStyle::Secondary
                        testid="cancel-selection-cta"
                        is_disabled=is_signing_out
                        on_click=Callback::new(move |_| selected_ids.set(HashSet::new()))
                    >
                        {t("list.cancel")}
                    </Button>
                </div>
            </Show>
        </div>
    }
}
