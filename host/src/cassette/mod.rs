//! Recorded HTTP: cassettes of the exchanges a component makes, for record and replay.
//!
//! The egress gate records every exchange of a call into a [`Cassette`] after it has checked the
//! request and *before* it adds the host's credential — through a [`Redactor`] that drops
//! `Authorization` and `Proxy-Authorization`, blanks cookies, and replaces the token and every
//! secret, in every encoded form the host can compute ([`forms`]), wherever they appear
//! (header names and values, URL, both bodies), then checks each recorded text as the file
//! spells it. A recorded exchange never holds a credential, whatever the component sends and
//! whatever the server echoes.
//!
//! Replaying, the gate runs every check it runs for a live request (allow-list, path, caps) and
//! then answers from the cassette instead of opening a socket. A request no unused exchange
//! matches fails the call with [`ErrorKind::CassetteMismatch`], naming what differed (`field`
//! is `method`, `path`, `query` or `body`). Exchanges are used once each, in order, so a
//! cassette can answer the same request differently the second time (paging, polling).
//!
//! The file is JSON: `{"version": 1, "interactions": [{"request": {...}, "response": {...}}]}`
//! (see the README); bodies are text, or base64 in `body_base64` when not UTF-8.

use crate::error::{ErrorKind, HostError, HostResult};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The cassette file format version this host reads and writes.
pub const CASSETTE_VERSION: u32 = 1;

/// What replaces a credential in a recording.
pub const REDACTED: &str = "[REDACTED]";

mod check;
pub mod clock;
mod forms;
mod redact;
pub use forms::forms;
pub use redact::Redactor;

/// A request or response body: UTF-8 text in `body`, anything else base64 in `body_base64`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBody {
    /// The body as text, when it is UTF-8 (and not empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in standard base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl RecordedBody {
    /// The body holding `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> RecordedBody {
        if bytes.is_empty() {
            return RecordedBody::default();
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => RecordedBody {
                body: Some(text.to_string()),
                body_base64: None,
            },
            Err(_) => RecordedBody {
                body: None,
                body_base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            },
        }
    }

    /// The body's bytes (empty when there is none; a loaded cassette's base64 has been checked
    /// by [`Cassette::from_json`]).
    pub fn bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }
}

/// One request as it left the gate, credentials removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The absolute URL, e.g. `https://www.wrike.com/api/v4/tasks?pageSize=10`.
    pub url: String,
    /// Header names (lower-case) and values, in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body.
    #[serde(flatten)]
    pub body: RecordedBody,
}

impl RecordedRequest {
    fn parsed(&self) -> Option<url::Url> {
        url::Url::parse(&self.url).ok()
    }

    /// The URL's path, e.g. `/api/v4/tasks`.
    pub fn path(&self) -> String {
        self.parsed()
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    /// The query parameters, sorted, so that their order does not matter.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .parsed()
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
        pairs.sort();
        pairs
    }

    fn query(&self) -> String {
        self.parsed()
            .and_then(|u| u.query().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One response as the gate received it, credentials removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header names (lower-case) and values, in order; hop-by-hop headers are left out.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body.
    #[serde(flatten)]
    pub body: RecordedBody,
}

/// One request and the response it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// What the component sent.
    pub request: RecordedRequest,
    /// What the API answered.
    pub response: RecordedResponse,
}

/// How a replayed request must match a recorded one. Method, path and query always count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyMatch {
    /// The request body must equal the recorded one byte for byte.
    #[default]
    Exact,
    /// The request body is not compared.
    Ignore,
}

#[derive(Debug, Serialize, Deserialize)]
struct CassetteFile {
    version: u32,
    interactions: Vec<Exchange>,
    /// The wall-clock readings of the component while recording (nanoseconds since the Unix
    /// epoch, in order), answered again in order while replaying ([`clock`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    clock: Vec<u64>,
}

