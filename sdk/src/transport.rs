//! The real [`Env`]: HTTP through `wasi:http/outgoing-handler` (blocking on pollables), logs and
//! secrets through the host interface, time from `wasi:clocks/wall-clock`, waits on
//! `wasi:clocks/monotonic-clock`.
//!
//! This is the only module that touches WASI. It compiles on every target, but calling it
//! outside a component (e.g. in native unit tests) is not supported; tests use mock
//! environments instead.

use wasip2::http::outgoing_handler;
use wasip2::http::types::{self as http, ErrorCode};
use wasip2::io::streams::StreamError;

use crate::bindings::connector::plugin::host;
use crate::bindings::connector::plugin::types::LogLevel as WitLogLevel;
use crate::env::{Env, HttpRequest, HttpResponse, LogLevel, Method, Scheme};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Largest response body the guest reads into memory (the host caps responses as well).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Chunk size for writing request bodies (`blocking-write-and-flush` accepts at most 4096 bytes).
const WRITE_CHUNK: usize = 4096;

/// The environment of a running component.
#[derive(Debug, Default)]
pub struct WasiEnv;

impl Env for WasiEnv {
    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse> {
        send(request)
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Trace => WitLogLevel::Trace,
            LogLevel::Debug => WitLogLevel::Debug,
            LogLevel::Info => WitLogLevel::Info,
            LogLevel::Warn => WitLogLevel::Warn,
            LogLevel::Error => WitLogLevel::Error,
        };
        host::log(level, message);
    }

    fn now(&self) -> Timestamp {
        let now = wasip2::clocks::wall_clock::now();
        Timestamp {
            secs: i64::try_from(now.seconds).unwrap_or(i64::MAX),
            nanos: now.nanoseconds.min(999_999_999),
        }
    }

    fn sleep(&mut self, ms: u64) {
        if ms > 0 {
            // Blocked in a host call: the host's CPU budget does not run, its wall clock does.
            wasip2::clocks::monotonic_clock::subscribe_duration(ms.saturating_mul(1_000_000))
                .block();
        }
    }

    fn secret(&mut self, name: &str) -> Option<String> {
        host::secret(name)
    }
}

/// Describe a wasi-http error code for people.
pub fn describe_error_code(code: &ErrorCode) -> String {
    match code {
        ErrorCode::HttpRequestDenied => "request denied by the host's egress policy".into(),
        ErrorCode::DnsTimeout => "DNS lookup timed out".into(),
        ErrorCode::DnsError(p) => format!(
            "DNS lookup failed ({})",
            p.rcode.clone().unwrap_or_else(|| "no detail".into())
        ),
        ErrorCode::DestinationNotFound => "the API host was not found".into(),
        ErrorCode::DestinationUnavailable => "the API host is unavailable".into(),
        ErrorCode::DestinationIpProhibited => "the API host's address is not allowed".into(),
        ErrorCode::ConnectionRefused => "connection refused".into(),
        ErrorCode::ConnectionTerminated => "connection closed unexpectedly".into(),
        ErrorCode::ConnectionTimeout => "connection timed out".into(),
        ErrorCode::ConnectionReadTimeout | ErrorCode::HttpResponseTimeout => {
            "timed out waiting for the response".into()
        }
        ErrorCode::ConnectionWriteTimeout => "timed out sending the request".into(),
        ErrorCode::TlsProtocolError => "TLS protocol error".into(),
        ErrorCode::TlsCertificateError => "TLS certificate rejected".into(),
        ErrorCode::HttpResponseBodySize(_) => "the response is larger than the host allows".into(),
        ErrorCode::HttpResponseIncomplete => "the response was cut short".into(),
        ErrorCode::InternalError(Some(m)) => format!("host error: {m}"),
        other => format!("{other:?}"),
    }
}

fn transport(code: ErrorCode) -> Error {
    Error::Transport(describe_error_code(&code))
}

fn stream_error(what: &str, e: StreamError) -> Error {
    match e {
        StreamError::Closed => Error::Transport(format!("{what}: stream closed")),
        StreamError::LastOperationFailed(err) => match http::http_error_code(&err) {
            Some(code) => Error::Transport(format!("{what}: {}", describe_error_code(&code))),
            None => Error::Transport(format!("{what}: {}", err.to_debug_string())),
        },
    }
}

fn send(req: HttpRequest) -> Result<HttpResponse> {
    let mut fields: Vec<(String, Vec<u8>)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
        .collect();
    let has_body =
        !req.body.is_empty() || matches!(req.method, Method::Post | Method::Put | Method::Patch);
    if has_body {
        fields.push((
            "content-length".into(),
            req.body.len().to_string().into_bytes(),
        ));
    }
    let headers = http::Fields::from_list(&fields)
        .map_err(|e| Error::internal(format!("invalid request header: {e:?}")))?;
    let outgoing = http::OutgoingRequest::new(headers);
    let method = match req.method {
        Method::Get => http::Method::Get,
        Method::Post => http::Method::Post,
        Method::Put => http::Method::Put,
        Method::Delete => http::Method::Delete,
        Method::Patch => http::Method::Patch,
    };
    let scheme = match req.scheme {
        Scheme::Http => http::Scheme::Http,
        Scheme::Https => http::Scheme::Https,
    };
    let bad = |what: &str| Error::internal(format!("the host rejected the request {what}"));
    outgoing.set_method(&method).map_err(|()| bad("method"))?;
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| bad("scheme"))?;
    outgoing
        .set_authority(Some(&req.authority))
        .map_err(|()| bad("authority"))?;
    outgoing
        .set_path_with_query(Some(&req.path_with_query))
        .map_err(|()| bad("path"))?;
    let body = if has_body {
        Some(outgoing.body().map_err(|()| bad("body"))?)
    } else {
        None
    };
    let future = outgoing_handler::handle(outgoing, None).map_err(transport)?;
    if let Some(body) = body {
        {
            let stream = body.write().map_err(|()| bad("body stream"))?;
            for chunk in req.body.chunks(WRITE_CHUNK) {
                stream
                    .blocking_write_and_flush(chunk)
                    .map_err(|e| stream_error("sending the request body failed", e))?;
            }
        }
        http::OutgoingBody::finish(body, None).map_err(transport)?;
    }
    let incoming = loop {
        match future.get() {
            Some(result) => break result,
            None => future.subscribe().block(),
        }
    };
    let incoming = match incoming {
        Ok(Ok(r)) => r,
        Ok(Err(code)) => return Err(transport(code)),
        Err(()) => return Err(Error::internal("the response was already taken")),
    };
    let status = incoming.status();
    let headers = {
        let h = incoming.headers();
        h.entries()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect()
    };
    let body = incoming
        .consume()
        .map_err(|()| Error::internal("the response body was already taken"))?;
    let mut bytes = Vec::new();
    {
        let stream = body
            .stream()
            .map_err(|()| Error::internal("the response body stream was already taken"))?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > MAX_BODY {
                        return Err(Error::Transport(format!(
                            "the response is larger than {} MiB",
                            MAX_BODY / (1024 * 1024)
                        )));
                    }
                }
                Err(StreamError::Closed) => break,
                Err(e) => return Err(stream_error("reading the response failed", e)),
            }
        }
    }
    drop(http::IncomingBody::finish(body));
    Ok(HttpResponse {
        status,
        headers,
        body: bytes,
    })
}
