//! Signing in the Matrix 2.0 way (the spec's OAuth 2.0 API, v1.15): which
//! servers offer it, what the page registers and asks for, and how it reads
//! the answer. Randomness and hashing come from the caller (WebCrypto), so
//! everything here is plain, tested code.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::api::auth::AuthMetadata;
use crate::api::client::encode_path_segment as enc;
use crate::model::links::is_safe_page_url;

/// The client-server API scope (stable name; never mixed with the unstable
/// `urn:matrix:org.matrix.msc2967.client:*` names, which MAS refuses).
pub const API_SCOPE: &str = "urn:matrix:client:api:*";
pub const DEVICE_SCOPE_PREFIX: &str = "urn:matrix:client:device:";

/// The endpoints of a server that offers OAuth 2.0 sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthServer {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: String,
    pub revocation_endpoint: Option<String>,
}

/// The OAuth 2.0 sign-in a server's metadata offers, if the page can use it:
/// every endpoint a safe web address (`https:`, or `http:` on loopback),
/// the authorization-code flow with PKCE S256, and answers in the fragment.
/// Lists a server leaves out are taken as allowing what the spec requires.
pub fn oauth_server(meta: &AuthMetadata) -> Option<OAuthServer> {
    let safe = |url: &Option<String>| url.as_deref().filter(|u| is_safe_page_url(u)).map(str::to_string);
    let offers = |list: &Option<Vec<String>>, value: &str| list.as_ref().is_none_or(|l| l.iter().any(|v| v == value));
    if !meta.code_challenge_methods_supported.as_ref().is_some_and(|l| l.iter().any(|m| m == "S256"))
        || !offers(&meta.response_types_supported, "code")
        || !offers(&meta.response_modes_supported, "fragment")
        || !offers(&meta.grant_types_supported, "authorization_code")
    {
        return None;
    }
    Some(OAuthServer {
        issuer: meta.issuer.clone().filter(|i| !i.is_empty())?,
        authorization_endpoint: safe(&meta.authorization_endpoint)?,
        token_endpoint: safe(&meta.token_endpoint)?,
        registration_endpoint: safe(&meta.registration_endpoint)?,
        revocation_endpoint: safe(&meta.revocation_endpoint),
    })
}

/// The dynamic client registration (RFC 7591) this page sends: a public
/// web client whose address and only redirect URI is the page itself.
pub fn registration_request(brand: &str, page_url: &str) -> serde_json::Value {
    serde_json::json!({
        "client_name": brand,
        "client_uri": page_url,
        "redirect_uris": [page_url],
        "application_type": "web",
        "token_endpoint_auth_method": "none",
        "response_types": ["code"],
        "grant_types": ["authorization_code", "refresh_token"],
    })
}

/// The scope of a sign-in: the whole client-server API, for one new device.
pub fn scope(device_id: &str) -> String {
    format!("{API_SCOPE} {DEVICE_SCOPE_PREFIX}{device_id}")
}

const DEVICE_ID_LETTERS: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Device ids have 12 letters and digits (MAS wants at least 10).
pub const DEVICE_ID_LENGTH: usize = 12;

/// A device id from random bytes: bytes that would bias the choice (≥ 252)
/// are skipped, so give a few more than `DEVICE_ID_LENGTH`. `None` when
/// too few were usable.
pub fn device_id_from(random: &[u8]) -> Option<String> {
    let id: String = random
        .iter()
        .filter(|b| **b < 252)
        .take(DEVICE_ID_LENGTH)
        .map(|b| char::from(DEVICE_ID_LETTERS[usize::from(*b % 36)]))
        .collect();
    (id.len() == DEVICE_ID_LENGTH).then_some(id)
}

/// The PKCE code verifier (RFC 7636): 32 random bytes, base64url, 43
/// characters.
pub fn code_verifier(random: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// The S256 code challenge from the SHA-256 digest of the verifier.
pub fn code_challenge(verifier_sha256: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(verifier_sha256)
}

/// What one sign-in asks the authorization server for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub device_id: &'a str,
    pub state: &'a str,
    pub code_challenge: &'a str,
}

/// Where the browser goes to sign in: the code flow with PKCE S256 and the
/// answer in the fragment (which never reaches a server's logs).
pub fn authorization_url(endpoint: &str, request: &AuthorizationRequest) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!(
        "{endpoint}{separator}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}\
         &response_mode=fragment&code_challenge={}&code_challenge_method=S256",
        enc(request.client_id),
        enc(request.redirect_uri),
        enc(&scope(request.device_id)),
        enc(request.state),
        enc(request.code_challenge),
    )
}

