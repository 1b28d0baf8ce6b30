//! What the user typed into the Homeserver field: a full URL, or a server
//! name to resolve through `/.well-known/matrix/client`.

/// How to find the homeserver for a typed address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeserverAddress {
    /// A URL with a scheme: used as the base URL directly.
    BaseUrl(String),
    /// A server name such as `example.org`: look up `well_known_url`, and
    /// if there is no well-known document, try `fallback_base_url`.
    ServerName { name: String, well_known_url: String, fallback_base_url: String },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("Enter your homeserver's address, for example matrix.org.")]
    Empty,
    #[error("“{0}” is not a valid homeserver address.")]
    Invalid(String),
}

/// Removes trailing slashes so paths can be appended with a single `/`.
pub fn normalise_base_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

fn valid_authority(authority: &str) -> bool {
    !authority.is_empty()
        && !authority.starts_with(':')
        && authority.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
}

/// Loopback hosts are reached over plain HTTP when no scheme is typed, so a
/// local development or test server works by name; everything else is HTTPS.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.rfind(':') {
        Some(i) if !authority.ends_with(']') => &authority[..i],
        _ => authority,
    };
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

/// Parses the Homeserver field.
pub fn parse_address(input: &str) -> Result<HomeserverAddress, AddressError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(AddressError::Empty);
    }
    let invalid = || AddressError::Invalid(input.to_string());
    let lower = input.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) {
        let authority = rest.split('/').next().unwrap_or("");
        if !valid_authority(authority) || input.contains(char::is_whitespace) {
            return Err(invalid());
        }
        if input.contains('?') || input.contains('#') {
            return Err(invalid());
        }
        return Ok(HomeserverAddress::BaseUrl(normalise_base_url(input)));
    }
    if input.contains("://") {
        return Err(invalid());
    }
    let name = input.trim_end_matches('/');
    if !valid_authority(name) {
        return Err(invalid());
    }
    let scheme = if is_loopback(name) { "http" } else { "https" };
    Ok(HomeserverAddress::ServerName {
        name: name.to_string(),
        well_known_url: format!("{scheme}://{name}/.well-known/matrix/client"),
        fallback_base_url: format!("{scheme}://{name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_url_is_used_as_is_without_trailing_slash() {
        assert_eq!(
            parse_address(" http://127.0.0.1:8008/ "),
            Ok(HomeserverAddress::BaseUrl("http://127.0.0.1:8008".into()))
        );
        assert_eq!(
            parse_address("https://matrix.example.org/base/"),
            Ok(HomeserverAddress::BaseUrl("https://matrix.example.org/base".into()))
        );
    }

    #[test]
    fn server_name_is_resolved_over_https() {
        assert_eq!(
            parse_address("example.org"),
            Ok(HomeserverAddress::ServerName {
                name: "example.org".into(),
                well_known_url: "https://example.org/.well-known/matrix/client".into(),
                fallback_base_url: "https://example.org".into(),
            })
        );
    }

    #[test]
    fn loopback_server_name_uses_http() {
        let Ok(HomeserverAddress::ServerName { well_known_url, .. }) = parse_address("localhost:8080") else {
            panic!("expected a server name");
        };
        assert_eq!(well_known_url, "http://localhost:8080/.well-known/matrix/client");
    }

    #[test]
    fn rejects_empty_and_malformed_input() {
        assert_eq!(parse_address("  "), Err(AddressError::Empty));
        assert!(parse_address("not a server").is_err());
        assert!(parse_address("ftp://example.org").is_err());
        assert!(parse_address("https://").is_err());
        assert!(parse_address("example.org/path").is_err());
        assert!(parse_address("https://example.org/?x=1").is_err());
    }
}
