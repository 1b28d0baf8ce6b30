//! Signing out other sessions as a state machine: confirm, then
//! `POST /delete_devices` with as many rounds of user-interactive auth as the
//! server asks for. Pure: the container sends what `Next` says and feeds the
//! answer back; every step and failure is tested here.

use serde_json::Value;

use crate::api::ApiError;
use crate::api::error::UiaState;
use crate::model::uia::{self, UiaStep};

/// Where the sign-out dialog is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SignOutPhase {
    #[default]
    Closed,
    Confirm,
    /// The server wants the account password.
    Password,
    /// Single sign-on: `popup_done` once the popup reported success.
    Sso {
        popup_done: bool,
    },
    /// A stage without a form here: the server's own page does it.
    Fallback {
        stage: String,
    },
    /// Approve at the account provider's page (`m.oauth`); `opened` once
    /// the page was opened, so the main button continues.
    OAuth {
        url: String,
        opened: bool,
    },
}

/// Why a sign-out did not go through; turned into text by the view.
#[derive(Clone, Debug, PartialEq)]
pub enum SignOutProblem {
    /// The request failed (unreachable, timeout, server error…).
    Failed(ApiError),
    /// The server refuses `/delete_devices`: an account provider manages
    /// sign-outs (404).
    Delegated,
    /// The server's own words about the last attempt (a wrong password).
    Refused(String),
    PasswordEmpty,
    /// The server named no re-authentication session for its page.
    NoSession,
    PopupBlocked,
    /// A kind of re-authentication this page can't do.
    Unsupported,
}