/// What came back in the address after the authorization page.
#[derive(Clone, PartialEq, Eq)]
pub enum Callback {
    Code { code: String, state: String },
    Error { error: String, description: Option<String>, state: Option<String> },
}

/// The code stays out of logs and panic messages.
impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Callback::Code { state, .. } => {
                f.debug_struct("Code").field("code", &"[redacted]").field("state", state).finish()
            }
            Callback::Error { error, description, state } => f
                .debug_struct("Error")
                .field("error", error)
                .field("description", description)
                .field("state", state)
                .finish(),
        }
    }
}

impl Callback {
    pub fn state(&self) -> Option<&str> {
        match self {
            Callback::Code { state, .. } => Some(state),
            Callback::Error { state, .. } => state.as_deref(),
        }
    }
}

/// Reads the decoded fragment parameters: a `code` with its `state`, or an
/// `error`. Anything else (a plain `#top`) is no callback.
pub fn parse_callback(params: &[(String, String)]) -> Option<Callback> {
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if let Some(error) = get("error") {
        return Some(Callback::Error { error, description: get("error_description"), state: get("state") });
    }
    match (get("code"), get("state")) {
        (Some(code), Some(state)) if !code.is_empty() => Some(Callback::Code { code, state }),
        _ => None,
    }
}

/// Why an OAuth 2.0 sign-in did not complete, as kinds the page explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OAuthProblem {
    /// The user said no on the authorization page.
    Denied,
    /// The authorization server reported another error.
    Refused { error: String, description: Option<String> },
    /// A callback this tab did not start, or with another `state`.
    StateMismatch,
    /// The server refused this page as a client (`invalid_redirect_uri`,
    /// `invalid_client_metadata`): the deployer must allow it.
    RegistrationRefused { description: Option<String> },
}

/// The problem an error callback stands for.
pub fn callback_problem(error: &str, description: Option<String>) -> OAuthProblem {
    if error == "access_denied" {
        OAuthProblem::Denied
    } else {
        OAuthProblem::Refused { error: error.to_string(), description }
    }
}

