//! The verification module: what runs only once the user unlocks or
//! verifies (built as its own wasm file by `src/bin/verifier.rs`, so the
//! page does not carry it). It holds the unlocked private keys — memory
//! only, gone with "Lock", sign-out or the page — and runs the emoji
//! flows; the page sends it `Command`s and shows the `Report`s it sends
//! back (`model::verifier_messages`).
//!
//! It never refreshes the login: every command carries the page's current
//! access token, so one client alone rotates the refresh token.

mod sas_flow;

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc::{UnboundedSender, unbounded};
use serde_json::{Value, json};

use crate::api::client::{Account, Homeserver, Tokens};
use crate::api::{ApiError, MatrixClient, account_data, keys};
use crate::model::messages::{Text, api_error_text};
use crate::model::sas::{self, b64};
use crate::model::secret_storage as ss;
use crate::model::verification::{Fault, SasChoice, SasEnd, SasView};
use crate::model::verifier_messages::{Command, Envelope, Report, UnlockInput, UnlockProblem, VERSION};
use crate::web::browser;
use crate::web::secrets::{self, CrossSigningKeys, StoredSecrets};
use sas_flow::FlowEvents;

/// Where reports go (to the page).
pub type Reporter = Rc<dyn Fn(Report)>;

/// A running verification: where its messages go.
struct Running {
    transaction_id: String,
    events: UnboundedSender<sas::Incoming>,
    choices: UnboundedSender<SasChoice>,
}

#[derive(Default)]
struct State {
    client: Option<MatrixClient>,
    keys: Option<CrossSigningKeys>,
    running: Option<Running>,
}

#[derive(Clone)]
pub struct Engine {
    state: Rc<RefCell<State>>,
    report: Reporter,
}

impl Engine {
    pub fn new(report: impl Fn(Report) + 'static) -> Self {
        Engine { state: Rc::default(), report: Rc::new(report) }
    }

    pub fn handle(&self, envelope: Envelope) {
        let Envelope { access_token, command } = envelope;
        if let Command::Start { version, homeserver, user_id, device_id } = command {
            if version == VERSION {
                let tokens = Tokens { access_token, refresh_token: None, expires_at_ms: None, lifetime_ms: None };
                let account = Account { user_id, device_id };
                let client = MatrixClient::new(
                    Homeserver::new(&homeserver),
                    account,
                    tokens,
                    browser::now_ms,
                    |_| {},
                    None,
                    None,
                );
                self.state.borrow_mut().client = Some(client);
            }
            // A page from another build sees the difference and says so.
            (self.report)(Report::Ready { version: VERSION });
            return;
        }
        let Some(client) = self.state.borrow().client.clone() else { return };
        client.adopt_tokens(Tokens { access_token, refresh_token: None, expires_at_ms: None, lifetime_ms: None });
        match command {
            Command::Start { .. } => {}
            Command::Unlock { input, master, self_signing } => self.unlock(client, input, (master, self_signing)),
            Command::Lock => self.state.borrow_mut().keys = None,
            Command::VerifyThisSession => self.verify_this_session(client),
            Command::Verify { device_id, name } => {
                let txn = new_transaction_id();
                self.start_flow(client, txn.clone(), name, move |flow| {
                    sas_flow::run_as_requester(flow, device_id, txn)
                });
            }
            Command::Accept { request } => {
                let (txn, name) = (request.transaction_id.clone(), request.name.clone());
                self.start_flow(client, txn, name, move |flow| sas_flow::run_as_responder(flow, request));
            }
            Command::Choose { choice } => {
                if let Some(running) = &self.state.borrow().running {
                    let _ = running.choices.unbounded_send(choice);
                }
            }
            Command::ToDevice { sender, event_type, content } => self.route(&client, &sender, &event_type, &content),
            Command::Stop => {
                // Dropping the running flow's channels cancels it (and tells
                // the other side); the keys and the login go with the state.
                *self.state.borrow_mut() = State::default();
            }
        }
    }

