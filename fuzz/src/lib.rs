//! Shared support of the two fuzz targets: the catalog as a list of targets, a scripted
//! environment that checks every request the connector builds, a minimal valid input per
//! schema, and the check every outcome must pass.

use std::collections::VecDeque;

use serde_json::{Map, Value};
use wrike::catalog;
use wrike::env::{Env, HttpRequest, HttpResponse, LogLevel, Scheme};
use wrike::error::{Error, Result};
use wrike::time::Timestamp;

/// The connection's API base in every run.
pub const BASE: &str = "https://www.wrike.com/api/v4";
/// 2024-01-15T12:00:00Z.
pub const NOW: Timestamp = Timestamp::from_secs(1_705_320_000);
/// No call may send more requests than this.
pub const MAX_REQUESTS: usize = 64;

/// One thing the connector can be asked to do.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// `execute`.
    Action(&'static str),
    /// `poll`.
    Trigger(&'static str),
    /// `pick-list`.
    PickList(&'static str),
}

/// Every action, trigger and pick list with its parsed input schema.
pub fn targets() -> Vec<(Target, Value)> {
    let parse = |s: catalog::Schema| s.generated().expect("a typed schema");
    catalog::actions()
        .map(|a| (Target::Action(a.name), parse(a.input_schema)))
        .chain(catalog::triggers().map(|t| (Target::Trigger(t.name), parse(t.input_schema))))
        .chain(catalog::pick_lists().map(|p| (Target::PickList(p.name), parse(p.params_schema))))
        .collect()
}

/// Answers a script in order, then `fallback` (or a transport failure); checks each request.
pub struct Scripted {
    script: VecDeque<HttpResponse>,
    fallback: Option<HttpResponse>,
    /// Requests sent so far.
    pub sent: usize,
}

impl Scripted {
    /// An environment answering `script`, then `fallback`.
    pub fn new(script: Vec<HttpResponse>, fallback: Option<HttpResponse>) -> Self {
        Scripted {
            script: script.into(),
            fallback,
            sent: 0,
        }
    }
}

/// A request must stay inside the API base, carry no credential and be unambiguous.
pub fn check_request(req: &HttpRequest) {
    assert_eq!(req.scheme, Scheme::Https, "{req:?}");
    assert_eq!(req.authority, "www.wrike.com", "{req:?}");
    assert!(req.header("authorization").is_none(), "{req:?}");
    let pq = &req.path_with_query;
    assert!(pq.starts_with("/api/v4/"), "{pq}");
    assert!(
        pq.bytes().all(|b| b.is_ascii_graphic() && b != b'#'),
        "{pq:?}"
    );
    let path = pq.split('?').next().unwrap_or_default();
    for seg in path["/api/v4/".len()..].split('/') {
        let decoded = seg.to_ascii_lowercase().replace("%2e", ".");
        assert!(
            !seg.is_empty() && decoded != "." && decoded != "..",
            "request path escapes its resource: {pq}"
        );
    }
    for (name, value) in &req.headers {
        assert!(
            name.bytes().all(|b| b.is_ascii_graphic() && b != b':'),
            "{name:?}"
        );
        assert!(
            value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()),
            "{name}: {value:?}"
        );
    }
}

impl Env for Scripted {
    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse> {
        self.sent += 1;
        assert!(self.sent <= MAX_REQUESTS, "too many requests: {request:?}");
        check_request(&request);
        match self.script.pop_front().or_else(|| self.fallback.clone()) {
            Some(r) => Ok(r),
            None => Err(Error::Transport("scripted: no more answers".into())),
        }
    }

    fn log(&mut self, _: LogLevel, _: &str) {}

    fn now(&self) -> Timestamp {
        NOW
    }

    fn sleep(&mut self, _: u64) {}
}

/// A well-formed Wrike answer every mapper can read something from.
pub fn valid_envelope() -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::json!({"kind": "tasks", "data": [{
            "id": "IEAAAAAQKQAB5BG5",
            "title": "T",
            "name": "N",
            "createdDate": "2024-01-15T11:00:00Z",
            "updatedDate": "2024-01-15T11:30:00Z",
            "url": "https://www.wrike.com/attachments/x",
            "customStatuses": [{"id": "IEAAAAAQJMAAAAAA", "name": "New"}],
        }]})
        .to_string()
        .into_bytes(),
    }
}

/// Run `target` with `input` text; `Ok` holds the output texts.
pub fn run(
    env: &mut Scripted,
    target: Target,
    input: &str,
    cursor: Option<&str>,
) -> Result<Vec<String>> {
    match target {
        Target::Action(name) => catalog::execute(env, BASE, name, input).map(|o| vec![o]),
        Target::Trigger(name) => catalog::poll(env, BASE, name, input, cursor).map(|r| {
            let mut out: Vec<String> = r.events.into_iter().map(|e| e.payload).collect();
            out.push(r.cursor);
            out
        }),
        Target::PickList(name) => catalog::pick_list(env, BASE, name, input)
            .map(|list| list.into_iter().map(|o| o.value).collect()),
    }
}

