//! The verification module: what runs only once the user unlocks or
//! verifies (built as its own wasm file by `src/bin/verifier.rs`, so the
//! page does not carry it). It holds the unlocked private keys — memory
//! only, gone with "Lock", sign-out or the page — runs the emoji flows and
//! shows their dialogs itself (`dialogs`, mounted into the page's
//! `#verifier-dialogs`), so the page carries neither the dialogs nor their
//! texts. The page sends it `Command`s and hears `Report`s
//! (`model::verifier_messages`).
//!
//! It never refreshes the login: before each request it asks the page for
//! its current access token, so one client alone rotates the refresh token.

mod dialogs;
mod sas_flow;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::mpsc::{UnboundedSender, unbounded};
use leptos::prelude::*;
use serde_json::{Value, json};

use crate::api::client::{Account, Homeserver, Tokens};
use crate::api::{ApiError, MatrixClient, account_data, keys};
use crate::model::languages::{FALLBACK, shipped};
use crate::model::messages::{Text, api_error_text};
use crate::model::sas::{self, b64};
use crate::model::secret_storage as ss;
use crate::model::trust::published_keys;
use crate::model::verification::{Fault, SasChoice, SasEnd, SasView};
use crate::model::verifier_messages::{Command, Report, UnlockInput, UnlockProblem, VERSION};
use crate::web::secrets::{self, CrossSigningKeys, StoredSecrets};
use crate::web::{browser, i18n};
use sas_flow::FlowEvents;

/// The module's own English texts (the other languages' catalogs hold them
/// with the page's).
const ENGLISH: &str = include_str!("verifier/en.json");

/// Where reports go (to the page).
pub type Reporter = Rc<dyn Fn(Report)>;
/// The page's current access token.
pub type TokenSource = Rc<dyn Fn() -> Option<String>>;

/// A running verification: where its messages go.
struct Running {
    transaction_id: String,
    events: UnboundedSender<sas::Incoming>,
    choices: UnboundedSender<SasChoice>,
}

/// What the dialogs show.
#[derive(Clone, Default)]
struct Ui {
    unlock_open: ArcRwSignal<bool>,
    unlock_pending: ArcRwSignal<bool>,
    unlock_problem: ArcRwSignal<Option<Text>>,
    sas: ArcRwSignal<SasView>,
}

#[derive(Default)]
struct State {
    client: Option<MatrixClient>,
    keys: Option<CrossSigningKeys>,
    running: Option<Running>,
    /// The mounted dialogs (unmounted when dropped).
    dialogs: Option<Box<dyn Any>>,
}

#[derive(Clone)]
pub struct Engine {
    state: Rc<RefCell<State>>,
    /// Bumped by Start and Stop: work begun before either finds, when it
    /// resumes, that it no longer counts.
    epoch: Rc<Cell<u32>>,
    /// Bumped by Lock: "Verify this session" started before it uploads
    /// nothing more.
    locks: Rc<Cell<u32>>,
    ui: Ui,
    report: Reporter,
    token: TokenSource,
}

/// A bearer-only login (the module never refreshes).
fn bearer(access_token: String) -> Tokens {
    Tokens { access_token, refresh_token: None, expires_at_ms: None, lifetime_ms: None }
}

impl Engine {
    pub fn new(report: impl Fn(Report) + 'static, token: impl Fn() -> Option<String> + 'static) -> Self {
        Engine {
            state: Rc::default(),
            epoch: Rc::default(),
            locks: Rc::default(),
            ui: Ui::default(),
            report: Rc::new(report),
            token: Rc::new(token),
        }
    }

    /// A reporter that goes quiet once the epoch it was made in is over.
    fn reporter(&self) -> Reporter {
        let (epoch, now, report) = (self.epoch.clone(), self.epoch.get(), self.report.clone());
        Rc::new(move |r| {
            if epoch.get() == now {
                report(r)
            }
        })
    }

