mod client_info;
mod edits;
mod sign_out;
mod store;

use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::MatrixClient;
use crate::app::{ConfigCtx, SsoReturnCtx};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::current_session::CurrentSession;
use crate::components::device_details::SessionActions;
use crate::components::error_banner::ErrorBanner;
use crate::components::other_sessions::OtherSessions;
use crate::components::security_recommendations::SecurityRecommendations;
use crate::components::sign_out_dialog::{SignOutDialog, SignOutPhase};
use crate::components::this_browser::ThisBrowser;
use crate::model::account_management::{AccountPage, ManagedAt, account_url, list_action, session_action};
use crate::model::filters::{Recommendations, SessionFilter, filtered_ids};
use crate::model::sessions::prune_selection;
use crate::model::trust::{CrossSigning, IdentityCheck};
use crate::web::browser;
use crate::web::i18n::{t, t_count, t_with};
use crate::web::login::LoginCtx;
use crate::web::sso::SsoReturn;
use client_info::ClientInfoSetting;
use edits::{Announcer, SessionEdits};
use sign_out::{CurrentSignOut, SignOutFlow};
use store::SessionsStore;

/// Where keyboard focus goes after a dialog whose opener is gone (a signed-out
/// session's button): the list, else the current session.
const RETURN_FOCUS_TO: &[&str] = &["other-sessions-heading", "current-session-heading"];

