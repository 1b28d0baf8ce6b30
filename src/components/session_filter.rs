//! The Show filter of Other sessions: its menu, the card that explains a
//! chosen filter, and what an empty filter says.

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::options_menu::{MenuItem, MenuTrigger, OptionsMenu};
use crate::model::filters::SessionFilter;
use crate::web::i18n::{t, t_with};

/// The translation-key part of a filter ("filter.<name>…").
fn filter_key(filter: SessionFilter) -> &'static str {
    match filter {
        SessionFilter::All => "all",
        SessionFilter::Verified => "verified",
        SessionFilter::Unverified => "unverified",
        SessionFilter::Inactive => "inactive",
        SessionFilter::NoEncryption => "no_encryption",
        SessionFilter::New => "new",
    }
}

pub fn filter_label(filter: SessionFilter) -> String {
    t(&format!("filter.{}", filter_key(filter)))
}

/// Element's test ids for the filter options.
fn filter_option_testid(filter: SessionFilter) -> &'static str {
    match filter {
        SessionFilter::All => "filter-option-ALL",
        SessionFilter::Verified => "filter-option-Verified",
        SessionFilter::Unverified => "filter-option-Unverified",
        SessionFilter::Inactive => "filter-option-Inactive",
        SessionFilter::NoEncryption => "filter-option-NoEncryption",
        SessionFilter::New => "filter-option-New",
    }
}

/// "Show: All" and its menu of filters, each with a description.
#[component]
pub fn FilterMenu(
    #[prop(into)] filter: Signal<SessionFilter>,
    on_filter: Callback<SessionFilter>,
    /// Days after which a session counts as inactive (for texts).
    inactive_days: u32,
) -> impl IntoView {
    let items = Signal::derive(move || {
        let current = filter.get();
        SessionFilter::ALL
            .into_iter()
            .map(|f| MenuItem {
                checked: Some(f == current),
                description: (f != SessionFilter::All).then(|| {
                    t_with(&format!("filter.{}.description", filter_key(f)), &[("days", &inactive_days.to_string())])
                }),
                ..MenuItem::action(filter_label(f), filter_option_testid(f), Callback::new(move |_| on_filter.run(f)))
            })
            .collect::<Vec<_>>()
    });
    view! {
        <OptionsMenu
            testid="device-list-filter-button"
            label=t("filter.label")
            trigger=MenuTrigger::Text {
                text: Signal::derive(move || t_with("filter.show", &[("filter", &filter_label(filter.get()))])),
                id: "device-list-filter",
            }
            items=items
            is_disabled=false
        />
    }
}

/// The heading and advice above a filtered list (none for All).
#[component]
pub fn FilterCard(#[prop(into)] filter: Signal<SessionFilter>, inactive_days: u32) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_filter.css");
    move || {
        let f = filter.get();
        (f != SessionFilter::All).then(|| {
            let key = filter_key(f);
            view! { class = class_name,
                <div class="filter-card" data-testid="filter-card">
                    <h3 class="filter-card-title">{t(&format!("filter.card.{key}.title"))}</h3>
                    <p class="filter-card-text">
                        {t_with(&format!("filter.card.{key}.text"), &[("days", &inactive_days.to_string())])}
                    </p>
                </div>
            }
        })
    }
}

/// What a filter without sessions says, with "Show all".
#[component]
pub fn NoSessions(#[prop(into)] filter: Signal<SessionFilter>, on_filter: Callback<SessionFilter>) -> impl IntoView {
    let class_name = style_sheet!("style/components/session_filter.css");
    view! { class = class_name,
        <p class="empty" data-testid="devices-empty">
            {move || t(&format!("filter.empty.{}", filter_key(filter.get())))}
            " "
            <Show when=move || filter.get() != SessionFilter::All>
                <Button
                    style=ButtonStyle::Link
                    testid="devices-clear-filter-btn"
                    on_click=Callback::new(move |_| on_filter.run(SessionFilter::All))
                >
                    {t("filter.show_all")}
                </Button>
            </Show>
        </p>
    }
}
