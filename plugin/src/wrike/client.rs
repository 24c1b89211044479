//! Request building and response mapping for Wrike API v4 (API.md §4–§8). Pure: the actual
//! sending goes through [`Env`](crate::env::Env).

use serde_json::{Map, Value};

use crate::env::{Env, HttpRequest, HttpResponse, LogLevel, Method, Scheme};
use crate::error::{Error, Result};
use crate::time::{parse_http_date, Timestamp};

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

/// A parsed success envelope `{kind, data, nextPageToken?, responseSize?}` (API.md §5).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `kind`, e.g. `tasks`.
    pub kind: Option<String>,
    /// `data` — always an array in Wrike's answers.
    pub data: Vec<Value>,
    /// Token for the next page, when there is one.
    pub next_page_token: Option<String>,
    /// Total number of matching items, on paged answers.
    pub response_size: Option<u64>,
}

impl Envelope {
    /// The first entity of `data` (get, create and update answers).
    pub fn first(self) -> Result<Value> {
        self.data.into_iter().next().ok_or_else(|| Error::Upstream {
            status: 200,
            code: None,
            message: "Wrike answered with an empty `data` array where one entity was expected"
                .into(),
        })
    }

    /// The list output `{"items": [...], "nextPageToken"?: "...", "responseSize"?: n}`.
    pub fn into_list(self) -> Value {
        let mut out = Map::new();
        out.insert("items".into(), Value::Array(self.data));
        if let Some(t) = self.next_page_token {
            out.insert("nextPageToken".into(), Value::String(t));
        }
        if let Some(n) = self.response_size {
            out.insert("responseSize".into(), Value::from(n));
        }
        Value::Object(out)
    }
}

/// Wrap a list of items as the list output `{"items": [...]}`.
pub fn items(data: Vec<Value>) -> Value {
    let mut out = Map::new();
    out.insert("items".into(), Value::Array(data));
    Value::Object(out)
}

/// Parse a 2xx answer as Wrike's envelope.
pub fn parse_envelope(resp: &HttpResponse) -> Result<Envelope> {
    let v = parse_json_body(resp)?;
    let Value::Object(mut m) = v else {
        return Err(unexpected(resp.status, "the JSON body is not an object"));
    };
    let data = match m.remove("data") {
        Some(Value::Array(a)) => a,
        Some(other) => vec![other],
        None => return Err(unexpected(resp.status, "the JSON body has no `data` field")),
    };
    Ok(Envelope {
        kind: m.get("kind").and_then(Value::as_str).map(str::to_string),
        data,
        next_page_token: m
            .get("nextPageToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        response_size: m.get("responseSize").and_then(Value::as_u64),
    })
}

/// Parse a body as JSON, or say clearly what came instead (e.g. an HTML error page).
pub fn parse_json_body(resp: &HttpResponse) -> Result<Value> {
    serde_json::from_slice(&resp.body).map_err(|_| non_json(resp))
}

fn unexpected(status: u16, what: &str) -> Error {
    Error::Upstream {
        status,
        code: None,
        message: format!("unexpected answer from Wrike: {what}"),
    }
}

fn non_json(resp: &HttpResponse) -> Error {
    let ctype = resp.header("content-type").unwrap_or("no content type");
    let snippet: String = String::from_utf8_lossy(&resp.body)
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let message = if resp.body.is_empty() {
        format!("Wrike answered HTTP {} with an empty body", resp.status)
    } else {
        format!(
            "Wrike answered HTTP {} with a non-JSON body ({ctype}): {snippet}",
            resp.status
        )
    };
    Error::Upstream {
        status: resp.status,
        code: None,
        message,
    }
}

/// The parameter named in an error description such as `Parameter 'importance' value is
/// invalid` or `Required parameter 'title' is missing`; empty when none is named.
pub fn parameter_in(description: &str) -> String {
    let lower = description.to_ascii_lowercase();
    let Some(i) = lower.find("parameter") else {
        return String::new();
    };
    let rest = description[i + "parameter".len()..].trim_start();
    let Some(q) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))
    else {
        return String::new();
    };
    let inner = &rest[q.len_utf8()..];
    match inner.find(q) {
        Some(end) if end > 0 => inner[..end].to_string(),
        _ => String::new(),
    }
}

