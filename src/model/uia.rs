//! User-interactive authentication: which flow to follow, which stage comes
//! next, and the `auth` object each submission sends. The server's 401 body
//! (`UiaState`) is the whole state; every submission echoes its `session`.

use serde_json::{Value, json};

use crate::api::error::UiaState;

pub const PASSWORD: &str = "m.login.password";
pub const SSO: &str = "m.login.sso";
pub const SSO_UNSTABLE: &str = "org.matrix.login.sso";
pub const DUMMY: &str = "m.login.dummy";
/// Approval at the account provider's page (spec v1.17, MSC4312).
pub const OAUTH: &str = "m.oauth";

/// What the user has to do for the next stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UiaStep {
    /// Type the account password.
    Password,
    /// Confirm in a single-sign-on popup, then confirm here.
    Sso { stage: String },
    /// A stage this app has no form for: the server's fallback page.
    Fallback { stage: String },
    /// Approve at the account provider's page (`params["m.oauth"].url`),
    /// then continue here.
    OAuth { url: String },
    /// Nothing for the user to do (`m.login.dummy`).
    Dummy,
}

fn has_own_form(stage: &str) -> bool {
    matches!(stage, PASSWORD | SSO | SSO_UNSTABLE | DUMMY | OAUTH)
}

/// The page an `m.oauth` stage names, when it is a safe web page.
fn oauth_url(state: &UiaState) -> Option<String> {
    let url = state.params.get(OAUTH)?.get("url")?.as_str()?;
    crate::model::links::is_safe_page_url(url).then(|| url.to_string())
}

/// Picks the flow with the fewest stages, each stage without a form here
/// counting as ten (it needs the fallback page); ties keep the server's order.
pub fn choose_flow(state: &UiaState) -> Option<&[String]> {
    state
        .flows
        .iter()
        .filter(|flow| !flow.is_empty())
        .min_by_key(|flow| flow.len() + 10 * flow.iter().filter(|s| !has_own_form(s)).count())
        .map(Vec::as_slice)
}

/// The first stage of the chosen flow that is not completed yet.
pub fn next_step(state: &UiaState) -> Option<UiaStep> {
    let flow = choose_flow(state)?;
    let stage = flow.iter().find(|s| !state.completed.contains(s))?;
    Some(match stage.as_str() {
        PASSWORD => UiaStep::Password,
        SSO | SSO_UNSTABLE => UiaStep::Sso { stage: stage.clone() },
        DUMMY => UiaStep::Dummy,
        OAUTH => match oauth_url(state) {
            Some(url) => UiaStep::OAuth { url },
            None => UiaStep::Fallback { stage: OAUTH.to_string() },
        },
        other => UiaStep::Fallback { stage: other.to_string() },
    })
}

/// `auth` for the password stage.
pub fn password_auth(state: &UiaState, user_id: &str, password: &str) -> Value {
    with_session(
        state,
        json!({
            "type": PASSWORD,
            "identifier": { "type": "m.id.user", "user": user_id },
            "password": password,
        }),
    )
}

/// `auth` after a fallback page (SSO or any other stage) reported success:
/// only the session, which the server now knows as authenticated.
pub fn fallback_done_auth(state: &UiaState) -> Value {
    with_session(state, json!({}))
}

pub fn dummy_auth(state: &UiaState) -> Value {
    with_session(state, json!({ "type": DUMMY }))
}

fn with_session(state: &UiaState, mut auth: Value) -> Value {
    if let Some(session) = &state.session {
        auth["session"] = Value::String(session.clone());
    }
    auth
}

/// The fallback page of a stage, to open in a popup.
pub fn fallback_url(homeserver_base: &str, stage: &str, session: &str) -> String {
    use crate::api::client::encode_path_segment;
    format!(
        "{homeserver_base}/_matrix/client/v3/auth/{}/fallback/web?session={}",
        encode_path_segment(stage),
        encode_path_segment(session)
    )
}

