//! Where a change to one session stands (a rename, a push switch), derived
//! from its action: running, or the last answer. The view turns the error
//! into text.

use crate::api::ApiError;

/// Where a rename stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RenameStatus {
    #[default]
    Idle,
    Saving,
    Failed(ApiError),
    Saved,
}

/// The status from the rename action's state: `pending`, and the last
/// answer. A login the server ended shows nothing: the page is leaving.
pub fn rename_status(pending: bool, last: Option<&Result<(), ApiError>>) -> RenameStatus {
    match (pending, last) {
        (true, _) => RenameStatus::Saving,
        (false, None) | (false, Some(Err(ApiError::UnknownToken { .. }))) => RenameStatus::Idle,
        (false, Some(Ok(()))) => RenameStatus::Saved,
        (false, Some(Err(err))) => RenameStatus::Failed(err.clone()),
    }
}

/// A push switch that did not go through.
#[derive(Clone, Debug, PartialEq)]
pub struct PushFailure {
    /// The state the user asked for.
    pub wanted_on: bool,
    pub error: ApiError,
}

/// Where a push switch stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PushStatus {
    /// The state being written (shown until the server answers).
    pub pending: Option<bool>,
    pub failure: Option<PushFailure>,
}

/// The status from the push action's state: the state being written while
/// it runs, else the last failure (a success shows the server's state).
pub fn push_status(running: Option<bool>, last: Option<&Result<(), PushFailure>>) -> PushStatus {
    match (running, last) {
        (Some(on), _) => PushStatus { pending: Some(on), failure: None },
        (None, Some(Err(f))) if !matches!(f.error, ApiError::UnknownToken { .. }) => {
            PushStatus { pending: None, failure: Some(f.clone()) }
        }
        _ => PushStatus::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_status_follows_the_action() {
        assert_eq!(rename_status(false, None), RenameStatus::Idle);
        assert_eq!(rename_status(true, Some(&Ok(()))), RenameStatus::Saving);
        assert_eq!(rename_status(false, Some(&Ok(()))), RenameStatus::Saved);
        let err = ApiError::Timeout(15);
        assert_eq!(rename_status(false, Some(&Err(err.clone()))), RenameStatus::Failed(err));
        let gone = ApiError::UnknownToken { soft_logout: false, message: "x".into() };
        assert_eq!(rename_status(false, Some(&Err(gone))), RenameStatus::Idle);
    }

    #[test]
    fn push_status_shows_the_wanted_state_then_a_failure() {
        assert_eq!(push_status(Some(false), None), PushStatus { pending: Some(false), failure: None });
        let failure = PushFailure { wanted_on: true, error: ApiError::Http { status: 500 } };
        assert_eq!(
            push_status(None, Some(&Err(failure.clone()))),
            PushStatus { pending: None, failure: Some(failure) }
        );
        assert_eq!(push_status(None, Some(&Ok(()))), PushStatus::default());
        // A new attempt hides the old failure.
        let old = PushFailure { wanted_on: true, error: ApiError::Http { status: 500 } };
        assert_eq!(push_status(Some(true), Some(&Err(old))).failure, None);
    }
}