/// `Retry-After` as milliseconds: delta-seconds or an HTTP-date relative to `now`. Whether
/// Wrike sends this header at all is unconfirmed ([U], API.md §7), so parsing is tolerant and an
/// unusable value yields `None`.
pub fn retry_after_ms(value: Option<&str>, now: Timestamp) -> Option<u64> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some((secs * 1000.0) as u64);
        }
    }
    let at = parse_http_date(v)?;
    let delta = (at.secs - now.secs).max(0) as u64;
    Some(delta.saturating_mul(1000))
}

/// A string member that says something (blank counts as absent).
fn non_blank(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

/// Map a non-2xx answer onto the connector's error (API.md §6).
pub fn map_error(resp: &HttpResponse, now: Timestamp) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(&resp.body).ok();
    let (description, code) = match &parsed {
        Some(Value::Object(m)) => (
            non_blank(m.get("errorDescription")),
            non_blank(m.get("error")),
        ),
        _ => (None, None),
    };
    // Without Wrike's envelope only the statuses with a meaning of their own are mapped by
    // status; anything else (an HTML 502 from a proxy, a 300 from a wrong host) is `upstream`.
    let bare = description.is_none() && code.is_none();
    if bare && !matches!(resp.status, 401 | 403 | 404 | 429) {
        let snippet: String = String::from_utf8_lossy(&resp.body)
            .chars()
            .take(120)
            .collect();
        return match (parsed.is_some(), non_json(resp)) {
            (true, _) => Error::Upstream {
                status: resp.status,
                code: None,
                message: format!(
                    "Wrike answered HTTP {} without its error envelope: {snippet}",
                    resp.status
                ),
            },
            (
                false,
                Error::Upstream {
                    status,
                    code,
                    message,
                },
            ) if status == 300 => Error::Upstream {
                status,
                code,
                message: format!("{message} (HTTP 300 usually means a wrong API host)"),
            },
            (false, e) => e,
        };
    }
    let message = description
        .clone()
        .or_else(|| code.clone())
        .unwrap_or_else(|| format!("HTTP {}", resp.status));
    match resp.status {
        400 => Error::InvalidInput {
            field: parameter_in(description.as_deref().unwrap_or("")),
            message: match &code {
                Some(c) => format!("{message} ({c})"),
                None => message,
            },
        },
        401 => Error::Unauthorized(message),
        403 => Error::Forbidden(message),
        404 => Error::NotFound(message),
        429 => Error::RateLimited {
            retry_after_ms: retry_after_ms(resp.header("retry-after"), now),
            message,
        },
        status => Error::Upstream {
            status,
            code,
            message,
        },
    }
}

/// The Wrike client of one call: the connection's base URL plus the environment that sends.
pub struct Client<'a> {
    base: BaseUrl,
    env: &'a mut dyn Env,
}

impl<'a> Client<'a> {
    /// A client for the API at `api_base_url` (the connection's, never hard-coded).
    pub fn new(api_base_url: &str, env: &'a mut dyn Env) -> Result<Self> {
        Ok(Client {
            base: BaseUrl::parse(api_base_url)?,
            env,
        })
    }

    /// The current time, from the environment.
    pub fn now(&self) -> Timestamp {
        self.env.now()
    }

    /// Write a line to the host's log.
    pub fn log(&mut self, level: LogLevel, message: &str) {
        self.env.log(level, message);
    }

    /// Wait `ms` milliseconds (see [`Env::sleep`]).
    pub fn sleep(&mut self, ms: u64) {
        self.env.sleep(ms);
    }

    /// Build the request for `method path?query` with `body` (pure; exposed for tests).
    pub fn build(&self, method: Method, path: &str, query: &Params, body: Body) -> HttpRequest {
        let mut path_with_query = format!("{}{}", self.base.prefix, path);
        if !query.is_empty() {
            path_with_query.push('?');
            path_with_query.push_str(&query.encode());
        }
        let mut headers = vec![
            ("accept".to_string(), "application/json".to_string()),
            (
                "user-agent".to_string(),
                concat!("wrike-connector/", env!("CARGO_PKG_VERSION")).to_string(),
            ),
        ];
        let body = match body {
            Body::None => Vec::new(),
            Body::Form(p) => {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                p.encode().into_bytes()
            }
            Body::Raw {
                content_type,
                headers: extra,
                bytes,
            } => {
                headers.push(("content-type".into(), content_type));
                headers.extend(extra);
                bytes
            }
        };
        HttpRequest {
            method,
            scheme: self.base.scheme,
            authority: self.base.authority.clone(),
            path_with_query,
            headers,
            body,
        }
    }