#[derive(Debug, Default)]
struct Reel {
    exchanges: Vec<Exchange>,
    used: Vec<bool>,
    /// Wall-clock readings recorded (or to replay), and the next one to replay.
    clock: Vec<u64>,
    clock_next: usize,
}

/// A cassette: the exchanges of one call (or of a whole test), shared between the connector
/// that records or replays it and the code that saves or inspects it. Cloning shares it.
///
/// ```no_run
/// use connector_host::testing::{BodyMatch, Cassette};
/// # async fn demo(connector: connector_host::Connector, replayer: connector_host::Connector) -> connector_host::HostResult<()> {
/// let cassette = Cassette::new();
/// let recording = connector.recording(cassette.clone());
/// recording.execute("search_task", &serde_json::json!({})).await?;
/// cassette.save("tests/cassettes/search_task.json")?;
///
/// // Later, with no server at all:
/// let replaying = replayer.replaying(Cassette::load("tests/cassettes/search_task.json")?, BodyMatch::Exact);
/// replaying.execute("search_task", &serde_json::json!({})).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cassette {
    reel: Arc<Mutex<Reel>>,
}

impl Cassette {
    /// An empty cassette, to record into.
    pub fn new() -> Cassette {
        Cassette::default()
    }

    /// A cassette holding `exchanges`, none used yet.
    pub fn from_exchanges(exchanges: Vec<Exchange>) -> Cassette {
        let used = vec![false; exchanges.len()];
        Cassette {
            reel: Arc::new(Mutex::new(Reel {
                exchanges,
                used,
                ..Reel::default()
            })),
        }
    }

    /// The wall-clock readings recorded (nanoseconds since the Unix epoch).
    pub fn clock_readings(&self) -> Vec<u64> {
        self.reel().clock.clone()
    }

    fn reel(&self) -> std::sync::MutexGuard<'_, Reel> {
        self.reel.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Parses a cassette file's text.
    pub fn from_json(text: &str) -> HostResult<Cassette> {
        let file: CassetteFile = serde_json::from_str(text).map_err(|e| {
            HostError::invalid_input("cassette", format!("the cassette is not valid: {e}"))
        })?;
        check::interactions(&file.interactions)?;
        if file.version != CASSETTE_VERSION {
            return Err(HostError::invalid_input(
                "cassette",
                format!(
                    "cassette version {} is not supported (this host reads version {CASSETTE_VERSION})",
                    file.version
                ),
            ));
        }
        let cassette = Cassette::from_exchanges(file.interactions);
        cassette.reel().clock = file.clock;
        Ok(cassette)
    }