/// Merges a new 401 body into the previous state. Synapse sometimes answers
/// without `flows`/`session`; then the previous values stay.
pub fn merge_state(previous: &UiaState, next: UiaState) -> UiaState {
    UiaState {
        session: next.session.or_else(|| previous.session.clone()),
        flows: if next.flows.is_empty() { previous.flows.clone() } else { next.flows },
        completed: next.completed,
        params: if next.params.is_null() { previous.params.clone() } else { next.params },
        errcode: next.errcode,
        error: next.error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(flows: &[&[&str]], completed: &[&str]) -> UiaState {
        UiaState {
            session: Some("S".into()),
            flows: flows.iter().map(|f| f.iter().map(|s| s.to_string()).collect()).collect(),
            completed: completed.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn an_oauth_stage_opens_the_page_it_names_when_that_is_safe() {
        let mut s = state(&[&[OAUTH]], &[]);
        s.params = serde_json::json!({ "m.oauth": { "url": "https://auth.example.org/account?action=org.matrix.cross_signing_reset" } });
        assert_eq!(
            next_step(&s),
            Some(UiaStep::OAuth {
                url: "https://auth.example.org/account?action=org.matrix.cross_signing_reset".into()
            })
        );
        s.params = serde_json::json!({ "m.oauth": { "url": "javascript:alert(1)" } });
        assert_eq!(next_step(&s), Some(UiaStep::Fallback { stage: OAUTH.into() }));
        // Preferred over a stage that needs a fallback page.
        let mut both = state(&[&["org.example.other"], &[OAUTH]], &[]);
        both.params = serde_json::json!({ "m.oauth": { "url": "https://auth.example.org/a" } });
        assert!(matches!(next_step(&both), Some(UiaStep::OAuth { .. })));
    }

    #[test]
    fn a_single_password_flow_asks_for_the_password() {
        assert_eq!(next_step(&state(&[&[PASSWORD]], &[])), Some(UiaStep::Password));
    }

    #[test]
    fn prefers_the_shorter_flow_with_forms_over_fallback_stages() {
        let s = state(&[&["org.example.captcha"], &[PASSWORD]], &[]);
        assert_eq!(next_step(&s), Some(UiaStep::Password));
        let s = state(&[&[PASSWORD, "m.login.email.identity"], &[SSO]], &[]);
        assert_eq!(next_step(&s), Some(UiaStep::Sso { stage: SSO.into() }));
    }

    #[test]
    fn ties_keep_the_servers_order() {
        let s = state(&[&[SSO], &[PASSWORD]], &[]);
        assert_eq!(next_step(&s), Some(UiaStep::Sso { stage: SSO.into() }));
    }

    #[test]
    fn skips_completed_stages() {
        let s = state(&[&[DUMMY, PASSWORD]], &[DUMMY]);
        assert_eq!(next_step(&s), Some(UiaStep::Password));
        let done = state(&[&[PASSWORD]], &[PASSWORD]);
        assert_eq!(next_step(&done), None);
    }

    #[test]
    fn unknown_stages_use_the_fallback_page() {
        let s = state(&[&["m.login.cas"]], &[]);
        assert_eq!(next_step(&s), Some(UiaStep::Fallback { stage: "m.login.cas".into() }));
    }

    #[test]
    fn no_flows_means_no_step() {
        assert_eq!(next_step(&state(&[], &[])), None);
        assert_eq!(next_step(&state(&[&[]], &[])), None);
    }

    #[test]
    fn password_auth_echoes_the_session_and_names_the_user() {
        let auth = password_auth(&state(&[&[PASSWORD]], &[]), "@alice:hs", "pw");
        assert_eq!(
            auth,
            json!({"type":"m.login.password","identifier":{"type":"m.id.user","user":"@alice:hs"},"password":"pw","session":"S"})
        );
        assert_eq!(fallback_done_auth(&state(&[], &[])), json!({"session":"S"}));
    }

    #[test]
    fn fallback_url_encodes_its_parts() {
        assert_eq!(
            fallback_url("https://hs", "m.login.sso", "a b"),
            "https://hs/_matrix/client/v3/auth/m.login.sso/fallback/web?session=a%20b"
        );
    }

    #[test]
    fn a_reply_without_flows_keeps_the_previous_ones() {
        let prev = state(&[&[PASSWORD]], &[]);
        let next = UiaState { error: Some("Invalid password".into()), ..Default::default() };
        let merged = merge_state(&prev, next);
        assert_eq!(merged.flows, prev.flows);
        assert_eq!(merged.session.as_deref(), Some("S"));
        assert_eq!(merged.error.as_deref(), Some("Invalid password"));
    }
}
