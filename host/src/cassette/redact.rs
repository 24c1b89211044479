//! The [`Redactor`]: what the gate records never holds a credential.

use super::{RecordedBody, RecordedRequest, RecordedResponse, REDACTED};

/// A secret shorter than this is not searched for inside URLs and bodies (it would match
/// everywhere); header values equal to it are still redacted.
const MIN_SUBSTRING_SECRET: usize = 4;

/// Removes credentials from what is recorded: the only way the gate builds an
/// [`Exchange`](super::Exchange).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

/// Headers never recorded at all: the credential's own.
const DROPPED: [&str; 2] = ["authorization", "proxy-authorization"];
/// Headers whose values are always blanked.
const BLANKED: [&str; 2] = ["cookie", "set-cookie"];
/// Hop-by-hop response headers, meaningless once the body is stored whole.
const HOP_BY_HOP: [&str; 4] = ["connection", "keep-alive", "transfer-encoding", "upgrade"];

impl Redactor {
    /// A redactor removing each of `secrets` (the access token, the connector's secrets).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor { secrets }
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in self
            .secrets
            .iter()
            .filter(|s| s.len() >= MIN_SUBSTRING_SECRET)
        {
            out = out.replace(s.as_str(), REDACTED);
        }
        out
    }

    fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for s in self
            .secrets
            .iter()
            .filter(|s| s.len() >= MIN_SUBSTRING_SECRET)
        {
            out = replace_bytes(&out, s.as_bytes(), REDACTED.as_bytes());
        }
        out
    }

    fn headers<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        skip: &[&str],
    ) -> Vec<(String, String)> {
        headers
            .into_iter()
            .filter(|(name, _)| !DROPPED.contains(name) && !skip.contains(name))
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value);
                let blank = BLANKED.contains(&name)
                    || self.secrets.iter().any(|s| {
                        value.trim() == s
                            || (s.len() >= MIN_SUBSTRING_SECRET && value.contains(s.as_str()))
                    });
                let value = if blank {
                    REDACTED.to_string()
                } else {
                    value.into_owned()
                };
                (name.to_string(), value)
            })
            .collect()
    }

    /// The recorded form of a request.
    pub fn request(&self, parts: &http::request::Parts, body: &[u8]) -> RecordedRequest {
        RecordedRequest {
            method: parts.method.as_str().to_string(),
            url: self.text(&parts.uri.to_string()),
            headers: self.headers(
                parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_bytes())),
                &[],
            ),
            body: RecordedBody::from_bytes(&self.bytes(body)),
        }
    }

    /// The recorded form of a response.
    pub fn response(&self, parts: &http::response::Parts, body: &[u8]) -> RecordedResponse {
        RecordedResponse {
            status: parts.status.as_u16(),
            headers: self.headers(
                parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_bytes())),
                &HOP_BY_HOP,
            ),
            body: RecordedBody::from_bytes(&self.bytes(body)),
        }
    }
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}
