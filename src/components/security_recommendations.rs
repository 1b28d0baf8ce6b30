//! "Security recommendations": unverified and inactive other sessions.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::model::filters::{Recommendations, SessionFilter};
use crate::web::i18n::{t, t_with};

/// "Security recommendations": unverified and inactive other sessions, each
/// with a "View all (N)" that filters the list to exactly those N.
#[component]
pub fn SecurityRecommendations(
    #[prop(into)] counts: Signal<Recommendations>,
    inactive_days: u32,
    on_view: Callback<SessionFilter>,
    /// Opens "Sign out inactive sessions".
    #[prop(optional)]
    on_clean_up: Option<Callback<()>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/security_recommendations.css");
    view! { class = class_name,
        <Show when=move || !counts.get().is_empty()>
            <section class="section" data-testid="security-recommendations-section" aria-labelledby="security-recommendations-heading">
                <h2 class="title" id="security-recommendations-heading">{t("recommendations.title")}</h2>
                <p class="description">{t("recommendations.description")}</p>
                <Show when=move || { counts.get().unverified > 0 }>
                    <div class="card card--unverified">
                        <h3 class="card-title">{t("recommendations.unverified.title")}</h3>
                        <p class="card-text">{t("recommendations.unverified.text")}</p>
                        <Button
                            style=ButtonStyle::Link
                            testid="unverified-devices-cta"
                            on_click=Callback::new(move |_| on_view.run(SessionFilter::Unverified))
                        >
                            {move || t_with("recommendations.view_all", &[("count", &counts.get().unverified.to_string())])}
                        </Button>
                    </div>
                </Show>
                <Show when=move || { counts.get().inactive > 0 }>
                    <div class="card card--inactive">
                        <h3 class="card-title">{t("recommendations.inactive.title")}</h3>
                        <p class="card-text">
                            {t_with("recommendations.inactive.text", &[("days", &inactive_days.to_string())])}
                        </p>
                        <Button
                            style=ButtonStyle::Link
                            testid="inactive-devices-cta"
                            on_click=Callback::new(move |_| on_view.run(SessionFilter::Inactive))
                        >
                            {move || t_with("recommendations.view_all", &[("count", &counts.get().inactive.to_string())])}
                        </Button>
                        {on_clean_up.map(|open| view! {
                            <Button style=ButtonStyle::Link testid="inactive-devices-clean-up" on_click=open>
                                {t("recommendations.clean_up")}
                            </Button>
                        })}
                    </div>
                </Show>
            </section>
        </Show>
    }
}
