//! A failed load: what went wrong, the automatic retry, and "Retry now".

use leptos::prelude::*;

use crate::components::button::{Button, ButtonStyle};
use crate::web::i18n::{t, t_count};

/// A failed load: what went wrong, when it is tried again by itself, and a
/// button to try now.
#[component]
pub fn ErrorBanner(
    #[prop(into)] message: Signal<String>,
    /// True while the retry is running (the button is disabled then).
    #[prop(into)]
    is_retrying: Signal<bool>,
    /// Seconds until the next automatic attempt.
    #[prop(into, optional)]
    retry_in: Signal<Option<u32>>,
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="sm-alert sm-error-banner" role="alert" data-testid="load-error">
            <span>{move || message.get()}</span>
            <span class="sm-error-banner__retry" data-testid="load-retry-countdown">
                {move || match (is_retrying.get(), retry_in.get()) {
                    (true, _) => t("retry.running"),
                    (false, Some(n)) => t_count("retry.in", n as usize, &[]),
                    (false, None) => String::new(),
                }}
            </span>
            <Button style=ButtonStyle::Secondary testid="load-retry" is_disabled=is_retrying on_click=on_retry>
                {t("retry.now")}
            </Button>
        </div>
    }
}
