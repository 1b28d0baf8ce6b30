//! What the sign-in page asks the homeserver before anyone types a
//! password: where it is, and which sign-in methods it offers.

use crate::api::Homeserver;
use crate::api::auth::{get_auth_metadata, get_login_flows, resolve_homeserver};
use crate::api::types::{LoginFlows, mxc_to_http};
use crate::components::sso_buttons::SsoChoice;
use crate::model::oauth::{OAuthServer, oauth_server};
use crate::model::sign_in::SignInProblem;
use crate::model::user_agent::browser_and_os;
use crate::web::browser;
use crate::web::i18n::{t, t_plain, t_with};

/// A homeserver found for what was typed, with its sign-in methods.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerFound {
    pub homeserver: Homeserver,
    /// The legacy `/login` methods (none on a server that only speaks
    /// OAuth 2.0, e.g. Synapse with MAS and no compatibility layer).
    pub flows: LoginFlows,
    /// OAuth 2.0 sign-in, preferred when the server offers it.
    pub oauth: Option<OAuthServer>,
}

/// Resolves the address and asks which sign-in methods it offers: the
/// legacy `/login` methods and the OAuth 2.0 metadata, at the same time.
pub async fn check_server(input: &str) -> Result<ServerFound, SignInProblem> {
    let (homeserver, _versions) = resolve_homeserver(input).await.map_err(SignInProblem::Discovery)?;
    let (flows, metadata) = futures::future::join(get_login_flows(&homeserver), get_auth_metadata(&homeserver)).await;
    let oauth = metadata.ok().flatten().as_ref().and_then(oauth_server);
    let flows = match (flows, &oauth) {
        (Ok(flows), _) => flows,
        // No legacy login beside OAuth: that is fine.
        (Err(_), Some(_)) => LoginFlows::default(),
        (Err(error), None) => return Err(SignInProblem::Flows { url: homeserver.base_url().to_string(), error }),
    };
    Ok(ServerFound { homeserver, flows, oauth })
}

/// The label of the OAuth 2.0 choice: where the user will sign in.
pub fn oauth_label(server: &OAuthServer) -> String {
    let host = web_sys::Url::new(&server.issuer).map(|u| u.host()).unwrap_or_else(|_| server.issuer.clone());
    t_with("login.oauth.continue", &[("host", &host)])
}

/// The new session's name: "<brand> (Firefox on Linux)", in the page's
/// language.
pub fn session_name(brand: &str) -> String {
    let agent = match browser_and_os(&browser::user_agent()) {
        // Plain: the server stores the name and other apps show it.
        (Some(b), Some(o)) => t_plain("session_name.browser_on_os", &[("browser", b), ("os", o)]),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => t_plain("session_name.browser_on_os", &[("browser", &t("session_name.browser")), ("os", o)]),
        (None, None) => t("session_name.browser"),
    };
    format!("{brand} ({agent})")
}

/// One button per identity provider (or one for the server's default).
pub fn sso_choices(found: &ServerFound) -> Vec<SsoChoice> {
    let Some(flow) = found.flows.sso() else { return Vec::new() };
    if flow.identity_providers.is_empty() {
        return vec![SsoChoice { idp: None, label: t("login.sso_default"), icon_url: None }];
    }
    flow.identity_providers
        .iter()
        .map(|p| SsoChoice {
            idp: Some(p.id.clone()),
            label: t_with("login.sso_idp", &[("name", &p.name)]),
            icon_url: p.icon.as_deref().and_then(|icon| mxc_to_http(found.homeserver.base_url(), icon)),
        })
        .collect()
}
