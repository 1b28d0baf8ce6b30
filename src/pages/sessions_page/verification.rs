//! Verifying from this page, as the page sees it: what is asked of the
//! verification module (`crate::verifier`, loaded on first use by
//! `web::verifier_module`) and what it reports. The module shows the unlock
//! and emoji dialogs itself; the page offers the steps, shows which one
//! waits for the module (its button spins) and why one failed (under it),
//! and offers requests from other sessions — so the module is loaded only
//! once the user unlocks, verifies or accepts.

use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use serde_json::Value;

use super::data::SessionsData;
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
type Waiting = Option<oneshot::Sender<Option<String>>>;

/// What the page shows of verification and keeps for it: one signal, as
/// each signal type of its own adds code to every visit.
#[derive(Default)]
struct State {
    is_unlocked: bool,
    /// The session (or request) whose step waits for the module.
    busy: Option<String>,
    /// Why the last step failed (in words), and the session it was for.
    problem: Option<(String, String)>,
    /// The request another session sent, offered.
    incoming: Option<IncomingRequest>,
    /// An emoji verification runs in the module.
    flow_running: bool,
    /// The module shows its unlock dialog (asked by this page).
    unlock_open: bool,
    // Kept, not shown (read and written untracked):
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
    state: RwSignal<State, LocalStorage>,
}

impl Verifier {
    pub fn new(data: SessionsData) -> Self {
        let verifier =
            Verifier { data, state: RwSignal::new_local(State { owner: Owner::current(), ..State::default() }) };
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
        match self.state.try_with_untracked(|k| k.owner.clone()).flatten() {
            Some(owner) => owner.with(f),
            None => f(),
        }
    }

    fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        self.under_page(|| browser::spawn_owned(task));
    }

    /// Loads the module and tells it this page's account, once.
    async fn start(&self) -> Result<(), String> {
        verifier_module::load().await.map_err(unavailable)?;
        if self.state.with_untracked(|k| k.started) {
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
        self.state.update_untracked(|k| k.started = true);
        Ok(())
    }

    /// Sends `command` and waits for its answer, for a while: a module
    /// that stopped answering must not leave the button busy for good.
    async fn ask(&self, command: Command) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.state.update_untracked(|k| k.waiting = Some(tx));
        send(command)?;
        let this = *self;
        // Cancelled when dropped, i.e. once answered.
        let _timer = gloo_timers::callback::Timeout::new(ANSWER_WITHIN_MS, move || this.no_answer());
        let answer = rx.await.ok();
        match answer.unwrap_or_else(|| Some(unavailable(gone()))) {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// The module did not answer in time. Its late answer must not count
    /// for a later step: it is stopped (its work so far dropped, the keys
    /// with it) and the next step starts it over.
    fn no_answer(&self) {
        let _ = verifier_module::send(&Command::Stop);
        self.state.try_update_untracked(|k| k.started = false);
        self.state.try_update(|s| s.is_unlocked = false);
        self.answer(Some(unavailable(gone())));
    }

    fn answer(&self, problem: Option<String>) {
        if let Some(tx) = self.state.try_update_untracked(|k| k.waiting.take()).flatten() {
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
                if self.state.try_with_untracked(|s| s.unlock_open) == Some(true) {
                    self.state.update(|s| {
                        s.unlock_open = false;
                        s.is_unlocked = true;
                    });
                    let next = self.state.try_update_untracked(|k| k.after_unlock.take()).flatten();
                    if let Some(next) = next.filter(|step| self.still_wanted(step)) {
                        self.run(next);
                    }
                }
            }
            Report::UnlockClosed => {
                self.state.try_update(|s| {
                    s.unlock_open = false;
                    s.after_unlock = None;
                });
            }
            Report::OwnVerified { error } => self.answer(error),
            Report::FlowOver => {
                self.state.try_update(|s| s.flow_running = false);
            }
            Report::KeysChanged => {
                if let Some(reload) = self.state.try_with_untracked(|k| k.on_keys_changed).flatten() {
                    self.under_page(|| reload.run(()));
                }
            }
        }
    }

    /// How session ids become names in the dialogs, and how the page
    /// fetches keys again.
    pub fn set_page_hooks(&self, name_of: Callback<String, String>, on_keys_changed: Callback<()>) {
        self.state.update_untracked(|k| {
            k.name_of = Some(name_of);
            k.on_keys_changed = Some(on_keys_changed);
        });
    }

    fn name(&self, device_id: &str) -> String {
        match self.state.with_untracked(|k| k.name_of) {
            Some(f) => f.run(device_id.to_string()),
            None => device_id.to_string(),
        }
    }

    /// Runs `step` (one at a time): its session's button spins while the
    /// module loads or works, a failure is said under it. A step that needs
    /// the keys while they are locked asks for them first and goes on
    /// once they are unlocked.
    fn run(&self, step: Step) {
        if self.state.with_untracked(|s| s.busy.is_some() || s.unlock_open) {
            return;
        }
        let session = step.session(self.data.client().device_id());
        self.state.update(|s| {
            s.problem = None;
            s.busy = Some(session.clone());
        });
        let this = *self;
        self.spawn(async move {
            let result = this.perform(step).await;
            this.state.try_update(|s| {
                s.busy = None;
                if let Err(problem) = result {
                    s.problem = Some((session, problem));
                }
            });
        });
    }

    /// A request accepted while locked still counts once unlocked only if
    /// it is still the one offered (not cancelled, ignored or replaced).
    fn still_wanted(&self, step: &Step) -> bool {
        match step {
            Step::Accept(request) => self
                .state
                .with_untracked(|s| s.incoming.as_ref().is_some_and(|o| o.transaction_id == request.transaction_id)),
            _ => true,
        }
    }

    async fn perform(&self, step: Step) -> Result<(), String> {
        self.start().await?;
        if !self.state.with_untracked(|s| s.is_unlocked) {
            self.state.update(|s| {
                s.after_unlock = (!matches!(step, Step::Unlock)).then_some(step);
                s.unlock_open = true;
            });
            return send(Command::Unlock).inspect_err(|_| {
                self.state.update(|s| {
                    s.unlock_open = false;
                    s.after_unlock = None;
                });
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
                self.state.update(|s| s.incoming = None);
                Ok(())
            }
        }
    }

    fn start_flow(&self, command: Command) -> Result<(), String> {
        if self.state.with_untracked(|s| s.flow_running) {
            return Ok(());
        }
        send(command)?;
        self.state.update(|s| s.flow_running = true);
        Ok(())
    }

    /// "Unlock verification".
    pub fn open_unlock(&self) {
        self.run(Step::Unlock);
    }

    /// "Lock": the private keys are forgotten.
    pub fn lock(&self) {
        self.state.update(|s| s.is_unlocked = false);
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
        if let Some(request) = self.state.with_untracked(|s| s.incoming.clone()) {
            self.run(Step::Accept(request));
        }
    }

    /// "Ignore": the request is left unanswered (it times out there).
    pub fn ignore(&self) {
        self.state.update(|s| {
            if let Some(request) = s.incoming.take() {
                let key = request_key(&request);
                if s.problem.as_ref().is_some_and(|(session, _)| *session == key) {
                    s.problem = None;
                }
            }
        });
    }

    /// The private keys are unlocked (then "Lock" shows).
    pub fn is_unlocked(&self) -> bool {
        self.state.with(|s| s.is_unlocked)
    }

    /// What `session`'s buttons show: waiting, and why its last step failed.
    pub fn is_busy(&self, session: &str) -> bool {
        self.state.with(|s| s.busy.as_deref() == Some(session))
    }

    pub fn problem_of(&self, session: &str) -> Option<String> {
        self.state.with(|s| s.problem.as_ref().filter(|(id, _)| id == session).map(|(_, text)| text.clone()))
    }

    /// What the offered request's banner shows: who asks, being accepted,
    /// and why that failed.
    pub fn asker(&self) -> Option<String> {
        self.state.with(|s| s.incoming.as_ref().map(|r| r.name.clone()))
    }

    pub fn request_is_busy(&self) -> bool {
        self.state.with(|s| s.incoming.as_ref().is_some_and(|r| s.busy.as_ref() == Some(&request_key(r))))
    }

    pub fn request_problem(&self) -> Option<String> {
        self.state.with(|s| {
            let key = request_key(s.incoming.as_ref()?);
            s.problem.as_ref().filter(|(id, _)| *id == key).map(|(_, text)| text.clone())
        })
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
        if self.state.with_untracked(|k| k.started) {
            let (sender, event_type, content) = (sender.to_string(), event_type.to_string(), content.clone());
            let _ = verifier_module::send(&Command::ToDevice { sender, event_type, content });
        }
        let (offered, flow_running, taking_one_on) = self.state.with_untracked(|s| {
            let offered = s.incoming.as_ref().map(|r| r.transaction_id.clone());
            // The offered request is being accepted (or waits for the key).
            let accepting = s.busy.is_some() || matches!(s.after_unlock, Some(Step::Accept(_)));
            (offered, s.flow_running, accepting)
        });
        if event_type == sas::CANCEL {
            if offered.as_deref() == Some(message.transaction_id.as_str()) {
                self.ignore();
            }
            return;
        }
        let from = sas::str_field(content, "from_device").unwrap_or("").to_string();
        if event_type != sas::REQUEST
            || flow_running
            || (offered.is_some() && taking_one_on)
            || !own_verified
            || from.is_empty()
            || from == client.device_id()
            || !sas::request_is_usable(content, browser::now_ms())
        {
            return;
        }
        let name = self.name(&from);
        let request = IncomingRequest { device_id: from, name, transaction_id: message.transaction_id };
        self.state.update(|s| s.incoming = Some(request));
    }
}

/// Where an accepted request's step is kept (beside session ids).
fn request_key(request: &IncomingRequest) -> String {
    format!("request {}", request.transaction_id)
}

fn send(command: Command) -> Result<(), String> {
    verifier_module::send(&command).map_err(unavailable)
}

fn gone() -> String {
    i18n::t("verify.error.no_answer")
}

/// The module could not be loaded or stopped answering.
fn unavailable(reason: String) -> String {
    i18n::text(&Fault::Unavailable(reason).text())
}
