//! Every key this page keeps in the browser's local and session storage,
//! and its format version. Nothing else in the app spells a key.
//!
//! Keys are namespaced by the page's base path (`matrix-sessions[/account/
//! sessions/]:…`), so two deployments on one origin never share a login.
//! Two lifetimes:
//! - the *login* (`…:login:v1`) and what belongs to it (the client-information
//!   opt-in) end when this session signs out;
//! - the *account* (`…:account:<homeserver> <user id> …`) outlives sign-outs:
//!   the remembered identity (master key) stays until the user explicitly
//!   forgets the account on this browser, so a forced sign-out cannot reset
//!   it.
//!
//! Keys written by earlier versions (`matrix-sessions:login:v1`,
//! `matrix-sessions:identity:<user>`, …) are moved under the namespace once,
//! by the first deployment on the origin that starts.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

const APP: &str = "matrix-sessions";

thread_local! {
    static SCOPE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The page's base path, e.g. `/` or `/account/sessions/`: where its own
/// files are served from (the loader script's folder), so a deep link
/// (`/account/sessions/anything`) still finds the same namespace.
pub fn scope() -> String {
    if let Some(scope) = SCOPE.with(|s| s.borrow().clone()) {
        return scope;
    }
    let scope = script_folder().unwrap_or_else(page_folder);
    SCOPE.with(|s| *s.borrow_mut() = Some(scope.clone()));
    scope
}

fn script_folder() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let script = document.query_selector("script[type=module][src]").ok()??;
    let src = script.dyn_into::<web_sys::HtmlScriptElement>().ok()?.src();
    let path = web_sys::Url::new(&src).ok()?.pathname();
    Some(folder_of(&path))
}

fn page_folder() -> String {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    folder_of(&path)
}

/// `/a/b/boot.js` → `/a/b/`; `/` → `/`.
pub fn folder_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_string(),
        None => "/".to_string(),
    }
}

fn prefix_in(scope: &str) -> String {
    format!("{APP}[{scope}]:")
}

fn prefix() -> String {
    prefix_in(&scope())
}

/// Who an account-scoped key belongs to. Spaces separate the parts: user
/// ids and homeserver URLs never contain one.
fn account_part(homeserver: &str, user_id: &str) -> String {
    format!("account:{homeserver} {user_id} ")
}

// ---- keys (local storage) ----

/// The stored login (see `model::stored_login`).
pub fn login_key() -> String {
    format!("{}login:v1", prefix())
}

/// The homeserver `config.json` locked the page to on the last visit ("" for
/// none): start-up reads it before `config.json` is in (`login::early_client`).
pub fn homeserver_lock_key() -> String {
    format!("{}homeserver-lock", prefix())
}

/// The last homeserver signed in to, offered again by the sign-in form.
pub fn last_homeserver_key() -> String {
    format!("{}last-homeserver", prefix())
}

/// The account's identity as first seen in this browser (`model::pin`).
pub fn identity_key(homeserver: &str, user_id: &str) -> String {
    format!("{}{}identity:v1", prefix(), account_part(homeserver, user_id))
}

/// The account's sessions as this browser last saw them, and those that
/// went away (`model::seen`).
pub fn seen_key(homeserver: &str, user_id: &str) -> String {
    format!("{}{}seen:v1", prefix(), account_part(homeserver, user_id))
}

/// Whether this session records its client information (`"on"`); belongs to
/// the login.
pub fn client_info_opt_in_key() -> String {
    format!("{}login:client-info-opt-in", prefix())
}

/// This session's device keys (private parts), made when the user asks to
/// verify this session; they belong to the login.
pub fn device_keys_key() -> String {
    format!("{}login:device-keys:v1", prefix())
}

/// The client id an OAuth 2.0 authorization server gave this page's
/// address (a fallback when registration can't be repeated); belongs to
/// neither a login nor an account.
pub fn oauth_client_key(issuer: &str, page: &str) -> String {
    format!("{}oauth-client:v1:{issuer} {page}", prefix())
}

/// The name of the Web Lock under which one tab at a time refreshes tokens.
pub fn refresh_lock_name() -> String {
    format!("{}refresh", prefix())
}

// ---- keys (session storage: this tab only) ----

/// A single sign-on that left for the identity provider (`web::sso`).
pub fn sso_pending_key() -> String {
    format!("{}sso-pending:v1", prefix())
}

