//! Which sessions are verified: every signature of the account's keys
//! checked by the browser's WebCrypto, all at once and off the page's thread
//! (each result remembered for the next answer), combined with the identity
//! this browser remembers (trust on first use).

use std::collections::HashMap;

use leptos::prelude::*;

use super::data::SessionsData;
use crate::model::pin::{IdentityPin, parse_pin};
use crate::model::trust::{
    CrossSigning, IdentityCheck, SignatureCache, Trust, check_identity, distrust, judge, needed_checks,
};
use crate::web::{browser, crypto, storage};

/// What verification the page can show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustState {
    pub chain: Option<CrossSigning>,
    pub identity: Option<IdentityCheck>,
    /// `None` until keys are checked (or when they failed to load).
    pub sessions: Option<HashMap<String, Trust>>,
    /// This browser cannot check Ed25519 signatures: nothing is judged.
    pub cannot_check: bool,
}

/// What the checks of one `/keys/query` answer found.
#[derive(Clone)]
enum Verdicts {
    Judged(CrossSigning, HashMap<String, Trust>),
    CannotCheck,
}

#[derive(Clone, Copy)]
pub struct Verification {
    /// The checks of the current keys; the previous verdicts stay while a
    /// newer answer is checked.
    verdicts: LocalResource<Option<Verdicts>>,
    /// The account's identity as first seen in this browser.
    pub pinned: RwSignal<Option<IdentityPin>>,
    /// True when this page load remembered the identity for the first time
    /// (trust on first use, said where it happens).
    pub pinned_now: RwSignal<bool>,
    storage_key: StoredValue<String>,
}

impl Verification {
    pub fn new(data: SessionsData) -> Self {
        let client = data.client();
        let user = client.user_id().to_string();
        let storage_key = StoredValue::new(storage::identity_key(client.homeserver().base_url(), &user));
        let pinned = RwSignal::new(storage::get(&storage_key.get_value()).as_deref().and_then(parse_pin));
        let pinned_now = RwSignal::new(false);
        let cache = StoredValue::new(SignatureCache::default());
        let verification = StoredValue::new(None::<Verification>);
        let marked = StoredValue::new(false);
        let keys = data.keys();
        let verdicts = LocalResource::new(move || {
            // Tracked: a new `/keys/query` answer is checked again.
            let keys = keys.get().map(|k| k.0);
            let user = user.clone();
            async move {
                let keys = keys?;
                let needed: Vec<_> = cache.try_with_value(|c| {
                    needed_checks(&keys, &user).into_iter().filter(|n| c.get(n).is_none()).collect()
                })?;
                let verdicts = match crypto::ed25519_verify_all(&needed).await {
                    Ok(results) => {
                        cache.try_update_value(|c| {
                            needed.into_iter().zip(results).for_each(|(n, ok)| c.insert(n, ok))
                        })?;
                        let (chain, sessions) =
                            cache.try_with_value(|c| judge(&keys, &user, &mut |n| c.get(n).unwrap_or(false)))?;
                        if let Some(Some(v)) = verification.try_get_value() {
                            v.remember_first_identity(&chain);
                        }
                        Verdicts::Judged(chain, sessions)
                    }
                    Err(err) => {
                        web_sys::console::warn_1(&err.to_string().into());
                        Verdicts::CannotCheck
                    }
                };
                if !marked.get_value() {
                    marked.set_value(true);
                    request_animation_frame(|| browser::mark("sm:verified"));
                }
                Some(verdicts)
            }
        });
        let this = Verification { verdicts, pinned, pinned_now, storage_key };
        verification.set_value(Some(this));
        this
    }

    /// The first identity the page sees is remembered (trust on first use).
    fn remember_first_identity(&self, chain: &CrossSigning) {
        if let (true, Some(master)) = (self.pinned.with_untracked(Option::is_none), chain.master_key()) {
            self.pin(master);
        }
    }

    /// Remembers `master_key` as the account's identity in this browser
    /// (the first one seen, or a new one the user accepted).
    pub fn pin(&self, master_key: &str) {
        let pin = IdentityPin { master_key: master_key.to_string(), first_seen_ms: Some(browser::now_ms()) };
        storage::set(&self.storage_key.get_value(), &pin.to_json());
        self.pinned_now.set(self.pinned.with_untracked(Option::is_none));
        self.pinned.set(Some(pin));
    }

    /// Verification of every session, from the latest checks and the
    /// remembered identity (which only decides whether Verified stands).
    pub fn state(&self) -> Memo<TrustState> {
        let this = *self;
        Memo::new(move |_| {
            this.verdicts.with(|v| {
                let (chain, sessions) = match v {
                    Some(Some(Verdicts::Judged(chain, sessions))) => (chain, sessions),
                    Some(Some(Verdicts::CannotCheck)) => {
                        return TrustState { cannot_check: true, ..Default::default() };
                    }
                    _ => return TrustState::default(),
                };
                let identity = this
                    .pinned
                    .with(|pin| check_identity(chain.master_key(), pin.as_ref().map(|p| p.master_key.as_str())));
                let mut sessions = sessions.clone();
                if matches!(identity, IdentityCheck::Changed { .. }) {
                    distrust(&mut sessions);
                }
                TrustState {
                    chain: Some(chain.clone()),
                    identity: Some(identity),
                    sessions: Some(sessions),
                    cannot_check: false,
                }
            })
        })
    }
}
