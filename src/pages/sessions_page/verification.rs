//! Verifying from this page: unlocking the private cross-signing keys
//! (memory only, until "Lock" or the page closes), making this session a
//! verified one, and emoji verification with other sessions — started here
//! or answered when another session asks. Each is an `Action` or a task
//! owned by the page; nothing is stored but this session's device keys.

mod sas_flow;

use futures::channel::mpsc::{UnboundedSender, unbounded};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::data::SessionsData;
use crate::api::{ApiError, account_data, keys};
use crate::model::sas::{self, b64};
use crate::model::secret_storage as ss;
use crate::model::trust::published_keys;
use crate::model::verification::{IncomingRequest, SasChoice, SasView};
use crate::web::browser;
use crate::web::crypto::CryptoError;
use crate::web::secrets::{self, CrossSigningKeys, StoredSecrets, UnlockInput, UnlockProblem};
use sas_flow::FlowEvents;

/// Why making this session verified did not work.
#[derive(Clone, Debug, PartialEq)]
pub enum OwnProblem {
    Request(ApiError),
    Crypto(CryptoError),
    /// Unlock first.
    Locked,
}

/// What to do once the keys are unlocked (the user asked for it before).
#[derive(Clone, Debug)]
enum AfterUnlock {
    VerifyThisSession,
    Verify(String),
    Accept(IncomingRequest),
}

/// A running verification: where its messages go.
struct Running {
    transaction_id: String,
    events: UnboundedSender<sas::Incoming>,
    choices: UnboundedSender<SasChoice>,
}

#[derive(Clone, Copy)]
pub struct Verifier {
    data: SessionsData,
    /// The unlocked keys; never stored, gone with the page or "Lock".
    keys: StoredValue<Option<CrossSigningKeys>, LocalStorage>,
    pub is_unlocked: RwSignal<bool>,
    pub unlock_open: RwSignal<bool>,
    pub unlock: Action<UnlockInput, Result<(), UnlockProblem>>,
    pub verify_own: Action<(), Result<(), OwnProblem>>,
    pub sas: RwSignal<SasView>,
    pub incoming: RwSignal<Option<IncomingRequest>>,
    after_unlock: StoredValue<Option<AfterUnlock>>,
    running: StoredValue<Option<Running>, LocalStorage>,
    /// Session names by id, for the dialogs.
    name_of: StoredValue<Option<Callback<String, String>>>,
    /// The page's reactive owner: flows live as long as the page, not as
    /// long as the button that started them.
    owner: StoredValue<Option<Owner>>,
}

impl Verifier {
    pub fn new(data: SessionsData) -> Self {
        let keys = StoredValue::new_local(None::<CrossSigningKeys>);
        let is_unlocked = RwSignal::new(false);
        let this = StoredValue::new(None::<Verifier>);
        let unlock = Action::new_local(move |input: &UnlockInput| {
            let (input, client) = (input.clone(), data.client());
            async move {
                let stored = fetch_secrets(&client)
                    .await
                    .map_err(|_| UnlockProblem::Storage(ss::StorageProblem::BadDescription))?;
                let published = data
                    .with_untracked(|r| r.keys.as_ref().ok().map(|k| published_keys(&k.0, client.user_id())))
                    .flatten()
                    .unwrap_or((None, None));
                let unlocked = secrets::unlock(&input, &stored, published).await?;
                keys.set_value(Some(unlocked));
                is_unlocked.set(true);
                if let Some(Some(v)) = this.try_get_value() {
                    v.unlocked();
                }
                Ok(())
            }
        });
        let verify_own = Action::new_local(move |_: &()| {
            let client = data.client();
            async move {
                let Some(cross) = keys.get_value() else { return Err(OwnProblem::Locked) };
                verify_this_session(&client, &cross).await?;
                refresh_keys(data).await;
                Ok(())
            }
        });
        let verifier = Verifier {
            data,
            keys,
            is_unlocked,
            unlock_open: RwSignal::new(false),
            unlock,
            verify_own,
            sas: RwSignal::new(SasView::Closed),
            incoming: RwSignal::new(None),
            after_unlock: StoredValue::new(None),
            running: StoredValue::new_local(None),
            name_of: StoredValue::new(None),
            owner: StoredValue::new(Owner::current()),
        };
        this.set_value(Some(verifier));
        verifier
    }

    /// The keys are unlocked: close the dialog, go on with what was asked.
    fn unlocked(&self) {
        self.unlock_open.set(false);
        if let Some(next) = self.after_unlock.try_update_value(Option::take).flatten() {
            self.continue_with(next);
        }
    }

    /// How session ids become names in the dialogs.
    pub fn set_names(&self, name_of: Callback<String, String>) {
        self.name_of.set_value(Some(name_of));
    }

