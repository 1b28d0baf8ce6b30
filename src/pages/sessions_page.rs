//! The Sessions page: the container that owns the account's data
//! (resources), the UI state (filter, selection, open details) and the
//! actions, and hands plain data and callbacks to the components.

mod clean_up;
mod client_info;
mod data;
pub use data::{drop_early, start_early};
mod dialogs;
mod live;
mod retry;
mod search;
mod session_row;
mod sign_out;
mod verification;
mod verify;
mod watch;

use std::collections::HashSet;

use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::MatrixClient;
use crate::components::account_notices::AccountNotices;
use crate::components::current_session::CurrentSession;
use crate::components::error_banner::ErrorBanner;
use crate::components::other_sessions::OtherSessions;
use crate::components::security_recommendations::SecurityRecommendations;
use crate::components::session_search::{ExportFormat, SessionSearch};
use crate::components::session_watch::{NewSessionsNotice, SignedOutSessions};
use crate::components::this_browser::ThisBrowser;
use crate::components::verification_request::VerificationRequest;
use crate::contexts::{ConfigCtx, LoginCtx, SignInReturnCtx};
use crate::model::account_management::{AccountPage, account_url, end_action, list_action};
use crate::model::filters::{Recommendations, SessionFilter, clean_up_choices, filtered_ids};
use crate::model::sessions::selected_in;
use crate::model::trust::IdentityCheck;
// Also where the page's dialogs return focus.
use crate::model::verifier_messages::RETURN_FOCUS_TO;
use crate::web::browser;
use crate::web::i18n::{self, t, t_count, t_with};
use clean_up::CleanUp;
use client_info::ClientInfoSetting;
use data::{Part, SessionsData};
use dialogs::SessionsDialogs;
use live::LiveProblem;
use retry::AutoRetry;
use search::{ListSearch, export_sessions};
use session_row::{Announcer, RowContext, row_actions};
use sign_out::{CurrentSignOut, SignOutFlow};
use verification::Verifier;
use verify::Verification;
use watch::{NotifyProblem, SessionWatch};

/// "verification (Internal server error)": what could not be loaded, and why.
fn part_text(part: Part, err: &crate::api::ApiError) -> String {
    let key = match part {
        Part::Verification => "sessions.part.verification",
        Part::Push => "sessions.part.push",
        Part::Application => "sessions.part.application",
        Part::Features => "sessions.part.features",
        Part::AccountManagement => "sessions.part.account_management",
    };
    t_with("sessions.part", &[("part", &t(key)), ("reason", &i18n::api_error(err))])
}

fn live_text(problem: &LiveProblem) -> String {
    match problem {
        LiveProblem::Paused { error, retry_in_s } => {
            t_count("sessions.live_paused", *retry_in_s as usize, &[("reason", &i18n::api_error(error))])
        }
        LiveProblem::RefreshFailed(error) => t_with("sessions.refresh_failed", &[("reason", &i18n::api_error(error))]),
    }
}

