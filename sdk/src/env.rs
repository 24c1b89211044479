//! The side effects a connector needs — HTTP, logging, the clock, waiting and host-lent secrets —
//! behind one trait, so the request logic is pure and unit-testable on the native target. The
//! real implementation on top of `wasi:http` and the host interface is
//! [`WasiEnv`](crate::transport::WasiEnv); tests use
//! `MockEnv` from the `testing` module (feature `testing`).

use crate::error::Result;
use crate::time::Timestamp;

/// HTTP methods a connector can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
}

impl Method {
    /// The method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

/// URL scheme of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `http` (a fake API on 127.0.0.1).
    Http,
    /// `https`.
    Https,
}

/// One outgoing HTTP request. Never carries an `Authorization` header: the host adds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Scheme.
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// Absolute path plus optional `?query`, already percent-encoded.
    pub path_with_query: String,
    /// Request headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Request body (empty for none).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as UTF-8 text (lossy), for tests and logs.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP response, fully read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Response headers (names as received).
    pub headers: Vec<(String, String)>,
    /// Response body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Severity for [`Env::log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Very detailed tracing.
    Trace,
    /// Debugging information.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected but recoverable.
    Warn,
    /// A failure.
    Error,
}

/// Everything a connector asks of the outside world.
pub trait Env {
    /// Send one request and read the whole response. Fails only for transport problems; HTTP
    /// error statuses are returned as responses.
    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse>;
    /// Write a line to the host's log.
    fn log(&mut self, level: LogLevel, message: &str);
    /// The current wall-clock time.
    fn now(&self) -> Timestamp;
    /// Wait `ms` milliseconds (between polls of an async job). The real environment blocks on a
    /// `wasi:clocks/monotonic-clock` pollable; test environments return at once (and may move
    /// their clock), so callers bound their waiting by the time they asked for, not only by
    /// [`Env::now`].
    fn sleep(&mut self, ms: u64);
    /// A secret the host lends this component by name (`host.secret`, e.g. a webhook signing
    /// secret); `None` when the host allows none by that name. Never an API credential. The
    /// default lends nothing.
    fn secret(&mut self, name: &str) -> Option<String> {
        let _ = name;
        None
    }
}