    fn unlock(&self, client: MatrixClient, input: UnlockInput, published: (Option<String>, Option<String>)) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = async {
                let stored = fetch_secrets(&client).await.map_err(UnlockProblem::Request)?;
                secrets::unlock(&input, &stored, published).await
            }
            .await;
            let error = match result {
                Ok(keys) => {
                    this.state.borrow_mut().keys = Some(keys);
                    None
                }
                Err(problem) => Some(problem.text()),
            };
            (this.report)(Report::Unlocked { error });
        });
    }

    fn verify_this_session(&self, client: MatrixClient) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let keys = this.state.borrow().keys.clone();
            let result = match keys {
                Some(cross) => verify_this_session(&client, &cross).await,
                None => Err(Fault::Locked),
            };
            if result.is_ok() {
                (this.report)(Report::KeysChanged);
            }
            let error = result.err().map(|fault| match fault {
                Fault::Request(e) => Text::new("verify.error.request").because(api_error_text(&e)),
                other => other.text(),
            });
            (this.report)(Report::OwnVerified { error });
        });
    }

    fn start_flow<F, Fut>(&self, client: MatrixClient, transaction_id: String, name: String, run: F)
    where
        F: FnOnce(FlowEvents) -> Fut + 'static,
        Fut: std::future::Future<Output = ()> + 'static,
    {
        let keys = {
            let state = self.state.borrow();
            if state.running.is_some() {
                return;
            }
            state.keys.clone()
        };
        let Some(cross) = keys else {
            let end = SasEnd::Failed(Fault::Locked.text());
            (self.report)(Report::Sas { view: SasView::Ended { name, end } });
            (self.report)(Report::FlowOver);
            return;
        };
        let (events_tx, events) = unbounded();
        let (choices_tx, choices) = unbounded();
        let running = Running { transaction_id: transaction_id.clone(), events: events_tx, choices: choices_tx };
        self.state.borrow_mut().running = Some(running);
        (self.report)(Report::Sas { view: SasView::Waiting { name: name.clone() } });
        let flow = FlowEvents { client, cross, report: self.report.clone(), name, events, choices };
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            run(flow).await;
            let mut state = this.state.borrow_mut();
            if state.running.as_ref().is_some_and(|r| r.transaction_id == transaction_id) {
                state.running = None;
            }
            drop(state);
            (this.report)(Report::FlowOver);
        });
    }

    /// A verification message goes to the flow it belongs to; the page
    /// decides about new requests.
    fn route(&self, client: &MatrixClient, sender: &str, event_type: &str, content: &Value) {
        if sender != client.user_id() {
            return;
        }
        let Some(message) = sas::incoming(sender, event_type, content) else { return };
        if let Some(running) = &self.state.borrow().running
            && running.transaction_id == message.transaction_id
        {
            let _ = running.events.unbounded_send(message);
        }
    }
}

/// The account data secret storage is made of.
async fn fetch_secrets(client: &MatrixClient) -> Result<StoredSecrets, ApiError> {
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
async fn verify_this_session(client: &MatrixClient, cross: &CrossSigningKeys) -> Result<(), Fault> {
    let crypto = |e: crate::web::crypto::CryptoError| Fault::Crypto(e.0);
    let (user, device) = (client.user_id(), client.device_id());
    let own = secrets::own_device_keys().await.map_err(crypto)?;
    let object = json!({
        "user_id": user,
        "device_id": device,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {
            format!("curve25519:{device}"): b64(&own.curve25519_public),
            format!("ed25519:{device}"): b64(&own.ed25519.public),
        },
    });
    let self_signed = secrets::sign_object(&object, &own.ed25519, user, device).await.map_err(crypto)?;
    keys::upload_device_keys(client, &self_signed).await.map_err(Fault::Request)?;
    let cross_signed =
        secrets::sign_object(&object, &cross.self_signing, user, &cross.self_signing_public).await.map_err(crypto)?;
    let body = json!({ user: { device: cross_signed } });
    keys::upload_signatures(client, &body).await.map_err(Fault::Request)
}

/// A random transaction id (128 bits, hex).
fn new_transaction_id() -> String {
    crate::web::crypto::random_bytes(16)
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .unwrap_or_else(|_| format!("{:x}", browser::now_ms()))
}