/// The Sessions page.
#[component]
pub fn SessionsPage(client: MatrixClient) -> impl IntoView {
    let class_name = style_sheet!("style/components/sessions_page.css");
    let login = LoginCtx::expect();
    let config = ConfigCtx::expect();
    let inactive_days = config.inactive_days;
    let own_id = client.device_id().to_string();
    let user_id = client.user_id().to_string();
    // A sign-in link opened while already signed in is never redeemed.
    let ignored_sign_in_link = SignInReturnCtx::take().is_some_and(|r| r.is_sign_in());

    // -- data --
    let data = SessionsData::new(client);
    // Once the first requests are out, while they are in flight.
    leptos::task::spawn_local(async {
        gloo_timers::future::TimeoutFuture::new(0).await;
        crate::web::format::prepare();
    });
    let auto_retry = AutoRetry::new(data);
    data.on_list_loaded(Callback::new(move |answer: Result<(), crate::api::ApiError>| {
        auto_retry.on_load(answer.as_ref().map(|_| ()))
    }));
    let verification = Verification::new(data);
    let trust = verification.state();
    let watch = SessionWatch::new(data);
    let new_ids = watch.new_ids();
    let rows = data.rows(Memo::new(move |_| trust.with(|t| t.sessions.clone())), new_ids, inactive_days);
    let verifier = Verifier::new(data);
    let own_verified = {
        let own = own_id.clone();
        Signal::derive(move || {
            trust.with(|t| t.sessions.as_ref().and_then(|s| s.get(&own).copied()))
                == Some(crate::model::trust::Trust::Verified)
        })
    };
    let live_problem = live::start(
        data,
        Callback::new(move |e: crate::api::types::ToDeviceEvent| {
            verifier.on_to_device(&e.sender, &e.kind, &e.content, own_verified.get_untracked())
        }),
    );
    let load_error = data.load_error();
    let partial_errors = data.partial_errors();
    let other_ids = data.other_ids();
    let current = {
        let own = own_id.clone();
        Memo::new(move |_| rows.with(|r| r.get(&own).cloned()))
    };
    let is_first_load = Signal::derive(move || data.round.with(Option::is_none));
    let account_page = Memo::new(move |_| data.account_page());
    let is_delegated = Signal::derive(move || account_page.with(Option::is_some));
    let account_sessions_url = Signal::derive(move || match account_page.get() {
        Some(AccountPage::Page { base, actions }) => Some(account_url(&base, list_action(&actions), None)),
        _ => None,
    });

    // -- ui state --
    // The filter lives in the address, so reloads and links keep it.
    let filter =
        RwSignal::new(browser::query_param("filter").and_then(|q| SessionFilter::from_query(&q)).unwrap_or_default());
    let expanded_ids = RwSignal::new(HashSet::<String>::new());
    let selected_ids = RwSignal::new(HashSet::<String>::new());
    let search = ListSearch::new(rows);
    let shown_ids = Memo::new(move |_| {
        other_ids.with(|ids| rows.with(|r| search.apply(filtered_ids(ids, |id| r.get(id), filter.get()), r)))
    });
    // Sessions that disappear (signed out anywhere, filtered away) are not
    // part of the selection.
    let selection = Memo::new(move |_| shown_ids.with(|ids| selected_ids.with(|s| selected_in(ids, s))));
    let recommendations = Memo::new(move |_| {
        other_ids.with(|ids| rows.with(|r| Recommendations::count(ids.iter().filter_map(|id| r.get(id)))))
    });
    let announcer = Announcer(RwSignal::new(None));

    // -- actions --
    let flow = SignOutFlow::new(data);
    let current_sign_out = CurrentSignOut::new(data, login);
    let client_info = ClientInfoSetting::new(data, config.brand.clone());
    let clean_up = CleanUp::new(other_ids, rows, flow, inactive_days);
    flow.set_on_ending(Callback::new(move |ids: Vec<String>| watch.signed_out_here(&ids)));
    flow.set_on_done(Callback::new(move |ids: Vec<String>| {
        expanded_ids.update(|e| ids.iter().for_each(|id| _ = e.remove(id)));
        selected_ids.update(|s| ids.iter().for_each(|id| _ = s.remove(id)));
        announcer.say(t_count("sessions.announce.signed_out", ids.len(), &[]));
    }));
    let on_sign_out = {
        let own = own_id.clone();
        Callback::new(move |id: String| if id == own { current_sign_out.open(false) } else { flow.start(vec![id]) })
    };
    verifier.set_page_hooks(
        Callback::new(move |id: String| {
            rows.with_untracked(|r| r.get(&id).map(|row| row.name().to_string())).unwrap_or(id)
        }),
        Callback::new(move |_| live::reload(data, live_problem)),
    );
    let row_ctx = RowContext {
        data,
        trust,
        verifier,
        rows,
        announcer,
        sign_out: flow,
        on_sign_out,
        is_signing_out_here: current_sign_out.is_pending(),
        own_id: StoredValue::new(own_id.clone()),
    };
    let own_actions = row_actions(row_ctx, own_id.clone());

    // -- callbacks --
    let set_filter = Callback::new(move |f: SessionFilter| {
        if filter.get_untracked() != f {
            filter.set(f);
            selected_ids.set(HashSet::new());
        }
        browser::replace_query_param("filter", f.as_query());
    });
    let view_recommendation = Callback::new(move |f: SessionFilter| {
        set_filter.run(f);
        selected_ids.set(HashSet::new());
        request_animation_frame(|| {
            browser::scroll_into_view("other-sessions-heading");
            let _ = browser::focus_element("other-sessions-heading");
        });
    });
    watch.set_on_appeared(Callback::new({
        let user_id = user_id.clone();
        move |ids: Vec<String>| {
            let names: Vec<String> = rows.with_untracked(|r| {
                ids.iter().map(|id| r.get(id).map_or_else(|| id.clone(), |row| row.name().to_string())).collect()
            });
            let names = names.join(", ");
            announcer.say(t_with("new.announce", &[("name", &names)]));
            if watch.notify_on().get_untracked() {
                browser::notify(
                    &t("new.notification_title"),
                    &i18n::t_plain("new.notification_body", &[("name", &names), ("user", &user_id)]),
                    "matrix-sessions-new-session",
                );
            }
        }
    }));
    let sign_out_link = Callback::new(move |id: String| match account_page.get_untracked() {
        Some(AccountPage::Page { base, actions }) => Some(account_url(&base, end_action(&actions), Some(&id))),
        _ => None,
    });
    let any_sign_out = Signal::derive(move || flow.state.with(|s| s.is_open()) || current_sign_out.is_pending().get());
    let sign_out_all_others = Callback::new(move |_| flow.start(other_ids.get_untracked()));
    let sign_out_selected = Callback::new(move |_| flow.start(selection.get_untracked()));

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
                {move || load_error.get().map(|err| view! {
                    <ErrorBanner
                        message=t_with("sessions.error.load", &[("reason", &i18n::api_error(&err))])
                        is_retrying=data.is_loading()
                        retry_in=auto_retry.seconds_left
                        on_retry=Callback::new(move |_| auto_retry.now())
                    />
                })}
                {move || {
                    let mut parts = partial_errors.get().iter().map(|(p, e)| part_text(*p, e)).collect::<Vec<_>>();
                    if trust.with(|t| t.cannot_check) {
                        parts.push(t_with(
                            "sessions.part",
                            &[("part", &t("sessions.part.verification")), ("reason", &t("trust.cannot_check"))],
                        ));
                    }
                    (!parts.is_empty()).then(|| {
                        let parts = parts.join("; ");
                        view! {
                            <ErrorBanner
                                message=t_with("sessions.partial", &[("parts", &parts)])
                                is_retrying=data.is_loading()
                                on_retry=Callback::new(move |_| data.retry())
                            />
                        }
                    })
                }}
                {move || live_problem.get().map(|problem| view! { class = class_name,
                    <p class="live-problem" role="status" data-testid="live-problem">{live_text(&problem)}</p>
                })}
                {move || flow.kept.with(|kept| (!kept.is_empty()).then(|| {
                    let names = rows.with(|r| {
                        kept.iter().map(|id| r.get(id).map_or(id.as_str(), |row| row.name()).to_string()).collect::<Vec<_>>()
                    });
                    view! {
                        <p class="sm-alert" role="alert" data-testid="sign-out-kept">
                            {t_count("sign_out.kept", kept.len(), &[("names", &names.join(", "))])}
                        </p>
                    }
                }))}
                <AccountNotices
                    ignored_sign_in_link=ignored_sign_in_link
                    pinned_now=verification.pinned_now
                    identity=Signal::derive(move || trust.with(|t| t.identity.clone()))
                    chain=Signal::derive(move || trust.with(|t| t.chain.clone()))
                    on_accept_identity=Callback::new(move |_| {
                        if let Some(IdentityCheck::Changed { current, .. }) = trust.with_untracked(|t| t.identity.clone()) {
                            verification.pin(&current);
                        }
                    })
                />
                <VerificationRequest
                    asker=Signal::derive(move || verifier.asker())
                    is_pending=Signal::derive(move || verifier.request_is_busy())
                    problem=Signal::derive(move || verifier.request_problem())
                    on_accept=Callback::new(move |_| verifier.accept())
                    on_ignore=Callback::new(move |_| verifier.ignore())
                />
                <NewSessionsNotice
                    count=Signal::derive(move || new_ids.with(|n| other_ids.with(|o| o.iter().filter(|id| n.contains(*id)).count())))
                    since_ms=watch.since_ms()
                    on_review=Callback::new(move |_| view_recommendation.run(SessionFilter::New))
                    on_mark_reviewed=Callback::new(move |_| {
                        watch.mark_reviewed();
                        if filter.get_untracked() == SessionFilter::New {
                            set_filter.run(SessionFilter::All);
                        }
                    })
                />
                <SecurityRecommendations
                    counts=recommendations
                    inactive_days=inactive_days
                    on_view=view_recommendation
                    on_clean_up=Callback::new(move |_| clean_up.open())
                />
                <CurrentSession
                    row=current
                    is_first_load=is_first_load
                    actions=own_actions
                    inactive_days=inactive_days
                    other_count=Signal::derive(move || if is_delegated.get() { 0 } else { other_ids.with(Vec::len) })
                    on_sign_out_others=sign_out_all_others
                />
                <Show when=move || other_ids.with(|o| !o.is_empty())>
                    <OtherSessions
                        ids=shown_ids
                        filter=filter
                        on_filter=set_filter
                        rows=rows
                        row_actions=Callback::new(move |id: String| row_actions(row_ctx, id))
                        expanded_ids=expanded_ids
                        selected_ids=selected_ids
                        selected_count=Signal::derive(move || selection.with(Vec::len))
                        is_signing_out=any_sign_out
                        total_count=Signal::derive(move || other_ids.with(Vec::len))
                        on_sign_out_selected=sign_out_selected
                        on_sign_out_all=sign_out_all_others
                        is_delegated=is_delegated
                        account_sessions_url=account_sessions_url
                        inactive_days=inactive_days
                        on_clean_up=Callback::new(move |_| clean_up.open())
                        query=search.query
                        on_clear_search=Callback::new(move |_| {
                            search.set_query(String::new());
                            let _ = browser::focus_element("session-search");
                        })
                        toolbar=move || view! {
                            <SessionSearch
                                query=search.query
                                on_query=Callback::new(move |q: String| search.set_query(q))
                                sort=search.sort
                                on_sort=Callback::new(move |o| search.set_sort(o))
                                shown=Signal::derive(move || shown_ids.with(Vec::len))
                                total=Signal::derive(move || other_ids.with(Vec::len))
                                on_export=Callback::new(move |f: ExportFormat| {
                                    let done = shown_ids.with_untracked(|ids| rows.with_untracked(|r| export_sessions(ids, r, f)));
                                    announcer.say(t(if done { "search.export.done" } else { "search.export.failed" }));
                                })
                            />
                        }
                    />
                </Show>
                <SignedOutSessions
                    history=watch.history()
                    on_clear=Callback::new(move |_| {
                        watch.clear_history();
                        announcer.say(t("history.cleared"));
                    })
                    not_saved=watch.not_saved
                />
                <ThisBrowser
                    client_info_on=client_info.is_on()
                    client_info_pending=client_info.is_pending()
                    client_info_error=Signal::derive(move || {
                        client_info.error().get().map(|e| t_with("sessions.error.setting", &[("reason", &i18n::api_error(&e))]))
                    })
                    on_client_info=Callback::new(move |on| client_info.set(on))
                    notify_on=watch.notify_on()
                    notify_pending=watch.notify_pending
                    notify_problem=Signal::derive(move || watch.notify_problem.get().map(|p| t(match p {
                        NotifyProblem::Refused => "settings.notify_refused",
                        NotifyProblem::NotSaved => "settings.notify_not_saved",
                    })))
                    on_notify=Callback::new(move |on| watch.set_notify(on))
                    identity=verification.pinned
                    on_forget=Callback::new(move |_| current_sign_out.open(true))
                />
            </main>
            <SessionsDialogs
                clean_up=clean_up
                clean_up_choices=clean_up_choices(inactive_days)
                flow=flow
                current_sign_out=current_sign_out
                rows=rows
                is_delegated=is_delegated
                sign_out_link=sign_out_link
                user_id=user_id.clone()
            />
        </div>
    }
}
