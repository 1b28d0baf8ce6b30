//! "Sign out inactive sessions": choose how long inactive, see exactly which
//! sessions that signs out (each can be kept), confirm once. Where an
//! account provider signs sessions out, the preview lists its pages instead.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use stylers::style_sheet;

use crate::components::button::{Button, ButtonStyle};
use crate::components::modal::Modal;
use crate::model::sessions::SessionRow;
use crate::web::format;
use crate::web::i18n::{t, t_count, t_with};

/// The clean-up preview in a modal dialog.
#[component]
pub fn CleanUpDialog(
    #[prop(into)] is_open: Signal<bool>,
    /// The chosen threshold, and the offered ones.
    #[prop(into)]
    days: Signal<u32>,
    choices: Vec<u32>,
    on_days: Callback<u32>,
    /// The sessions inactive for longer than `days`, in page order.
    #[prop(into)]
    candidates: Signal<Vec<String>>,
    rows: Memo<HashMap<String, SessionRow>>,
    /// The sessions the user unticked (kept).
    kept: RwSignal<HashSet<String>>,
    /// Under delegated authentication: each session's page at the account
    /// provider (the preview then lists links, there is nothing to confirm).
    #[prop(into)]
    is_delegated: Signal<bool>,
    link_of: Callback<String, Option<String>>,
    /// Signs out the ticked sessions.
    on_confirm: Callback<Vec<String>>,
    on_cancel: Callback<()>,
    #[prop(optional)] return_focus_to: &'static [&'static str],
) -> impl IntoView {
    let class_name = style_sheet!("style/components/clean_up_dialog.css");
    let ticked = Memo::new(move |_| {
        candidates.with(|c| kept.with(|k| c.iter().filter(|id| !k.contains(*id)).cloned().collect::<Vec<_>>()))
    });
    let name_of = move |id: &str| rows.with(|r| r.get(id).map(|row| row.name().to_string())).unwrap_or_default();
    let activity_of = move |id: &str| {
        rows.with(|r| r.get(id).and_then(|row| row.device.last_seen_ts))
            .map(|ts| (t_with("tile.last_activity", &[("time", &format::last_activity(ts))]), format::full_date(ts)))
    };
    let summary = move || {
        let n = candidates.with(Vec::len);
        let d = days.get().to_string();
        if n == 0 {
            t_with("clean_up.none", &[("days", &d)])
        } else if is_delegated.get() {
            t_count("clean_up.delegated", n, &[("days", &d)])
        } else {
            t_count("clean_up.preview", n, &[("days", &d)])
        }
    };
    let item = move |id: String| {
        let (name, activity) = (name_of(&id), activity_of(&id));
        let details = view! { class = class_name,
            <span class="name" dir="auto">{name.clone()}</span>
            <span class="meta">
                {activity.map(|(text, full)| view! { class = class_name, <span title=full>{text}</span> " · " })}
                <span translate="no" dir="ltr">{id.clone()}</span>
            </span>
        };
        if is_delegated.get_untracked() {
            let link = link_of.run(id.clone());
            view! { class = class_name,
                <li class="item" data-testid=format!("clean-up-item-{id}")>
                    <div class="text">{details}</div>
                    {link.map(|href| view! { class = class_name,
                        <a class="link" href=href target="_blank" rel="noopener noreferrer" data-testid=format!("clean-up-link-{id}")>
                            {t_with("clean_up.sign_out_there", &[("name", &name)])}
                        </a>
                    })}
                </li>
            }
            .into_any()
        } else {
            let checked = {
                let id = id.clone();
                move || kept.with(|k| !k.contains(&id))
            };
            let toggle = {
                let id = id.clone();
                move |_| kept.update(|k| crate::model::sessions::toggle(k, &id))
            };
            view! { class = class_name,
                <li class="item" data-testid=format!("clean-up-item-{id}")>
                    <label class="choice">
                        <input
                            type="checkbox"
                            class="checkbox"
                            data-testid=format!("clean-up-check-{id}")
                            prop:checked=checked
                            on:change=toggle
                        />
                        <span class="text">{details}</span>
                    </label>
                </li>
            }
            .into_any()
        }
    };
    view! { class = class_name,
        <Modal
            is_open=is_open
            labelled_by="clean-up-title"
            testid="clean-up-dialog"
            can_cancel=Signal::derive(|| true)
            on_cancel=on_cancel
            return_focus_to=return_focus_to
        >
            <h2 class="sm-dialog__title" id="clean-up-title">{t("clean_up.title")}</h2>
            <div class="sm-dialog__field">
                <label class="sm-dialog__label" for="clean-up-days">{t("clean_up.days_label")}</label>
                <select
                    class="sm-input"
                    id="clean-up-days"
                    data-testid="clean-up-days"
                    on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse::<u32>() {
                            on_days.run(d);
                        }
                    }
                >
                    {choices
                        .iter()
                        .copied()
                        .map(|d| view! {
                            <option value=d.to_string() selected=move || days.get() == d>
                                {t_count("clean_up.days", d as usize, &[])}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <p class="sm-dialog__text" role="status" data-testid="clean-up-summary">{summary}</p>
            <ul class="list" data-testid="clean-up-list">
                <For each=move || candidates.get() key=|id| id.clone() children=item/>
            </ul>
            <div class="sm-dialog__buttons">
                <Button style=ButtonStyle::Secondary testid="clean-up-cancel" on_click=on_cancel>
                    {move || t(if is_delegated.get() { "dialog.close" } else { "dialog.cancel" })}
                </Button>
                <Show when=move || !is_delegated.get()>
                    <Button
                        style=ButtonStyle::Danger
                        testid="clean-up-confirm"
                        is_disabled=Signal::derive(move || ticked.with(Vec::is_empty))
                        on_click=Callback::new(move |_| on_confirm.run(ticked.get_untracked()))
                    >
                        {move || t_count("clean_up.confirm", ticked.with(Vec::len), &[])}
                    </Button>
                </Show>
            </div>
        </Modal>
    }
}
