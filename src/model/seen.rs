//! What this browser remembers of an account's sessions between visits:
//! every session it has seen (so one that signed in since is "New" until the
//! user marks it reviewed) and the sessions that went away (the history,
//! with whether this page signed them out). Kept in local storage per
//! account and homeserver; nothing of it is sent anywhere.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

/// The history keeps the most recent sign-outs only.
pub const HISTORY_LIMIT: usize = 200;

/// A session the page has seen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Known {
    pub name: String,
    #[serde(default)]
    pub last_seen_ts: Option<i64>,
    /// When this browser first saw it.
    pub first_seen_ms: i64,
    /// Appeared after the page started watching and not yet reviewed.
    #[serde(default)]
    pub is_new: bool,
}

/// A session that went away.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gone {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub last_seen_ts: Option<i64>,
    /// When the page noticed it was gone.
    pub noticed_ms: i64,
    /// This page signed it out (else: elsewhere, or it expired).
    #[serde(default)]
    pub signed_out_here: bool,
}

/// A session of the current list, as the store needs it.
#[derive(Clone, Copy, Debug)]
pub struct Present<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub last_seen_ts: Option<i64>,
}

/// What changed since the store last looked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Sessions that signed in since (now marked New), in list order.
    pub appeared: Vec<String>,
    pub gone: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeenSessions {
    /// When the page started watching, or the user last marked the new
    /// sessions as reviewed: "New" means "signed in since then".
    pub since_ms: i64,
    pub known: BTreeMap<String, Known>,
    /// Newest first, at most `HISTORY_LIMIT`.
    #[serde(default)]
    pub history: Vec<Gone>,
    /// The user asked for a browser notification when a session signs in.
    #[serde(default)]
    pub notify: bool,
}

impl SeenSessions {
    /// The stored form; `None` when it is missing or unreadable (the page
    /// then starts watching afresh rather than failing).
    pub fn from_json(text: &str) -> Option<SeenSessions> {
        serde_json::from_str(text).ok()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The first look at an account: every session is known, none is new.
    pub fn first_visit(present: &[Present], now_ms: i64) -> SeenSessions {
        let mut seen = SeenSessions { since_ms: now_ms, ..SeenSessions::default() };
        for p in present {
            seen.known.insert(p.id.to_string(), known(p, now_ms, false));
        }
        seen
    }

    /// Compares the current list with what was seen: new sessions (except
    /// `own_id`, which the user just signed in here) are marked New, gone
    /// ones move to the history — as signed out here when `ended_here`
    /// holds them.
    pub fn observe(&mut self, present: &[Present], own_id: &str, now_ms: i64, ended_here: &HashSet<String>) -> Change {
        let mut change = Change::default();
        let ids: HashSet<&str> = present.iter().map(|p| p.id).collect();
        let gone_ids: Vec<String> = self.known.keys().filter(|id| !ids.contains(id.as_str())).cloned().collect();
        for id in gone_ids {
            if let Some(k) = self.known.remove(&id) {
                let signed_out_here = ended_here.contains(&id);
                self.history.insert(
                    0,
                    Gone {
                        id: id.clone(),
                        name: k.name,
                        last_seen_ts: k.last_seen_ts,
                        noticed_ms: now_ms,
                        signed_out_here,
                    },
                );
                change.gone.push(id);
            }
        }
        self.history.truncate(HISTORY_LIMIT);
        for p in present {
            if let Some(k) = self.known.get_mut(p.id) {
                k.name = p.name.to_string();
                k.last_seen_ts = p.last_seen_ts;
            } else if let Some(at) = self.kept_by_server(p.id, now_ms) {
                // Back soon after this page signed it out: the server kept it.
                let back = self.history.remove(at);
                let k = Known { first_seen_ms: back.noticed_ms, ..known(p, now_ms, false) };
                self.known.insert(p.id.to_string(), k);
            } else {
                let is_new = p.id != own_id;
                self.known.insert(p.id.to_string(), known(p, now_ms, is_new));
                if is_new {
                    change.appeared.push(p.id.to_string());
                }
            }
        }
        change
    }

    /// Where `id` is in the history if this page signed it out in the last
    /// ten minutes (a session that is listed again then was kept).
    fn kept_by_server(&self, id: &str, now_ms: i64) -> Option<usize> {
        self.history.iter().position(|g| g.signed_out_here && g.id == id && now_ms - g.noticed_ms < 600_000)
    }

    /// The sessions marked New.
    pub fn new_ids(&self) -> HashSet<String> {
        self.known.iter().filter(|(_, k)| k.is_new).map(|(id, _)| id.clone()).collect()
    }

    /// "Mark as reviewed": nothing is New any more, and "since" starts now.
    pub fn mark_reviewed(&mut self, now_ms: i64) {
        self.known.values_mut().for_each(|k| k.is_new = false);
        self.since_ms = now_ms;
    }

    pub fn clear_history(&mut self) {
        self.history.clear();
    }
}

fn known(p: &Present, now_ms: i64, is_new: bool) -> Known {
    Known { name: p.name.to_string(), last_seen_ts: p.last_seen_ts, first_seen_ms: now_ms, is_new }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(id: &'a str, name: &'a str) -> Present<'a> {
        Present { id, name, last_seen_ts: Some(1000) }
    }

