mod client_info;
mod sign_out;
mod store;

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use stylers::style_sheet;

use crate::api::types::AccountDataEvent;
use crate::api::{ApiError, MatrixClient, account_data, auth, devices, push};
use crate::app::ConfigCtx;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::current_session::CurrentSession;
use crate::components::device_details::{PushStatus, SessionActions};
use crate::components::device_heading::RenameStatus;
use crate::components::error_banner::ErrorBanner;
use crate::components::other_sessions::OtherSessions;
use crate::components::security_recommendations::SecurityRecommendations;
use crate::components::sign_out_dialog::{SignOutDialog, SignOutPhase};
use crate::login::LoginCtx;
use crate::browser;
use crate::i18n::{self, t, t_count, t_with};
use crate::model::account_management::{account_url, list_action, session_action};
use crate::model::filters::{Recommendations, SessionFilter, filtered_ids};
use crate::model::push::PushTarget;
use crate::model::sessions::prune_selection;
use crate::model::trust::{CrossSigning, IdentityCheck};
use sign_out::SignOutFlow;
use store::SessionsStore;

/// The Sessions page: owns the loaded data, the UI state and the actions,
/// and hands plain data and callbacks to the components.
#[component]
pub fn SessionsPage(client: MatrixClient) -> impl IntoView {
    let class_name = style_sheet!("style/components/sessions_page.css");
    let login = LoginCtx::expect();
    let config = expect_context::<ConfigCtx>().0;
    let brand = config.brand.clone();
    let inactive_days = config.inactive_days;
    let own_id = client.device_id().to_string();
    let user_id = client.user_id().to_string();

    // -- data --
    let store = SessionsStore::new(client);
    store.load();
    let trust = store.trust();
    let rows = store.rows(trust, inactive_days);
    let current = {
        let own = own_id.clone();
        Memo::new(move |_| rows.with(|r| r.get(&own).cloned()))
    };
    let other_ids = {
        let own = own_id.clone();
        Memo::new(move |_| {
            store.devices.with(|list| {
                list.iter()
                    .flatten()
                    .filter(|d| d.device_id != own)
                    .map(|d| d.device_id.clone())
                    .collect::<Vec<_>>()
            })
        })
    };
    let filter = RwSignal::new(
        browser::query_param("filter")
            .and_then(|q| SessionFilter::from_query(&q))
            .unwrap_or_default(),
    );
    let shown_ids = Memo::new(move |_| {
        other_ids.with(|ids| rows.with(|r| filtered_ids(ids, |id| r.get(id), filter.get())))
    });
    let recommendations = Memo::new(move |_| {
        other_ids.with(|ids| rows.with(|r| Recommendations::count(ids.iter().filter_map(|id| r.get(id)))))
    });
    let is_first_load =
        Signal::derive(move || store.devices.with(Option::is_none) && store.load_error.with(Option::is_none));

    // -- ui state --
    let expanded_ids = RwSignal::new(Vec::<String>::new());
    let selected_ids = RwSignal::new(Vec::<String>::new());
    let rename_status = RwSignal::new(HashMap::<String, RenameStatus>::new());
    let push_status = RwSignal::new(HashMap::<String, PushStatus>::new());
    let announcement = RwSignal::new(None::<String>);
    let current_sign_out_open = RwSignal::new(false);
    let current_sign_out_pending = RwSignal::new(false);
    let current_sign_out_error = RwSignal::new(None::<String>);
    let flow = SignOutFlow::new(store);

    // Remember the first identity seen; a different one later is a warning.
    Effect::new(move |_| {
        let first = trust.with(|t| match (&t.identity, &t.chain) {
            (Some(IdentityCheck::FirstSeen), Some(chain)) => chain.master_key().map(str::to_string),
            _ => None,
        });
        if let Some(master) = first {
            store.pin_identity(&master);
        }
    });

    // The filter lives in the address, so reloads and links keep it; a new
    // filter starts a new selection.
    let set_filter = Callback::new(move |f: SessionFilter| {
        if filter.get_untracked() != f {
            filter.set(f);
            selected_ids.set(Vec::new());
        }
        browser::replace_query_param("filter", f.as_query());
    });
    let view_recommendation = Callback::new(move |f: SessionFilter| {
        set_filter.run(f);
        selected_ids.set(Vec::new());
        request_animation_frame(|| {
            browser::scroll_into_view("other-sessions-heading");
            let _ = browser::focus_element("other-sessions-heading");
        });
    });

    // Sessions that disappear (signed out anywhere, or filtered away) leave
    // the selection.
    Effect::new(move |_| {
        let visible = shown_ids.get();
        let pruned = selected_ids.with_untracked(|s| prune_selection(s, &visible));
        if selected_ids.with_untracked(|s| s.len() != pruned.len()) {
            selected_ids.set(pruned);
        }
    });

    let announce = move |text: String| {
        announcement.set(Some(text));
        set_timeout(move || {
            announcement.try_set(None);
        }, std::time::Duration::from_secs(6));
    };

    flow.set_on_done(Callback::new(move |ids: Vec<String>| {
        expanded_ids.update(|e| e.retain(|id| !ids.contains(id)));
        selected_ids.update(|s| s.retain(|id| !ids.contains(id)));
        let n = ids.len();
        announce(t_count("sessions.announce.signed_out", n, &[]));
        // The button that started it may be gone: keep keyboard users in the list.
        request_animation_frame(|| {
            if !browser::focus_element("other-sessions-heading") {
                browser::focus_element("current-session-heading");
            }
        });
    }));

    // Client information: this session's entry and pruning, once loaded.
    {
        let tidied = StoredValue::new(false);
        let brand = brand.clone();
        Effect::new(move |_| {
            let loaded = store.devices.with(|d| d.is_some()) && !store.is_loading.get();
            if !loaded || tidied.get_value() || !store.partial_errors.with(Vec::is_empty) {
                return;
            }
            tidied.set_value(true);
            let existing = store.devices.with_untracked(|d| {
                d.iter().flatten().map(|d| d.device_id.clone()).collect::<Vec<_>>()
            });
            store.account_data.with_untracked(|data| {
                client_info::tidy(store.client(), brand.clone(), data, existing);
            });
        });
    }

    // -- actions --
    let rename = Callback::new(move |(id, name): (String, String)| {
        if rename_status.with_untracked(|m| m.get(&id) == Some(&RenameStatus::Saving)) {
            return;
        }
        rename_status.update(|m| {
            m.insert(id.clone(), RenameStatus::Saving);
        });
        let client = store.client();
        spawn_local(async move {
            let result = devices::rename_device(&client, &id, &name).await;
            let status = match result {
                Ok(()) => {
                    store.set_display_name(&id, &name);
                    RenameStatus::Saved
                }
                Err(ApiError::UnknownToken { .. }) => return,
                Err(err) => RenameStatus::Failed(t_with("sessions.error.rename", &[("reason", &i18n::api_error(&err))])),
            };
            let saved = status == RenameStatus::Saved;
            rename_status.try_update(|m| m.insert(id, status));
            if saved {
                announce(t("sessions.announce.renamed"));
            }
        });
    });

    let toggle_push = Callback::new(move |(id, on): (String, bool)| {
        if push_status.with_untracked(|m| m.get(&id).is_some_and(|s| s.pending.is_some())) {
            return;
        }
        let Some(toggle) = rows.with_untracked(|r| r.get(&id).and_then(|row| row.push.clone())) else {
            return;
        };
        let local_type = store
            .account_data
            .with_untracked(|d| d.local_notifications.get(&id).map(|l| l.event_type.clone()));
        push_status.update(|m| {
            m.insert(id.clone(), PushStatus { pending: Some(on), error: None });
        });
        let client = store.client();
        let written_type = local_type.clone();
        spawn_local(async move {
            let result = match &toggle.target {
                PushTarget::Pusher(pusher) => push::set_pusher(&client, &pusher.with_enabled(on)).await,
                PushTarget::LocalSettings => {
                    let kind = local_type.unwrap_or_default();
                    account_data::put_account_data(&client, &kind, &json!({ "is_silenced": !on })).await
                }
            };
            match result {
                Ok(()) => {
                    match &toggle.target {
                        PushTarget::Pusher(pusher) => store.set_pusher_enabled(pusher.pushkey(), on),
                        PushTarget::LocalSettings => store.apply_account_data(&[AccountDataEvent {
                            kind: written_type.clone().unwrap_or_default(),
                            content: json!({ "is_silenced": !on }),
                        }]),
                    }
                    push_status.try_update(|m| m.remove(&id));
                }
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    let key = if on { "sessions.error.push_on" } else { "sessions.error.push_off" };
                    let message = t_with(key, &[("reason", &i18n::api_error(&err))]);
                    push_status.try_update(|m| m.insert(id, PushStatus { pending: None, error: Some(message) }));
                }
            }
        });
    });

    let sign_out = {
        let own = own_id.clone();
        Callback::new(move |id: String| {
            if id == own {
                current_sign_out_error.set(None);
                current_sign_out_open.set(true);
            } else {
                flow.start(vec![id]);
            }
        })
    };

    let is_signing_out = {
        let own = own_id.clone();
        Callback::new(move |id: String| {
            if id == own {
                return current_sign_out_pending.get();
            }
            let past_confirm = flow.is_pending.get() || !matches!(flow.phase.get(), SignOutPhase::Confirm | SignOutPhase::Closed);
            past_confirm && flow.ids.with(|ids| ids.contains(&id))
        })
    };

    let actions = SessionActions {
        rename_status: Callback::new(move |id: String| rename_status.with(|m| m.get(&id).cloned().unwrap_or_default())),
        push_status: Callback::new(move |id: String| push_status.with(|m| m.get(&id).cloned().unwrap_or_default())),
        is_signing_out,
        on_rename: rename,
        on_push_toggle: toggle_push,
        on_sign_out: sign_out,
        inactive_days,
        manage_url: Callback::new(move |id: String| {
            store
                .account_management()
                .map(|(base, actions)| account_url(&base, session_action(&actions), Some(&id)))
        }),
    };
    let account_sessions_url = Signal::derive(move || {
        store.account_management().map(|(base, actions)| account_url(&base, list_action(&actions), None))
    });
    let is_delegated = Signal::derive(move || account_sessions_url.with(Option::is_some));

    let any_sign_out = Signal::derive(move || flow.phase.get() != SignOutPhase::Closed || current_sign_out_pending.get());
    let sign_out_all_others = Callback::new(move |_| flow.start(other_ids.get_untracked()));
    let sign_out_selected = Callback::new(move |_| {
        let selected = shown_ids.with_untracked(|ids| {
            selected_ids.with_untracked(|s| ids.iter().filter(|id| s.contains(id)).cloned().collect::<Vec<_>>())
        });
        flow.start(selected);
    });

    let confirm_current_sign_out = Callback::new(move |_| {
        if current_sign_out_pending.get_untracked() {
            return;
        }
        current_sign_out_pending.set(true);
        current_sign_out_error.set(None);
        let client = store.client();
        spawn_local(async move {
            match auth::logout(&client).await {
                Ok(()) => login.forget(Some(t("login.notice.signed_out"))),
                // Already gone on the server: the client has sent us to sign-in.
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    current_sign_out_error
                        .try_set(Some(t_with("sessions.error.sign_out", &[("reason", &i18n::api_error(&err))])));
                    current_sign_out_pending.try_set(false);
                }
            }
        });
    });

    // Client-information opt-in.
    let opted_in = RwSignal::new(client_info::is_opted_in(&user_id));
    let opt_in_error = RwSignal::new(None::<String>);
    let opt_in_pending = RwSignal::new(false);
    let set_opt_in = {
        let brand = brand.clone();
        let user = user_id.clone();
        move |on: bool| {
            opt_in_pending.set(true);
            opt_in_error.set(None);
            let client = store.client();
            let brand = brand.clone();
            let user = user.clone();
            spawn_local(async move {
                match client_info::set_own_entry(&client, &brand, on).await {
                    Ok(()) => {
                        client_info::remember_opt_in(&user, on);
                        opted_in.try_set(on);
                    }
                    Err(ApiError::UnknownToken { .. }) => {}
                    Err(err) => {
                        opt_in_error
                            .try_set(Some(t_with("sessions.error.setting", &[("reason", &i18n::api_error(&err))])));
                    }
                }
                opt_in_pending.try_set(false);
            });
        }
    };

    view! { class = class_name,
        <div class="page">
            <header class="header">
                <h1 class="title">{t("sessions.title")}</h1>
                <p class="account" data-testid="signed-in-user">{t_with("sessions.signed_in_as", &[("user", &user_id)])}</p>
            </header>
            <div class="announcer" role="status" aria-live="polite" data-testid="announcement">
                {move || announcement.get().map(|text| view! { class = class_name, <p class="sm-notice">{text}</p> })}
            </div>
            <main class="main">
                {move || store.load_error.get().map(|message| view! {
                    <ErrorBanner
                        message=message
                        is_retrying=store.is_loading
                        retry_in=store.retry_in
                        on_retry=Callback::new(move |_| store.load())
                    />
                })}
                {move || {
                    let problems = store.partial_errors.get();
                    (!problems.is_empty()).then(|| view! {
                        <ErrorBanner
                            message=t_with("sessions.partial", &[("parts", &problems.join("; "))])
                            is_retrying=store.is_loading
                            retry_in=store.retry_in
                            on_retry=Callback::new(move |_| store.load())
                        />
                    })
                }}
                {move || store.live_problem.get().map(|text| view! { class = class_name,
                    <p class="live-problem" role="status" data-testid="live-problem">{text}</p>
                })}
                {move || trust.with(|t| t.identity.clone()).and_then(|identity| match identity {
                    IdentityCheck::Changed { current, .. } => Some(view! { class = class_name,
                        <div class="identity-warning" role="alert" data-testid="identity-changed-warning">
                            <h2 class="notice-title">{t("identity.title")}</h2>
                            <p class="notice-text">{t("identity.text")}</p>
                            <button
                                class="sm-button"
                                data-testid="identity-accept"
                                on:click=move |_| store.pin_identity(&current)
                            >
                                {t("identity.accept")}
                            </button>
                        </div>
                    }),
                    _ => None,
                })}
                {move || trust.with(|t| t.chain.clone()).and_then(|chain| match chain {
                    CrossSigning::NotSetUp => Some(view! { class = class_name,
                        <p class="sm-notice" data-testid="cross-signing-missing">
                            {t("cross_signing.missing")}
                        </p>
                    }.into_any()),
                    CrossSigning::Broken { .. } => Some(view! { class = class_name,
                        <p class="sm-alert" role="alert" data-testid="cross-signing-broken">
                            {t("cross_signing.broken")}
                        </p>
                    }.into_any()),
                    CrossSigning::Ready { .. } => None,
                })}
                <SecurityRecommendations
                    counts=recommendations
                    inactive_days=inactive_days
                    on_view=view_recommendation
                />
                <CurrentSession
                    row=current
                    is_first_load=is_first_load
                    actions=actions
                    other_count=Signal::derive(move || if is_delegated.get() { 0 } else { other_ids.with(Vec::len) })
                    on_sign_out_others=sign_out_all_others
                />
                <Show when=move || other_ids.with(|o| !o.is_empty())>
                    <OtherSessions
                        ids=shown_ids
                        filter=filter
                        on_filter=set_filter
                        rows=rows
                        expanded_ids=expanded_ids
                        selected_ids=selected_ids
                        actions=actions
                        is_signing_out=any_sign_out
                        total_count=Signal::derive(move || other_ids.with(Vec::len))
                        on_sign_out_selected=sign_out_selected
                        on_sign_out_all=sign_out_all_others
                        account_sessions_url=account_sessions_url
                    />
                </Show>
                <section class="settings" aria-labelledby="settings-heading">
                    <h2 class="settings-title" id="settings-heading">{t("settings.title")}</h2>
                    <label class="setting">
                        <input
                            type="checkbox"
                            data-testid="client-info-opt-in"
                            prop:checked=move || opted_in.get()
                            disabled=move || opt_in_pending.get()
                            on:change=move |ev| set_opt_in(event_target_checked(&ev))
                        />
                        <span>{t("settings.client_info")}</span>
                    </label>
                    {move || opt_in_error.get().map(|e| view! { class = class_name,
                        <p class="sm-alert" role="alert" data-testid="client-info-opt-in-error">{e}</p>
                    })}
                </section>
            </main>
            <SignOutDialog
                phase=flow.phase
                count=Signal::derive(move || flow.ids.with(Vec::len))
                is_pending=flow.is_pending
                error=flow.error
                password=flow.password
                on_confirm=Callback::new(move |_| {
                    if matches!(flow.phase.get_untracked(), SignOutPhase::Sso { popup_done: true }) {
                        flow.confirm_after_popup();
                    } else {
                        flow.confirm();
                    }
                })
                on_password=Callback::new(move |_| flow.submit_password())
                on_open_popup=Callback::new(move |_| flow.open_popup())
                on_cancel=Callback::new(move |_| flow.cancel())
            />
            <ConfirmDialog
                is_open=current_sign_out_open
                title=t("sign_out.title")
                message=t("sign_out.current_question")
                confirm_label=t("sign_out.confirm")
                is_pending=current_sign_out_pending
                error=current_sign_out_error
                on_confirm=confirm_current_sign_out
                on_cancel=Callback::new(move |_| current_sign_out_open.set(false))
            />
        </div>
    }
}
