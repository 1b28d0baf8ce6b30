//! Which addresses from the server may become links: only web pages, so a
//! `javascript:` or `data:` address a server publishes can never run in
//! this page's origin or phish from it.

/// An `https:` URL with a host, or `http:` on loopback (local development
/// and tests). No user info, no whitespace or control characters.
pub fn is_safe_page_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return false,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
        return false;
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !authority.ends_with(']') && port.chars().all(|c| c.is_ascii_digit()) => host,
        Some(_) if !authority.ends_with(']') => return false,
        _ => authority,
    };
    if host.is_empty() {
        return false;
    }
    secure || is_loopback_host(host)
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host == "[::1]" || host.strip_prefix("127.").is_some_and(|r| r.split('.').count() == 3)
}

/// An `http(s):` URL (for client-information links, which name a
/// third-party app and are opened in a new tab).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_pages_are_safe() {
        assert!(is_safe_page_url("https://auth.example.org/account/"));
        assert!(is_safe_page_url("HTTPS://auth.example.org:8443/account?x=1#y"));
    }

    #[test]
    fn http_only_on_loopback() {
        assert!(is_safe_page_url("http://127.0.0.1:8080/account/"));
        assert!(is_safe_page_url("http://localhost/account"));
        assert!(is_safe_page_url("http://[::1]:9000/"));
        assert!(!is_safe_page_url("http://auth.example.org/account"));
        assert!(!is_safe_page_url("http://127.0.0.1.evil.example/"));
    }

    #[test]
    fn scripts_data_and_tricks_are_refused() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//evil.example/",
            "https://",
            "https://user@evil.example/",
            "https://evil.example\\@good.example/",
            "https://good.example/\n",
            "https://good.example:x/",
            "ftp://example.org/",
        ] {
            assert!(!is_safe_page_url(url), "{url}");
        }
    }

    #[test]
    fn web_urls_are_http_or_https() {
        assert!(is_web_url("https://element.io"));
        assert!(is_web_url("http://example.org"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("data:,x"));
    }
}
