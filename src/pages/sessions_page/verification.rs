//! Verifying from this page, as the page sees it: what is asked of the
//! verification module (`crate::verifier`, loaded on first use by
//! `web::verifier_module`) and what it reports. The module shows the unlock
//! and emoji dialogs itself; the page offers the steps, shows which one
//! waits for the module (its button spins) and why one failed (under it),
//! and offers requests from other sessions — so the module is loaded only
//! once the user unlocks, verifies or accepts.

use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::Either;
use leptos::prelude::*;
use serde_json::Value;

use super::data::SessionsData;
use crate::model::messages::Text;
use crate::model::sas;
use crate::model::verification::{Fault, IncomingRequest};
use crate::model::verifier_messages::{Command, Report, VERSION};
use crate::web::{browser, i18n, verifier_module};

/// How long the module may take to answer `Start` or "Verify this
/// session" (a few requests; each has its own timeout below this).
const ANSWER_WITHIN_MS: u32 = 60_000;

/// A verification step the user asked for.
#[derive(Clone, Debug)]
enum Step {
    /// Just unlock ("Unlock verification").
    Unlock,
    VerifyThisSession,
    Verify(String),
    Accept(IncomingRequest),
}

impl Step {
    /// The session whose button shows the step, or the request (its
    /// banner shows it, not the sender's row as well).
    fn session(&self, own: &str) -> String {
        match self {
            Step::Unlock | Step::VerifyThisSession => own.to_string(),
            Step::Verify(id) => id.clone(),
            Step::Accept(request) => request_key(request),
        }
    }
}

/// The answer the running step waits for (`Ready` or `OwnVerified`; steps
/// run one at a time): a problem, or none.
type Waiting = Option<oneshot::Sender<Option<Text>>>;

#[derive(Default)]
struct Keep {
    /// The module knows this page's account.
    started: bool,
    waiting: Waiting,
    /// What to do once the keys are unlocked.
    after_unlock: Option<Step>,
    /// Session names by id, for the dialogs.
    name_of: Option<Callback<String, String>>,
    /// Fetches the account's keys again, so verification shows what the
    /// server now holds.
    on_keys_changed: Option<Callback<()>>,
    /// Steps run under the page, not under the button that asked for them
    /// (which a step may replace).
    owner: Option<Owner>,
}

#[derive(Clone, Copy)]
pub struct Verifier {
    data: SessionsData,
    pub is_unlocked: RwSignal<bool>,
    /// The session whose step waits for the module.
    pub busy: RwSignal<Option<String>>,
    /// Why the last step failed (in words), and the session it was for.
    pub problem: RwSignal<Option<(String, String)>>,
    pub incoming: RwSignal<Option<IncomingRequest>>,
    /// An emoji verification runs in the module.
    flow_running: RwSignal<bool>,
    /// The module shows its unlock dialog (asked by this page).
    unlock_open: RwSignal<bool>,
    /// What the page keeps beside its signals (one stored value).
    keep: StoredValue<Keep, LocalStorage>,
}

impl Verifier {
    pub fn new(data: SessionsData) -> Self {
        let verifier = Verifier {
            data,
            is_unlocked: RwSignal::new(false),
            busy: RwSignal::new(None),
            problem: RwSignal::new(None),
            incoming: RwSignal::new(None),
            flow_running: RwSignal::new(false),
            unlock_open: RwSignal::new(false),
            keep: StoredValue::new_local(Keep { owner: Owner::current(), ..Keep::default() }),
        };
        verifier_module::set_page(Some(verifier_module::Page {
            on_report: Rc::new(move |report| verifier.on_report(report)),
            token: Rc::new(move || data.client().tokens().access_token),
        }));
        on_cleanup(move || {
            verifier_module::set_page(None);
            // Signed out or gone: the module cancels, forgets the keys and
            // takes its dialogs away.
            if verifier_module::is_loaded() {
                let _ = verifier_module::send(&Command::Stop);
            }
        });
        verifier
    }

    /// Runs `f` under the page's owner (what it spawns lives with the page).
    fn under_page(&self, f: impl FnOnce()) {
        match self.keep.try_with_value(|k| k.owner.clone()).flatten() {
            Some(owner) => owner.with(f),
            None => f(),
        }
    }

    fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        self.under_page(|| browser::spawn_owned(task));
    }

    /// Loads the module and tells it this page's account, once.
    async fn start(&self) -> Result<(), Text> {
        verifier_module::load().await.map_err(unavailable)?;
        if self.keep.with_value(|k| k.started) {
            return Ok(());
        }
        let client = self.data.client();
        self.ask(Command::Start {
            version: VERSION,
            homeserver: client.homeserver().base_url().to_string(),
            user_id: client.user_id().to_string(),
            device_id: client.device_id().to_string(),
            lang: i18n::lang().to_string(),
        })
        .await?;
        self.keep.update_value(|k| k.started = true);
        Ok(())
    }

    /// Sends `command` and waits for its answer, for a while: a module
    /// that stopped answering must not leave the button busy for good.
    async fn ask(&self, command: Command) -> Result<(), Text> {
        let (tx, rx) = oneshot::channel();
        self.keep.update_value(|k| k.waiting = Some(tx));
        send(command)?;
        let timeout = gloo_timers::future::TimeoutFuture::new(ANSWER_WITHIN_MS);
        let answer = match futures::future::select(rx, timeout).await {
            Either::Left((answer, _)) => answer.ok(),
            // Its late answer must not count for a later step: the module
            // is stopped (its work so far dropped, the keys with it) and the
            // next step starts it over.
            Either::Right(_) => {
                let _ = verifier_module::send(&Command::Stop);
                self.keep.try_update_value(|k| {
                    k.waiting = None;
                    k.started = false;
                });
                self.is_unlocked.try_set(false);
                None
            }
        };
        match answer.unwrap_or_else(|| Some(unavailable(gone()))) {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    fn answer(&self, problem: Option<Text>) {
        if let Some(tx) = self.keep.try_update_value(|k| k.waiting.take()).flatten() {
            let _ = tx.send(problem);
        }
    }

    fn on_report(&self, report: Report) {
        match report {
            // A module cached from another build says another version.
            Report::Ready { version, error } => self.answer(if version == VERSION {
                error
            } else {
                Some(unavailable(i18n::t("verify.error.other_build")))
            }),
            Report::Unlocked => {
                // Only an unlock this page asked for counts.
                if self.unlock_open.try_get_untracked() == Some(true) {
                    self.unlock_open.set(false);
                    self.is_unlocked.set(true);
                    let next = self.keep.try_update_value(|k| k.after_unlock.take()).flatten();
                    if let Some(next) = next.filter(|step| self.still_wanted(step)) {
                        self.run(next);
                    }
                }
            }
            Report::UnlockClosed => {
                self.unlock_open.try_set(false);
                self.keep.try_update_value(|k| k.after_unlock = None);
            }
            Report::OwnVerified { error } => self.answer(error),
            Report::FlowOver => {
                self.flow_running.try_set(false);
            }
            Report::KeysChanged => {
                if let Some(reload) = self.keep.try_with_value(|k| k.on_keys_changed).flatten() {
                    self.under_page(|| reload.run(()));
                }
            }
        }
    }

    /// How session ids become names in the dialogs, and how the page
    /// fetches keys again.
    pub fn set_page_hooks(&self, name_of: Callback<String, String>, on_keys_changed: Callback<()>) {
        self.keep.update_value(|k| {
            k.name_of = Some(name_of);
            k.on_keys_changed = Some(on_keys_changed);
        });
    }

    fn name(&self, device_id: &str) -> String {
        match self.keep.with_value(|k| k.name_of) {
            Some(f) => f.run(device_id.to_string()),
            None => device_id.to_string(),
        }
    }

    /// Runs `step` (one at a time): its session's button spins while the
    /// module loads or works, a failure is said under it. A step that needs
    /// the keys while they are locked asks for them first and goes on
    /// once they are unlocked.
    fn run(&self, step: Step) {
        if self.busy.get_untracked().is_some() || self.unlock_open.get_untracked() {
            return;
        }
        let session = step.session(self.data.client().device_id());
        self.problem.set(None);
        self.busy.set(Some(session.clone()));
        let this = *self;
        self.spawn(async move {
            let result = this.perform(step).await;
            this.busy.try_set(None);
            if let Err(problem) = result {
                this.problem.try_set(Some((session, i18n::text(&problem))));
            }
        });
    }

    /// A request accepted while locked still counts once unlocked only if
    /// it is still the one offered (not cancelled, ignored or replaced).
    fn still_wanted(&self, step: &Step) -> bool {
        match step {
            Step::Accept(request) => self
                .incoming
                .with_untracked(|offered| offered.as_ref().is_some_and(|o| o.transaction_id == request.transaction_id)),
            _ => true,
        }
    }

    async fn perform(&self, step: Step) -> Result<(), Text> {
        self.start().await?;
        if !self.is_unlocked.get_untracked() {
            self.keep.update_value(|k| k.after_unlock = (!matches!(step, Step::Unlock)).then_some(step));
            self.unlock_open.set(true);
            return send(Command::Unlock).inspect_err(|_| {
                self.unlock_open.set(false);
                self.keep.update_value(|k| k.after_unlock = None);
            });
        }
        match step {
            Step::Unlock => Ok(()),
            Step::VerifyThisSession => self.ask(Command::VerifyThisSession).await,
            Step::Verify(device_id) => {
                let name = self.name(&device_id);
                self.start_flow(Command::Verify { device_id, name })
            }
            Step::Accept(request) => {
                self.start_flow(Command::Accept { request })?;
                self.incoming.set(None);
                Ok(())
            }
        }
    }

    fn start_flow(&self, command: Command) -> Result<(), Text> {
        if self.flow_running.get_untracked() {
            return Ok(());
        }
        send(command)?;
        self.flow_running.set(true);
        Ok(())
    }

    /// "Unlock verification".
    pub fn open_unlock(&self) {
        self.run(Step::Unlock);
    }

    /// "Lock": the private keys are forgotten.
    pub fn lock(&self) {
        self.is_unlocked.set(false);
        if verifier_module::is_loaded() {
            let _ = verifier_module::send(&Command::Lock);
        }
    }

    /// "Verify this session".
    pub fn verify_this_session(&self) {
        self.run(Step::VerifyThisSession);
    }

    /// "Verify session": emoji verification with `device_id`.
    pub fn verify(&self, device_id: String) {
        self.run(Step::Verify(device_id));
    }

    /// Accepts the request another session sent (it stays offered until
    /// the module has taken it on).
    pub fn accept(&self) {
        if let Some(request) = self.incoming.get_untracked() {
            self.run(Step::Accept(request));
        }
    }

    /// "Ignore": the request is left unanswered (it times out there).
    pub fn ignore(&self) {
        if let Some(request) = self.incoming.get_untracked() {
            let key = request_key(&request);
            self.problem.update(|p| {
                if p.as_ref().is_some_and(|(s, _)| *s == key) {
                    *p = None;
                }
            });
        }
        self.incoming.set(None);
    }

    /// What `session`'s buttons show: waiting, and why its last step failed.
    pub fn is_busy(&self, session: &str) -> bool {
        self.busy.with(|b| b.as_deref() == Some(session))
    }

    pub fn problem_of(&self, session: &str) -> Option<String> {
        self.problem.with(|p| p.as_ref().filter(|(s, _)| s == session).map(|(_, text)| text.clone()))
    }

    /// What the offered request's banner shows: being accepted, and why
    /// that failed.
    pub fn request_is_busy(&self) -> bool {
        self.incoming.with(|r| r.as_ref().is_some_and(|r| self.is_busy(&request_key(r))))
    }

    pub fn request_problem(&self) -> Option<String> {
        self.incoming.with(|r| r.as_ref().and_then(|r| self.problem_of(&request_key(r))))
    }

    /// To-device messages from the live updates: verification messages go
    /// to the module when it runs; a new request from another session of
    /// this account is offered (only to a verified session, one at a time:
    /// a newer one replaces it), and withdrawn if that session cancels.
    pub fn on_to_device(&self, sender: &str, event_type: &str, content: &Value, own_verified: bool) {
        let client = self.data.client();
        let Some(message) = sas::incoming(sender, event_type, content) else { return };
        if sender != client.user_id() {
            return;
        }
        if self.keep.with_value(|k| k.started) {
            let (sender, event_type, content) = (sender.to_string(), event_type.to_string(), content.clone());
            let _ = verifier_module::send(&Command::ToDevice { sender, event_type, content });
        }
        let offered = self.incoming.with_untracked(|r| r.as_ref().map(|r| r.transaction_id.clone()));
        if event_type == sas::CANCEL {
            if offered.as_deref() == Some(message.transaction_id.as_str()) {
                self.ignore();
            }
            return;
        }
        let from = sas::str_field(content, "from_device").unwrap_or("").to_string();
        if event_type != sas::REQUEST
            || self.flow_running.get_untracked()
            // The offered request is being accepted (or waits for the key).
            || (offered.is_some()
                && (self.busy.get_untracked().is_some()
                    || self.keep.with_value(|k| matches!(k.after_unlock, Some(Step::Accept(_))))))
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

/// Where an accepted request's step is kept (beside session ids).
fn request_key(request: &IncomingRequest) -> String {
    format!("request {}", request.transaction_id)
}

fn send(command: Command) -> Result<(), Text> {
    verifier_module::send(&command).map_err(unavailable)
}

fn gone() -> String {
    i18n::t("verify.error.no_answer")
}

/// The module could not be loaded or stopped answering.
fn unavailable(reason: String) -> Text {
    Fault::Unavailable(reason).text()
}