    fn none() -> HashSet<String> {
        HashSet::new()
    }

    #[test]
    fn the_first_visit_marks_nothing_new() {
        let seen = SeenSessions::first_visit(&[p("A", "Phone"), p("B", "Laptop")], 50);
        assert_eq!(seen.since_ms, 50);
        assert!(seen.new_ids().is_empty());
        assert_eq!(seen.known["A"].first_seen_ms, 50);
    }

    #[test]
    fn sessions_that_signed_in_since_are_new_until_reviewed() {
        let mut seen = SeenSessions::first_visit(&[p("A", "Phone"), p("OWN", "Here")], 50);
        let change = seen.observe(&[p("A", "Phone"), p("OWN", "Here"), p("C", "Tablet")], "OWN", 90, &none());
        assert_eq!(change, Change { appeared: vec!["C".into()], gone: vec![] });
        assert_eq!(seen.new_ids(), HashSet::from(["C".to_string()]));
        // Seen again on a later visit: still New, not announced again.
        let again = seen.observe(&[p("A", "Phone"), p("OWN", "Here"), p("C", "Tablet")], "OWN", 95, &none());
        assert_eq!(again, Change::default());
        assert_eq!(seen.new_ids().len(), 1);
        seen.mark_reviewed(100);
        assert!(seen.new_ids().is_empty());
        assert_eq!(seen.since_ms, 100);
    }

    #[test]
    fn this_browsers_own_new_session_is_not_new() {
        let mut seen = SeenSessions::first_visit(&[p("A", "Phone")], 50);
        let change = seen.observe(&[p("A", "Phone"), p("NEWLOGIN", "Here")], "NEWLOGIN", 90, &none());
        assert!(change.appeared.is_empty());
        assert!(seen.known.contains_key("NEWLOGIN"));
    }

    #[test]
    fn gone_sessions_go_to_the_history_newest_first() {
        let mut seen = SeenSessions::first_visit(&[p("A", "Phone"), p("B", "Laptop"), p("C", "Tablet")], 50);
        seen.observe(&[p("B", "Laptop renamed"), p("C", "Tablet")], "X", 60, &HashSet::from(["A".to_string()]));
        let change = seen.observe(&[p("C", "Tablet")], "X", 70, &none());
        assert_eq!(change.gone, vec!["B".to_string()]);
        let history: Vec<(&str, &str, i64, bool)> =
            seen.history.iter().map(|g| (g.id.as_str(), g.name.as_str(), g.noticed_ms, g.signed_out_here)).collect();
        assert_eq!(history, vec![("B", "Laptop renamed", 70, false), ("A", "Phone", 60, true)]);
        assert_eq!(seen.history[0].last_seen_ts, Some(1000));
        seen.clear_history();
        assert!(seen.history.is_empty());
    }

    #[test]
    fn a_session_the_server_kept_comes_back_as_it_was() {
        let mut seen = SeenSessions::first_visit(&[p("A", "Phone"), p("B", "Laptop")], 50);
        seen.observe(&[p("B", "Laptop")], "X", 60, &HashSet::from(["A".to_string()]));
        let change = seen.observe(&[p("A", "Phone"), p("B", "Laptop")], "X", 61, &none());
        assert!(change.appeared.is_empty());
        assert!(seen.history.is_empty() && seen.new_ids().is_empty());
        // One signed out elsewhere that signs in again with its id is new.
        seen.observe(&[p("B", "Laptop")], "X", 70, &none());
        let change = seen.observe(&[p("A", "Phone"), p("B", "Laptop")], "X", 71, &none());
        assert_eq!(change.appeared, vec!["A".to_string()]);
    }

    #[test]
    fn the_history_keeps_the_last_200() {
        let names: Vec<String> = (0..250).map(|i| format!("S{i}")).collect();
        let all: Vec<Present> = names.iter().map(|n| p(n, n)).collect();
        let mut seen = SeenSessions::first_visit(&all, 1);
        for (i, n) in names.iter().enumerate() {
            let rest: Vec<Present> = all[i + 1..].to_vec();
            seen.observe(&rest, "X", 10 + i as i64, &none());
            assert!(!seen.known.contains_key(n));
        }
        assert_eq!(seen.history.len(), HISTORY_LIMIT);
        assert_eq!(seen.history[0].id, "S249");
        assert_eq!(seen.history[199].id, "S50");
    }

    #[test]
    fn the_stored_form_round_trips_and_bad_text_starts_afresh() {
        let mut seen = SeenSessions::first_visit(&[p("A", "Phone")], 50);
        seen.observe(&[p("B", "New")], "X", 60, &none());
        seen.notify = true;
        assert_eq!(SeenSessions::from_json(&seen.to_json()), Some(seen));
        assert_eq!(SeenSessions::from_json("{not json"), None);
        // Earlier stores without the optional fields still read.
        let old = SeenSessions::from_json(r#"{"since_ms":5,"known":{"A":{"name":"P","first_seen_ms":5}}}"#).unwrap();
        assert!(!old.known["A"].is_new && old.history.is_empty() && !old.notify);
    }
}