    /// Send a request and return the raw response, whatever its status.
    pub fn send(
        &mut self,
        method: Method,
        path: &str,
        query: &Params,
        body: Body,
    ) -> Result<HttpResponse> {
        // IDs are refused as `.` or `..` by their schema; this keeps any other source of a
        // segment (a response, a future action) from addressing another resource.
        if let Some(seg) = path.split('/').find(|s| matches!(*s, "." | "..")) {
            return Err(Error::invalid(
                "",
                format!("`{seg}` cannot be an ID: it would address another resource"),
            ));
        }
        let req = self.build(method, path, query, body);
        self.env.log(
            LogLevel::Debug,
            &format!("{} {}", method.as_str(), req.path_with_query),
        );
        self.env.send(req)
    }

    /// Send a request; map error statuses; parse the success envelope.
    pub fn call(
        &mut self,
        method: Method,
        path: &str,
        query: &Params,
        body: Body,
    ) -> Result<Envelope> {
        let resp = self.send(method, path, query, body)?;
        self.check(&resp)?;
        parse_envelope(&resp)
    }

    /// `Ok` for a 2xx response, else the mapped error.
    pub fn check(&self, resp: &HttpResponse) -> Result<()> {
        if (200..300).contains(&resp.status) {
            Ok(())
        } else {
            Err(map_error(resp, self.env.now()))
        }
    }

    /// `GET path?query`.
    pub fn get(&mut self, path: &str, query: &Params) -> Result<Envelope> {
        self.call(Method::Get, path, query, Body::None)
    }

    /// `POST path` with a form body.
    pub fn post(&mut self, path: &str, form: Params) -> Result<Envelope> {
        self.call(Method::Post, path, &Params::new(), Body::Form(form))
    }

    /// `PUT path` with a form body.
    pub fn put(&mut self, path: &str, form: Params) -> Result<Envelope> {
        self.call(Method::Put, path, &Params::new(), Body::Form(form))
    }

