//! The deployment's `config.json`, served beside `index.html`. A missing
//! file means defaults; an invalid one is reported with the bad field named,
//! so an admin can fix it.

use serde::Deserialize;

pub const DEFAULT_BRAND: &str = "Session Manager";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Follows the system (`prefers-color-scheme`).
    #[default]
    Auto,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// A link back to the portal that embeds this page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalLink {
    pub url: String,
    /// `None`: "the portal", in the page's language.
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppConfig {
    /// Pre-filled in the Homeserver field.
    pub default_homeserver: Option<String>,
    /// Only `default_homeserver` can be used; no Homeserver field is shown.
    pub lock_homeserver: bool,
    /// Shown in the title and in new sessions' display names.
    pub brand: String,
    pub theme: Theme,
    /// `#rrggbb`, replacing the accent colour of both themes.
    pub accent_color: Option<String>,
    /// Sessions not seen for longer than this are inactive.
    pub inactive_days: u32,
    /// Shown on the sign-in page as "Back to <name>".
    pub portal: Option<PortalLink>,
    /// When embedded in a frame: the parent page's origin, the only one that
    /// gets this page's messages.
    pub embed_parent_origin: Option<String>,
    /// A shipped language (`languages::LANGUAGES`); `None` follows the
    /// browser.
    pub language: Option<String>,
}

impl AppConfig {
    /// The only homeserver a login may be for, when the page is locked to one.
    pub fn locked_homeserver(&self) -> Option<String> {
        self.lock_homeserver.then(|| self.default_homeserver.clone()).flatten()
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            default_homeserver: None,
            lock_homeserver: false,
            brand: DEFAULT_BRAND.to_string(),
            theme: Theme::Auto,
            accent_color: None,
            inactive_days: crate::model::filters::DEFAULT_INACTIVE_DAYS,
            portal: None,
            embed_parent_origin: None,
            language: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    default_homeserver: Option<String>,
    #[serde(default)]
    lock_homeserver: Option<bool>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    accent_color: Option<String>,
    #[serde(default)]
    inactive_days: Option<u32>,
    #[serde(default)]
    portal_url: Option<String>,
    #[serde(default)]
    portal_name: Option<String>,
    #[serde(default)]
    embed_parent_origin: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("config.json is invalid: {0}")]
pub struct ConfigError(pub String);

fn field_error(field: &str, problem: &str) -> ConfigError {
    ConfigError(format!("\"{field}\" {problem}"))
}

fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !s.contains(char::is_whitespace)
        && s.len() > "http://".len()
}

/// An origin: scheme, host and optional port, nothing else.
fn is_origin(s: &str) -> bool {
    let Some((_, rest)) = s.split_once("://") else { return false };
    is_http_url(s) && !rest.is_empty() && !rest.contains(['/', '?', '#', '@'])
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Parses `config.json`. serde's messages name unknown fields and the line.
pub fn parse_config(text: &str) -> Result<AppConfig, ConfigError> {
    let raw: RawConfig = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
    let mut config = AppConfig::default();
    if let Some(hs) = raw.default_homeserver {
        crate::api::address::parse_address(&hs)
            .map_err(|e| field_error("default_homeserver", &format!("is not usable: {e}")))?;
        config.default_homeserver = Some(hs.trim().to_string());
    }
    if raw.lock_homeserver == Some(true) {
        if config.default_homeserver.is_none() {
            return Err(field_error("lock_homeserver", "needs \"default_homeserver\""));
        }
        config.lock_homeserver = true;
    }
    if let Some(brand) = raw.brand {
        let brand = brand.trim();
        if brand.is_empty() || brand.chars().count() > 40 {
            return Err(field_error("brand", "must have 1 to 40 characters"));
        }
        config.brand = brand.to_string();
    }
    if let Some(theme) = raw.theme {
        config.theme = match theme.as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            "auto" => Theme::Auto,
            _ => return Err(field_error("theme", "must be \"light\", \"dark\" or \"auto\"")),
        };
    }
    if let Some(colour) = raw.accent_color {
        if !is_hex_colour(&colour) {
            return Err(field_error("accent_color", "must look like #0a6e4f"));
        }
        config.accent_color = Some(colour.to_ascii_lowercase());
    }
    if let Some(days) = raw.inactive_days {
        if !(1..=3650).contains(&days) {
            return Err(field_error("inactive_days", "must be between 1 and 3650"));
        }
        config.inactive_days = days;
    }
    match (raw.portal_url, raw.portal_name) {
        (Some(url), name) => {
            if !is_http_url(&url) {
                return Err(field_error("portal_url", "must be an http(s) address"));
            }
            let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
            config.portal = Some(PortalLink { url, name });
        }
        (None, Some(_)) => return Err(field_error("portal_name", "needs \"portal_url\"")),
        (None, None) => {}
    }
    if let Some(origin) = raw.embed_parent_origin {
        let origin = origin.trim_end_matches('/').to_string();
        if !is_origin(&origin) {
            return Err(field_error("embed_parent_origin", "must be an origin such as https://portal.example.org"));
        }
        config.embed_parent_origin = Some(origin);
    }
    if let Some(language) = raw.language.filter(|l| l != "auto") {
        match crate::model::languages::shipped(&language) {
            Some(tag) => config.language = Some(tag.to_string()),
            None => {
                let shipped = crate::model::languages::LANGUAGES.join(", ");
                return Err(field_error("language", &format!("must be \"auto\" or one of {shipped}")));
            }
        }
    }
    Ok(config)
}

