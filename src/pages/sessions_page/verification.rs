//! Verifying from this page, as the page sees it: what is asked of the
//! verification module (`crate::verifier`, loaded on first use by
//! `web::verifier_module`) and what it reports. Unlocking and making this
//! session verified are `Action`s awaiting the module's answer; the emoji
//! flow's progress arrives as reports and is shown as `sas`. Requests from
//! other sessions are offered by the page itself, so the module is loaded
//! only once the user unlocks, verifies or accepts.

use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use serde_json::Value;

use super::data::SessionsData;
use crate::api::keys;
use crate::model::messages::Text;
use crate::model::sas;
use crate::model::trust::published_keys;
use crate::model::verification::{Fault, IncomingRequest, SasChoice, SasEnd, SasView};
use crate::model::verifier_messages::{Command, Envelope, Report, UnlockInput, VERSION};
use crate::web::{browser, verifier_module};

/// What to do once the keys are unlocked (the user asked for it before).
#[derive(Clone, Debug)]
enum AfterUnlock {
    VerifyThisSession,
    Verify(String),
    Accept(IncomingRequest),
}

/// Answers the page waits for.
#[derive(Default)]
struct Waiting {
    ready: Option<oneshot::Sender<u32>>,
    unlocked: Option<oneshot::Sender<Option<Text>>>,
    own: Option<oneshot::Sender<Option<Text>>>,
}

#[derive(Clone, Copy)]
pub struct Verifier {
    data: SessionsData,
    pub is_unlocked: RwSignal<bool>,
    pub unlock_open: RwSignal<bool>,
    /// Failures are texts from the module (or about loading it).
    pub unlock: Action<UnlockInput, Result<(), Text>>,
    pub verify_own: Action<(), Result<(), Text>>,
    pub sas: RwSignal<SasView>,
    pub incoming: RwSignal<Option<IncomingRequest>>,
    /// An emoji verification runs in the module.
    flow_running: RwSignal<bool>,
    /// The module knows this page's account.
    started: StoredValue<bool>,
    waiting: StoredValue<Waiting, LocalStorage>,
    after_unlock: StoredValue<Option<AfterUnlock>>,
    /// Session names by id, for the dialogs.
    name_of: StoredValue<Option<Callback<String, String>>>,
}

impl Verifier {
    pub fn new(data: SessionsData) -> Self {
        let this = StoredValue::new(None::<Verifier>);
        let unlock = Action::new_local(move |input: &UnlockInput| {
            let input = input.clone();
            let (master, self_signing) = data
                .with_untracked(|r| r.keys.as_ref().ok().map(|k| published_keys(&k.0, data.client().user_id())))
                .flatten()
                .unwrap_or((None, None));
            async move {
                let Some(Some(v)) = this.try_get_value() else { return Err(unavailable(gone())) };
                v.start().await.map_err(unavailable)?;
                let (tx, rx) = oneshot::channel();
                v.waiting.update_value(|w| w.unlocked = Some(tx));
                v.send(Command::Unlock { input, master, self_signing }).map_err(unavailable)?;
                if let Some(problem) = rx.await.unwrap_or_else(|_| Some(unavailable(gone()))) {
                    return Err(problem);
                }
                v.is_unlocked.set(true);
                v.unlocked();
                Ok(())
            }
        });
        let verify_own = Action::new_local(move |_: &()| async move {
            let Some(Some(v)) = this.try_get_value() else { return Err(unavailable(gone())) };
            let (tx, rx) = oneshot::channel();
            v.waiting.update_value(|w| w.own = Some(tx));
            v.send(Command::VerifyThisSession).map_err(unavailable)?;
            match rx.await.unwrap_or_else(|_| Some(unavailable(gone()))) {
                Some(problem) => Err(problem),
                None => Ok(()),
            }
        });
        let verifier = Verifier {
            data,
            is_unlocked: RwSignal::new(false),
            unlock_open: RwSignal::new(false),
            unlock,
            verify_own,
            sas: RwSignal::new(SasView::Closed),
            incoming: RwSignal::new(None),
            flow_running: RwSignal::new(false),
            started: StoredValue::new(false),
            waiting: StoredValue::new_local(Waiting::default()),
            after_unlock: StoredValue::new(None),
            name_of: StoredValue::new(None),
        };
        this.set_value(Some(verifier));
        verifier_module::set_handler(Some(Rc::new(move |report| verifier.on_report(report))));
        on_cleanup(move || {
            verifier_module::set_handler(None);
            // Signed out or gone: the module cancels and forgets the keys.
            if verifier_module::is_loaded() {
                let token = data.client().tokens().access_token;
                let _ = verifier_module::send(&Envelope { access_token: token, command: Command::Stop });
            }
        });
        verifier
    }

    fn send(&self, command: Command) -> Result<(), String> {
        let access_token = self.data.client().tokens().access_token;
        verifier_module::send(&Envelope { access_token, command })
    }

    /// Loads the module and tells it this page's account, once.
    async fn start(&self) -> Result<(), String> {
        verifier_module::load().await?;
        if self.started.get_value() {
            return Ok(());
        }
        let client = self.data.client();
        let (tx, rx) = oneshot::channel();
        self.waiting.update_value(|w| w.ready = Some(tx));
        self.send(Command::Start {
            version: VERSION,
            homeserver: client.homeserver().base_url().to_string(),
            user_id: client.user_id().to_string(),
            device_id: client.device_id().to_string(),
        })?;
        match rx.await {
            Ok(VERSION) => {
                self.started.set_value(true);
                Ok(())
            }
            // A module cached from another build.
            Ok(_) => Err(crate::web::i18n::t("verify.error.other_build")),
            Err(_) => Err(gone()),
        }
    }