    /// `DELETE path`.
    pub fn delete(&mut self, path: &str) -> Result<Envelope> {
        self.call(Method::Delete, path, &Params::new(), Body::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    const NOW: Timestamp = Timestamp::from_secs(1_700_000_000);

    #[test]
    fn form_encoding_json_encodes_arrays_and_objects() {
        let input = json!({"title":"Fix it & ship","responsibles":["KUAAAAAQ"],
            "dates":{"due":"2019-02-25","start":"2019-02-18"},"follow":true,"priority":3});
        let p = Params::from_input(input.as_object().unwrap(), &[]);
        assert_eq!(p.get("responsibles"), Some(r#"["KUAAAAAQ"]"#));
        assert_eq!(
            p.get("dates"),
            Some(r#"{"due":"2019-02-25","start":"2019-02-18"}"#)
        );
        assert_eq!(p.get("follow"), Some("true"));
        assert_eq!(p.get("priority"), Some("3"));
        assert_eq!(
            p.encode(),
            "dates=%7B%22due%22%3A%222019-02-25%22%2C%22start%22%3A%222019-02-18%22%7D&follow=true&priority=3&responsibles=%5B%22KUAAAAAQ%22%5D&title=Fix%20it%20%26%20ship"
        );
        let mut q = Params::new();
        q.text("text", "héllo wörld");
        assert_eq!(q.encode(), "text=h%C3%A9llo%20w%C3%B6rld");
    }

    #[test]
    fn paths_encode_every_segment() {
        assert_eq!(
            path(&["tasks", "IEAAAAAQKQAB5BG5"]),
            "/tasks/IEAAAAAQKQAB5BG5"
        );
        assert_eq!(path(&["tasks", "../x?y=1"]), "/tasks/..%2Fx%3Fy%3D1");
    }

    #[test]
    fn base_url_parsing() {
        let b = BaseUrl::parse("https://app-eu.wrike.com/api/v4/").unwrap();
        assert_eq!(b.scheme, Scheme::Https);
        assert_eq!(b.authority, "app-eu.wrike.com");
        assert_eq!(b.prefix, "/api/v4");
        let b = BaseUrl::parse("http://127.0.0.1:8080/api/v4").unwrap();
        assert_eq!(
            (b.scheme, b.authority.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
        for bad in [
            "ftp://x/api",
            "www.wrike.com/api/v4",
            "https:///api",
            "https://u:p@h/api",
            "https://h/api?x=1",
        ] {
            assert!(
                matches!(BaseUrl::parse(bad), Err(Error::InvalidInput { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn envelope_parsing() {
        let e = parse_envelope(&resp(
            200,
            r#"{"kind":"tasks","nextPageToken":"T1","responseSize":2450,"data":[{"id":"A"}]}"#,
        ))
        .unwrap();
        assert_eq!(e.kind.as_deref(), Some("tasks"));
        assert_eq!(e.next_page_token.as_deref(), Some("T1"));
        assert_eq!(e.response_size, Some(2450));
        assert_eq!(
            e.clone().into_list(),
            json!({"items":[{"id":"A"}],"nextPageToken":"T1","responseSize":2450})
        );
        assert_eq!(e.first().unwrap(), json!({"id":"A"}));
        let empty = parse_envelope(&resp(200, r#"{"kind":"tasks","data":[]}"#)).unwrap();
        assert_eq!(empty.clone().into_list(), json!({"items":[]}));
        assert!(matches!(empty.first(), Err(Error::Upstream { .. })));
        assert!(matches!(
            parse_envelope(&resp(200, r#"{"kind":"tasks"}"#)),
            Err(Error::Upstream { .. })
        ));
        assert!(matches!(
            parse_envelope(&resp(200, "[1]")),
            Err(Error::Upstream { .. })
        ));
    }

    #[test]
    fn maps_400_to_invalid_input_with_parameter_name() {
        let e = map_error(
            &resp(
                400,
                r#"{"errorDescription":"Parameter 'importance' value is invalid","error":"invalid_parameter"}"#,
            ),
            NOW,
        );
        match e {
            Error::InvalidInput { field, message } => {
                assert_eq!(field, "importance");
                assert!(message.contains("invalid_parameter"));
            }
            other => panic!("{other:?}"),
        }
        let e = map_error(
            &resp(
                400,
                r#"{"errorDescription":"Something is wrong","error":"invalid_request"}"#,
            ),
            NOW,
        );
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field.is_empty()));
        assert_eq!(
            parameter_in("Required parameter \"title\" is missing"),
            "title"
        );
        assert_eq!(parameter_in("Parameter '' value is invalid"), "");
        assert_eq!(parameter_in("parameter title"), "");
    }

    #[test]
    fn maps_each_status() {
        let body = |c: &str| format!(r#"{{"errorDescription":"d-{c}","error":"{c}"}}"#);
        assert_eq!(
            map_error(&resp(401, &body("not_authorized")), NOW),
            Error::Unauthorized("d-not_authorized".into())
        );
        assert_eq!(
            map_error(&resp(403, &body("access_forbidden")), NOW),
            Error::Forbidden("d-access_forbidden".into())
        );
        assert_eq!(
            map_error(&resp(404, &body("resource_not_found")), NOW),
            Error::NotFound("d-resource_not_found".into())
        );
        assert_eq!(
            map_error(&resp(500, &body("server_error")), NOW),
            Error::Upstream {
                status: 500,
                code: Some("server_error".into()),
                message: "d-server_error".into()
            }
        );
        let mut r = resp(429, &body("too_many_requests"));
        r.headers.push(("Retry-After".into(), "7".into()));
        assert_eq!(
            map_error(&r, NOW),
            Error::RateLimited {
                retry_after_ms: Some(7000),
                message: "d-too_many_requests".into()
            }
        );
        let r = resp(429, &body("rate_limit_exceeded"));
        assert!(matches!(
            map_error(&r, NOW),
            Error::RateLimited {
                retry_after_ms: None,
                ..
            }
        ));
        // Statuses with a meaning of their own keep it even without Wrike's envelope.
        assert!(matches!(
            map_error(&resp(401, ""), NOW),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            map_error(&resp(404, "<html>"), NOW),
            Error::NotFound(_)
        ));
    }

    #[test]
    fn blank_error_fields_never_make_an_empty_message() {
        // Regression (property tests): `{"errorDescription":""}` gave an empty message.
        for body in [
            r#"{"errorDescription":""}"#,
            r#"{"errorDescription":" ","error":""}"#,
            r#"{"error":"","errorDescription":null}"#,
        ] {
            for code in [400, 401, 403, 404, 429, 500] {
                let e = map_error(&resp(code, body), NOW);
                let message = match &e {
                    Error::InvalidInput { message, .. }
                    | Error::RateLimited { message, .. }
                    | Error::Upstream { message, .. } => message,
                    Error::Unauthorized(m) | Error::Forbidden(m) | Error::NotFound(m) => m,
                    other => panic!("{other:?}"),
                };
                assert!(!message.trim().is_empty(), "{code} {body}: {e:?}");
            }
        }
        assert!(matches!(
            map_error(&resp(400, r#"{"errorDescription":""}"#), NOW),
            Error::Upstream { status: 400, .. }
        ));
    }

    #[test]
    fn non_json_error_bodies_become_clear_upstream_errors() {
        let r = HttpResponse {
            status: 502,
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<html><body>Bad Gateway</body></html>".to_vec(),
        };
        match map_error(&r, NOW) {
            Error::Upstream {
                status: 502,
                code: None,
                message,
            } => {
                assert!(message.contains("non-JSON"), "{message}");
                assert!(message.contains("text/html"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match map_error(&resp(300, ""), NOW) {
            Error::Upstream {
                status: 300,
                message,
                ..
            } => assert!(message.contains("wrong API host")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            map_error(&resp(503, r#"{"x":1}"#), NOW),
            Error::Upstream { status: 503, .. }
        ));
        assert!(matches!(
            parse_envelope(&resp(200, "<html>")),
            Err(Error::Upstream { status: 200, .. })
        ));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms(Some("120"), NOW), Some(120_000));
        assert_eq!(retry_after_ms(Some(" 1.5 "), NOW), Some(1500));
        // 1_700_000_030 = Tue, 14 Nov 2023 22:13:50 GMT
        assert_eq!(
            retry_after_ms(Some("Tue, 14 Nov 2023 22:13:50 GMT"), NOW),
            Some(30_000)
        );
        assert_eq!(
            retry_after_ms(Some("Tue, 14 Nov 2000 22:13:50 GMT"), NOW),
            Some(0)
        );
        assert_eq!(retry_after_ms(Some("later"), NOW), None);
        assert_eq!(retry_after_ms(Some("-5"), NOW), None);
        assert_eq!(retry_after_ms(None, NOW), None);
    }

    struct NoEnv;
    impl Env for NoEnv {
        fn send(&mut self, _: HttpRequest) -> Result<HttpResponse> {
            Err(Error::Transport("offline".into()))
        }
        fn log(&mut self, _: LogLevel, _: &str) {}
        fn now(&self) -> Timestamp {
            NOW
        }
        fn sleep(&mut self, _: u64) {}
    }

    #[test]
    fn dot_segments_are_never_sent() {
        struct Counting(usize);
        impl Env for Counting {
            fn send(&mut self, _: HttpRequest) -> Result<HttpResponse> {
                self.0 += 1;
                Err(Error::Transport("offline".into()))
            }
            fn log(&mut self, _: LogLevel, _: &str) {}
            fn now(&self) -> Timestamp {
                NOW
            }
            fn sleep(&mut self, _: u64) {}
        }
        let mut env = Counting(0);
        let mut c = Client::new("https://www.wrike.com/api/v4", &mut env).unwrap();
        for p in [path(&["tasks", ".."]), path(&["tasks", ".", "comments"])] {
            assert!(
                matches!(c.get(&p, &Params::new()), Err(Error::InvalidInput { .. })),
                "{p}"
            );
        }
        assert!(matches!(
            c.get(&path(&["tasks", "..."]), &Params::new()),
            Err(Error::Transport(_))
        ));
        assert_eq!(env.0, 1);
    }

    #[test]
    fn builds_requests_from_the_base_url_without_authorization() {
        let mut env = NoEnv;
        let c = Client::new("https://app-eu.wrike.com/api/v4", &mut env).unwrap();
        let mut q = Params::new();
        q.value("fields", &json!(["description"]));
        let r = c.build(Method::Get, "/tasks/X", &q, Body::None);
        assert_eq!(r.authority, "app-eu.wrike.com");
        assert_eq!(
            r.path_with_query,
            "/api/v4/tasks/X?fields=%5B%22description%22%5D"
        );
        assert!(r.header("authorization").is_none());
        let mut f = Params::new();
        f.text("title", "T");
        let r = c.build(
            Method::Post,
            "/folders/F/tasks",
            &Params::new(),
            Body::Form(f),
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.body_text(), "title=T");
        assert!(r.header("authorization").is_none());
    }
}
