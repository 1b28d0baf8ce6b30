//! Translation catalogs: JSON files mapping message keys to text, with
//! `{name}` placeholders and plural forms as `key.one`, `key.few`, … (CLDR
//! categories; the browser's `Intl.PluralRules` picks the category).

use std::collections::HashMap;

use crate::api::ApiError;

pub type Catalog = HashMap<String, String>;

/// A text to show, not yet in words: its key, plural count and
/// placeholders. What the verification module says crosses as this, so
/// the page translates it in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub key: String,
    pub count: Option<usize>,
    pub args: Vec<(String, String)>,
    /// Another text, translated too, for the `{reason}` placeholder.
    pub reason: Option<Box<Text>>,
}

impl Text {
    pub fn new(key: &str) -> Self {
        Text { key: key.to_string(), count: None, args: Vec::new(), reason: None }
    }

    /// With `reason` as its `{reason}`.
    pub fn because(mut self, reason: Text) -> Self {
        self.reason = Some(Box::new(reason));
        self
    }

    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    /// Its plural form for `count`.
    pub fn count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }
}

/// What a failed homeserver call says to the user.
pub fn api_error_text(err: &ApiError) -> Text {
    match err {
        ApiError::Network(_) => Text::new("error.network"),
        ApiError::Timeout(seconds) => Text::new("error.timeout").with("seconds", &seconds.to_string()),
        ApiError::RateLimited { retry_after_ms: Some(ms) } => {
            Text::new("error.rate_limited_in").count(ms.div_ceil(1000).max(1) as usize)
        }
        ApiError::RateLimited { retry_after_ms: None } => Text::new("error.rate_limited"),
        ApiError::UnknownToken { .. } => Text::new("error.token"),
        ApiError::AuthRequired(_) => Text::new("error.auth_required"),
        // The server's own words.
        ApiError::Matrix { message, .. } => Text::new("error.server_says").with("message", message),
        ApiError::Http { status } => Text::new("error.http").with("status", &status.to_string()),
        ApiError::Decode(_) => Text::new("error.decode"),
        ApiError::TooLarge(mb) => Text::new("error.too_large").with("megabytes", &mb.to_string()),
        ApiError::Redirected => Text::new("error.redirected"),
    }
}

/// Reads a catalog; `_comment` keys are notes for translators.
pub fn parse_catalog(json: &str) -> Result<Catalog, serde_json::Error> {
    let mut catalog: Catalog = serde_json::from_str(json)?;
    catalog.retain(|k, _| !k.starts_with('_'));
    Ok(catalog)
}

/// Replaces `{name}` placeholders; unknown placeholders stay as they are.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// `fill` for right-to-left languages: each value is a bidi isolate
/// (U+2068 … U+2069, what `<bdi>` does), so a session id, address or URL
/// keeps its own direction inside the sentence around it.
pub fn fill_isolated(template: &str, args: &[(&str, &str)]) -> String {
    let isolated: Vec<(&str, String)> =
        args.iter().map(|(name, value)| (*name, format!("\u{2068}{value}\u{2069}"))).collect();
    let args: Vec<(&str, &str)> = isolated.iter().map(|(name, value)| (*name, value.as_str())).collect();
    fill(template, &args)
}

/// The plural category of `count` for languages whose rule is "one for
/// exactly 1, other otherwise" (English, German) — used where the browser's
/// rules are not available (native tests).
pub fn simple_plural_category(count: usize) -> &'static str {
    if count == 1 { "one" } else { "other" }
}

