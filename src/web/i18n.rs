//! The page's language: texts from the translation files in `src/web/i18n/`,
//! plural forms chosen by the browser's `Intl.PluralRules`, dates formatted
//! by `Intl.DateTimeFormat` (in `format.rs`). The language comes from
//! `config.json` or the browser. English is compiled in; every other
//! catalog is its own hashed file (named by the build in
//! `<meta name="catalog-<lang>">`) fetched at start, and a catalog that
//! cannot be loaded leaves the page in English.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::api::ApiError;
use crate::api::address::AddressError;
use crate::api::auth::DiscoveryError;
use crate::api::http;
use crate::model::languages::{FALLBACK, best_match, is_rtl};
use crate::model::messages::{
    Catalog, Text, api_error_text, fill, fill_isolated, parse_catalog, simple_plural_category,
};

const EN: &str = include_str!("i18n/en.json");

struct Active {
    lang: &'static str,
    /// Empty for English: the fallback says it all.
    messages: Catalog,
    fallback: Catalog,
    plurals: Option<js_sys::Intl::PluralRules>,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
}

/// The best shipped language for the browser's preferences.
pub fn browser_language() -> &'static str {
    let preferred: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    best_match(&preferred).unwrap_or(FALLBACK)
}

/// The built file of `lang`'s catalog, from the page's `<meta>`.
fn catalog_url(lang: &str) -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let meta = document
        .query_selector(&format!("meta[name=\"catalog-{lang}\"]"))
        .ok()
        .flatten()
        .ok_or_else(|| format!("the build names no catalog for {lang}"))?;
    meta.get_attribute("content").ok_or_else(|| format!("the build names no catalog for {lang}"))
}

/// Fetches and reads `lang`'s catalog (nothing to fetch for English).
pub async fn fetch_catalog(lang: &'static str) -> Result<Catalog, String> {
    if lang == FALLBACK {
        return Ok(Catalog::new());
    }
    let url = catalog_url(lang)?;
    // Short: the page is usable in English without it.
    let res = http::get_document(&url, 5_000).await.map_err(|e| format!("{e:?}"))?;
    if !(200..300).contains(&res.status) {
        return Err(format!("HTTP {}", res.status));
    }
    parse_catalog(&res.body).map_err(|e| e.to_string())
}

/// Makes `lang` the page's language with its fetched catalog; English when
/// the catalog could not be had (said in the console, not on the page).
/// Also sets `<html lang>` and `dir`.
pub fn activate(lang: &'static str, catalog: Result<Catalog, String>) {
    let lang = install(lang, catalog, None);
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang);
        let _ = root.set_attribute("dir", if is_rtl(lang) { "rtl" } else { "ltr" });
    }
}

/// `activate` for the verification module: its texts only, with its own
/// English added (`more_english`); the page's `<html>` stays as the page
/// set it.
pub fn activate_texts(lang: &'static str, catalog: Result<Catalog, String>, more_english: &str) {
    install(lang, catalog, Some(more_english));
}

/// Installs the texts; returns the language that is active.
fn install(lang: &'static str, catalog: Result<Catalog, String>, more_english: Option<&str>) -> &'static str {
    let (lang, messages) = match catalog {
        Ok(messages) => (lang, messages),
        Err(problem) => {
            web_sys::console::warn_1(
                &format!("the {lang} texts could not be loaded ({problem}); showing English").into(),
            );
            (FALLBACK, Catalog::new())
        }
    };
    let mut fallback = parse_catalog(EN).unwrap_or_default();
    if let Some(more) = more_english {
        fallback.extend(parse_catalog(more).unwrap_or_default());
    }
    let locales = js_sys::Array::of1(&JsValue::from_str(lang));
    let plurals = Some(js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new()));
    ACTIVE.with(|a| *a.borrow_mut() = Some(Active { lang, messages, fallback, plurals }));
    lang
}

fn with_active<R>(f: impl FnOnce(&Active) -> R) -> R {
    if ACTIVE.with(|a| a.borrow().is_none()) {
        activate(FALLBACK, Ok(Catalog::new()));
    }
    ACTIVE.with(|a| match a.borrow().as_ref() {
        Some(active) => f(active),
        // Unreachable after `activate`; English keeps the page readable anyway.
        None => {
            let fallback = parse_catalog(EN).unwrap_or_default();
            f(&Active { lang: "en", messages: fallback.clone(), fallback, plurals: None })
        }
    })
}

/// The active language tag ("en", "pt-BR").
pub fn lang() -> &'static str {
    with_active(|a| a.lang)
}

/// The text of `key` (English if the language lacks it; the key itself if
/// both do, so a missing text is visible rather than blank).
pub fn t(key: &str) -> String {
    with_active(|a| a.messages.get(key).or_else(|| a.fallback.get(key)).cloned().unwrap_or_else(|| key.to_string()))
}

/// `t` with `{name}` placeholders filled.
pub fn t_with(key: &str, args: &[(&str, &str)]) -> String {
    fill_in(&t(key), args)
}

/// `t_with` without bidi isolates, for text that leaves the page (a
/// session name the server stores, the window title, a notification).
pub fn t_plain(key: &str, args: &[(&str, &str)]) -> String {
    fill(&t(key), args)
}

/// Fills a template; in a right-to-left language each value keeps its own
/// direction.
fn fill_in(template: &str, args: &[(&str, &str)]) -> String {
    if with_active(|a| is_rtl(a.lang)) { fill_isolated(template, args) } else { fill(template, args) }
}

/// The plural form of `key` for `count` (`key.one`, `key.other`, …), with
/// `{count}` and `args` filled.
pub fn t_count(key: &str, count: usize, args: &[(&str, &str)]) -> String {
    let category = with_active(|a| {
        a.plurals
            .as_ref()
            .map(|p| p.select(count as f64).as_string().unwrap_or_default())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| simple_plural_category(count).to_string())
    });
    let mut template = t(&format!("{key}.{category}"));
    if template.starts_with(key) {
        template = t(&format!("{key}.other"));
    }
    let count_text = count.to_string();
    let mut all = vec![("count", count_text.as_str())];
    all.extend_from_slice(args);
    fill_in(&template, &all)
}

/// What a failed homeserver call says, in the page's language.
pub fn api_error(err: &ApiError) -> String {
    text(&api_error_text(err))
}

/// A `Text` in the page's language.
pub fn text(text: &Text) -> String {
    let reason = text.reason.as_deref().map(self::text);
    let mut args: Vec<(&str, &str)> = text.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Some(reason) = &reason {
        args.push(("reason", reason));
    }
    match text.count {
        Some(count) => t_count(&text.key, count, &args),
        None => t_with(&text.key, &args),
    }
}

/// Why a homeserver address did not work, in the page's language.
pub fn discovery_error(err: &DiscoveryError) -> String {
    match err {
        DiscoveryError::Address(AddressError::Empty) => t("discovery.empty"),
        DiscoveryError::Address(AddressError::Invalid(input)) => t_with("discovery.invalid", &[("input", input)]),
        DiscoveryError::Unreachable(target) => t_with("discovery.unreachable", &[("target", target)]),
        DiscoveryError::Timeout(target, s) => {
            t_with("discovery.timeout", &[("target", target), ("seconds", &s.to_string())])
        }
        DiscoveryError::NotMatrix(target) => t_with("discovery.not_matrix", &[("target", target)]),
        DiscoveryError::BadWellKnown(target) => t_with("discovery.bad_well_known", &[("target", target)]),
        DiscoveryError::Redirected(target) => t_with("discovery.redirected", &[("target", target)]),
    }
}
