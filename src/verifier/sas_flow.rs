//! One emoji verification with another session of the account, as a task:
//! the messages in the order `m.sas.v1` prescribes, each answer checked
//! (`model::sas`), the key agreement and MACs by the browser's WebCrypto.
//! Nothing is signed unless the user confirmed the emoji and the other
//! session's MACs check out; every other end cancels and signs nothing.

use futures::StreamExt;
use futures::channel::mpsc::UnboundedReceiver;
use futures::future::{Either, select};
use serde_json::{Map, Value, json};

use std::rc::Rc;

use super::{Reporter, TokenSource};
use crate::api::{ApiError, MatrixClient, keys, to_device};
use crate::model::sas::{self, Incoming, Party, b64, code};
use crate::model::secret_storage as ss;
use crate::model::trust::{device_ed25519, device_keys_of};
use crate::model::verification::{Fault, IncomingRequest, SasChoice, SasEnd, SasView, cancel_code, end_from_code};
use crate::model::verifier_messages::Report;
use crate::web::browser;
use crate::web::crypto::{self, EphemeralKey};
use crate::web::secrets::{self, CrossSigningKeys};

/// What a flow needs: the account (with the page's current token), its
/// unlocked keys, where to report and show progress, whether the page still
/// wants it, and its incoming messages and the user's choices.
pub struct FlowEvents {
    pub client: MatrixClient,
    pub token: TokenSource,
    pub cross: CrossSigningKeys,
    pub report: Reporter,
    pub show: Rc<dyn Fn(SasView)>,
    pub alive: Rc<dyn Fn() -> bool>,
    pub name: String,
    pub events: UnboundedReceiver<Incoming>,
    pub choices: UnboundedReceiver<SasChoice>,
}

impl FlowEvents {
    /// The client, with the token the page holds now.
    fn client(&self) -> &MatrixClient {
        if let Some(token) = (self.token)() {
            self.client.adopt_tokens(super::bearer(token));
        }
        &self.client
    }
}

/// Why the flow stops early (the end to show, and whether to tell the
/// other side).
struct Stop {
    end: SasEnd,
    tell_them: bool,
}

impl Stop {
    fn ours(end: SasEnd) -> Self {
        Stop { end, tell_them: true }
    }
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::ours(SasEnd::Failed(Fault::Request(e).text()))
    }
}

impl From<crypto::CryptoError> for Stop {
    fn from(e: crypto::CryptoError) -> Self {
        Stop::ours(SasEnd::Failed(Fault::Crypto(e.0).text()))
    }
}

struct Flow {
    f: FlowEvents,
    other_device: String,
    transaction_id: String,
    /// When the whole verification times out (spec: 10 minutes).
    deadline_ms: u64,
    /// The other side's MAC message, if it came before the user confirmed.
    their_mac: Option<Value>,
    confirmed: bool,
}

/// This page asks `device_id` to verify: request, then (after `ready`) it
/// sends `start`.
pub async fn run_as_requester(f: FlowEvents, device_id: String, transaction_id: String) {
    let mut flow = Flow::new(f, device_id, transaction_id);
    let result = flow.requester().await;
    flow.finish(result).await;
}

/// Another session asked: `ready`, then it sends `start`.
pub async fn run_as_responder(f: FlowEvents, request: IncomingRequest) {
    let mut flow = Flow::new(f, request.device_id, request.transaction_id);
    let result = flow.responder().await;
    flow.finish(result).await;
}

impl Flow {
    fn new(f: FlowEvents, other_device: String, transaction_id: String) -> Self {
        Flow {
            f,
            other_device,
            transaction_id,
            deadline_ms: browser::now_ms() + sas::TIMEOUT_MS,
            their_mac: None,
            confirmed: false,
        }
    }

    fn me(&self) -> (&str, &str) {
        (self.f.client.user_id(), self.f.client.device_id())
    }

