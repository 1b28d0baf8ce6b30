//! "Other sessions": the account's other sessions with the Show filter,
//! multi-selection and bulk sign-out (or, where an account provider signs
//! sessions out, links to it).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::device_details::RowActions;
use crate::components::options_menu::{MenuItem, OptionsMenu};
use crate::components::selection_bar::SelectionBar;
use crate::components::session_filter::{FilterCard, NoSessions};
use crate::components::session_list::SessionList;
use crate::components::session_search::NoMatches;
use crate::model::filters::SessionFilter;
use crate::model::sessions::SessionRow;
use crate::web::i18n::{t, t_count};

/// The Other sessions section.
#[component]
pub fn OtherSessions(
    /// Ids of the sessions the filter shows, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    #[prop(into)] filter: Signal<SessionFilter>,
    on_filter: Callback<SessionFilter>,
    rows: Memo<HashMap<String, SessionRow>>,
    /// Creates a row's actions (they live as long as the row).
    row_actions: Callback<String, RowActions>,
    expanded_ids: RwSignal<HashSet<String>>,
    selected_ids: RwSignal<HashSet<String>>,
    /// How many of the shown sessions are selected.
    #[prop(into)]
    selected_count: Signal<usize>,
    /// True while any sign-out runs (bulk buttons and menu are disabled).
    #[prop(into)]
    is_signing_out: Signal<bool>,
    /// How many other sessions exist (for "Sign out of N sessions").
    #[prop(into)]
    total_count: Signal<usize>,
    on_sign_out_selected: Callback<()>,
    on_sign_out_all: Callback<()>,
    /// True when the server delegates authentication: sessions are signed
    /// out at the account provider, so there is no selection and no bulk
    /// sign-out.
    #[prop(into)]
    is_delegated: Signal<bool>,
    /// The provider's list of sessions (`None` when it names no page this
    /// page will open).
    #[prop(into)]
    account_sessions_url: Signal<Option<String>>,
    inactive_days: u32,
    /// The search field, sort and export (`SessionSearch`), above the list.
    #[prop(optional, into)]
    toolbar: Option<ViewFn>,
    /// The search text: an empty list then says "No sessions match".
    #[prop(optional, into)]
    query: Signal<String>,
    #[prop(optional)] on_clear_search: Option<Callback<()>>,
    /// Opens "Sign out inactive sessions" (offered also under delegated
    /// authentication, where its preview links to the account page).
    #[prop(optional)]
    on_clean_up: Option<Callback<()>>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/other_sessions.css");
    let searching = Signal::derive(move || query.with(|q| !q.trim().is_empty()));
    let menu_items = Signal::derive(move || {
        let n = total_count.get();
        let mut items = Vec::new();
        if let Some(open) = on_clean_up {
            items.push(MenuItem::action(t("other.clean_up"), "other-sessions-clean-up", open));
        }
        if !is_delegated.get() {
            items.push(MenuItem::danger(
                t_count("other.sign_out_all", n, &[]),
                "other-sessions-sign-out-all",
                on_sign_out_all,
            ));
        }
        items
    });
    let is_selectable = Signal::derive(move || !is_delegated.get());
    view! { class = class_name,
        <section class="section" data-testid="other-sessions-section" aria-labelledby="other-sessions-heading">
            <div class="header">
                <h2 class="title" id="other-sessions-heading" tabindex="-1">{t("other.title")}</h2>
                <Show when=move || menu_items.with(|m| !m.is_empty())>
                    <OptionsMenu
                        testid="other-sessions-menu"
                        label=t("other.options")
                        items=menu_items
                        is_disabled=is_signing_out
                    />
                </Show>
            </div>
            <p class="description">{t("other.description")}</p>
            {move || is_delegated.get().then(|| match account_sessions_url.get() {
                Some(href) => view! { class = class_name,
                    <p class="delegated">
                        {t("other.delegated")} " "
                        <a href=href target="_blank" rel="noopener noreferrer" data-testid="account-management-link">
                            {t("other.delegated_link")}
                        </a>
                    </p>
                }.into_any(),
                None => view! { class = class_name,
                    <p class="delegated sm-alert" role="alert" data-testid="account-management-unavailable">
                        {t("other.delegated_unavailable")}
                    </p>
                }.into_any(),
            })}
            {toolbar.map(|t| t.run())}
            <SelectionBar
                ids=ids
                selected_ids=selected_ids
                selected_count=selected_count
                is_selectable=is_selectable
                filter=filter
                on_filter=on_filter
                is_signing_out=is_signing_out
                on_sign_out_selected=on_sign_out_selected
                inactive_days=inactive_days
            />
            <Show when=move || ids.with(|i| !i.is_empty())>
                <FilterCard filter=filter inactive_days=inactive_days/>
            </Show>
            <Show when=move || ids.with(Vec::is_empty) && !searching.get()>
                <NoSessions filter=filter on_filter=on_filter/>
            </Show>
            <Show when=move || ids.with(Vec::is_empty) && searching.get()>
                <NoMatches
                    query=query
                    on_clear=Callback::new(move |_| {
                        if let Some(clear) = on_clear_search {
                            clear.run(())
                        }
                    })
                />
            </Show>
            <SessionList
                ids=ids
                filter=filter
                rows=rows
                row_actions=row_actions
                expanded_ids=expanded_ids
                selected_ids=selected_ids
                is_selectable=is_selectable
                inactive_days=inactive_days
            />
        </section>
    }
}