    fn on_report(&self, report: Report) {
        match report {
            Report::Ready { version } => {
                if let Some(tx) = self.waiting.try_update_value(|w| w.ready.take()).flatten() {
                    let _ = tx.send(version);
                }
            }
            Report::Unlocked { error } => {
                if let Some(tx) = self.waiting.try_update_value(|w| w.unlocked.take()).flatten() {
                    let _ = tx.send(error);
                }
            }
            Report::OwnVerified { error } => {
                if let Some(tx) = self.waiting.try_update_value(|w| w.own.take()).flatten() {
                    let _ = tx.send(error);
                }
            }
            Report::Sas { view } => {
                self.sas.try_set(view);
            }
            Report::FlowOver => {
                self.flow_running.try_set(false);
            }
            Report::KeysChanged => {
                let data = self.data;
                browser::spawn_owned(refresh_keys(data));
            }
        }
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

    /// "Unlock verification" (optionally continuing with `then`). The
    /// module starts loading while the user types.
    fn ask_unlock(&self, then: Option<AfterUnlock>) {
        self.after_unlock.set_value(then);
        self.unlock.clear();
        self.unlock_open.set(true);
        browser::spawn_owned(async {
            let _ = verifier_module::load().await;
        });
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
        self.is_unlocked.set(false);
        let _ = self.send(Command::Lock);
    }

    /// "Verify this session".
    pub fn verify_this_session(&self) {
        if !self.is_unlocked.get_untracked() {
            self.ask_unlock(Some(AfterUnlock::VerifyThisSession));
        } else if !self.verify_own.pending().get_untracked() {
            self.verify_own.dispatch_local(());
        }
    }

    /// "Verify session": emoji verification with `device_id`.
    pub fn verify(&self, device_id: String) {
        if !self.is_unlocked.get_untracked() {
            self.ask_unlock(Some(AfterUnlock::Verify(device_id)));
            return;
        }
        let name = self.name(&device_id);
        self.run_flow(name.clone(), Command::Verify { device_id, name });
    }

    /// Accepts a request another session sent.
    pub fn accept(&self, request: IncomingRequest) {
        self.incoming.set(None);
        if !self.is_unlocked.get_untracked() {
            self.ask_unlock(Some(AfterUnlock::Accept(request)));
            return;
        }
        self.run_flow(request.name.clone(), Command::Accept { request });
    }

    fn run_flow(&self, name: String, command: Command) {
        if self.flow_running.get_untracked() {
            return;
        }
        self.flow_running.set(true);
        self.sas.set(SasView::Waiting { name: name.clone() });
        if let Err(reason) = self.send(command) {
            self.flow_running.set(false);
            self.sas.set(SasView::Ended { name, end: SasEnd::Failed(Fault::Unavailable(reason).text()) });
        }
    }

    /// "Ignore": the request is left unanswered (it times out there).
    pub fn ignore(&self) {
        self.incoming.set(None);
    }

    pub fn choose(&self, choice: SasChoice) {
        if !self.flow_running.get_untracked() || self.send(Command::Choose { choice }).is_err() {
            // Nothing runs any more: the dialog only closes.
            self.sas.set(SasView::Closed);
        }
    }

    /// Closes a finished verification's dialog.
    pub fn close(&self) {
        if self.flow_running.get_untracked() {
            self.choose(SasChoice::Cancel);
        } else {
            self.sas.set(SasView::Closed);
        }
    }

    /// To-device messages from the live updates: verification messages go
    /// to the module when it runs; a new request from another session of
    /// this account is offered (only to a verified session, one at a time),
    /// and withdrawn if that session cancels.
    pub fn on_to_device(&self, sender: &str, event_type: &str, content: &Value, own_verified: bool) {
        let client = self.data.client();
        let Some(message) = sas::incoming(sender, event_type, content) else { return };
        if sender != client.user_id() {
            return;
        }
        if self.started.get_value() {
            let (sender, event_type, content) = (sender.to_string(), event_type.to_string(), content.clone());
            let _ = self.send(Command::ToDevice { sender, event_type, content });
        }
        if event_type == sas::CANCEL {
            if self.incoming.with_untracked(|r| r.as_ref().is_some_and(|r| r.transaction_id == message.transaction_id))
            {
                self.incoming.set(None);
            }
            return;
        }
        let from = sas::str_field(content, "from_device").unwrap_or("").to_string();
        if event_type != sas::REQUEST
            || self.flow_running.get_untracked()
            || !own_verified
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

fn gone() -> String {
    crate::web::i18n::t("verify.error.no_answer")
}

/// The module could not be loaded or stopped answering.
fn unavailable(reason: String) -> Text {
    Fault::Unavailable(reason).text()
}

/// Fetches the account's keys again, so verification shows what the server
/// now holds.
pub async fn refresh_keys(data: SessionsData) {
    if let Ok(answer) = keys::query_own_keys(&data.client()).await {
        data.set_sessions(None, Some(answer), None);
    }
}
