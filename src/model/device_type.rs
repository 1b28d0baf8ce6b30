//! What kind of device a session runs on — mobile, desktop, web, bot — read
//! from its client information and its name. Synapse no longer reports user
//! agents, so names are what is left; clients name their sessions after
//! conventions ("Element Android", "Element X iOS", "Element Desktop:
//! macOS", "app.element.io: Firefox on Windows", "maubot"), and anything
//! else stays Unknown rather than guessed.

use crate::model::sessions::SessionRow;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceType {
    Mobile,
    Desktop,
    Web,
    Bot,
    #[default]
    Unknown,
}

impl DeviceType {
    /// The type as exports, tests and styles name it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Mobile => "mobile",
            DeviceType::Desktop => "desktop",
            DeviceType::Web => "web",
            DeviceType::Bot => "bot",
            DeviceType::Unknown => "unknown",
        }
    }
}

const BROWSERS: &[&str] = &["chrome", "chromium", "firefox", "safari", "edge", "opera", "brave", "vivaldi", "browser"];
const MOBILE: &[&str] = &["android", "ios", "iphone", "ipad", "ipados", "mobile", "phone", "smartphone", "tablet"];
const DESKTOP_OS: &[&str] =
    &["windows", "macos", "mac", "linux", "ubuntu", "debian", "fedora", "freebsd", "laptop", "pc"];

/// Lower-case words of `text` ("Element X iOS" → element, x, ios).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

fn is_bot_word(word: &str) -> bool {
    // "bot", "maubot", "mjolnirbot", "bots"; not "both" or "bottom".
    word == "bot" || word == "bots" || (word.len() > 3 && word.ends_with("bot"))
}

/// The device type of a session with this `name`, client `app` name and
/// client `url` (from its client information).
pub fn classify(name: &str, app: Option<&str>, url: Option<&str>) -> DeviceType {
    let all: Vec<String> = words(name).chain(app.into_iter().flat_map(words)).collect();
    let has = |list: &[&str]| all.iter().any(|w| list.contains(&w.as_str()));
    if all.iter().any(|w| is_bot_word(w)) {
        return DeviceType::Bot;
    }
    // Element Desktop and other Electron apps.
    if has(&["desktop", "electron"]) {
        return DeviceType::Desktop;
    }
    // A web app says where it is served; a browser name means a web page,
    // even on a phone ("Chrome on Android").
    let served_from_web = url.is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"));
    if served_from_web || has(BROWSERS) {
        return DeviceType::Web;
    }
    if has(MOBILE) {
        return DeviceType::Mobile;
    }
    if has(DESKTOP_OS) {
        return DeviceType::Desktop;
    }
    DeviceType::Unknown
}

/// The device type of a session row.
pub fn of_row(row: &SessionRow) -> DeviceType {
    let info = row.client_info.as_ref();
    classify(row.name(), info.and_then(|i| i.name.as_deref()), info.and_then(|i| i.url.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeviceType::*;

    #[test]
    fn element_naming_conventions() {
        assert_eq!(classify("Element Android", None, None), Mobile);
        assert_eq!(classify("Element X iOS", None, None), Mobile);
        assert_eq!(classify("iPhone de Marie", None, None), Mobile);
        assert_eq!(classify("Element Desktop: macOS", None, None), Desktop);
        assert_eq!(classify("Nheko on Windows", None, None), Desktop);
        assert_eq!(classify("app.element.io: Firefox on Windows", None, None), Web);
        assert_eq!(classify("Chrome on Android", None, None), Web);
        assert_eq!(classify("maubot", None, None), Bot);
        assert_eq!(classify("Reminder bot", None, None), Bot);
    }

    #[test]
    fn client_information_counts() {
        assert_eq!(classify("ABCDEFGHIJ", Some("Element"), Some("https://app.element.io/")), Web);
        assert_eq!(classify("ABCDEFGHIJ", Some("Element Desktop"), Some("vector://vector/webapp/")), Desktop);
        assert_eq!(classify("ABCDEFGHIJ", Some("Element Android"), None), Mobile);
        // A URL that is not a web address says nothing on its own.
        assert_eq!(classify("ABCDEFGHIJ", Some("Element"), Some("vector://vector/webapp/")), Unknown);
    }

    #[test]
    fn unknown_stays_unknown() {
        assert_eq!(classify("QWERTYUIOP", None, None), Unknown);
        assert_eq!(classify("My laptop", None, None), Desktop);
        assert_eq!(classify("Work phone", None, None), Mobile);
        assert_eq!(classify("", None, None), Unknown);
        // Words that merely contain the letters.
        assert_eq!(classify("Both rooms", None, None), Unknown);
        assert_eq!(classify("Bottom drawer", None, None), Unknown);
        assert_eq!(classify("Iosif's thing", None, None), Unknown);
    }
}
