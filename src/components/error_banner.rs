use leptos::prelude::*;

/// A failed load: what went wrong and a Retry button.
#[component]
pub fn ErrorBanner(
    #[prop(into)] message: Signal<String>,
    /// True while the retry is running (the button is disabled then).
    #[prop(into)]
    is_retrying: Signal<bool>,
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="sm-alert sm-ErrorBanner" role="alert" data-testid="load-error">
            <span>{move || message.get()}</span>
            " "
            <button
                class="sm-button sm-button--secondary"
                data-testid="load-retry"
                disabled=move || is_retrying.get()
                on:click=move |_| on_retry.run(())
            >
                {move || if is_retrying.get() { "Retrying…" } else { "Retry" }}
            </button>
        </div>
    }
}