/// Every outcome: `Ok` with JSON output (actions, triggers), or a typed error with a message —
/// never `internal`.
pub fn check_outcome(target: Target, outcome: &Result<Vec<String>>) {
    match outcome {
        Ok(texts) => {
            if !matches!(target, Target::PickList(_)) {
                for t in texts {
                    assert!(
                        serde_json::from_str::<Value>(t).is_ok(),
                        "{target:?}: output is not JSON: {t}"
                    );
                }
            }
        }
        Err(Error::Internal(m)) => panic!("{target:?}: internal error: {m}"),
        Err(e) => {
            let message = match e {
                Error::InvalidInput { message, .. }
                | Error::RateLimited { message, .. }
                | Error::Upstream { message, .. } => message,
                Error::Unauthorized(m)
                | Error::Forbidden(m)
                | Error::NotFound(m)
                | Error::Transport(m)
                | Error::Internal(m) => m,
            };
            assert!(
                !message.trim().is_empty(),
                "{target:?}: empty message: {e:?}"
            );
        }
    }
}

/// The host's verdict on `value`: the host (the same `jsonschema` validator, draft 2020-12,
/// formats checked) is the one validator; the guest only parses what it uses.
pub fn host_accepts(schema: &Value, value: &Value) -> bool {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .map(|v| v.is_valid(value))
        .unwrap_or(false)
}

/// Whether the host accepts the input text `text` (an empty text is `{}`, as the host sends
/// it): such an input must never be refused by the guest.
pub fn host_accepts_text(schema: &Value, text: &str) -> bool {
    let value: Value = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_json::from_str(text) {
            Ok(v) => v,
            Err(_) => return false,
        }
    };
    value.is_object() && host_accepts(schema, &value)
}

/// A small input `schema` accepts: required members only, each the simplest value that fits
/// (first enum value, a plausible ID, date or timestamp, the minimum, the shortest list), the
/// first alternative of a `oneOf`/`anyOf`.
pub fn minimal(schema: &Value) -> Value {
    let Some(s) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(Value::Array(options)) = s.get("enum") {
        return options.first().cloned().unwrap_or(Value::Null);
    }
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().find_map(Value::as_str).unwrap_or("object"),
        _ if s.contains_key("properties") || s.contains_key("required") => "object",
        _ => {
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = s.get(key) {
                    if let Some(first) = alts.first() {
                        return minimal(first);
                    }
                }
            }
            return Value::Null;
        }
    };
    match ty {
        "string" => Value::String(
            match (
                s.get("format").and_then(Value::as_str),
                s.get("pattern").and_then(Value::as_str),
            ) {
                (Some("date-time"), _) => "2024-01-15T11:00:00Z",
                (Some("date"), _) => "2024-01-15",
                (_, Some(p)) if p.starts_with("^/") => "/tasks",
                (_, Some(p)) if p.starts_with("^[0-9]{4}") => "2024-01-15",
                _ if s.get("contentEncoding").is_some() => "aGk=",
                _ => "IEAAAAAQKQAB5BG5",
            }
            .to_string(),
        ),
        "integer" | "number" => {
            let lo = s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0);
            let lo = s
                .get("exclusiveMinimum")
                .and_then(Value::as_f64)
                .map_or(lo, |m| m + 1.0);
            Value::from(lo.max(1.0).floor() as i64)
        }
        "boolean" => Value::Bool(true),
        "null" => Value::Null,
        "array" => {
            let n = s.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = s.get("items").map(minimal).unwrap_or(Value::Null);
            Value::Array((0..n).map(|_| item.clone()).collect())
        }
        _ => {
            let props = s.get("properties").and_then(Value::as_object);
            let mut required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for key in ["oneOf", "anyOf"] {
                if let Some(first) = s.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
                    required.extend(
                        first
                            .get("required")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str),
                    );
                }
            }
            let mut m = Map::new();
            for r in required {
                let sub = props.and_then(|p| p.get(r)).cloned().unwrap_or(Value::Null);
                m.insert(r.to_string(), minimal(&sub));
            }
            if m.is_empty() && s.get("minProperties").and_then(Value::as_u64).unwrap_or(0) > 0 {
                if let Some((k, sub)) = props.and_then(|p| p.iter().next()) {
                    m.insert(k.clone(), minimal(sub));
                }
            }
            Value::Object(m)
        }
    }
}

/// A valid input for `schema`: `overrides` (fuzzer-chosen members) on top of [`minimal`],
/// kept only when the guest still accepts the result.
pub fn valid_input(schema: &Value, overrides: &str) -> Value {
    let base = minimal(schema);
    if let (Value::Object(mut m), Ok(Value::Object(extra))) =
        (base.clone(), serde_json::from_str::<Value>(overrides))
    {
        m.extend(extra);
        let merged = Value::Object(m);
        if host_accepts(schema, &merged) {
            return merged;
        }
    }
    base
}

/// [`targets`], after checking that [`minimal`] gives each one an input its schema accepts
/// (else the responses would never be read).
pub fn targets_with_valid_inputs() -> Vec<(Target, Value)> {
    let all = targets();
    for (target, schema) in &all {
        let v = minimal(schema);
        if !host_accepts(schema, &v) {
            panic!("{target:?}: the minimal input {v} is refused by the host's validator");
        }
    }
    all
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_target_has_a_minimal_valid_input() {
        assert!(!super::targets_with_valid_inputs().is_empty());
    }
}