    async fn send(&self, event_type: &str, content: &Value) -> Result<(), ApiError> {
        let txn = crypto::random_bytes(12).map(|b| b64(&b)).unwrap_or_else(|_| browser::now_ms().to_string());
        let client = self.f.client();
        to_device::send_to_device(client, event_type, &txn, client.user_id(), &self.other_device, content).await
    }

    /// The next message of this verification (a cancel ends the flow), or
    /// the user's choice, or the timeout.
    async fn next(&mut self) -> Result<Either<Incoming, SasChoice>, Stop> {
        let left = self.deadline_ms.saturating_sub(browser::now_ms()).min(u64::from(u32::MAX)) as u32;
        if left == 0 {
            return Err(Stop::ours(SasEnd::Timeout));
        }
        let timeout = gloo_timers::future::TimeoutFuture::new(left);
        let message = select(self.f.events.next(), self.f.choices.next());
        match select(Box::pin(message), timeout).await {
            Either::Right(_) => Err(Stop::ours(SasEnd::Timeout)),
            Either::Left((Either::Left((Some(m), _)), _)) => {
                if m.event_type == sas::CANCEL {
                    let code = sas::str_field(&m.content, "code").unwrap_or(code::USER);
                    return Err(Stop { end: end_from_code(code), tell_them: false });
                }
                Ok(Either::Left(m))
            }
            Either::Left((Either::Right((Some(SasChoice::Cancel), _)), _)) => Err(Stop::ours(SasEnd::CancelledByUs)),
            Either::Left((Either::Right((Some(choice), _)), _)) => Ok(Either::Right(choice)),
            // The page is closing.
            _ => Err(Stop { end: SasEnd::CancelledByUs, tell_them: true }),
        }
    }

    /// Waits for a message of `event_type`. Choices other than Cancel are
    /// not expected yet and are ignored.
    async fn expect(&mut self, event_type: &str) -> Result<Value, Stop> {
        loop {
            match self.next().await? {
                Either::Left(m) if m.event_type == event_type => return Ok(m.content),
                // A MAC may come before this side confirmed.
                Either::Left(m) if m.event_type == sas::MAC => self.their_mac = Some(m.content),
                Either::Left(m) if m.event_type == sas::DONE || m.event_type == sas::REQUEST => {}
                Either::Left(_) => return Err(Stop::ours(SasEnd::Unexpected)),
                Either::Right(_) => {}
            }
        }
    }

    async fn requester(&mut self) -> Result<(), Stop> {
        let now = browser::now_ms();
        let (_, me) = self.me();
        let request = sas::request_content(me, &self.transaction_id, now);
        self.send(sas::REQUEST, &request).await?;
        let ready = self.expect(sas::READY).await?;
        if !sas::ready_offers_sas(&ready) {
            return Err(Stop::ours(SasEnd::UnknownMethod));
        }
        let start = sas::start_content(self.me().1, &self.transaction_id);
        self.send(sas::START, &start).await?;
        let accept = self.expect(sas::ACCEPT).await?;
        if !sas::accept_is_supported(&accept) {
            return Err(Stop::ours(SasEnd::UnknownMethod));
        }
        let ours = crypto::x25519_generate().await?;
        self.send(sas::KEY, &sas::key_content(&b64(&ours.public), &self.transaction_id)).await?;
        let their_key = self.expect(sas::KEY).await?;
        let their_key = sas::str_field(&their_key, "key").unwrap_or("").to_string();
        // Their key must be the one they committed to before seeing ours.
        let commitment = b64(&crypto::sha256(sas::commitment_input(&their_key, &start).as_bytes()).await?);
        if sas::str_field(&accept, "commitment") != Some(commitment.as_str()) {
            return Err(Stop::ours(SasEnd::Tampered));
        }
        let me = self.party(&ours);
        let them = Party { user_id: me.user_id.clone(), device_id: self.other_device.clone(), key: their_key.clone() };
        self.compare_and_sign(&ours, &me, &them, true).await
    }

