//! What the page noticed between visits: the sessions that signed in since
//! the last review ("2 sessions signed in since 28 Nov — Review"), and the
//! sessions that went away (the collapsed "Signed-out sessions" history).

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::model::seen::Gone;
use crate::web::format;
use crate::web::i18n::{t, t_count, t_with};

/// The notice at the top while sessions are marked New.
#[component]
pub fn NewSessionsNotice(
    #[prop(into)] count: Signal<usize>,
    /// "New" counts from here (the first visit, or the last review).
    #[prop(into)]
    since_ms: Signal<Option<i64>>,
    /// Filters the list to the new sessions.
    on_review: Callback<()>,
    on_mark_reviewed: Callback<()>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_watch.css");
    let summary = move || {
        let date = since_ms.get().map(format::last_activity).unwrap_or_default();
        t_count("new.summary", count.get(), &[("date", &date)])
    };
    view! { class = class_name,
        <Show when=move || { count.get() > 0 }>
            <section class="notice" data-testid="new-sessions-notice" aria-labelledby="new-sessions-heading">
                <h2 class="title" id="new-sessions-heading">{t("new.title")}</h2>
                <p class="text" data-testid="new-sessions-summary">{summary}</p>
                <div class="buttons">
                    <Button style=ButtonStyle::Primary testid="new-sessions-review" on_click=on_review>
                        {t("new.review")}
                    </Button>
                    <Button style=ButtonStyle::Secondary testid="new-sessions-mark-reviewed" on_click=on_mark_reviewed>
                        {t("new.mark_reviewed")}
                    </Button>
                </div>
            </section>
        </Show>
    }
}

/// The "Signed-out sessions" section: collapsed, newest first.
#[component]
pub fn SignedOutSessions(
    #[prop(into)] history: Signal<Vec<Gone>>,
    on_clear: Callback<()>,
    /// What the page remembers could not be saved in this browser.
    #[prop(into)]
    not_saved: Signal<bool>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_watch.css");
    let item = move |gone: Gone| {
        let activity = gone
            .last_seen_ts
            .map(|ts| view! { class = class_name,
                <span title=format::full_date(ts)>{t_with("tile.last_activity", &[("time", &format::last_activity(ts))])}</span>
            });
        let how = t(if gone.signed_out_here { "history.here" } else { "history.elsewhere" });
        view! { class = class_name,
            <li class="item" data-testid=format!("history-item-{}", gone.id)>
                <span class="name" dir="auto">{gone.name.clone()}</span>
                <span class="meta">
                    <span translate="no" dir="ltr">{gone.id.clone()}</span>
                    {activity}
                    <span title=format::full_date(gone.noticed_ms)>
                        {t_with("history.gone_since", &[("date", &format::last_activity(gone.noticed_ms))])}
                    </span>
                    <span data-testid="history-how">{how}</span>
                </span>
            </li>
        }
    };
    view! { class = class_name,
        <section class="history" data-testid="history-section" aria-labelledby="history-heading">
            <details class="details" data-testid="history-details">
                <summary class="summary">
                    <h2 class="title" id="history-heading">
                        {move || t_count("history.summary", history.with(Vec::len), &[])}
                    </h2>
                </summary>
                <p class="description">{t("history.description")}</p>
                {move || not_saved.get().then(|| view! { class = class_name,
                    <p class="sm-alert" role="alert" data-testid="history-not-saved">{t("history.not_saved")}</p>
                })}
                <Show
                    when=move || history.with(|h| !h.is_empty())
                    fallback=move || view! { class = class_name, <p class="description">{t("history.empty")}</p> }
                >
                    <ul class="list" data-testid="history-list">
                        <For each=move || history.get() key=|g| (g.id.clone(), g.noticed_ms) children=item/>
                    </ul>
                    <Button style=ButtonStyle::Secondary testid="history-clear" on_click=on_clear>
                        {t("history.clear")}
                    </Button>
                </Show>
            </details>
        </section>
    }
}