/// The placeholders a template uses, sorted.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::model::languages::{LANGUAGES, plural_categories};

    /// The page's English texts.
    fn page_english() -> Catalog {
        parse_catalog(include_str!("../web/i18n/en.json")).unwrap()
    }

    /// English: the page's texts and the verification module's.
    fn english() -> Catalog {
        let mut en = page_english();
        en.extend(parse_catalog(include_str!("../verifier/en.json")).unwrap());
        en
    }

    /// Code that runs only in the verification module (or is drawn by it,
    /// or words what only it finds: `UnlockProblem`), which adds its
    /// English to the page's.
    fn is_module_code(path: &std::path::Path) -> bool {
        let path = path.to_string_lossy();
        path.contains("/src/verifier") || path.ends_with("/bin/verifier.rs") || {
            let name = path.rsplit('/').next().unwrap_or("");
            ["sas_dialog.rs", "unlock_dialog.rs", "verifier_messages.rs"].contains(&name)
        }
    }

    fn catalog(lang: &str) -> Catalog {
        if lang == "en" {
            return english();
        }
        let path = format!("{}/src/web/i18n/{lang}.json", env!("CARGO_MANIFEST_DIR"));
        let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse_catalog(&json).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

    /// Each message: its plural forms by category, or its one text under "".
    fn messages(catalog: &Catalog) -> BTreeMap<&str, BTreeMap<&str, &str>> {
        let mut messages: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
        for (key, text) in catalog {
            let (message, category) =
                key.rsplit_once('.').filter(|(_, category)| CATEGORIES.contains(category)).unwrap_or((key, ""));
            messages.entry(message).or_default().insert(category, text);
        }
        messages
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("{count} sessions of {name}", &[("count", "2"), ("name", "Alice")]), "2 sessions of Alice");
        assert_eq!(fill("{missing} stays", &[]), "{missing} stays");
    }

    #[test]
    fn right_to_left_values_are_isolated() {
        assert_eq!(
            fill_isolated("({id}) {name}", &[("id", "ABC/1"), ("name", "هاتف")]),
            "(\u{2068}ABC/1\u{2069}) \u{2068}هاتف\u{2069}"
        );
    }

    /// Every shipped catalog has exactly English's messages, each plural
    /// message in exactly the categories its language selects, and the
    /// same placeholders (a plural form other than `other` may leave some
    /// out, as "one session" says the number in words).
    #[test]
    fn every_catalog_has_the_english_messages_placeholders_and_plural_forms() {
        let english = catalog("en");
        let en = messages(&english);
        for lang in LANGUAGES {
            let texts = catalog(lang);
            let theirs = messages(&texts);
            let missing: Vec<&&str> = en.keys().filter(|k| !theirs.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<&&str> = theirs.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{lang} has unknown messages {extra:?}");
            let needed: BTreeSet<&str> = plural_categories(lang).iter().copied().collect();
            for (message, forms) in &theirs {
                let english = &en[message];
                if let Some(text) = english.get("") {
                    assert_eq!(forms.keys().collect::<Vec<_>>(), [&""], "{lang}: {message} is not a plural message");
                    assert_eq!(placeholders(forms[""]), placeholders(text), "{lang}: placeholders of {message}");
                    continue;
                }
                let categories: BTreeSet<&str> = forms.keys().copied().collect();
                assert_eq!(categories, needed, "{lang}: plural forms of {message}");
                let allowed: BTreeSet<String> = english.values().flat_map(|t| placeholders(t)).collect();
                for (category, text) in forms {
                    let used: BTreeSet<String> = placeholders(text).into_iter().collect();
                    assert!(used.is_subset(&allowed), "{lang}: {message}.{category} has unknown placeholders");
                }
                assert_eq!(
                    placeholders(forms["other"]),
                    placeholders(english["other"]),
                    "{lang}: placeholders of {message}.other"
                );
            }
        }
    }

    /// Every key the code asks for exists (keys are string literals passed
    /// to `t`, `t_with` or `t_count`, or given to `Text::new`): the page's
    /// code in the page's English alone (it runs without the module), the
    /// module's in both.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let (page, both) = (page_english(), english());
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                let en = if is_module_code(&path) { &both } else { &page };
                for call in ["t(\"", "t_with(\"", "t_plain(\"", "t_count(\"", "Text::new(\""] {
                    let mut pieces = source.split(call);
                    let mut before = pieces.next().unwrap_or("");
                    for part in pieces {
                        // A call, not the end of a longer name such as `get` or `t_count`.
                        let is_call = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
                        before = part;
                        if !is_call {
                            continue;
                        }
                        let Some((key, _)) = part.split_once('"') else { continue };
                        if !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.') {
                            continue;
                        }
                        let counted = call == "t_count(\"" || (call == "Text::new(\"" && !en.contains_key(key));
                        let exists = if counted {
                            en.contains_key(&format!("{key}.one")) && en.contains_key(&format!("{key}.other"))
                        } else {
                            en.contains_key(key)
                        };
                        // Errors the module reports are worded by the page.
                        let exists = exists && (!key.starts_with("verify.error.") || page.contains_key(key));
                        if !exists && key.contains('.') {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from en.json: {missing:#?}");
    }

    /// Ending a session is always "Sign out" ("Abmelden", "Se déconnecter"),
    /// never "Remove" or "Delete", in every language; only what this
    /// browser keeps is removed or cleared.
    #[test]
    fn ending_a_session_is_called_sign_out() {
        let local = [
            "sign_out.remove_locally",
            "login.notice.removed_locally",
            "login.notice.unreadable",
            "login.notice.incomplete",
            "login.notice.other_homeserver",
            "history.clear",
            "history.cleared",
            "clean_up.preview",
        ];
        // Word stems for removing or deleting, by language.
        let words: [(&str, &[&str]); 9] = [
            ("en", &["remove", "delete"]),
            ("de", &["entfern", "lösch"]),
            ("fr", &["supprim", "retir"]),
            ("es", &["elimin", "borr", "quitar"]),
            ("it", &["rimuov", "rimoss", "elimin", "cancell"]),
            ("nl", &["verwijder", "wis "]),
            ("pl", &["usuń", "usun", "skasuj"]),
            ("pt-BR", &["remov", "exclu", "apag"]),
            ("ar", &["حذف", "إزالة", "أزل", "أُزيل"]),
        ];
        assert_eq!(words.map(|(lang, _)| lang), LANGUAGES);
        for (lang, stems) in words {
            for (key, text) in &catalog(lang) {
                if local.iter().any(|l| key.starts_with(l)) || key.contains("forget") {
                    continue;
                }
                let lower = text.to_lowercase();
                for word in stems {
                    assert!(!lower.contains(word), "{lang}: {key} says {word:?}: {text}");
                }
            }
        }
    }

    #[test]
    fn plural_category_for_english_and_german() {
        assert_eq!(simple_plural_category(1), "one");
        assert_eq!(simple_plural_category(0), "other");
        assert_eq!(simple_plural_category(2), "other");
    }
}