/// The Sessions page: owns the loaded data, the UI state and the actions,
/// and hands plain data and callbacks to the components.
#[component]
pub fn SessionsPage(client: MatrixClient) -> impl IntoView {
    let class_name = style_sheet!("style/components/sessions_page.css");
    let login = LoginCtx::expect();
    let config = expect_context::<ConfigCtx>().0;
    let inactive_days = config.inactive_days;
    let own_id = client.device_id().to_string();
    let user_id = client.user_id().to_string();

    // A sign-in link opened while already signed in is never redeemed.
    let ignored_sign_in_link =
        matches!(expect_context::<SsoReturnCtx>().take(), Some(SsoReturn::Token { .. } | SsoReturn::Refused));

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
                list.iter().flatten().filter(|d| d.device_id != own).map(|d| d.device_id.clone()).collect::<Vec<_>>()
            })
        })
    };
    let filter =
        RwSignal::new(browser::query_param("filter").and_then(|q| SessionFilter::from_query(&q)).unwrap_or_default());
    let shown_ids =
        Memo::new(move |_| other_ids.with(|ids| rows.with(|r| filtered_ids(ids, |id| r.get(id), filter.get()))));
    let recommendations = Memo::new(move |_| {
        other_ids.with(|ids| rows.with(|r| Recommendations::count(ids.iter().filter_map(|id| r.get(id)))))
    });
    let is_first_load =
        Signal::derive(move || store.devices.with(Option::is_none) && store.load_error.with(Option::is_none));

    // -- ui state and actions --
    let expanded_ids = RwSignal::new(Vec::<String>::new());
    let selected_ids = RwSignal::new(Vec::<String>::new());
    let announcer = Announcer(RwSignal::new(None));
    let edits = SessionEdits::new(store, announcer);
    let flow = SignOutFlow::new(store);
    let current_sign_out = CurrentSignOut::new(store, login);
    let client_info = ClientInfoSetting::new(store, config.brand.clone());

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

    flow.set_on_done(Callback::new(move |ids: Vec<String>| {
        expanded_ids.update(|e| e.retain(|id| !ids.contains(id)));
        selected_ids.update(|s| s.retain(|id| !ids.contains(id)));
        announcer.say(t_count("sessions.announce.signed_out", ids.len(), &[]));
    }));

    let sign_out = {
        let own = own_id.clone();
        Callback::new(move |id: String| {
            if id == own {
                current_sign_out.open(false);
            } else {
                flow.start(vec![id]);
            }
        })
    };
    let is_signing_out = {
        let own = own_id.clone();
        Callback::new(move |id: String| {
            if id == own {
                return current_sign_out.is_pending.get();
            }
            let past_confirm =
                flow.is_pending.get() || !matches!(flow.phase.get(), SignOutPhase::Confirm | SignOutPhase::Closed);
            past_confirm && flow.ids.with(|ids| ids.contains(&id))
        })
    };
    let actions = SessionActions {
        rename_status: Callback::new(move |id: String| {
            edits.rename_status.with(|m| m.get(&id).cloned().unwrap_or_default())
        }),
        push_status: Callback::new(move |id: String| {
            edits.push_status.with(|m| m.get(&id).cloned().unwrap_or_default())
        }),
        is_signing_out,
        on_rename: Callback::new(move |(id, name): (String, String)| edits.rename(id, name)),
        on_push_toggle: Callback::new(move |(id, on): (String, bool)| edits.toggle_push(rows, id, on)),
        on_sign_out: sign_out,
        inactive_days,
        managed_at: Callback::new(move |id: String| match store.account_page() {
            None => ManagedAt::Here,
            Some(AccountPage::Page { base, actions }) => {
                ManagedAt::Link(account_url(&base, session_action(&actions), Some(&id)))
            }
            Some(AccountPage::Unavailable) => ManagedAt::Unavailable,
        }),
    };
    let account_sessions_url = Signal::derive(move || match store.account_page() {
        Some(AccountPage::Page { base, actions }) => Some(account_url(&base, list_action(&actions), None)),
        _ => None,
    });
    let is_delegated = Signal::derive(move || store.auth_metadata.with(Option::is_some));

    let any_sign_out =
        Signal::derive(move || flow.phase.get() != SignOutPhase::Closed || current_sign_out.is_pending.get());
    let sign_out_all_others = Callback::new(move |_| flow.start(other_ids.get_untracked()));
    let sign_out_selected = Callback::new(move |_| {
        let selected = shown_ids.with_untracked(|ids| {
            selected_ids.with_untracked(|s| ids.iter().filter(|id| s.contains(id)).cloned().collect::<Vec<_>>())
        });
        flow.start(selected);
    });

    view! { class = class_name,
        <div class="page">
            <header class="header">
                <h1 class="title">{t("sessions.title")}</h1>
                <p class="account" data-testid="signed-in-user">{t_with("sessions.signed_in_as", &[("user", &user_id)])}</p>
            </header>
            <div class="announcer" role="status" aria-live="polite" data-testid="announcement">
                {move || announcer.0.get().map(|text| view! { class = class_name, <p class="sm-notice">{text}</p> })}
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
                {ignored_sign_in_link.then(|| view! { class = class_name,
                    <p class="sm-notice" role="status" data-testid="sso-link-ignored">{t("sessions.sso_link_ignored")}</p>
                })}
                {move || store.pinned_now.get().then(|| view! { class = class_name,
                    <p class="sm-notice" data-testid="identity-first-seen">{t("identity.first_seen")}</p>
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
                        is_delegated=is_delegated
                        account_sessions_url=account_sessions_url
                    />
                </Show>
                <ThisBrowser
                    client_info_on=client_info.is_on
                    client_info_pending=client_info.is_pending
                    client_info_error=client_info.error
                    on_client_info=Callback::new(move |on| client_info.set(on))
                    identity=store.pinned_identity
                    on_forget=Callback::new(move |_| current_sign_out.open(true))
                />
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
                return_focus_to=RETURN_FOCUS_TO
            />
            <ConfirmDialog
                is_open=current_sign_out.is_open
                title=Signal::derive(move || {
                    t(if current_sign_out.forgets_account.get() { "sign_out.forget_title" } else { "sign_out.title" })
                })
                message=Signal::derive({
                    let user_id = user_id.clone();
                    move || if current_sign_out.forgets_account.get() {
                        t_with("sign_out.forget_question", &[("user", &user_id)])
                    } else {
                        t("sign_out.current_question")
                    }
                })
                confirm_label=Signal::derive(move || {
                    t(if current_sign_out.forgets_account.get() { "sign_out.forget_confirm" } else { "sign_out.confirm" })
                })
                is_pending=current_sign_out.is_pending
                error=current_sign_out.error
                on_confirm=Callback::new(move |_| current_sign_out.confirm())
                on_cancel=Callback::new(move |_| current_sign_out.cancel())
                fallback=Signal::derive(move || {
                    current_sign_out
                        .can_remove_locally
                        .get()
                        .then(|| (t("sign_out.remove_locally"), t("sign_out.remove_locally_text")))
                })
                on_fallback=Callback::new(move |_| current_sign_out.remove_locally())
                return_focus_to=RETURN_FOCUS_TO
            />
        </div>
    }
}
