//! The languages the page speaks and how a browser's preferences or a
//! portal's `config.json` choose one. Pure: the browser's list comes in as
//! strings.

/// Every shipped language, as its catalog's file name (`src/web/i18n/`).
/// English is compiled in as the fallback; the others are separate files
/// fetched on demand.
pub const LANGUAGES: [&str; 9] = ["en", "de", "fr", "es", "it", "nl", "pl", "pt-BR", "ar"];

/// The fallback, always in the bundle.
pub const FALLBACK: &str = "en";

/// The shipped language `tag` names exactly, ignoring case and `_` for `-`
/// (`pt_br`, `PT-BR` → `pt-BR`).
pub fn shipped(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().replace('_', "-");
    LANGUAGES.into_iter().find(|l| l.eq_ignore_ascii_case(&tag))
}

/// The best shipped language for a browser's ordered preferences
/// (`navigator.languages`): the first preference that is shipped exactly,
/// or whose primary language is (`fr-CA` → `fr`, `pt` and `pt-PT` →
/// `pt-BR`, the one Portuguese there is). `None` if nothing fits.
pub fn best_match<S: AsRef<str>>(preferences: &[S]) -> Option<&'static str> {
    preferences.iter().find_map(|tag| {
        let tag = tag.as_ref();
        shipped(tag).or_else(|| {
            let wanted = primary(tag);
            LANGUAGES.into_iter().find(|l| primary(l) == wanted)
        })
    })
}

fn primary(tag: &str) -> String {
    tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

/// Whether `tag` is written right to left.
pub fn is_rtl(tag: &str) -> bool {
    matches!(primary(tag).as_str(), "ar" | "he" | "fa" | "ur")
}

/// The CLDR plural categories `Intl.PluralRules` selects from in `tag` —
/// every plural message of its catalog needs each of them. A browser test
/// checks this table against the browser's own rules.
pub fn plural_categories(tag: &str) -> &'static [&'static str] {
    match primary(tag).as_str() {
        "fr" | "es" | "it" | "pt" => &["one", "many", "other"],
        "pl" => &["one", "few", "many", "other"],
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        _ => &["one", "other"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_tags_ignore_case_and_underscores() {
        assert_eq!(shipped("pt-br"), Some("pt-BR"));
        assert_eq!(shipped("PT_BR"), Some("pt-BR"));
        assert_eq!(shipped("fr"), Some("fr"));
        assert_eq!(shipped("fr-CA"), None);
        assert_eq!(shipped("auto"), None);
    }

    #[test]
    fn the_first_preference_that_fits_wins() {
        assert_eq!(best_match(&["pt-BR", "en"]), Some("pt-BR"));
        assert_eq!(best_match(&["fr-CA", "en-US"]), Some("fr"));
        assert_eq!(best_match(&["pt-PT"]), Some("pt-BR"));
        assert_eq!(best_match(&["sv-SE", "nl-BE", "de"]), Some("nl"));
        assert_eq!(best_match(&["ar-EG"]), Some("ar"));
        assert_eq!(best_match(&["en-GB", "de"]), Some("en"));
        assert_eq!(best_match(&["sv", "fi"]), None);
        assert_eq!(best_match::<&str>(&[]), None);
    }

    #[test]
    fn arabic_is_right_to_left() {
        assert!(is_rtl("ar"));
        assert!(!is_rtl("pt-BR"));
        assert!(!is_rtl("en"));
    }
}