    async fn responder(&mut self) -> Result<(), Stop> {
        let ready = sas::ready_content(self.me().1, &self.transaction_id);
        self.send(sas::READY, &ready).await?;
        let start = self.expect(sas::START).await?;
        if !sas::start_is_supported(&start) {
            return Err(Stop::ours(SasEnd::UnknownMethod));
        }
        let ours = crypto::x25519_generate().await?;
        let our_key = b64(&ours.public);
        let commitment = b64(&crypto::sha256(sas::commitment_input(&our_key, &start).as_bytes()).await?);
        self.send(sas::ACCEPT, &sas::accept_content(&commitment, &self.transaction_id)).await?;
        let their_key = self.expect(sas::KEY).await?;
        let their_key = sas::str_field(&their_key, "key").unwrap_or("").to_string();
        self.send(sas::KEY, &sas::key_content(&our_key, &self.transaction_id)).await?;
        let me = self.party(&ours);
        let them = Party { user_id: me.user_id.clone(), device_id: self.other_device.clone(), key: their_key };
        self.compare_and_sign(&ours, &me, &them, false).await
    }

    fn party(&self, ours: &EphemeralKey) -> Party {
        let (user, device) = self.me();
        Party { user_id: user.to_string(), device_id: device.to_string(), key: b64(&ours.public) }
    }

    /// Shows the emoji, waits for the user and the other side's MAC, checks
    /// it, signs the other session and says done.
    async fn compare_and_sign(
        &mut self,
        ours: &EphemeralKey,
        me: &Party,
        them: &Party,
        we_started: bool,
    ) -> Result<(), Stop> {
        let their_public = ss::b64(&them.key).filter(|k| k.len() == 32).ok_or(Stop::ours(SasEnd::Tampered))?;
        let shared = ours.agree(&their_public).await?;
        let info = if we_started {
            sas::sas_info(me, them, &self.transaction_id)
        } else {
            sas::sas_info(them, me, &self.transaction_id)
        };
        let bytes = crypto::hkdf_sha256(&shared, &[], info.as_bytes(), 6).await?;
        let sas_bytes: [u8; 6] =
            bytes.try_into().map_err(|_| Stop::ours(SasEnd::Failed(Fault::Crypto("SAS".into()).text())))?;
        let (emoji, decimals) = (sas::emoji_numbers(&sas_bytes), sas::decimals(&sas_bytes));
        self.show(SasView::Compare { name: self.f.name.clone(), emoji, decimals, confirmed: false });
        // The user decides; the other side's MAC may come meanwhile.
        loop {
            match self.next().await? {
                Either::Right(SasChoice::Match) => break,
                Either::Right(SasChoice::Mismatch) => return Err(Stop::ours(SasEnd::Mismatch)),
                Either::Right(SasChoice::Cancel) => return Err(Stop::ours(SasEnd::CancelledByUs)),
                Either::Left(m) if m.event_type == sas::MAC => self.their_mac = Some(m.content),
                Either::Left(_) => return Err(Stop::ours(SasEnd::Unexpected)),
            }
        }
        self.confirmed = true;
        self.show(SasView::Compare { name: self.f.name.clone(), emoji, decimals, confirmed: true });
        self.send_mac(&shared, me, them).await?;
        let their_mac = match self.their_mac.take() {
            Some(mac) => mac,
            None => self.expect(sas::MAC).await?,
        };
        let device_keys = self.check_mac(&shared, me, them, &their_mac).await?;
        // Both sides agree and the MACs check out: sign the other session.
        let signed = secrets::sign_object(
            &device_keys,
            &self.f.cross.self_signing,
            &me.user_id,
            &self.f.cross.self_signing_public,
        )
        .await?;
        if !(self.f.alive)() {
            return Err(Stop { end: SasEnd::CancelledByUs, tell_them: false });
        }
        keys::upload_signatures(self.f.client(), &json!({ me.user_id.clone(): { them.device_id.clone(): signed } }))
            .await?;
        self.send(sas::DONE, &sas::done_content(&self.transaction_id)).await?;
        (self.f.report)(Report::KeysChanged);
        self.show(SasView::Verified { name: self.f.name.clone() });
        Ok(())
    }