/// An OAuth 2.0 sign-in that left for the authorization page (`web::oauth`).
pub fn oauth_pending_key() -> String {
    format!("{}oauth-pending:v1", prefix())
}

// ---- the login's and the account's keys ----

/// Removes the login and what belongs to it. The account's keys stay.
pub fn remove_login() {
    let login_prefix = format!("{}login:", prefix());
    remove_matching(|key| key.starts_with(&login_prefix));
}

/// Forgets everything this browser remembers about an account (its
/// identity and anything else kept across sign-ins).
pub fn forget_account(homeserver: &str, user_id: &str) {
    let account_prefix = format!("{}{}", prefix(), account_part(homeserver, user_id));
    remove_matching(|key| key.starts_with(&account_prefix));
}

/// The accounts this browser remembers something about, as (homeserver,
/// user id), sorted.
pub fn remembered_accounts() -> Vec<(String, String)> {
    let mut accounts = accounts_in(&keys(), &prefix());
    accounts.sort();
    accounts.dedup();
    accounts
}

fn accounts_in(keys: &[String], prefix: &str) -> Vec<(String, String)> {
    let marker = format!("{prefix}account:");
    keys.iter()
        .filter_map(|key| {
            let mut parts = key.strip_prefix(&marker)?.splitn(3, ' ');
            let (homeserver, user, _what) = (parts.next()?, parts.next()?, parts.next()?);
            Some((homeserver.to_string(), user.to_string()))
        })
        .collect()
}

// ---- migration of earlier keys ----

/// What to do with one earlier key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Migration {
    /// Write `value` under `to` (only when `to` is empty), remove `from`.
    Move { from: String, to: String, value: String },
    /// An earlier key without a place any more: remove it.
    Drop { from: String },
}

const LEGACY_LOGIN: &str = "matrix-sessions:login:v1";
const LEGACY_LAST_HOMESERVER: &str = "matrix-sessions:last-homeserver";
const LEGACY_IDENTITY: &str = "matrix-sessions:identity:";
const LEGACY_OPT_IN: &str = "matrix-sessions:client-info-opt-in:";

/// Plans moving keys of earlier versions (no scope, pins by user id only)
/// under `scope`. Pure, so it is tested without a browser. A pin is kept
/// for the homeserver of the stored login when the user matches, else for
/// the `https://` address of the user's server name.
pub fn plan_migration(entries: &[(String, String)], scope: &str) -> Vec<Migration> {
    let prefix = prefix_in(scope);
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let legacy_login = get(LEGACY_LOGIN);
    let login_account = legacy_login.as_deref().and_then(|raw| {
        let value: serde_json::Value = serde_json::from_str(raw).ok()?;
        Some((value.get("homeserver")?.as_str()?.to_string(), value.get("user_id")?.as_str()?.to_string()))
    });
    let mut plan = Vec::new();
    for (key, value) in entries {
        let (from, value) = (key.clone(), value.clone());
        if key == LEGACY_LOGIN {
            plan.push(Migration::Move { from, to: format!("{prefix}login:v1"), value });
        } else if key == LEGACY_LAST_HOMESERVER {
            plan.push(Migration::Move { from, to: format!("{prefix}last-homeserver"), value });
        } else if let Some(user) = key.strip_prefix(LEGACY_IDENTITY) {
            let homeserver = match &login_account {
                Some((hs, login_user)) if login_user == user => Some(hs.clone()),
                _ => crate::model::homeserver::server_of_user_id(user).map(|name| format!("https://{name}")),
            };
            plan.push(match homeserver {
                Some(hs) => Migration::Move {
                    from,
                    to: format!("{prefix}{}identity:v1", account_part(&hs, user)),
                    value: crate::model::pin::legacy_pin_json(&value),
                },
                None => Migration::Drop { from },
            });
        } else if let Some(user) = key.strip_prefix(LEGACY_OPT_IN) {
            plan.push(match &login_account {
                Some((_, login_user)) if login_user == user => {
                    Migration::Move { from, to: format!("{prefix}login:client-info-opt-in"), value }
                }
                _ => Migration::Drop { from },
            });
        }
    }
    plan
}