/// The text colour that reads best on `accent` (`#rrggbb`): black or white,
/// by WCAG relative luminance.
pub fn text_colour_on(accent: &str) -> &'static str {
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(accent.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0)) / 255.0;
        if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast with white: 1.05 / (L + 0.05); with black: (L + 0.05) / 0.05.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 { "#ffffff" } else { "#000000" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_gives_defaults() {
        assert_eq!(parse_config("{}"), Ok(AppConfig::default()));
    }

    #[test]
    fn reads_every_field() {
        let c = parse_config(
            r##"{"default_homeserver":"http://127.0.0.1:8008","lock_homeserver":true,"brand":"Acme",
                "theme":"dark","accent_color":"#FF8800","inactive_days":30,
                "portal_url":"https://portal.example.org/account","portal_name":"Acme Portal",
                "embed_parent_origin":"https://portal.example.org/"}"##,
        )
        .unwrap();
        assert_eq!(c.default_homeserver.as_deref(), Some("http://127.0.0.1:8008"));
        assert!(c.lock_homeserver);
        assert_eq!(c.brand, "Acme");
        assert_eq!(c.theme, Theme::Dark);
        assert_eq!(c.accent_color.as_deref(), Some("#ff8800"));
        assert_eq!(c.inactive_days, 30);
        assert_eq!(
            c.portal,
            Some(PortalLink { url: "https://portal.example.org/account".into(), name: Some("Acme Portal".into()) })
        );
        assert_eq!(c.embed_parent_origin.as_deref(), Some("https://portal.example.org"));
    }

    fn error_of(json: &str) -> String {
        parse_config(json).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_bad_field() {
        assert!(error_of(r#"{"default_homserver":"x"}"#).contains("default_homserver"));
        assert!(error_of(r#"{"brand":5}"#).contains("line 1"));
        assert!(error_of(r#"{"default_homeserver":"not a server"}"#).contains("default_homeserver"));
        assert!(error_of(r#"{"inactive_days":0}"#).contains("inactive_days"));
        assert!(error_of(r#"{"lock_homeserver":true}"#).contains("lock_homeserver"));
        assert!(error_of(r#"{"theme":"purple"}"#).contains("theme"));
        assert!(error_of(r#"{"accent_color":"red; background: url(x)"}"#).contains("accent_color"));
        assert!(error_of(r#"{"portal_url":"javascript:alert(1)"}"#).contains("portal_url"));
        assert!(error_of(r#"{"portal_name":"x"}"#).contains("portal_name"));
        assert!(error_of(r#"{"embed_parent_origin":"https://x.org/path"}"#).contains("embed_parent_origin"));
        assert!(error_of(r#"{"embed_parent_origin":"*"}"#).contains("embed_parent_origin"));
        assert!(error_of(r#"{"language":"sv"}"#).contains("language"));
        assert_eq!(parse_config(r#"{"language":"pt-br"}"#).unwrap().language.as_deref(), Some("pt-BR"));
        assert_eq!(parse_config(r#"{"language":"fr"}"#).unwrap().language.as_deref(), Some("fr"));
        assert_eq!(parse_config(r#"{"language":"de"}"#).unwrap().language.as_deref(), Some("de"));
        assert_eq!(parse_config(r#"{"language":"auto"}"#).unwrap().language, None);
        assert!(parse_config("not json").is_err());
    }

    #[test]
    fn accent_text_colour_keeps_contrast() {
        assert_eq!(text_colour_on("#0a6e4f"), "#ffffff");
        assert_eq!(text_colour_on("#ffcc00"), "#000000");
        assert_eq!(text_colour_on("#000000"), "#ffffff");
        assert_eq!(text_colour_on("#ffffff"), "#000000");
    }
}
