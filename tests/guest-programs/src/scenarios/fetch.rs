//! Sends an arbitrary request — any URL, any headers (an `Authorization` of its own, say) — and
//! returns what came back. With `"swallow": true` it hides any failure and reports success, to
//! show the host still reports the violation.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, FutureIncomingResponse, Method, OutgoingRequest, Scheme};

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let swallow = input["swallow"].as_bool().unwrap_or(false);
    match send(input) {
        Ok(v) => Ok(v),
        Err(e) if swallow => Ok(json!({"swallowed": e})),
        Err(e) => Err(wit::Error::Transport(e)),
    }
}

fn send(input: &Value) -> Result<Value, String> {
    let url = input["url"].as_str().ok_or("input.url is required")?;
    let (scheme, rest) = url.split_once("://").ok_or("url needs a scheme")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let headers = Fields::new();
    if let Some(map) = input["headers"].as_object() {
        for (k, v) in map {
            let v = v.as_str().unwrap_or_default();
            headers
                .append(k, v.as_bytes())
                .map_err(|e| format!("header {k}: {e:?}"))?;
        }
    }
    let req = OutgoingRequest::new(headers);
    req.set_method(&Method::Get).map_err(|_| "method")?;
    req.set_scheme(Some(&match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    }))
    .map_err(|_| "scheme")?;
    req.set_authority(Some(authority))
        .map_err(|_| "authority")?;
    req.set_path_with_query(Some(path)).map_err(|_| "path")?;
    let future = outgoing_handler::handle(req, None).map_err(|e| format!("{e:?}"))?;
    let (status, bytes) = response(future)?;
    Ok(json!({"status": status, "body_len": bytes.len(), "body": String::from_utf8_lossy(&bytes)}))
}

/// Waits for the response of a request in flight and reads it whole: status and body.
pub fn response(future: FutureIncomingResponse) -> Result<(u16, Vec<u8>), String> {
    let response = loop {
        match future.get() {
            Some(r) => break r,
            None => future.subscribe().block(),
        }
    };
    let response = response
        .map_err(|_| "response already taken".to_string())?
        .map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    let incoming = response.consume().map_err(|_| "body")?;
    let stream = incoming.stream().map_err(|_| "stream")?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(wasi::io::streams::StreamError::Closed) => break,
            Err(e) => return Err(format!("reading the body: {e:?}")),
        }
    }
    Ok((status, bytes))
}
