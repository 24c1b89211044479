//! The [`Redactor`]: what the gate records never holds a credential.
//!
//! Two layers. First every form of every secret ([`forms`]: the secret, reversed, hex,
//! percent-encoded, base64 in both alphabets with and without padding and at every alignment)
//! is replaced wherever it appears, in any ASCII case (HTTP lowers header names, and a server
//! may echo them): in header names (the form becomes `redacted`), header values (the whole
//! value becomes `[REDACTED]`), the URL and both bodies. Then every recorded text is checked once more *as the cassette
//! file will spell it* (JSON-escaped, a binary body in base64): a text that still shows a form
//! there is replaced whole by `[REDACTED]`. So no byte sequence of the file is a form of a
//! secret, whatever the component sent and whatever the server echoed.

use super::forms::{forms, MIN_SUBSTRING_SECRET};
use super::{RecordedBody, RecordedRequest, RecordedResponse, REDACTED};
use aho_corasick::{AhoCorasick, MatchKind};

/// What replaces a form of a secret inside a header name (a valid header-name token).
const REDACTED_NAME: &str = "redacted";

/// Removes credentials from what is recorded: the only way the gate builds an
/// [`Exchange`](super::Exchange).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// The secrets themselves, for whole-value comparison (short ones included).
    secrets: Vec<String>,
    /// Every form of every secret, leftmost-longest, ignoring ASCII case (HTTP lowers header
    /// names, and a server may echo them in a body); `None` without a secret long enough.
    forms: Option<AhoCorasick>,
}

/// Headers never recorded at all: the credential's own.
const DROPPED: [&str; 2] = ["authorization", "proxy-authorization"];
/// Headers whose values are always blanked.
const BLANKED: [&str; 2] = ["cookie", "set-cookie"];
/// Hop-by-hop response headers, meaningless once the body is stored whole.
const HOP_BY_HOP: [&str; 4] = ["connection", "keep-alive", "transfer-encoding", "upgrade"];

impl Redactor {
    /// A redactor removing each of `secrets` (the access token, the connector's secrets), in
    /// every form [`forms`] lists.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Redactor {
        let secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let all: Vec<String> = secrets
            .iter()
            .filter(|s| s.len() >= MIN_SUBSTRING_SECRET)
            .flat_map(|s| forms(s))
            .collect();
        let forms = (!all.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(&all)
                    .ok()
            })
            .flatten();
        Redactor { secrets, forms }
    }

    /// Whether `text` shows any form of a secret.
    fn shows(&self, text: &str) -> bool {
        self.forms.as_ref().is_some_and(|f| f.is_match(text))
    }

    fn text(&self, text: &str) -> String {
        match &self.forms {
            Some(f) => f.replace_all(text, &vec![REDACTED; f.patterns_len()]),
            None => text.to_string(),
        }
    }

    fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        match &self.forms {
            Some(f) => f.replace_all_bytes(bytes, &vec![REDACTED.as_bytes(); f.patterns_len()]),
            None => bytes.to_vec(),
        }
    }

    /// A header name with every form replaced, compared without case.
    fn name(&self, name: &str) -> String {
        let name = name.to_ascii_lowercase();
        match &self.forms {
            Some(f) => f.replace_all(&name, &vec![REDACTED_NAME; f.patterns_len()]),
            None => name,
        }
    }

    /// `text` unless its spelling in the cassette file (JSON-escaped) shows a form.
    fn checked(&self, text: String) -> String {
        if self.shows(&serde_json::to_string(&text).unwrap_or_default()) {
            REDACTED.to_string()
        } else {
            text
        }
    }

    /// The recorded body of `bytes`, after the forms are replaced, checked as the file will
    /// spell it: text JSON-escaped, or base64.
    fn body(&self, bytes: &[u8]) -> RecordedBody {
        let body = RecordedBody::from_bytes(&self.bytes(bytes));
        let shows = match (&body.body, &body.body_base64) {
            // Text JSON leaves as it is (no quote, backslash or control character) is spelled
            // as itself, so it need not be serialised to be checked.
            (Some(text), _)
                if !text
                    .chars()
                    .any(|c| c == '"' || c == '\\' || c.is_control()) =>
            {
                self.shows(text)
            }
            (Some(text), _) => self.shows(&serde_json::to_string(text).unwrap_or_default()),
            (None, Some(b64)) => self.shows(b64),
            (None, None) => false,
        };
        if shows {
            RecordedBody::from_bytes(REDACTED.as_bytes())
        } else {
            body
        }
    }

    fn headers<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        skip: &[&str],
    ) -> Vec<(String, String)> {
        headers
            .into_iter()
            .filter(|(name, _)| {
                let name = name.to_ascii_lowercase();
                !DROPPED.contains(&name.as_str()) && !skip.contains(&name.as_str())
            })
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value);
                let lower = name.to_ascii_lowercase();
                let blank = BLANKED.contains(&lower.as_str())
                    || self.secrets.iter().any(|s| value.trim() == s)
                    || self.shows(&value);
                let value = if blank {
                    REDACTED.to_string()
                } else {
                    self.checked(value.into_owned())
                };
                (self.checked(self.name(name)), value)
            })
            .collect()
    }

    /// The recorded form of a request.
    pub fn request(&self, parts: &http::request::Parts, body: &[u8]) -> RecordedRequest {
        RecordedRequest {
            method: self.checked(self.text(parts.method.as_str())),
            url: self.checked(self.text(&parts.uri.to_string())),
            headers: self.headers(
                parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_bytes())),
                &[],
            ),
            body: self.body(body),
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
            body: self.body(body),
        }
    }
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
