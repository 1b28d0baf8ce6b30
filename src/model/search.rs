//! Finding and ordering the Other sessions: the search field (name, session
//! id, IP address, application name and URL; every word must occur) and
//! the sort order. Case and accent folding and the locale's collation come
//! from the caller (the browser's `normalize` and `Intl.Collator`), so this
//! stays plain code.

use std::cmp::Ordering;

use crate::model::sessions::SessionRow;

/// The order of the Other sessions list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// Most recent activity first (never-used sessions last, by name).
    #[default]
    Activity,
    Name,
    /// By application name; sessions without one last.
    Application,
}

impl SortOrder {
    pub const ALL: [SortOrder; 3] = [SortOrder::Activity, SortOrder::Name, SortOrder::Application];

    /// The value kept in the page's address (`?sort=name`).
    pub fn as_query(self) -> Option<&'static str> {
        match self {
            SortOrder::Activity => None,
            SortOrder::Name => Some("name"),
            SortOrder::Application => Some("application"),
        }
    }

    pub fn from_query(value: &str) -> Option<SortOrder> {
        SortOrder::ALL.into_iter().find(|s| s.as_query() == Some(value))
    }
}

/// Everything a session is found by, folded, separated by newlines (so a
/// word never matches across two fields).
pub fn search_text(row: &SessionRow, fold: impl Fn(&str) -> String) -> String {
    let mut fields = vec![row.name(), row.id()];
    if let Some(ip) = &row.device.last_seen_ip {
        fields.push(ip);
    }
    if let Some(info) = &row.client_info {
        fields.extend(info.name.as_deref());
        fields.extend(info.url.as_deref());
    }
    fields.iter().map(|f| fold(f)).collect::<Vec<_>>().join("\n")
}

/// True when every word of the (folded) query occurs in the session's
/// search text. An empty query matches everything.
pub fn matches(search_text: &str, folded_query: &str) -> bool {
    folded_query.split_whitespace().all(|word| search_text.contains(word))
}

/// Sorts ids (given in activity order) by `order`; stable, so equal names
/// keep their activity order. `compare` is the locale's collation.
pub fn sort_ids(
    ids: &mut [String],
    row_of: impl Fn(&str) -> Option<SessionRow>,
    order: SortOrder,
    compare: impl Fn(&str, &str) -> Ordering,
) {
    let key = |id: &String| -> (String, Option<String>) {
        match row_of(id) {
            Some(row) => (row.name().to_string(), row.client_info.as_ref().and_then(|c| c.name.clone())),
            None => (id.clone(), None),
        }
    };
    match order {
        SortOrder::Activity => {}
        SortOrder::Name => {
            let mut keyed: Vec<(String, String)> = ids.iter().map(|id| (key(id).0, id.clone())).collect();
            keyed.sort_by(|a, b| compare(&a.0, &b.0));
            for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
                *slot = id;
            }
        }
        SortOrder::Application => {
            let mut keyed: Vec<((String, Option<String>), String)> =
                ids.iter().map(|id| (key(id), id.clone())).collect();
            keyed.sort_by(|((name_a, app_a), _), ((name_b, app_b), _)| match (app_a, app_b) {
                (Some(a), Some(b)) => compare(a, b).then_with(|| compare(name_a, name_b)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => compare(name_a, name_b),
            });
            for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
                *slot = id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Device;
    use crate::model::account_data::ClientInfo;

    fn row(id: &str, name: Option<&str>, ip: Option<&str>, app: Option<(&str, &str)>) -> SessionRow {
        SessionRow {
            device: Device {
                device_id: id.into(),
                display_name: name.map(str::to_string),
                last_seen_ip: ip.map(str::to_string),
                ..Default::default()
            },
            client_info: app.map(|(n, u)| ClientInfo { name: Some(n.into()), version: None, url: Some(u.into()) }),
            ..Default::default()
        }
    }

    /// A stand-in for the browser's folding: lower case, a few accents.
    fn fold(s: &str) -> String {
        s.to_lowercase().replace(['é', 'è'], "e").replace('ü', "u")
    }

    #[test]
    fn finds_sessions_by_name_id_ip_and_application() {
        let r = row("ABCDEF", Some("Café laptop"), Some("198.51.100.7"), Some(("Element", "https://app.element.io")));
        let text = search_text(&r, fold);
        for query in ["cafe", "CAFÉ", "abcdef", "198.51.100", "element", "app.element.io", "cafe laptop", ""] {
            assert!(matches(&text, &fold(query)), "{query}");
        }
        for query in ["tablet", "cafe tablet", "laptop198"] {
            assert!(!matches(&text, &fold(query)), "{query}");
        }
        // Without a name, the id is the name.
        let bare = row("XYZ", None, None, None);
        assert!(matches(&search_text(&bare, fold), "xyz"));
    }

    #[test]
    fn sorts_by_name_stably_and_by_application_with_unknown_last() {
        let rows = [
            row("1", Some("b"), None, Some(("Element", ""))),
            row("2", Some("a"), None, None),
            row("3", Some("b"), None, Some(("Cinny", ""))),
            row("4", Some("c"), None, Some(("Element", ""))),
        ];
        let row_of = |id: &str| rows.iter().find(|r| r.id() == id).cloned();
        let ids = || vec!["1".to_string(), "2".into(), "3".into(), "4".into()];
        let mut by_activity = ids();
        sort_ids(&mut by_activity, row_of, SortOrder::Activity, str::cmp);
        assert_eq!(by_activity, ids());
        let mut by_name = ids();
        sort_ids(&mut by_name, row_of, SortOrder::Name, str::cmp);
        assert_eq!(by_name, ["2", "1", "3", "4"], "equal names keep their activity order");
        let mut by_app = ids();
        sort_ids(&mut by_app, row_of, SortOrder::Application, str::cmp);
        assert_eq!(by_app, ["3", "1", "4", "2"]);
    }

    #[test]
    fn sort_orders_round_trip_through_the_address() {
        for s in SortOrder::ALL {
            match s.as_query() {
                Some(q) => assert_eq!(SortOrder::from_query(q), Some(s)),
                None => assert_eq!(s, SortOrder::Activity),
            }
        }
        assert_eq!(SortOrder::from_query("bogus"), None);
    }
}
