//! The sign-in page: finds the homeserver for the typed address (a resource
//! over that address), then signs in with a password or single sign-on
//! (actions). Every failure is shown in one alert; what was typed stays.

mod methods;
mod oauth;

use leptos::prelude::*;
use stylers::style_sheet;

use crate::api::auth::{login_with_password, login_with_token};
use crate::api::{ApiError, Homeserver};
use crate::components::login_form::LoginForm;
use crate::components::sso_buttons::SsoButtons;
use crate::contexts::{ConfigCtx, LoginCtx, SignInReturn, SignInReturnCtx};
use crate::model::homeserver::server_of_user_id;
use crate::model::oauth::{Callback as OAuthCallback, OAuthProblem};
use crate::model::sign_in::SignInProblem;
use crate::web::i18n::{self, t, t_with};
use crate::web::login::Notice;
use crate::web::oauth::{self as web_oauth, OAuthReturn, PendingSignIn};
use crate::web::sso::{self, SsoReturn};
use methods::{ServerFound, check_server, oauth_label, session_name, sso_choices};

/// What went wrong, in the page's language.
fn problem_text(problem: &SignInProblem) -> String {
    match problem {
        SignInProblem::Discovery(err) => i18n::discovery_error(err),
        SignInProblem::Flows { url, error } => {
            t_with("login.error.flows", &[("url", url), ("reason", &i18n::api_error(error))])
        }
        SignInProblem::MissingFields => t("login.error.missing_fields"),
        SignInProblem::NoPassword { url } => t_with("login.error.no_password", &[("url", url)]),
        SignInProblem::Login(err) => i18n::api_error(err),
        SignInProblem::Sso(err) => {
            let reason = match err {
                ApiError::Matrix { errcode, .. } if errcode == "M_FORBIDDEN" => t("login.error.sso_token"),
                other => i18n::api_error(other),
            };
            t_with("login.error.sso_failed", &[("reason", &reason)])
        }
        SignInProblem::SsoUnfinished => t("login.error.sso_unfinished"),
        SignInProblem::SsoNotStarted => t("login.error.sso_not_started"),
        SignInProblem::PopupBlocked => t("login.error.popup_blocked"),
        SignInProblem::OAuth(OAuthProblem::Denied) => t("login.error.oauth_denied"),
        SignInProblem::OAuth(OAuthProblem::Refused { error, description }) => {
            t_with("login.error.oauth_refused", &[("reason", description.as_deref().unwrap_or(error))])
        }
        SignInProblem::OAuth(OAuthProblem::StateMismatch) => t("login.error.oauth_state"),
        SignInProblem::OAuth(OAuthProblem::RegistrationRefused { description }) => t_with(
            "login.error.oauth_registration",
            &[("reason", description.as_deref().unwrap_or_default()), ("url", &web_oauth::page_address())],
        ),
        SignInProblem::OAuthRequest(ApiError::Matrix { errcode, .. }) if errcode == "invalid_grant" => {
            t("login.error.oauth_expired")
        }
        SignInProblem::OAuthRequest(err) => t_with("login.error.oauth_failed", &[("reason", &i18n::api_error(err))]),
        SignInProblem::OAuthCrypto(reason) => t_with("login.error.oauth_crypto", &[("reason", reason)]),
    }
}

