//! Test support (feature `testing`): a scripted [`Env`] that answers with canned responses and
//! records requests, and builders for responses. Connector crates enable the feature in their
//! `[dev-dependencies]` and unit-test their request logic natively.

use std::collections::VecDeque;

use crate::env::{Env, HttpRequest, HttpResponse, LogLevel};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// "Now" in tests: 2024-01-15T12:00:00Z.
pub const NOW: Timestamp = Timestamp::from_secs(1_705_320_000);

/// A scripted environment.
pub struct MockEnv {
    /// Answers, in order; an `Err` simulates a transport failure.
    pub responses: VecDeque<Result<HttpResponse>>,
    /// Requests received, in order.
    pub requests: Vec<HttpRequest>,
    /// Log lines received.
    pub logs: Vec<(LogLevel, String)>,
    /// The clock.
    pub now: Timestamp,
    /// Waits asked for, in milliseconds (each moves the clock).
    pub sleeps: Vec<u64>,
    /// Secrets the "host" lends by name (see [`Env::secret`]).
    pub secrets: Vec<(String, String)>,
}

impl MockEnv {
    /// A mock answering with `responses` in order.
    pub fn new(responses: Vec<HttpResponse>) -> Self {
        MockEnv {
            responses: responses.into_iter().map(Ok).collect(),
            requests: Vec::new(),
            logs: Vec::new(),
            now: NOW,
            sleeps: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// This mock, lending secret `name` with `value`.
    pub fn with_secret(mut self, name: &str, value: &str) -> Self {
        self.secrets.push((name.into(), value.into()));
        self
    }

    /// The query string of request `i`, decoded into pairs.
    pub fn query(&self, i: usize) -> Vec<(String, String)> {
        let pq = &self.requests[i].path_with_query;
        match pq.split_once('?') {
            Some((_, q)) => decode_pairs(q),
            None => Vec::new(),
        }
    }

    /// Query parameter `name` of request `i`.
    pub fn query_param(&self, i: usize, name: &str) -> Option<String> {
        self.query(i)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The path (without query) of request `i`.
    pub fn path(&self, i: usize) -> String {
        let pq = &self.requests[i].path_with_query;
        pq.split('?').next().unwrap_or_default().to_string()
    }

    /// The form body of request `i`, decoded into pairs.
    pub fn form(&self, i: usize) -> Vec<(String, String)> {
        decode_pairs(&self.requests[i].body_text())
    }

    /// Form parameter `name` of request `i`.
    pub fn form_param(&self, i: usize, name: &str) -> Option<String> {
        self.form(i)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// Decode `a=1&b=%20` into pairs.
pub fn decode_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

impl Env for MockEnv {
    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse> {
        self.requests.push(request);
        self.responses
            .pop_front()
            .unwrap_or_else(|| Err(Error::Transport("mock: no response scripted".into())))
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        self.logs.push((level, message.to_string()));
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn secret(&mut self, name: &str) -> Option<String> {
        self.secrets
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn sleep(&mut self, ms: u64) {
        self.sleeps.push(ms);
        let total = u64::from(self.now.nanos) + (ms % 1000) * 1_000_000;
        self.now = Timestamp {
            secs: self.now.secs + (ms / 1000) as i64 + (total / 1_000_000_000) as i64,
            nanos: (total % 1_000_000_000) as u32,
        };
    }
}

/// A 200 JSON response.
pub fn ok(body: &str) -> HttpResponse {
    status(200, body)
}

/// A JSON response with `code`.
pub fn status(code: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status: code,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// `response` with one more header (e.g. a `Link` or `Retry-After`).
pub fn with_header(mut response: HttpResponse, name: &str, value: &str) -> HttpResponse {
    response.headers.push((name.into(), value.into()));
    response
}