/// What the container does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    Nothing,
    /// `POST /delete_devices` for the flow's sessions, with this `auth`.
    Submit(Option<Value>),
    /// The sessions are gone on the server.
    Finished(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignOut {
    pub phase: SignOutPhase,
    /// The sessions being signed out.
    pub ids: Vec<String>,
    pub uia: UiaState,
    pub problem: Option<SignOutProblem>,
}

impl SignOut {
    /// Opens the confirmation for `ids`; false when one is already open or
    /// there is nothing to sign out.
    pub fn start(&mut self, ids: Vec<String>) -> bool {
        if ids.is_empty() || self.phase != SignOutPhase::Closed {
            return false;
        }
        *self = SignOut { phase: SignOutPhase::Confirm, ids, ..SignOut::default() };
        true
    }

    /// Closes the dialog; nothing changes on the server.
    pub fn cancel(&mut self) {
        *self = SignOut::default();
    }

    pub fn is_open(&self) -> bool {
        self.phase != SignOutPhase::Closed
    }

    /// The first attempt: without `auth` (the server may not ask for any).
    pub fn confirm(&mut self) -> Next {
        self.problem = None;
        Next::Submit(None)
    }

    pub fn submit_password(&mut self, user_id: &str, password: &str) -> Next {
        if password.is_empty() {
            self.problem = Some(SignOutProblem::PasswordEmpty);
            return Next::Nothing;
        }
        self.problem = None;
        Next::Submit(Some(uia::password_auth(&self.uia, user_id, password)))
    }

    /// The server's page for the current stage, to open in a popup:
    /// `(stage, session)`.
    pub fn popup_stage(&mut self) -> Option<(String, String)> {
        let stage = match &self.phase {
            SignOutPhase::Sso { .. } => uia::choose_flow(&self.uia)
                .and_then(|f| f.iter().find(|s| !self.uia.completed.contains(s)).cloned())
                .unwrap_or_else(|| uia::SSO.to_string()),
            SignOutPhase::Fallback { stage } => stage.clone(),
            _ => return None,
        };
        match self.uia.session.clone() {
            Some(session) => {
                self.problem = None;
                Some((stage, session))
            }
            None => {
                self.problem = Some(SignOutProblem::NoSession);
                None
            }
        }
    }

    /// The popup reported "authDone". Single sign-on asks for one more
    /// confirmation here; other stages continue at once.
    pub fn popup_done(&mut self) -> Next {
        match self.phase {
            SignOutPhase::Sso { .. } => {
                self.phase = SignOutPhase::Sso { popup_done: true };
                Next::Nothing
            }
            SignOutPhase::Fallback { .. } => self.after_popup(),
            _ => Next::Nothing,
        }
    }

    /// The account page of an `m.oauth` stage, to open; from then on the
    /// main button continues.
    pub fn open_account_page(&mut self) -> Option<String> {
        let SignOutPhase::OAuth { url, opened } = &mut self.phase else { return None };
        *opened = true;
        self.problem = None;
        Some(url.clone())
    }

    /// After the popup: the session alone, which the server now knows as
    /// authenticated.
    pub fn after_popup(&mut self) -> Next {
        self.problem = None;
        Next::Submit(Some(uia::fallback_done_auth(&self.uia)))
    }

    /// The server's answer to a `/delete_devices`.
    pub fn on_answer(&mut self, answer: Result<(), ApiError>) -> Next {
        match answer {
            Ok(()) => {
                let ids = std::mem::take(&mut self.ids);
                *self = SignOut::default();
                Next::Finished(ids)
            }
            Err(ApiError::AuthRequired(next)) => self.next_stage(*next),
            Err(err) if err.status() == Some(404) => {
                self.problem = Some(SignOutProblem::Delegated);
                Next::Nothing
            }
            // The login is over: the client already sent the user to sign-in.
            Err(ApiError::UnknownToken { .. }) => Next::Nothing,
            Err(err) => {
                self.problem = Some(SignOutProblem::Failed(err));
                Next::Nothing
            }
        }
    }

    fn next_stage(&mut self, next: UiaState) -> Next {
        self.uia = uia::merge_state(&self.uia, next);
        // The previous attempt's error (e.g. a wrong password).
        self.problem = self.uia.error.clone().map(SignOutProblem::Refused);
        match uia::next_step(&self.uia) {
            Some(UiaStep::Password) => self.phase = SignOutPhase::Password,
            Some(UiaStep::Sso { .. }) => {
                if !matches!(self.phase, SignOutPhase::Sso { .. }) {
                    self.phase = SignOutPhase::Sso { popup_done: false };
                }
            }
            Some(UiaStep::Fallback { stage }) => self.phase = SignOutPhase::Fallback { stage },
            // Asked again (not approved yet): the page stays opened.
            Some(UiaStep::OAuth { url }) => {
                let opened = matches!(&self.phase, SignOutPhase::OAuth { url: u, opened: true } if *u == url);
                self.phase = SignOutPhase::OAuth { url, opened };
            }
            Some(UiaStep::Dummy) => return Next::Submit(Some(uia::dummy_auth(&self.uia))),
            None => self.problem = Some(SignOutProblem::Unsupported),
        }
        Next::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn uia(flows: &[&[&str]], completed: &[&str], error: Option<&str>) -> ApiError {
        ApiError::AuthRequired(Box::new(UiaState {
            session: Some("S".into()),
            flows: flows.iter().map(|f| f.iter().map(|s| s.to_string()).collect()).collect(),
            completed: completed.iter().map(|s| s.to_string()).collect(),
            error: error.map(str::to_string),
            ..Default::default()
        }))
    }

    fn started() -> SignOut {
        let mut flow = SignOut::default();
        assert!(flow.start(ids(&["A", "B"])));
        flow
    }

    #[test]
    fn an_oauth_stage_opens_the_account_page_then_continues_with_the_session() {
        let mut flow = SignOut::default();
        flow.start(ids(&["A"]));
        flow.confirm();
        let mut state = UiaState {
            session: Some("S".into()),
            flows: vec![vec![uia::OAUTH.to_string()]],
            params: json!({ "m.oauth": { "url": "https://auth.example.org/approve" } }),
            ..Default::default()
        };
        flow.on_answer(Err(ApiError::AuthRequired(Box::new(state.clone()))));
        assert_eq!(flow.phase, SignOutPhase::OAuth { url: "https://auth.example.org/approve".into(), opened: false });
        assert_eq!(flow.open_account_page().as_deref(), Some("https://auth.example.org/approve"));
        assert_eq!(flow.after_popup(), Next::Submit(Some(json!({ "session": "S" }))));
        // Not approved yet: asked again, the page counts as opened still.
        state.params = serde_json::Value::Null;
        flow.on_answer(Err(ApiError::AuthRequired(Box::new(state))));
        assert_eq!(flow.phase, SignOutPhase::OAuth { url: "https://auth.example.org/approve".into(), opened: true });
        assert_eq!(flow.on_answer(Ok(())), Next::Finished(ids(&["A"])));
    }

    #[test]
    fn confirming_without_reauthentication_finishes() {
        let mut flow = started();
        assert_eq!(flow.phase, SignOutPhase::Confirm);
        assert_eq!(flow.confirm(), Next::Submit(None));
        assert_eq!(flow.on_answer(Ok(())), Next::Finished(ids(&["A", "B"])));
        assert_eq!(flow, SignOut::default());
    }

    #[test]
    fn one_flow_at_a_time_and_never_empty() {
        let mut flow = started();
        assert!(!flow.start(ids(&["C"])));
        assert_eq!(flow.ids, ids(&["A", "B"]));
        assert!(!SignOut::default().start(vec![]));
    }

    #[test]
    fn password_rounds_keep_the_servers_complaint() {
        let mut flow = started();
        flow.confirm();
        assert_eq!(flow.on_answer(Err(uia(&[&[uia::PASSWORD]], &[], None))), Next::Nothing);
        assert_eq!(flow.phase, SignOutPhase::Password);
        assert_eq!(flow.problem, None);
        assert_eq!(flow.submit_password("@a:hs", ""), Next::Nothing);
        assert_eq!(flow.problem, Some(SignOutProblem::PasswordEmpty));
        let Next::Submit(Some(auth)) = flow.submit_password("@a:hs", "pw") else { panic!("expected a submission") };
        assert_eq!(auth["session"], json!("S"));
        assert_eq!(auth["password"], json!("pw"));
        flow.on_answer(Err(uia(&[&[uia::PASSWORD]], &[], Some("Invalid password"))));
        assert_eq!(flow.problem, Some(SignOutProblem::Refused("Invalid password".into())));
        assert_eq!(flow.phase, SignOutPhase::Password);
        assert_eq!(flow.on_answer(Ok(())), Next::Finished(ids(&["A", "B"])));
    }

    #[test]
    fn single_sign_on_asks_again_after_its_popup() {
        let mut flow = started();
        flow.on_answer(Err(uia(&[&[uia::SSO]], &[], None)));
        assert_eq!(flow.phase, SignOutPhase::Sso { popup_done: false });
        assert_eq!(flow.popup_stage(), Some((uia::SSO.to_string(), "S".to_string())));
        assert_eq!(flow.popup_done(), Next::Nothing);
        assert_eq!(flow.phase, SignOutPhase::Sso { popup_done: true });
        assert_eq!(flow.after_popup(), Next::Submit(Some(json!({"session": "S"}))));
    }

    #[test]
    fn other_stages_continue_by_themselves_after_their_page() {
        let mut flow = started();
        flow.on_answer(Err(uia(&[&["org.example.approve"]], &[], None)));
        assert_eq!(flow.phase, SignOutPhase::Fallback { stage: "org.example.approve".into() });
        assert_eq!(flow.popup_done(), Next::Submit(Some(json!({"session": "S"}))));
    }

    #[test]
    fn a_dummy_stage_is_answered_without_asking() {
        let mut flow = started();
        let next = flow.on_answer(Err(uia(&[&[uia::DUMMY]], &[], None)));
        assert_eq!(next, Next::Submit(Some(json!({"type": uia::DUMMY, "session": "S"}))));
    }

    #[test]
    fn failures_stay_in_the_dialog() {
        let mut flow = started();
        flow.on_answer(Err(ApiError::Network("down".into())));
        assert_eq!(flow.problem, Some(SignOutProblem::Failed(ApiError::Network("down".into()))));
        assert_eq!(flow.phase, SignOutPhase::Confirm);
        flow.on_answer(Err(ApiError::Matrix { status: 404, errcode: "M_UNRECOGNIZED".into(), message: "x".into() }));
        assert_eq!(flow.problem, Some(SignOutProblem::Delegated));
        flow.on_answer(Err(uia(&[&["m.login.unknown", "m.login.other"]], &["m.login.unknown", "m.login.other"], None)));
        assert_eq!(flow.problem, Some(SignOutProblem::Unsupported));
        let mut no_session = started();
        no_session.phase = SignOutPhase::Fallback { stage: "x".into() };
        assert_eq!(no_session.popup_stage(), None);
        assert_eq!(no_session.problem, Some(SignOutProblem::NoSession));
    }

    #[test]
    fn cancel_forgets_everything() {
        let mut flow = started();
        flow.on_answer(Err(uia(&[&[uia::PASSWORD]], &[], Some("x"))));
        flow.cancel();
        assert_eq!(flow, SignOut::default());
        assert!(!flow.is_open());
    }
}
