//! Building requests from a connection's base URL: parsing `http(s)://authority/path` URLs,
//! percent-encoding path segments and query values, and reading the `rel="next"` target of an
//! RFC 8288 `Link` header (the paging style of GitHub, GitLab and many other REST APIs).

use crate::env::{HttpRequest, Method, Scheme};
use crate::error::{Error, Result};

/// An absolute `http` or `https` URL split into the parts a request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The scheme.
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// The path (starting with `/`, or empty) and optional `?query`, as given.
    pub path_with_query: String,
}

impl Url {
    /// Parses `text` as an absolute `http(s)` URL without user info or fragment; `field` names
    /// the input or setting it came from, for the error.
    pub fn parse(field: &str, text: &str) -> Result<Url> {
        let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(Error::invalid(
                field,
                format!("`{text}` is not an http:// or https:// URL"),
            ));
        };
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_with_query) = rest.split_at(split);
        if authority.is_empty() || authority.contains('@') {
            return Err(Error::invalid(
                field,
                format!("`{text}` has no host (or carries user info)"),
            ));
        }
        if path_with_query.contains('#') || text.chars().any(|c| c.is_whitespace()) {
            return Err(Error::invalid(
                field,
                format!("`{text}` has a fragment or white space"),
            ));
        }
        Ok(Url {
            scheme,
            authority: authority.to_string(),
            path_with_query: path_with_query.to_string(),
        })
    }

    /// A base URL: like [`Url::parse`], but without a query and with any trailing `/` removed,
    /// so paths can be appended.
    pub fn parse_base(field: &str, text: &str) -> Result<Url> {
        let mut url = Url::parse(field, text)?;
        if url.path_with_query.contains('?') {
            return Err(Error::invalid(
                field,
                format!("the base URL `{text}` has a query"),
            ));
        }
        while url.path_with_query.ends_with('/') {
            url.path_with_query.pop();
        }
        Ok(url)
    }

    /// The URL of `path` (starting with `/`, already encoded) under this base, with `query`
    /// pairs encoded and appended.
    pub fn join(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut path_with_query = format!("{}{path}", self.path_with_query);
        for (i, (k, v)) in query.iter().enumerate() {
            path_with_query.push(if i == 0 { '?' } else { '&' });
            path_with_query.push_str(&encode(k));
            path_with_query.push('=');
            path_with_query.push_str(&encode(v));
        }
        Url {
            scheme: self.scheme,
            authority: self.authority.clone(),
            path_with_query,
        }
    }

    /// A request for this URL with no headers and no body.
    pub fn request(&self, method: Method) -> HttpRequest {
        HttpRequest {
            method,
            scheme: self.scheme,
            authority: self.authority.clone(),
            path_with_query: if self.path_with_query.is_empty() {
                "/".into()
            } else {
                self.path_with_query.clone()
            },
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a path segment or a query
/// key or value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The target of the `rel="next"` link in an RFC 8288 `Link` header value, e.g.
/// `<https://api.github.com/repositories/1/issues?page=2>; rel="next", <…>; rel="last"`.
pub fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|link| {
        let (target, params) = link.trim().split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .any(|(k, v)| {
                k.trim() == "rel"
                    && v.trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|r| r == "next")
            })
            .then_some(target)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_and_join() {
        let base = Url::parse_base("base", "https://api.github.com/").unwrap();
        assert_eq!(base.authority, "api.github.com");
        assert_eq!(base.path_with_query, "");
        let u = base.join(
            "/repos/o/r/issues",
            &[("state", "all".into()), ("labels", "a b".into())],
        );
        assert_eq!(
            u.path_with_query,
            "/repos/o/r/issues?state=all&labels=a%20b"
        );
        let local = Url::parse_base("base", "http://127.0.0.1:8080/api/v3").unwrap();
        assert_eq!(local.scheme, Scheme::Http);
        assert_eq!(
            local
                .join("/user", &[])
                .request(Method::Get)
                .path_with_query,
            "/api/v3/user"
        );
        assert_eq!(base.request(Method::Get).path_with_query, "/");
    }

    #[test]
    fn bad_urls_name_the_field() {
        for bad in [
            "ftp://x",
            "https://",
            "https://u@h/",
            "https://h/#f",
            "https://h/ x",
        ] {
            assert!(
                matches!(Url::parse("next", bad), Err(Error::InvalidInput { ref field, .. }) if field == "next"),
                "{bad}"
            );
        }
        assert!(Url::parse_base("base", "https://h/?q=1").is_err());
    }

    #[test]
    fn next_links_are_found_among_others() {
        let h = r#"<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last""#;
        assert_eq!(next_link(h), Some("https://api.github.com/x?page=2"));
        assert_eq!(next_link(r#"<https://a/x?page=1>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }
}
