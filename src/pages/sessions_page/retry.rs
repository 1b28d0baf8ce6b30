//! Trying a failed load again by itself: after a pause that grows with each
//! failure or that the server asked for (`model::backoff`), counted down
//! where the user can see it, until it works.

use crate::web::browser;
use leptos::prelude::*;

use super::data::SessionsData;
use crate::api::ApiError;
use crate::model::backoff::{countdown, retry_delay_s};

#[derive(Clone, Copy)]
pub struct AutoRetry {
    data: SessionsData,
    /// Seconds until the next automatic attempt (`None`: none planned).
    pub seconds_left: RwSignal<Option<u32>>,
    failures: StoredValue<u32>,
    /// A newer plan (or a manual retry) replaces an older countdown.
    generation: StoredValue<u32>,
}

impl AutoRetry {
    pub fn new(data: SessionsData) -> Self {
        AutoRetry {
            data,
            seconds_left: RwSignal::new(None),
            failures: StoredValue::new(0),
            generation: StoredValue::new(0),
        }
    }

    /// The list loaded (`Ok`) or failed: plans the next attempt.
    pub fn on_load(&self, answer: Result<(), &ApiError>) {
        let error = match answer {
            Ok(()) => {
                self.failures.set_value(0);
                return;
            }
            // The login is over; the page is leaving.
            Err(ApiError::UnknownToken { .. }) => return,
            Err(error) => error,
        };
        let server_wait = match error {
            ApiError::RateLimited { retry_after_ms } => *retry_after_ms,
            _ => None,
        };
        self.failures.update_value(|n| *n += 1);
        let seconds = retry_delay_s(self.failures.get_value(), server_wait);
        let generation = self.next_generation();
        let this = *self;
        browser::spawn_owned(async move {
            for remaining in countdown(seconds) {
                if this.generation.get_value() != generation {
                    return;
                }
                this.seconds_left.set(Some(remaining));
                gloo_timers::future::TimeoutFuture::new(1000).await;
            }
            if this.generation.get_value() == generation {
                this.seconds_left.set(None);
                this.data.retry();
            }
        });
    }

    /// "Retry now": replaces a planned attempt.
    pub fn now(&self) {
        self.next_generation();
        self.seconds_left.set(None);
        self.data.retry();
    }

    fn next_generation(&self) -> u32 {
        self.generation.update_value(|g| *g += 1);
        self.generation.get_value()
    }
}