    fn name(&self, device_id: &str) -> String {
        self.name_of.get_value().map(|f| f.run(device_id.to_string())).unwrap_or_else(|| device_id.to_string())
    }

    /// "Unlock verification" (optionally continuing with `then`).
    fn ask_unlock(&self, then: Option<AfterUnlock>) {
        self.after_unlock.set_value(then);
        self.unlock.clear();
        self.unlock_open.set(true);
    }

    pub fn open_unlock(&self) {
        self.ask_unlock(None);
    }

    pub fn submit_unlock(&self, input: UnlockInput) {
        if !self.unlock.pending().get_untracked() {
            self.unlock.dispatch_local(input);
        }
    }

    fn continue_with(&self, next: AfterUnlock) {
        match next {
            AfterUnlock::VerifyThisSession => self.verify_this_session(),
            AfterUnlock::Verify(device) => self.verify(device),
            AfterUnlock::Accept(request) => self.accept(request),
        }
    }

    pub fn cancel_unlock(&self) {
        if !self.unlock.pending().get_untracked() {
            self.after_unlock.set_value(None);
            self.unlock_open.set(false);
        }
    }

    /// "Lock": the private keys are forgotten.
    pub fn lock(&self) {
        self.keys.set_value(None);
        self.is_unlocked.set(false);
    }

    /// "Verify this session".
    pub fn verify_this_session(&self) {
        if self.keys.with_value(Option::is_none) {
            self.ask_unlock(Some(AfterUnlock::VerifyThisSession));
        } else if !self.verify_own.pending().get_untracked() {
            self.verify_own.dispatch_local(());
        }
    }

    /// "Verify session": emoji verification with `device_id`.
    pub fn verify(&self, device_id: String) {
        if self.keys.with_value(Option::is_none) {
            self.ask_unlock(Some(AfterUnlock::Verify(device_id)));
            return;
        }
        if self.running.with_value(Option::is_some) {
            return;
        }
        let txn = new_transaction_id();
        let name = self.name(&device_id);
        self.start_flow(txn.clone(), name.clone(), move |flow| sas_flow::run_as_requester(flow, device_id, txn));
    }

    /// Accepts a request another session sent.
    pub fn accept(&self, request: IncomingRequest) {
        self.incoming.set(None);
        if self.keys.with_value(Option::is_none) {
            self.ask_unlock(Some(AfterUnlock::Accept(request)));
            return;
        }
        if self.running.with_value(Option::is_some) {
            return;
        }
        let txn = request.transaction_id.clone();
        self.start_flow(txn, request.name.clone(), move |flow| sas_flow::run_as_responder(flow, request));
    }

    /// "Ignore": the request is left unanswered (it times out there).
    pub fn ignore(&self) {
        self.incoming.set(None);
    }

    pub fn choose(&self, choice: SasChoice) {
        let sent = self.running.with_value(|r| r.as_ref().map(|r| r.choices.unbounded_send(choice).is_ok()));
        if sent != Some(true) {
            // Nothing runs any more: the dialog only closes.
            self.sas.set(SasView::Closed);
        }
    }

    /// Closes a finished verification's dialog.
    pub fn close(&self) {
        if self.running.with_value(Option::is_none) {
            self.sas.set(SasView::Closed);
        } else {
            self.choose(SasChoice::Cancel);
        }
    }

    fn start_flow<F, Fut>(&self, transaction_id: String, name: String, run: F)
    where
        F: FnOnce(FlowEvents) -> Fut + 'static,
        Fut: std::future::Future<Output = ()> + 'static,
    {
        let (Some(cross), client) = (self.keys.get_value(), self.data.client()) else { return };
        let (events_tx, events) = unbounded();
        let (choices_tx, choices) = unbounded();
        self.running.set_value(Some(Running { transaction_id, events: events_tx, choices: choices_tx }));
        self.sas.set(SasView::Waiting { name: name.clone() });
        let this = *self;
        let flow = FlowEvents { client, data: self.data, cross, view: self.sas, name, events, choices };
        let task = async move {
            run(flow).await;
            this.running.set_value(None);
        };
        match self.owner.get_value() {
            Some(owner) => owner.with(|| browser::spawn_owned(task)),
            None => browser::spawn_owned(task),
        }
    }

    /// To-device messages from the live updates: verification messages go
    /// to the running flow; a new request from another session of this
    /// account is offered (only to a verified session).
    pub fn on_to_device(&self, sender: &str, event_type: &str, content: &Value, own_verified: bool) {
        let client = self.data.client();
        let Some(message) = sas::incoming(sender, event_type, content) else { return };
        if sender != client.user_id() {
            return;
        }
        let routed = self.running.with_value(|r| match r {
            Some(r) if r.transaction_id == message.transaction_id => {
                Some(r.events.unbounded_send(message.clone()).is_ok())
            }
            _ => None,
        });
        if routed.is_some() || event_type != sas::REQUEST {
            return;
        }
        let from = sas::str_field(content, "from_device").unwrap_or("").to_string();
        if !own_verified
            || from.is_empty()
            || from == client.device_id()
            || !sas::request_is_usable(content, browser::now_ms())
        {
            return;
        }
        let name = self.name(&from);
        self.incoming.set(Some(IncomingRequest { device_id: from, name, transaction_id: message.transaction_id }));
    }
}

