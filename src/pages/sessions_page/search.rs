//! Finding and ordering Other sessions: the search text and sort order
//! (both kept in the address, like the filter), each session's folded
//! search text (a memo: typing never folds 2,000 names again), and the
//! export of what the list shows.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::components::session_search::ExportFormat;
use crate::model::export;
use crate::model::search::{SortOrder, matches, search_text, sort_ids};
use crate::model::sessions::SessionRow;
use crate::web::{browser, format};

#[derive(Clone, Copy)]
pub struct ListSearch {
    pub query: RwSignal<String>,
    pub sort: RwSignal<SortOrder>,
    texts: Memo<HashMap<String, String>>,
}

impl ListSearch {
    pub fn new(rows: Memo<HashMap<String, SessionRow>>) -> Self {
        let query = RwSignal::new(browser::query_param("q").unwrap_or_default());
        let sort =
            RwSignal::new(browser::query_param("sort").and_then(|s| SortOrder::from_query(&s)).unwrap_or_default());
        let texts = Memo::new(move |_| {
            rows.with(|r| r.iter().map(|(id, row)| (id.clone(), search_text(row, format::fold))).collect())
        });
        ListSearch { query, sort, texts }
    }

    pub fn set_query(&self, text: String) {
        browser::replace_query_param("q", Some(text.as_str()).filter(|t| !t.is_empty()));
        self.query.set(text);
    }

    pub fn set_sort(&self, order: SortOrder) {
        browser::replace_query_param("sort", order.as_query());
        self.sort.set(order);
    }

    /// `ids` (filtered, in activity order) narrowed by the search and put
    /// in the chosen order.
    pub fn apply(&self, ids: Vec<String>, rows: &HashMap<String, SessionRow>) -> Vec<String> {
        let folded = self.query.with(|q| format::fold(q.trim()));
        let mut shown: Vec<String> = if folded.is_empty() {
            ids
        } else {
            self.texts
                .with(|t| ids.into_iter().filter(|id| t.get(id).is_some_and(|text| matches(text, &folded))).collect())
        };
        sort_ids(&mut shown, |id| rows.get(id).cloned(), self.sort.get(), format::collate);
        shown
    }
}

/// Downloads the sessions `ids` (as the list shows them) in `format`.
pub fn export_sessions(ids: &[String], rows: &HashMap<String, SessionRow>, format: ExportFormat) -> bool {
    let list: Vec<SessionRow> = ids.iter().filter_map(|id| rows.get(id).cloned()).collect();
    let day = export::iso8601_utc(browser::now_ms() as i64)[..10].to_string();
    match format {
        ExportFormat::Csv => {
            browser::download(&format!("sessions-{day}.csv"), "text/csv;charset=utf-8", &export::to_csv(&list))
        }
        ExportFormat::Json => {
            browser::download(&format!("sessions-{day}.json"), "application/json", &export::to_json(&list))
        }
    }
}