/// Moves earlier keys under this page's namespace (once: they are removed).
pub fn migrate() {
    let Some(storage) = local() else { return };
    let entries: Vec<(String, String)> = keys()
        .into_iter()
        .filter(|k| k.starts_with("matrix-sessions:"))
        .filter_map(|k| storage.get_item(&k).ok().flatten().map(|v| (k, v)))
        .collect();
    for step in plan_migration(&entries, &scope()) {
        match step {
            Migration::Move { from, to, value } => {
                if storage.get_item(&to).ok().flatten().is_none() {
                    let _ = storage.set_item(&to, &value);
                }
                let _ = storage.remove_item(&from);
            }
            Migration::Drop { from } => {
                let _ = storage.remove_item(&from);
            }
        }
    }
}

// ---- access ----

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a value; false when storage is unavailable or full.
pub fn set(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok().flatten()
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

pub fn session_remove(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}

fn keys() -> Vec<String> {
    let Some(s) = local() else { return Vec::new() };
    let len = s.length().unwrap_or(0);
    (0..len).filter_map(|i| s.key(i).ok().flatten()).collect()
}

fn remove_matching(matches: impl Fn(&str) -> bool) {
    let Some(s) = local() else { return };
    for key in keys().iter().filter(|k| matches(k)) {
        let _ = s.remove_item(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn folders_of_script_paths() {
        assert_eq!(folder_of("/boot-1.js"), "/");
        assert_eq!(folder_of("/account/sessions/boot-1.js"), "/account/sessions/");
        assert_eq!(folder_of("/account/sessions/"), "/account/sessions/");
        assert_eq!(folder_of(""), "/");
    }

    #[test]
    fn earlier_login_and_pin_move_under_the_scope() {
        let login =
            r#"{"homeserver":"https://hs.example.org","user_id":"@a:example.org","device_id":"D","access_token":"t"}"#;
        let plan = plan_migration(
            &[
                entry(LEGACY_LOGIN, login),
                entry("matrix-sessions:identity:@a:example.org", "MASTERKEY"),
                entry("matrix-sessions:client-info-opt-in:@a:example.org", "on"),
                entry(LEGACY_LAST_HOMESERVER, "https://hs.example.org"),
            ],
            "/s/",
        );
        assert_eq!(
            plan,
            vec![
                Migration::Move {
                    from: LEGACY_LOGIN.into(),
                    to: "matrix-sessions[/s/]:login:v1".into(),
                    value: login.into()
                },
                Migration::Move {
                    from: "matrix-sessions:identity:@a:example.org".into(),
                    to: "matrix-sessions[/s/]:account:https://hs.example.org @a:example.org identity:v1".into(),
                    value: r#"{"master_key":"MASTERKEY"}"#.into(),
                },
                Migration::Move {
                    from: "matrix-sessions:client-info-opt-in:@a:example.org".into(),
                    to: "matrix-sessions[/s/]:login:client-info-opt-in".into(),
                    value: "on".into(),
                },
                Migration::Move {
                    from: LEGACY_LAST_HOMESERVER.into(),
                    to: "matrix-sessions[/s/]:last-homeserver".into(),
                    value: "https://hs.example.org".into(),
                },
            ]
        );
    }

    #[test]
    fn a_pin_without_its_login_is_kept_for_the_users_server() {
        let plan = plan_migration(&[entry("matrix-sessions:identity:@b:example.org", "K")], "/");
        assert_eq!(
            plan,
            vec![Migration::Move {
                from: "matrix-sessions:identity:@b:example.org".into(),
                to: "matrix-sessions[/]:account:https://example.org @b:example.org identity:v1".into(),
                value: r#"{"master_key":"K"}"#.into(),
            }]
        );
        // An opt-in without its login has nothing to belong to.
        let plan = plan_migration(&[entry("matrix-sessions:client-info-opt-in:@b:example.org", "on")], "/");
        assert_eq!(plan, vec![Migration::Drop { from: "matrix-sessions:client-info-opt-in:@b:example.org".into() }]);
    }

    #[test]
    fn namespaced_keys_are_left_alone() {
        assert!(plan_migration(&[entry("matrix-sessions[/]:login:v1", "{}")], "/").is_empty());
    }

    #[test]
    fn remembered_accounts_are_read_back_from_their_keys() {
        let keys = vec![
            "matrix-sessions[/]:account:http://127.0.0.1:8008 @a:localhost identity:v1".to_string(),
            "matrix-sessions[/]:login:v1".to_string(),
            "matrix-sessions[/other/]:account:https://x @b:x identity:v1".to_string(),
        ];
        assert_eq!(
            accounts_in(&keys, "matrix-sessions[/]:"),
            vec![("http://127.0.0.1:8008".to_string(), "@a:localhost".to_string())]
        );
    }
}
