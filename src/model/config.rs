//! The deployment's `config.json`, served beside `index.html`. A missing
//! file means defaults; an invalid one is reported with the bad field named,
//! so an admin can fix it.

use serde::Deserialize;

pub const DEFAULT_BRAND: &str = "Session Manager";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppConfig {
    /// Pre-filled in the Homeserver field.
    pub default_homeserver: Option<String>,
    /// Shown in the title and in new sessions' display names.
    pub brand: String,
    /// Sessions not seen for longer than this are inactive.
    pub inactive_days: u32,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            default_homeserver: None,
            brand: DEFAULT_BRAND.to_string(),
            inactive_days: crate::model::filters::DEFAULT_INACTIVE_DAYS,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    default_homeserver: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    inactive_days: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("config.json is invalid: {0}")]
pub struct ConfigError(pub String);

/// Parses `config.json`. serde's messages name the field and position.
pub fn parse_config(text: &str) -> Result<AppConfig, ConfigError> {
    let raw: RawConfig = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
    let mut config = AppConfig::default();
    if let Some(hs) = raw.default_homeserver {
        if hs.trim().is_empty() {
            return Err(ConfigError("\"default_homeserver\" is empty".into()));
        }
        crate::model::homeserver::parse_address(&hs)
            .map_err(|e| ConfigError(format!("\"default_homeserver\": {e}")))?;
        config.default_homeserver = Some(hs.trim().to_string());
    }
    if let Some(brand) = raw.brand {
        let brand = brand.trim();
        if brand.is_empty() || brand.chars().count() > 40 {
            return Err(ConfigError("\"brand\" must have 1 to 40 characters".into()));
        }
        config.brand = brand.to_string();
    }
    if let Some(days) = raw.inactive_days {
        if !(1..=3650).contains(&days) {
            return Err(ConfigError("\"inactive_days\" must be between 1 and 3650".into()));
        }
        config.inactive_days = days;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_gives_defaults() {
        assert_eq!(parse_config("{}"), Ok(AppConfig::default()));
    }

    #[test]
    fn reads_homeserver_and_brand() {
        let c = parse_config(r#"{"default_homeserver":"http://127.0.0.1:8008","brand":"Acme"}"#).unwrap();
        assert_eq!(c.default_homeserver.as_deref(), Some("http://127.0.0.1:8008"));
        assert_eq!(c.brand, "Acme");
    }

    #[test]
    fn errors_name_the_bad_field() {
        let unknown = parse_config(r#"{"default_homserver":"x"}"#).unwrap_err();
        assert!(unknown.0.contains("default_homserver"), "{unknown}");
        let wrong_type = parse_config(r#"{"brand":5}"#).unwrap_err();
        assert!(wrong_type.0.contains("line 1"), "{wrong_type}");
        let days = parse_config(r#"{"inactive_days":0}"#).unwrap_err();
        assert!(days.0.contains("inactive_days"), "{days}");
        assert_eq!(parse_config(r#"{"inactive_days":30}"#).unwrap().inactive_days, 30);
        let bad_url = parse_config(r#"{"default_homeserver":"not a server"}"#).unwrap_err();
        assert!(bad_url.0.contains("default_homeserver"), "{bad_url}");
        assert!(parse_config("not json").is_err());
    }
}