    /// Reads a cassette file.
    pub fn load(path: impl AsRef<Path>) -> HostResult<Cassette> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            HostError::invalid_input(
                "cassette",
                format!("cannot read the cassette `{}`: {e}", path.display()),
            )
            .with_hint("record it first with --record DIR (or Connector::recording)")
        })?;
        Cassette::from_json(&text).map_err(|mut e| {
            e.message = format!("{}: {}", path.display(), e.message);
            e
        })
    }

    /// The cassette as pretty-printed JSON, the file format.
    pub fn to_json(&self) -> String {
        let file = CassetteFile {
            version: CASSETTE_VERSION,
            interactions: self.exchanges(),
            clock: self.clock_readings(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Writes the cassette to `path` (creating its directory), replacing the file atomically.
    pub fn save(&self, path: impl AsRef<Path>) -> HostResult<()> {
        let path = path.as_ref();
        let fail = |e: std::io::Error| {
            HostError::internal(format!(
                "cannot write the cassette `{}`: {e}",
                path.display()
            ))
        };
        let text = self.to_json() + "\n";
        crate::fsutil::write_atomic(path, text.as_bytes(), crate::fsutil::Durability::Durable)
            .map_err(fail)
    }

    /// Every exchange, in the order recorded.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.reel().exchanges.clone()
    }

    /// How many exchanges the cassette holds.
    pub fn len(&self) -> usize {
        self.reel().exchanges.len()
    }

    /// Whether the cassette holds no exchange.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many exchanges replaying has not used yet.
    pub fn unused(&self) -> usize {
        self.reel().used.iter().filter(|u| !**u).count()
    }

    /// Appends an exchange; only the gate records, and only what its [`Redactor`] produced.
    pub(crate) fn record(&self, exchange: Exchange) {
        let mut reel = self.reel();
        reel.exchanges.push(exchange);
        reel.used.push(true);
    }

    /// Takes the first unused exchange matching `request`, or explains why none does.
    pub fn take(&self, request: &RecordedRequest, body: BodyMatch) -> HostResult<Exchange> {
        let mut reel = self.reel();
        let unused: Vec<usize> = (0..reel.exchanges.len())
            .filter(|&i| !reel.used[i])
            .collect();
        if let Some(&i) = unused
            .iter()
            .find(|&&i| differences(&reel.exchanges[i].request, request, body).is_empty())
        {
            reel.used[i] = true;
            return Ok(reel.exchanges[i].clone());
        }
        let sent = format!("{} {}", request.method, path_and_query(request));
        // The closest candidate: same method and path if any, else the next one in order.
        let closest = unused
            .iter()
            .copied()
            .min_by_key(|&i| differences(&reel.exchanges[i].request, request, body).len());
        let Some(i) = closest else {
            return Err(mismatch(
                "path",
                format!(
                    "the cassette has no unused exchange left for {sent} ({} recorded, all used)",
                    reel.exchanges.len()
                ),
            ));
        };
        let diffs = differences(&reel.exchanges[i].request, request, body);
        let detail = diffs
            .iter()
            .map(|(_, d)| d.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let recorded = &reel.exchanges[i].request;
        Err(mismatch(
            diffs[0].0,
            format!(
                "no recorded exchange matches {sent}; the closest, #{} ({} {}), differs in {detail}",
                i + 1,
                recorded.method,
                path_and_query(recorded)
            ),
        ))
    }
}

fn mismatch(field: &str, message: String) -> HostError {
    let mut e = HostError::new(ErrorKind::CassetteMismatch, message).with_hint(
        "record the cassette again with --record DIR, or replay with --replay-ignore-body when only the body differs",
    );
    e.field = Some(field.to_string());
    e
}

fn path_and_query(r: &RecordedRequest) -> String {
    match r.query() {
        q if q.is_empty() => r.path(),
        q => format!("{}?{q}", r.path()),
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 200;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut cut = MAX;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// What differs between a recorded request and a sent one: `(part, description)`, in the
/// order method, path, query, body.
fn differences(
    recorded: &RecordedRequest,
    sent: &RecordedRequest,
    body: BodyMatch,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if !recorded.method.eq_ignore_ascii_case(&sent.method) {
        out.push((
            "method",
            format!("method: recorded {}, sent {}", recorded.method, sent.method),
        ));
    }
    if recorded.path() != sent.path() {
        out.push((
            "path",
            format!(
                "path: recorded `{}`, sent `{}`",
                recorded.path(),
                sent.path()
            ),
        ));
    }
    if recorded.query_pairs() != sent.query_pairs() {
        out.push((
            "query",
            format!(
                "query: recorded `{}`, sent `{}`",
                shorten(&recorded.query()),
                shorten(&sent.query())
            ),
        ));
    }
    if body == BodyMatch::Exact && recorded.body.bytes() != sent.body.bytes() {
        let show = |b: &RecordedBody| {
            let bytes = b.bytes();
            match std::str::from_utf8(&bytes) {
                Ok(t) => format!("`{}`", shorten(t)),
                Err(_) => format!("{} bytes of binary", bytes.len()),
            }
        };
        out.push((
            "body",
            format!(
                "body: recorded {}, sent {}",
                show(&recorded.body),
                show(&sent.body)
            ),
        ));
    }
    out
}

/// What the egress gate does with HTTP besides sending it.
#[derive(Debug, Clone)]
pub enum Tape {
    /// Send as usual and record each exchange into the cassette.
    Record(Cassette),
    /// Answer from the cassette; never open a socket.
    Replay(Cassette, BodyMatch),
}

impl Tape {
    /// Whether requests are answered from a cassette.
    pub fn is_replay(&self) -> bool {
        matches!(self, Tape::Replay(..))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, uri: &str, body: &[u8]) -> RecordedRequest {
        let (parts, ()) = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer s3cret-token")
            .header("x-echo", "s3cret-token")
            .header("accept", "application/json")
            .body(())
            .unwrap()
            .into_parts();
        Redactor::new(["s3cret-token"]).request(&parts, body)
    }

    fn exchange(r: RecordedRequest) -> Exchange {
        Exchange {
            request: r,
            response: RecordedResponse {
                status: 200,
                headers: vec![],
                body: RecordedBody::from_bytes(b"{}"),
            },
        }
    }

    #[test]
    fn credentials_never_reach_the_recording() {
        let r = req(
            "POST",
            "https://x.test/api/v4/tasks?token=s3cret-token",
            b"a=s3cret-token",
        );
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("s3cret-token"), "{text}");
        assert!(!r.headers.iter().any(|(k, _)| k == "authorization"));
        assert!(r.headers.contains(&("x-echo".into(), REDACTED.into())));
        assert!(r
            .headers
            .contains(&("accept".into(), "application/json".into())));
    }

    #[test]
    fn bodies_round_trip_as_text_or_base64() {
        for bytes in [&b""[..], b"hello", &[0xff, 0x00, 0x10]] {
            let b = RecordedBody::from_bytes(bytes);
            let json = serde_json::to_string(&b).unwrap();
            let back: RecordedBody = serde_json::from_str(&json).unwrap();
            assert_eq!(back.bytes(), bytes);
        }
        assert!(RecordedBody::from_bytes(&[0xff]).body_base64.is_some());
    }

    #[test]
    fn replay_matches_in_order_and_names_the_difference() {
        let c = Cassette::from_exchanges(vec![
            exchange(req("GET", "http://h/api/v4/tasks?a=1&b=2", b"")),
            exchange(req("GET", "http://h/api/v4/tasks?a=1&b=2", b"")),
            exchange(req("POST", "http://h/api/v4/tasks", b"title=x")),
        ]);
        // Query order does not matter; each exchange answers once.
        let sent = req("GET", "http://other/api/v4/tasks?b=2&a=1", b"");
        c.take(&sent, BodyMatch::Exact).unwrap();
        c.take(&sent, BodyMatch::Exact).unwrap();
        let e = c.take(&sent, BodyMatch::Exact).unwrap_err();
        assert_eq!(e.kind, ErrorKind::CassetteMismatch);
        assert_eq!(e.field.as_deref(), Some("method"), "{e}");

        let c = Cassette::from_exchanges(vec![exchange(req(
            "POST",
            "http://h/api/v4/tasks",
            b"title=x",
        ))]);
        let e = c
            .take(
                &req("POST", "http://h/api/v4/tasks", b"title=y"),
                BodyMatch::Exact,
            )
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("body"));
        assert!(
            e.message.contains("title=x") && e.message.contains("title=y"),
            "{e}"
        );
        let e = c
            .take(
                &req("POST", "http://h/api/v4/tasks?x=1", b""),
                BodyMatch::Ignore,
            )
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("query"), "{e}");
        c.take(
            &req("POST", "http://h/api/v4/tasks", b"title=y"),
            BodyMatch::Ignore,
        )
        .unwrap();
        assert_eq!(c.unused(), 0);
    }

    #[test]
    fn files_round_trip_and_versions_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/c.json");
        let c = Cassette::new();
        c.record(exchange(req("GET", "http://h/api/v4/x", b"")));
        c.save(&path).unwrap();
        let back = Cassette::load(&path).unwrap();
        assert_eq!(back.exchanges(), c.exchanges());
        assert_eq!(back.unused(), 1);
        let e = Cassette::from_json(r#"{"version": 99, "interactions": []}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
}