/// Why unlocking failed, in the page's language.
pub fn unlock_problem_text(problem: &UnlockProblem) -> String {
    use crate::model::recovery_key::RecoveryKeyError;
    use crate::model::secret_storage::StorageProblem;
    use crate::web::i18n::{t, t_with};
    t(match problem {
        UnlockProblem::Storage(StorageProblem::NotSetUp) => "unlock.error.not_set_up",
        UnlockProblem::Storage(StorageProblem::UnknownAlgorithm(_)) => "unlock.error.unknown_algorithm",
        UnlockProblem::Storage(StorageProblem::BadDescription) => "unlock.error.bad_description",
        UnlockProblem::Storage(StorageProblem::NoPassphrase) => "unlock.error.no_passphrase",
        UnlockProblem::Storage(StorageProblem::Missing(_)) => "unlock.error.missing",
        UnlockProblem::Storage(StorageProblem::OtherKey(_)) => "unlock.error.other_key",
        UnlockProblem::BadRecoveryKey(RecoveryKeyError::NotBase58) => "unlock.error.not_base58",
        UnlockProblem::BadRecoveryKey(RecoveryKeyError::NotARecoveryKey) => "unlock.error.not_a_key",
        UnlockProblem::BadRecoveryKey(RecoveryKeyError::Parity) => "unlock.error.parity",
        UnlockProblem::WrongRecoveryKey => "unlock.error.wrong_key",
        UnlockProblem::WrongPassphrase => "unlock.error.wrong_phrase",
        UnlockProblem::Damaged(_) => "unlock.error.damaged",
        UnlockProblem::NotPublished => "unlock.error.not_published",
        UnlockProblem::Mismatch => "unlock.error.mismatch",
        UnlockProblem::Crypto(e) => return t_with("verify.error.crypto", &[("reason", &e.0)]),
    })
}

/// The account data secret storage is made of.
async fn fetch_secrets(client: &crate::api::MatrixClient) -> Result<StoredSecrets, ApiError> {
    let default_key = account_data::get_account_data(client, ss::DEFAULT_KEY).await?;
    let key_id = default_key.as_ref().and_then(|c| c.get("key")).and_then(Value::as_str).map(str::to_string);
    let key_description = match &key_id {
        Some(id) => account_data::get_account_data(client, &ss::key_type(id)).await?,
        None => None,
    };
    let (self_signing, master) = futures::future::join(
        account_data::get_account_data(client, ss::SELF_SIGNING),
        account_data::get_account_data(client, ss::MASTER),
    )
    .await;
    Ok(StoredSecrets { default_key, key_description, self_signing: self_signing?, master: master? })
}

/// Publishes this session's device keys (self-signed) and signs them with
/// the self-signing key.
async fn verify_this_session(client: &crate::api::MatrixClient, cross: &CrossSigningKeys) -> Result<(), OwnProblem> {
    let (user, device) = (client.user_id(), client.device_id());
    let own = secrets::own_device_keys().await.map_err(OwnProblem::Crypto)?;
    let object = json!({
        "user_id": user,
        "device_id": device,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {
            format!("curve25519:{device}"): b64(&own.curve25519_public),
            format!("ed25519:{device}"): b64(&own.ed25519.public),
        },
    });
    let self_signed = secrets::sign_object(&object, &own.ed25519, user, device).await.map_err(OwnProblem::Crypto)?;
    keys::upload_device_keys(client, &self_signed).await.map_err(OwnProblem::Request)?;
    let cross_signed = secrets::sign_object(&object, &cross.self_signing, user, &cross.self_signing_public)
        .await
        .map_err(OwnProblem::Crypto)?;
    let body = json!({ user: { device: cross_signed } });
    keys::upload_signatures(client, &body).await.map_err(OwnProblem::Request)
}

/// Fetches the account's keys again, so verification shows what the server
/// now holds.
pub async fn refresh_keys(data: SessionsData) {
    if let Ok(answer) = keys::query_own_keys(&data.client()).await {
        data.set_sessions(None, Some(answer), None);
    }
}

/// A random transaction id (128 bits, hex).
fn new_transaction_id() -> String {
    crate::web::crypto::random_bytes(16)
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .unwrap_or_else(|_| format!("{:x}", browser::now_ms()))
}
