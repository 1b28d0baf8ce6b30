use leptos::prelude::*;
use stylers::style_sheet;

use crate::model::filters::{Recommendations, SessionFilter};

/// "Security recommendations": unverified and inactive other sessions, each
/// with a "View all (N)" that filters the list to exactly those N.
#[component]
pub fn SecurityRecommendations(
    #[prop(into)] counts: Signal<Recommendations>,
    inactive_days: u32,
    on_view: Callback<SessionFilter>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/security_recommendations.css");
    view! { class = class_name,
        <Show when=move || !counts.get().is_empty()>
            <section class="section" data-testid="security-recommendations-section" aria-labelledby="security-recommendations-heading">
                <h2 class="title" id="security-recommendations-heading">"Security recommendations"</h2>
                <p class="description">"Improve your account security by following these recommendations."</p>
                <Show when=move || { counts.get().unverified > 0 }>
                    <div class="card card--unverified">
                        <h3 class="card-title">"Unverified sessions"</h3>
                        <p class="card-text">
                            "Verify your sessions for enhanced secure messaging or sign out from those you don't recognize or use anymore."
                        </p>
                        <button
                            class="sm-button sm-button--link"
                            data-testid="unverified-devices-cta"
                            on:click=move |_| on_view.run(SessionFilter::Unverified)
                        >
                            {move || format!("View all ({})", counts.get().unverified)}
                        </button>
                    </div>
                </Show>
                <Show when=move || { counts.get().inactive > 0 }>
                    <div class="card card--inactive">
                        <h3 class="card-title">"Inactive sessions"</h3>
                        <p class="card-text">
                            {format!("Consider signing out from old sessions ({inactive_days} days or older) you don't use anymore.")}
                        </p>
                        <button
                            class="sm-button sm-button--link"
                            data-testid="inactive-devices-cta"
                            on:click=move |_| on_view.run(SessionFilter::Inactive)
                        >
                            {move || format!("View all ({})", counts.get().inactive)}
                        </button>
                    </div>
                </Show>
            </section>
        </Show>
    }
}
