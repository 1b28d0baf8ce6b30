//! Above Other sessions: the search field, how many sessions it shows, the
//! sort order and the export menu; and what a search without matches says.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::options_menu::{MenuItem, MenuTrigger, OptionsMenu};
use crate::model::search::SortOrder;
use crate::web::i18n::{t, t_count, t_with};

/// The file formats of "Export".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

fn sort_label(order: SortOrder) -> String {
    t(match order {
        SortOrder::Activity => "search.sort.activity",
        SortOrder::Name => "search.sort.name",
        SortOrder::Application => "search.sort.application",
    })
}

/// The search field, the count, the sort order and "Export".
#[component]
pub fn SessionSearch(
    #[prop(into)] query: Signal<String>,
    on_query: Callback<String>,
    #[prop(into)] sort: Signal<SortOrder>,
    on_sort: Callback<SortOrder>,
    /// How many sessions the search and filter show, of how many.
    #[prop(into)]
    shown: Signal<usize>,
    #[prop(into)] total: Signal<usize>,
    on_export: Callback<ExportFormat>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_search.css");
    let export_items = Signal::derive(move || {
        vec![
            MenuItem::action(
                t("search.export.csv"),
                "export-csv",
                Callback::new(move |_| on_export.run(ExportFormat::Csv)),
            ),
            MenuItem::action(
                t("search.export.json"),
                "export-json",
                Callback::new(move |_| on_export.run(ExportFormat::Json)),
            ),
        ]
    });
    let count_text = move || {
        let (n, of) = (shown.get(), total.get());
        (n != of || !query.with(String::is_empty)).then(|| t_count("search.count", of, &[("shown", &n.to_string())]))
    };
    view! { class = class_name,
        <div class="toolbar">
            <div class="search">
                <label class="label" for="session-search">{t("search.label")}</label>
                <input
                    class="sm-input"
                    id="session-search"
                    data-testid="session-search"
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=t("search.placeholder")
                    aria-describedby="session-search-count"
                    prop:value=move || query.get()
                    on:input=move |ev| on_query.run(event_target_value(&ev))
                />
            </div>
            <div class="sort">
                <label class="label" for="session-sort">{t("search.sort.label")}</label>
                <select
                    class="sm-input select"
                    id="session-sort"
                    data-testid="session-sort"
                    on:change=move |ev| {
                        if let Some(order) = SortOrder::from_query(&event_target_value(&ev)).or(Some(SortOrder::Activity)) {
                            on_sort.run(order);
                        }
                    }
                >
                    {SortOrder::ALL
                        .into_iter()
                        .map(|order| view! {
                            <option value=order.as_query().unwrap_or("activity") selected=move || sort.get() == order>
                                {sort_label(order)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="export">
                <OptionsMenu
                    testid="export-button"
                    label=t("search.export.label")
                    trigger=MenuTrigger::Text { text: Signal::derive(|| t("search.export.label")), id: "export-menu" }
                    items=export_items
                    is_disabled=Signal::derive(move || total.get() == 0)
                />
            </div>
        </div>
        <p class="count" id="session-search-count" role="status" aria-live="polite" data-testid="session-search-count">
            {count_text}
        </p>
    }
}

/// What a search without matches says, with "Clear search".
#[component]
pub fn NoMatches(#[prop(into)] query: Signal<String>, on_clear: Callback<()>) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_search.css");
    view! { class = class_name,
        <p class="empty" data-testid="search-empty">
            {move || t_with("search.empty", &[("query", &query.get())])}
            " "
            <Button style=ButtonStyle::Link testid="search-clear" on_click=on_clear>
                {t("search.clear")}
            </Button>
        </p>
    }
}