/// True for registration errors that only the deployer can fix.
pub fn is_registration_refusal(error: &str) -> bool {
    matches!(error, "invalid_redirect_uri" | "invalid_client_metadata" | "unapproved_software_statement")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> AuthMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://auth.example.org/",
            "authorization_endpoint": "https://auth.example.org/authorize",
            "token_endpoint": "https://auth.example.org/oauth2/token",
            "registration_endpoint": "https://auth.example.org/oauth2/registration",
            "revocation_endpoint": "https://auth.example.org/oauth2/revoke",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "account_management_uri": "https://auth.example.org/account/",
        }))
        .unwrap()
    }

    #[test]
    fn a_complete_metadata_document_offers_sign_in() {
        let server = oauth_server(&metadata()).unwrap();
        assert_eq!(server.token_endpoint, "https://auth.example.org/oauth2/token");
        assert_eq!(server.revocation_endpoint.as_deref(), Some("https://auth.example.org/oauth2/revoke"));
    }

    #[test]
    fn sign_in_needs_pkce_s256_the_code_flow_and_safe_endpoints() {
        let mut m = metadata();
        m.code_challenge_methods_supported = Some(vec!["plain".into()]);
        assert_eq!(oauth_server(&m), None);
        let mut m = metadata();
        m.code_challenge_methods_supported = None;
        assert_eq!(oauth_server(&m), None, "S256 must be advertised");
        let mut m = metadata();
        m.response_modes_supported = Some(vec!["query".into()]);
        assert_eq!(oauth_server(&m), None);
        let mut m = metadata();
        m.token_endpoint = Some("http://auth.example.org/token".into());
        assert_eq!(oauth_server(&m), None, "plain http off loopback");
        let mut m = metadata();
        m.registration_endpoint = None;
        assert_eq!(oauth_server(&m), None);
        // A delegating server that only publishes account management.
        let only_account: AuthMetadata = serde_json::from_value(serde_json::json!({
            "issuer": "https://auth.example.org/",
            "account_management_uri": "https://auth.example.org/account/",
        }))
        .unwrap();
        assert_eq!(oauth_server(&only_account), None);
        // Loopback http is fine (tests, local servers); lists left out allow.
        let mut m = metadata();
        for url in [
            &mut m.authorization_endpoint,
            &mut m.token_endpoint,
            &mut m.registration_endpoint,
            &mut m.revocation_endpoint,
        ] {
            *url = Some("http://127.0.0.1:8080/x".into());
        }
        m.response_modes_supported = None;
        m.grant_types_supported = None;
        assert!(oauth_server(&m).is_some());
        let mut m = metadata();
        m.revocation_endpoint = Some("javascript:alert(1)".into());
        assert_eq!(oauth_server(&m).unwrap().revocation_endpoint, None);
    }

    #[test]
    fn registers_as_a_public_web_client_of_its_own_address() {
        let body = registration_request("Session Manager", "https://portal.example.org/sessions/");
        assert_eq!(body["client_uri"], "https://portal.example.org/sessions/");
        assert_eq!(body["redirect_uris"], serde_json::json!(["https://portal.example.org/sessions/"]));
        assert_eq!(body["application_type"], "web");
        assert_eq!(body["token_endpoint_auth_method"], "none");
        assert_eq!(body["grant_types"], serde_json::json!(["authorization_code", "refresh_token"]));
        assert_eq!(body["response_types"], serde_json::json!(["code"]));
    }

    #[test]
    fn device_ids_are_twelve_unbiased_letters_and_digits() {
        let bytes: Vec<u8> = (0..=255).collect();
        let id = device_id_from(&bytes[240..]).unwrap();
        assert_eq!(id.len(), 12);
        // 252..=255 are skipped: only 12 usable bytes in 240..=251.
        assert_eq!(id, "YZ0123456789");
        assert_eq!(device_id_from(&[255; 20]), None);
        assert!(device_id_from(&bytes).unwrap().chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    }

    #[test]
    fn scope_uses_the_stable_names_only() {
        assert_eq!(scope("ABCDEFGHIJKL"), "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJKL");
        assert!(!scope("X").contains("msc2967"));
    }

    #[test]
    fn pkce_matches_rfc_7636() {
        // RFC 7636, appendix B.
        let random: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(code_verifier(&random), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let digest: [u8; 32] = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86,
            110, 225, 137, 74, 203, 112, 249, 195,
        ];
        assert_eq!(code_challenge(&digest), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn authorization_url_carries_everything_encoded() {
        let url = authorization_url(
            "https://auth.example.org/authorize",
            &AuthorizationRequest {
                client_id: "01J",
                redirect_uri: "https://portal.example.org/sessions/",
                device_id: "ABCDEFGHIJKL",
                state: "s1",
                code_challenge: "E9M-c",
            },
        );
        assert_eq!(
            url,
            "https://auth.example.org/authorize?response_type=code&client_id=01J\
             &redirect_uri=https%3A%2F%2Fportal.example.org%2Fsessions%2F\
             &scope=urn%3Amatrix%3Aclient%3Aapi%3A%2A%20urn%3Amatrix%3Aclient%3Adevice%3AABCDEFGHIJKL\
             &state=s1&response_mode=fragment&code_challenge=E9M-c&code_challenge_method=S256"
        );
        assert!(
            authorization_url(
                "https://a.example/auth?tenant=x",
                &AuthorizationRequest {
                    client_id: "c",
                    redirect_uri: "r",
                    device_id: "d",
                    state: "s",
                    code_challenge: "h",
                }
            )
            .starts_with("https://a.example/auth?tenant=x&response_type=code")
        );
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_codes_and_errors_from_the_fragment() {
        assert_eq!(
            parse_callback(&pairs(&[("state", "s"), ("code", "c")])),
            Some(Callback::Code { code: "c".into(), state: "s".into() })
        );
        assert_eq!(
            parse_callback(&pairs(&[("state", "s"), ("error", "access_denied"), ("error_description", "no")])),
            Some(Callback::Error {
                error: "access_denied".into(),
                description: Some("no".into()),
                state: Some("s".into())
            })
        );
        assert_eq!(parse_callback(&pairs(&[("code", "c")])), None, "a code needs its state");
        assert_eq!(parse_callback(&pairs(&[("top", "")])), None);
        assert_eq!(callback_problem("access_denied", None), OAuthProblem::Denied);
        assert!(matches!(callback_problem("server_error", None), OAuthProblem::Refused { .. }));
    }

    #[test]
    fn debug_output_hides_the_code() {
        let text = format!("{:?}", Callback::Code { code: "secret-code".into(), state: "s".into() });
        assert!(!text.contains("secret-code"), "{text}");
    }
}