/// Why the sign-in page shows, in the page's language.
fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::OtherTab => t("login.notice.other_tab"),
        Notice::Revoked => t("login.notice.revoked"),
        Notice::Expired => t("login.notice.expired"),
        Notice::SignedOut => t("login.notice.signed_out"),
        Notice::Forgotten => t("login.notice.forgotten"),
        Notice::RemovedLocally => t("login.notice.removed_locally"),
        Notice::Unreadable => t("login.notice.unreadable"),
        Notice::Incomplete => t("login.notice.incomplete"),
        Notice::OtherHomeserver { homeserver, locked } => {
            t_with("login.notice.other_homeserver", &[("homeserver", homeserver), ("locked", locked)])
        }
    }
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let class_name = style_sheet!("style/components/login_page.css");
    let login = LoginCtx::expect();
    let config = ConfigCtx::expect();
    let locked = config.lock_homeserver.then(|| config.default_homeserver.clone().unwrap_or_default());
    let initial_homeserver = match &locked {
        Some(address) => address.clone(),
        None => config.default_homeserver.clone().or_else(LoginCtx::last_homeserver).unwrap_or_default(),
    };
    let device_name = StoredValue::new(session_name(&config.brand));

    // -- data: the server behind the address last looked up --
    let homeserver_input = RwSignal::new(initial_homeserver.clone());
    let checked = RwSignal::new(initial_homeserver.trim().to_string());
    let server = LocalResource::new(move || {
        let input = checked.get();
        async move {
            if input.is_empty() {
                return None;
            }
            let found = check_server(&input).await;
            Some((input, found))
        }
    });
    let found = Memo::new(move |_| {
        server.with(|s| match s {
            Some(Some((input, Ok(found)))) if checked.with(|c| c == input) => Some(found.clone()),
            _ => None,
        })
    });
    let is_checking = Signal::derive(move || {
        let current = checked.get();
        !current.is_empty() && server.with(|s| !matches!(s, Some(Some((input, _))) if *input == current))
    });
    let lookup_problem = Signal::derive(move || {
        server.with(|s| match s {
            Some(Some((input, Err(problem)))) if checked.with(|c| c == input) => Some(problem.clone()),
            _ => None,
        })
    });
    // The found server for `input`, or a fresh lookup (the address changed
    // without a `change` event, e.g. Enter in the field).
    let server_for = move |input: String| async move {
        if let Some(f) = found.get_untracked().filter(|_| checked.with_untracked(|c| *c == input.trim())) {
            return Ok(f);
        }
        checked.set(input.trim().to_string());
        check_server(&input).await
    };

    // -- ui state --
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<SignInProblem>);

    // -- actions --
    let sign_in = Action::new_local(move |(input, user, pass): &(String, String, String)| {
        let (input, user, pass) = (input.clone(), user.clone(), pass.clone());
        async move {
            let answer: Result<(), SignInProblem> = async {
                let found: ServerFound = server_for(input).await?;
                if !found.flows.offers_password() {
                    return Err(SignInProblem::NoPassword { url: found.homeserver.base_url().to_string() });
                }
                let answer = login_with_password(&found.homeserver, &user, &pass, &device_name.get_value())
                    .await
                    .map_err(SignInProblem::Login)?;
                // The page switches to the sessions list; this form is gone.
                login.sign_in(&found.homeserver, answer);
                Ok(())
            }
            .await;
            if let Err(p) = &answer {
                problem.try_set(Some(p.clone()));
            }
            answer
        }
    });
    // Signs in with a single-sign-on token (from a redirect or our popup).
    let redeem = Action::new_local(move |(token, homeserver): &(String, Option<String>)| {
        let (token, homeserver) = (token.clone(), homeserver.clone());
        async move {
            let answer: Result<(), SignInProblem> = async {
                let homeserver = match homeserver {
                    Some(base) => Homeserver::new(&base),
                    None => server_for(homeserver_input.get_untracked()).await?.homeserver,
                };
                let answer = login_with_token(&homeserver, &token, &device_name.get_value())
                    .await
                    .map_err(SignInProblem::Sso)?;
                login.sign_in(&homeserver, answer);
                Ok(())
            }
            .await;
            if let Err(p) = &answer {
                problem.try_set(Some(p.clone()));
            }
            answer
        }
    });
    // OAuth 2.0: leaving for the authorization page (in a popup opened by
    // the click when framed), and the code exchange when it sends us back.
    let oauth_popup = StoredValue::new_local(None::<web_sys::Window>);
    let brand = config.brand.clone();
    let oauth_start = Action::new_local(move |_: &()| {
        let brand = brand.clone();
        let popup = oauth_popup.try_update_value(Option::take).flatten();
        async move {
            let answer: Result<(), SignInProblem> = async {
                let found: ServerFound = server_for(homeserver_input.get_untracked()).await?;
                let Some(server) = &found.oauth else { return Ok(()) };
                web_oauth::start(server, &found.homeserver, &brand, popup.clone()).await.map_err(oauth::start_problem)
            }
            .await;
            if let Err(p) = &answer {
                web_oauth::close_popup(popup);
                problem.try_set(Some(p.clone()));
            }
            answer
        }
    });
    let oauth_finish = Action::new_local(move |(callback, pending): &(OAuthCallback, PendingSignIn)| {
        let (callback, pending) = (callback.clone(), pending.clone());
        async move {
            let answer = oauth::finish(callback, pending).await;
            match answer {
                Ok(done) => {
                    login.sign_in_oauth(&done.homeserver, done.account, done.tokens, done.grant);
                    Ok(())
                }
                Err(p) => {
                    problem.try_set(Some(p.clone()));
                    Err(p)
                }
            }
        }
    });
    let is_busy = Signal::derive(move || {
        sign_in.pending().get() || redeem.pending().get() || oauth_start.pending().get() || oauth_finish.pending().get()
    });

    // Coming back from the identity provider or the authorization page?
    match SignInReturnCtx::take() {
        Some(SignInReturn::Sso(SsoReturn::Token { token, homeserver })) => {
            redeem.dispatch_local((token, homeserver));
        }
        Some(SignInReturn::Sso(SsoReturn::Unfinished)) => problem.set(Some(SignInProblem::SsoUnfinished)),
        Some(SignInReturn::Sso(SsoReturn::Refused)) => problem.set(Some(SignInProblem::SsoNotStarted)),
        Some(SignInReturn::OAuth(OAuthReturn::Callback(callback, pending))) => {
            // Looked up again, so a failed sign-in offers its choices again.
            homeserver_input.set(pending.homeserver.clone());
            checked.set(pending.homeserver.clone());
            oauth_finish.dispatch_local((callback, *pending));
        }
        Some(SignInReturn::OAuth(OAuthReturn::Refused)) => {
            problem.set(Some(SignInProblem::OAuth(OAuthProblem::StateMismatch)));
        }
        Some(SignInReturn::Sso(SsoReturn::HandedOver) | SignInReturn::OAuth(OAuthReturn::HandedOver)) | None => {}
    }
    // A framed page signs in through a popup, which hands the token (or
    // the OAuth callback) over.
    if sso::is_framed() {
        let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
            if let Some(token) = sso::token_from_popup(&ev) {
                let homeserver = found.get_untracked().map(|f| f.homeserver.base_url().to_string());
                problem.set(None);
                redeem.dispatch_local((token, homeserver));
            } else if let Some((callback, pending)) = web_oauth::callback_from_popup(&ev) {
                problem.set(None);
                oauth_finish.dispatch_local((callback, pending));
            }
        });
        on_cleanup(move || handle.remove());
    }

    // -- callbacks --
    let on_homeserver_change = Callback::new(move |_| {
        // `change` can fire as the form leaves the page (after signing in).
        let Some(input) = homeserver_input.try_get_untracked() else { return };
        if !input.trim().is_empty() {
            problem.set(None);
            checked.set(input.trim().to_string());
        }
    });
    let on_submit = Callback::new(move |_| {
        if is_busy.get_untracked() {
            return;
        }
        let user = username.get_untracked().trim().to_string();
        let pass = password.get_untracked();
        if homeserver_input.get_untracked().trim().is_empty()
            && let Some(server_name) = server_of_user_id(&user)
        {
            homeserver_input.set(server_name.to_string());
        }
        if user.is_empty() || pass.is_empty() {
            problem.set(Some(SignInProblem::MissingFields));
            return;
        }
        problem.set(None);
        sign_in.dispatch_local((homeserver_input.get_untracked(), user, pass));
    });
    let on_oauth = Callback::new(move |_| {
        if is_busy.get_untracked() {
            return;
        }
        problem.set(None);
        if sso::is_framed() {
            // Opened now, while the click is handled, or the browser blocks it.
            match web_oauth::open_popup() {
                Some(popup) => oauth_popup.set_value(Some(popup)),
                None => {
                    problem.set(Some(SignInProblem::PopupBlocked));
                    return;
                }
            }
        }
        oauth_start.dispatch_local(());
    });
    let on_sso = Callback::new(move |idp: Option<String>| {
        let Some(f) = found.get_untracked() else { return };
        problem.set(None);
        if !sso::start(&f.homeserver, idp.as_deref()) {
            problem.set(Some(SignInProblem::PopupBlocked));
        }
    });

    // -- view state --
    let homeserver_hint = Signal::derive(move || {
        if is_checking.get() {
            t("login.homeserver_checking")
        } else if let Some(f) = found.get() {
            t_with("login.homeserver_found", &[("url", f.homeserver.base_url())])
        } else {
            t("login.homeserver_hint")
        }
    });
    // Until the server has answered, offer the password form.
    let offers_password = Signal::derive(move || found.with(|f| f.as_ref().is_none_or(|f| f.flows.offers_password())));
    let sso_offered = Memo::new(move |_| found.with(|f| f.as_ref().map(sso_choices).unwrap_or_default()));
    let oauth_offered = Signal::derive(move || found.with(|f| f.as_ref()?.oauth.as_ref().map(oauth_label)));
    let shown_problem =
        Signal::derive(move || problem.get().or_else(|| lookup_problem.get()).map(|p| problem_text(&p)));
    let portal = config.portal.clone();

    view! { class = class_name,
        <main class="page">
            <div class="card">
                {portal.map(|p| view! { class = class_name,
                    <a class="portal" href=p.url data-testid="portal-link">
                        {t_with("login.portal_link", &[("name", &p.name.unwrap_or_else(|| t("login.portal_default")))])}
                    </a>
                })}
                <h1 class="title">{t("login.title")}</h1>
                <p class="intro">{t("login.intro")}</p>
                {move || login.notice().get().map(|notice| view! { class = class_name,
                    <p class="sm-notice" role="status" data-testid="login-notice">{notice_text(&notice)}</p>
                })}
                <LoginForm
                    locked=locked
                    homeserver=homeserver_input
                    homeserver_hint=homeserver_hint
                    on_homeserver_change=on_homeserver_change
                    offers_password=offers_password
                    username=username
                    password=password
                    problem=shown_problem
                    is_busy=is_busy
                    on_submit=on_submit
                    oauth_label=oauth_offered
                    on_oauth=on_oauth
                />
                <Show when=move || sso_offered.with(|c| !c.is_empty())>
                    <Show when=move || offers_password.get()>
                        <p class="divider"><span>{t("login.or")}</span></p>
                    </Show>
                    <SsoButtons choices=sso_offered is_disabled=is_busy on_choose=on_sso/>
                </Show>
            </div>
        </main>
    }
}
