//! Building Wrike requests: parameters (query or form, JSON-encoded arrays and objects, API.md
//! §4), percent-encoded path segments, the connection's base URL and request bodies.

use serde_json::{Map, Value};

use crate::env::Scheme;
use crate::error::{Error, Result};

/// Ordered request parameters, sent as a query string or an `application/x-www-form-urlencoded`
/// body. Array and object values are JSON-encoded (`responsibles=["KUAAAAAQ"]`, API.md §4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params(Vec::new())
    }

    /// Add a parameter with a plain text value.
    pub fn text(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.0.push((name.to_string(), value.into()));
        self
    }

    /// Add a parameter from a JSON value: strings as they are, numbers and booleans as their
    /// JSON text, arrays, objects and `null` JSON-encoded.
    pub fn value(&mut self, name: &str, value: &Value) -> &mut Self {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.0.push((name.to_string(), text));
        self
    }

    /// Add every field of `input` except those named in `skip`, in the input's key order.
    pub fn from_input(input: &Map<String, Value>, skip: &[&str]) -> Self {
        let mut p = Params::new();
        for (k, v) in input {
            if !skip.contains(&k.as_str()) {
                p.value(k, v);
            }
        }
        p
    }

    /// The value of parameter `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Set parameter `name` to a JSON value (encoded as by [`Params::value`]), replacing it in
    /// place when present, else appending it.
    pub fn set(&mut self, name: &str, value: &Value) -> &mut Self {
        let mut fresh = Params::new();
        fresh.value(name, value);
        let (_, text) = fresh.0.remove(0);
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = text,
            None => self.0.push((name.to_string(), text)),
        }
        self
    }

    /// Remove parameter `name` (every occurrence).
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `a=1&b=%5B%22x%22%5D`: every byte outside the unreserved set percent-encoded.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            percent_encode_into(k, &mut out);
            out.push('=');
            percent_encode_into(v, &mut out);
        }
        out
    }
}

fn percent_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Percent-encode one path segment.
pub fn segment(s: &str) -> String {
    let mut out = String::new();
    percent_encode_into(s, &mut out);
    out
}

/// A comma-separated multi-ID path segment (`id1,id2`), each ID percent-encoded.
pub fn ids_segment(ids: &[&str]) -> String {
    ids.iter().map(|i| segment(i)).collect::<Vec<_>>().join(",")
}

/// Build an API path from segments, percent-encoding each one, so an ID can never add a path
/// segment or a query: `path(&["tasks", id, "comments"])` → `/tasks/IEAAAAAQKQAB5BG5/comments`.
pub fn path(segments: &[&str]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        percent_encode_into(s, &mut out);
    }
    out
}

/// The connection's API base URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// Path prefix without a trailing slash, e.g. `/api/v4`.
    pub prefix: String,
}

impl BaseUrl {
    /// Parse `https://www.wrike.com/api/v4` (a trailing slash is tolerated).
    pub fn parse(url: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::invalid(
                "connection.api-base-url",
                format!("`{url}` is not a usable API base URL: {why}"),
            )
        };
        let (scheme, rest) = if let Some(r) = url.strip_prefix("https://") {
            (Scheme::Https, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (Scheme::Http, r)
        } else {
            return Err(bad("it must start with https:// or http://"));
        };
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty()
            || authority.contains('@')
            || !authority.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
            })
        {
            return Err(bad("the host is missing or malformed"));
        }
        if prefix.contains(['?', '#']) {
            return Err(bad("it must not carry a query or fragment"));
        }
        Ok(BaseUrl {
            scheme,
            authority: authority.to_string(),
            prefix: prefix.trim_end_matches('/').to_string(),
        })
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// A form-urlencoded body.
    Form(Params),
    /// Raw bytes with a content type and extra headers (attachment uploads).
    Raw {
        /// `Content-Type` of the bytes.
        content_type: String,
        /// Extra headers, e.g. `X-File-Name`.
        headers: Vec<(String, String)>,
        /// The bytes.
        bytes: Vec<u8>,
    },
}