    async fn mac_of(
        &self,
        shared: &[u8],
        sender: &Party,
        receiver: &Party,
        key_id: &str,
        input: &str,
    ) -> Result<String, Stop> {
        let info = sas::mac_info(
            &sender.user_id,
            &sender.device_id,
            &receiver.user_id,
            &receiver.device_id,
            &self.transaction_id,
            key_id,
        );
        let mac_key = crypto::hkdf_sha256(shared, &[], info.as_bytes(), 32).await?;
        Ok(b64(&crypto::hmac_sha256(&mac_key, input.as_bytes()).await?))
    }

    /// This session's MACs: its device key, and the account's master key
    /// (this page holds the cross-signing keys).
    async fn send_mac(&self, shared: &[u8], me: &Party, them: &Party) -> Result<(), Stop> {
        let own_device_key = secrets::own_device_keys().await?;
        let mut macs = Map::new();
        let device_id = format!("ed25519:{}", me.device_id);
        let master_id = format!("ed25519:{}", self.f.cross.master_public);
        macs.insert(
            device_id.clone(),
            self.mac_of(shared, me, them, &device_id, &b64(&own_device_key.ed25519.public)).await?.into(),
        );
        macs.insert(
            master_id.clone(),
            self.mac_of(shared, me, them, &master_id, &self.f.cross.master_public).await?.into(),
        );
        let keys_mac = self.mac_of(shared, me, them, "KEY_IDS", &sas::key_ids_list(vec![device_id, master_id])).await?;
        self.send(sas::MAC, &sas::mac_content(&macs, &keys_mac, &self.transaction_id)).await?;
        Ok(())
    }

    /// Checks the other session's MACs against its published device key
    /// (and the master key, if it sent one); returns its device keys.
    async fn check_mac(&self, shared: &[u8], me: &Party, them: &Party, mac: &Value) -> Result<Value, Stop> {
        let tampered = || Stop::ours(SasEnd::Tampered);
        let (macs, keys_mac) = sas::macs_of(mac).ok_or_else(tampered)?;
        let answer = keys::query_own_keys(self.f.client()).await?;
        let device_keys = device_keys_of(&answer, &me.user_id, &them.device_id).cloned().ok_or_else(tampered)?;
        let device_key = device_ed25519(&device_keys, &them.device_id).ok_or_else(tampered)?;
        let ids = sas::key_ids_list(macs.iter().map(|(id, _)| id.clone()).collect());
        if self.mac_of(shared, them, me, "KEY_IDS", &ids).await? != keys_mac {
            return Err(tampered());
        }
        let mut device_checked = false;
        for (key_id, value) in &macs {
            let public = if *key_id == format!("ed25519:{}", them.device_id) {
                device_checked = true;
                device_key.clone()
            } else if *key_id == format!("ed25519:{}", self.f.cross.master_public) {
                self.f.cross.master_public.clone()
            } else {
                // A key this page does not know of is not trusted either.
                continue;
            };
            if self.mac_of(shared, them, me, key_id, &public).await? != *value {
                return Err(tampered());
            }
        }
        if !device_checked {
            return Err(tampered());
        }
        Ok(device_keys)
    }

    async fn finish(&mut self, result: Result<(), Stop>) {
        let Err(stop) = result else { return };
        if stop.tell_them {
            let reason = format!("{:?}", stop.end);
            let _ = self
                .send(sas::CANCEL, &sas::cancel_content(cancel_code(&stop.end), &reason, &self.transaction_id))
                .await;
        }
        self.show(SasView::Ended { name: self.f.name.clone(), end: stop.end });
    }

    fn show(&self, view: SasView) {
        (self.f.show)(view);
    }
}
