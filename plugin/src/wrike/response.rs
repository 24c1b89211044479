//! Reading Wrike responses: the `{kind, data}` envelope and its paging fields, JSON bodies, and
//! Wrike's error envelope mapped onto the connector's [`Error`] (API.md §5–§8).

use serde_json::{Map, Value};

use crate::env::HttpResponse;
use crate::error::{Error, Result};
use crate::time::{parse_http_date, Timestamp};

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