    fn alive(&self) -> impl Fn() -> bool + 'static {
        let (epoch, now) = (self.epoch.clone(), self.epoch.get());
        move || epoch.get() == now
    }

    /// The account's client, with the page's current token.
    fn client(&self) -> Option<MatrixClient> {
        let client = self.state.borrow().client.clone()?;
        self.refresher(&client)();
        Some(client)
    }

    /// Gives `client` the page's current token: called before each request
    /// of a task, as the page may have refreshed it meanwhile.
    fn refresher(&self, client: &MatrixClient) -> impl Fn() + 'static {
        let (client, token) = (client.clone(), self.token.clone());
        move || {
            if let Some(token) = token() {
                client.adopt_tokens(bearer(token));
            }
        }
    }

    /// Cancels what runs and forgets keys, login and dialogs. What the old
    /// state owned is dropped after the borrow ends: unmounting and
    /// cancelling may call back in.
    fn reset(&self) {
        self.epoch.set(self.epoch.get().wrapping_add(1));
        let old = std::mem::take(&mut *self.state.borrow_mut());
        self.ui.unlock_open.set(false);
        self.ui.unlock_pending.set(false);
        self.ui.sas.set(SasView::Closed);
        drop(old);
    }

    pub fn handle(&self, command: Command) {
        if let Command::Start { version, homeserver, user_id, device_id, lang } = command {
            if version != VERSION {
                // A page from another build sees the difference and says so.
                (self.report)(Report::Ready { version: VERSION, error: None });
                return;
            }
            self.start(homeserver, user_id, device_id, lang);
            return;
        }
        if let Command::Stop = command {
            self.reset();
            return;
        }
        let Some(client) = self.client() else {
            self.refuse(command);
            return;
        };
        match command {
            Command::Start { .. } | Command::Stop => {}
            Command::Unlock => {
                if self.state.borrow().keys.is_some() {
                    (self.report)(Report::Unlocked);
                    return;
                }
                self.ui.unlock_problem.set(None);
                self.ui.unlock_open.set(true);
            }
            Command::Lock => {
                self.locks.set(self.locks.get().wrapping_add(1));
                self.state.borrow_mut().keys = None;
            }
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
            Command::ToDevice { sender, event_type, content } => self.route(&client, &sender, &event_type, &content),
        }
    }

    /// Answers a command that came before `Start` (or after `Stop`), so
    /// the page does not wait for it.
    fn refuse(&self, command: Command) {
        let report = match command {
            Command::Unlock => Report::UnlockClosed,
            Command::VerifyThisSession => Report::OwnVerified { error: Some(i18n::text(&Fault::Locked.text())) },
            Command::Verify { .. } | Command::Accept { .. } => Report::FlowOver,
            _ => return,
        };
        (self.report)(report);
    }

    /// Acts for this account from now on: texts in `lang`, dialogs in the
    /// page, then `Ready`.
    fn start(&self, homeserver: String, user_id: String, device_id: String, lang: String) {
        self.reset();
        let token = (self.token)().unwrap_or_default();
        let client = MatrixClient::new(
            Homeserver::new(&homeserver),
            Account { user_id, device_id },
            bearer(token),
            browser::now_ms,
            |_| {},
            None,
            None,
        );
        self.state.borrow_mut().client = Some(client);
        let (this, alive, report) = (self.clone(), self.alive(), self.reporter());
        wasm_bindgen_futures::spawn_local(async move {
            let lang = shipped(&lang).unwrap_or(FALLBACK);
            let catalog = i18n::fetch_catalog(lang).await;
            if !alive() {
                return;
            }
            i18n::activate_texts(lang, catalog, ENGLISH);
            let error = match dialogs::mount(this.clone()) {
                Some(mounted) => {
                    this.state.borrow_mut().dialogs = Some(mounted);
                    None
                }
                None => Some(i18n::text(&Fault::Unavailable("the page has no place for its dialogs".into()).text())),
            };
            report(Report::Ready { version: VERSION, error });
        });
    }

    /// The unlock dialog's "Unlock".
    fn submit_unlock(&self, input: UnlockInput) {
        let Some(client) = self.client() else { return };
        if self.ui.unlock_pending.get_untracked() {
            return;
        }
        self.ui.unlock_pending.set(true);
        self.ui.unlock_problem.set(None);
        let (this, alive, refresh) = (self.clone(), self.alive(), self.refresher(&client));
        wasm_bindgen_futures::spawn_local(async move {
            let result = async {
                let (stored, published) =
                    futures::future::join(fetch_secrets(&client, &refresh), keys::query_own_keys(&client)).await;
                let stored = stored.map_err(UnlockProblem::Request)?;
                // What is unlocked must be the identity the server publishes.
                let published = published.map_err(UnlockProblem::Request)?;
                // Stopped meanwhile: the key or phrase is not even used
                // (and this answer is dropped below).
                if !alive() {
                    return Err(UnlockProblem::Request(ApiError::Network("stopped".into())));
                }
                secrets::unlock(&input, &stored, published_keys(&published, client.user_id())).await
            }
            .await;
            if !alive() {
                return;
            }
            this.ui.unlock_pending.set(false);
            match result {
                Ok(keys) => {
                    this.state.borrow_mut().keys = Some(keys);
                    this.ui.unlock_open.set(false);
                    (this.report)(Report::Unlocked);
                }
                Err(problem) => this.ui.unlock_problem.set(Some(problem.text())),
            }
        });
    }

    /// The unlock dialog's "Cancel" (or Escape).
    fn cancel_unlock(&self) {
        if !self.ui.unlock_pending.get_untracked() {
            self.ui.unlock_open.set(false);
            (self.report)(Report::UnlockClosed);
        }
    }

    fn verify_this_session(&self, client: MatrixClient) {
        let (this, report, refresh) = (self.clone(), self.reporter(), self.refresher(&client));
        let (alive, locks, now) = (self.alive(), self.locks.clone(), self.locks.get());
        // Neither stopped nor locked since it began.
        let still = move || alive() && locks.get() == now;
        wasm_bindgen_futures::spawn_local(async move {
            let keys = this.state.borrow().keys.clone();
            let result = match keys {
                Some(cross) => verify_this_session(&client, &cross, &still, &refresh).await,
                None => Err(Fault::Locked),
            };
            if result.is_ok() {
                report(Report::KeysChanged);
            }
            let error = result.err().map(|fault| {
                i18n::text(&match fault {
                    Fault::Request(e) => Text::new("verify.error.request").because(api_error_text(&e)),
                    other => other.text(),
                })
            });
            report(Report::OwnVerified { error });
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
            self.ui.sas.set(SasView::Ended { name, end });
            (self.report)(Report::FlowOver);
            return;
        };
        let (events_tx, events) = unbounded();
        let (choices_tx, choices) = unbounded();
        let running = Running { transaction_id: transaction_id.clone(), events: events_tx, choices: choices_tx };
        self.state.borrow_mut().running = Some(running);
        self.ui.sas.set(SasView::Waiting { name: name.clone() });
        let show = {
            let (sas, alive) = (self.ui.sas.clone(), self.alive());
            Rc::new(move |view| {
                if alive() {
                    sas.set(view)
                }
            })
        };
        let flow = FlowEvents {
            client,
            token: self.token.clone(),
            cross,
            report: self.reporter(),
            show,
            alive: Rc::new(self.alive()),
            name,
            events,
            choices,
        };
        let (this, alive, report) = (self.clone(), self.alive(), self.reporter());
        wasm_bindgen_futures::spawn_local(async move {
            run(flow).await;
            if !alive() {
                return;
            }
            let finished = {
                let mut state = this.state.borrow_mut();
                let ours = state.running.as_ref().is_some_and(|r| r.transaction_id == transaction_id);
                if ours { state.running.take() } else { None }
            };
            drop(finished);
            report(Report::FlowOver);
        });
    }

    /// The emoji dialog's buttons.
    fn choose(&self, choice: SasChoice) {
        let sent = self.state.borrow().running.as_ref().is_some_and(|r| r.choices.unbounded_send(choice).is_ok());
        if !sent {
            // Nothing runs any more: the dialog only closes.
            self.ui.sas.set(SasView::Closed);
        }
    }

    /// Closes the emoji dialog (cancelling what still runs).
    fn close(&self) {
        if self.state.borrow().running.is_some() {
            self.choose(SasChoice::Cancel);
        } else {
            self.ui.sas.set(SasView::Closed);
        }
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

/// The account data secret storage is made of (`refresh` gives the client
/// the page's current token before each request).
async fn fetch_secrets(client: &MatrixClient, refresh: &dyn Fn()) -> Result<StoredSecrets, ApiError> {
    refresh();
    let default_key = account_data::get_account_data(client, ss::DEFAULT_KEY).await?;
    let key_id = default_key.as_ref().and_then(|c| c.get("key")).and_then(Value::as_str).map(str::to_string);
    refresh();
    let key_description = match &key_id {
        Some(id) => account_data::get_account_data(client, &ss::key_type(id)).await?,
        None => None,
    };
    refresh();
    let (self_signing, master) = futures::future::join(
        account_data::get_account_data(client, ss::SELF_SIGNING),
        account_data::get_account_data(client, ss::MASTER),
    )
    .await;
    Ok(StoredSecrets { default_key, key_description, self_signing: self_signing?, master: master? })
}

/// Publishes this session's device keys (self-signed) and signs them with
/// the self-signing key; nothing more is uploaded once `alive` says the
/// page stopped, started over or locked.
async fn verify_this_session(
    client: &MatrixClient,
    cross: &CrossSigningKeys,
    alive: &dyn Fn() -> bool,
    refresh: &dyn Fn(),
) -> Result<(), Fault> {
    let crypto = |e: crate::web::crypto::CryptoError| Fault::Crypto(e.0);
    // Stopped: the keys are forgotten.
    let stopped = || Fault::Locked;
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
    if !alive() {
        return Err(stopped());
    }
    refresh();
    keys::upload_device_keys(client, &self_signed).await.map_err(Fault::Request)?;
    let cross_signed =
        secrets::sign_object(&object, &cross.self_signing, user, &cross.self_signing_public).await.map_err(crypto)?;
    if !alive() {
        return Err(stopped());
    }
    let body = json!({ user: { device: cross_signed } });
    refresh();
    keys::upload_signatures(client, &body).await.map_err(Fault::Request)
}

/// A random transaction id (128 bits, hex).
fn new_transaction_id() -> String {
    crate::web::crypto::random_bytes(16)
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .unwrap_or_else(|_| format!("{:x}", browser::now_ms()))
}
