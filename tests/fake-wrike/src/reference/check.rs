//! Checking one request against the reference.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::{BodyKind, Format, MethodRule, ParamRule, Reference, Seg, Ty};
use crate::error::ApiError;
use crate::params::{parse_lenient, Params, RawValue, GLOBAL_PARAMS};

/// Largest number of IDs in a multi-ID path (`API.md` §4: "up to 100 IDs").
const MAX_IDS: usize = 100;

/// A request that broke the reference: what was sent, and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `METHOD /path?query`.
    pub request: String,
    /// The reference method (`GET:/tasks/multi`), or `-` when no method matched.
    pub method: String,
    /// The rule, in words, with its source.
    pub rule: String,
    /// What the fake answered.
    pub answer: ApiError,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} broke Wrike's reference ({}): {} — answered {}",
            self.request, self.method, self.rule, self.answer
        )
    }
}

/// What one request carried, as the checker needs it.
pub struct Request<'a> {
    /// The effective verb (after a `method=` override).
    pub verb: &'a str,
    /// Decoded path segments after `/api/v4`.
    pub segs: &'a [String],
    /// Query and body parameters, merged.
    pub params: &'a Params,
    /// The request's `Content-Type` (lower case, may be empty).
    pub content_type: &'a str,
    /// The body's length in bytes.
    pub body_len: usize,
    /// `METHOD /path?query`, for the violation message.
    pub display: String,
}

/// Checks a request; `Err` carries the violation (and the error to answer with).
pub fn check(req: &Request<'_>) -> Result<(), Violation> {
    let reference = Reference::get();
    let Some(method) = find(reference, req.verb, req.segs) else {
        return Err(Violation {
            request: req.display.clone(),
            method: "-".into(),
            rule: format!(
                "no method {} {} in the reference (api-v4-methods.json or MODERN.md)",
                req.verb,
                shape(req.segs)
            ),
            answer: ApiError::method_not_found(),
        });
    };
    let fail = |rule: String, answer: ApiError| Violation {
        request: req.display.clone(),
        method: format!("{} from {}", method.id, method.source),
        rule,
        answer,
    };
    if let Err(rule) = check_id_counts(method, req.segs) {
        return Err(fail(
            rule,
            ApiError::invalid_parameter_msg("Too many IDs in the path (at most 100)"),
        ));
    }
    match method.body {
        BodyKind::Query if req.body_len > 0 => {
            return Err(fail(
                format!(
                    "{} takes its parameters in the query string, not a body (API.md §4)",
                    method.verb
                ),
                ApiError::invalid_request("Request body is not allowed for this method"),
            ));
        }
        BodyKind::Form if req.body_len > 0 => {
            let ct = req.content_type;
            if !(ct.starts_with("application/x-www-form-urlencoded")
                || ct.starts_with("application/json"))
            {
                return Err(fail(
                    format!(
                        "a body must be application/x-www-form-urlencoded or application/json \
                         (API.md §4), not {:?}",
                        ct
                    ),
                    ApiError::invalid_request("Unsupported request content type"),
                ));
            }
        }
        _ => {}
    }
    for name in req.params.names() {
        if GLOBAL_PARAMS.contains(&name) {
            continue;
        }
        let Some(rule) = method.params.get(name) else {
            return Err(fail(
                format!(
                    "parameter `{name}` is not one of the method's parameters ({})",
                    known(&method.params)
                ),
                ApiError::unknown_parameter(name),
            ));
        };
        let raw = req.params.raw(name).expect("listed");
        if let Err(why) = check_raw(reference, rule, raw) {
            return Err(fail(
                format!("parameter `{name}`: {why}"),
                ApiError::invalid_parameter(name),
            ));
        }
    }
    for rule in method.params.values() {
        if rule.required && !req.params.has(&rule.name) {
            return Err(fail(
                format!("parameter `{}` is required", rule.name),
                ApiError::parameter_required(&rule.name),
            ));
        }
    }
    for (a, b) in &method.exactly_one_of {
        let n = usize::from(req.params.has(a)) + usize::from(req.params.has(b));
        if n != 1 {
            return Err(fail(
                format!("exactly one of `{a}` and `{b}` must be given ({n} given)"),
                if n == 0 {
                    ApiError::parameter_required(a)
                } else {
                    ApiError::invalid_parameter(b)
                },
            ));
        }
    }
    Ok(())
}

/// `tasks/{id}/comments` for a message.
fn shape(segs: &[String]) -> String {
    let parts: Vec<&str> = segs.iter().map(|s| s.as_str()).collect();
    format!("/{}", parts.join("/"))
}

fn known(params: &BTreeMap<String, ParamRule>) -> String {
    if params.is_empty() {
        "it takes none".into()
    } else {
        params.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// The method a request addresses. A segment with a comma only matches `multi`; one without
/// prefers `single` over `multi` (the shared README, "Writing a request validator", step 1).
pub(super) fn find<'r>(r: &'r Reference, verb: &str, segs: &[String]) -> Option<&'r MethodRule> {
    let mut best: Option<(u32, &MethodRule)> = None;
    for m in r.methods.iter().filter(|m| m.verb == verb) {
        if let Some(penalty) = matches(m, segs) {
            if best.is_none_or(|(p, _)| penalty < p) {
                best = Some((penalty, m));
            }
        }
    }
    best.map(|(_, m)| m)
}

fn matches(m: &MethodRule, segs: &[String]) -> Option<u32> {
    let extra = segs.len().checked_sub(m.segs.len())?;
    if extra > usize::from(m.file_name_segment) {
        return None;
    }
    let mut penalty = 0;
    for (seg, s) in m.segs.iter().zip(segs) {
        match seg {
            Seg::Lit(l) if l == s => {}
            Seg::Lit(_) => return None,
            // Whether an ID is well formed is the method's business (`invalid_parameter`), not
            // the route's; a comma means a list, which a `single` route takes only as a last
            // resort (the method then refuses it).
            Seg::One if s.is_empty() => return None,
            Seg::One if s.contains(',') => penalty += 2,
            Seg::One => {}
            Seg::Many if s.is_empty() => return None,
            Seg::Many if !s.contains(',') => penalty += 1,
            Seg::Many => {}
        }
    }
    if extra == 1 && segs.last().is_none_or(|s| s.is_empty()) {
        return None;
    }
    Some(penalty)
}

/// The number of IDs in each `multi` segment is at most 100 (`API.md` §4).
fn check_id_counts(m: &MethodRule, segs: &[String]) -> Result<(), String> {
    for (seg, s) in m.segs.iter().zip(segs) {
        if *seg == Seg::Many {
            let n = s.split(',').count();
            if n > MAX_IDS {
                return Err(format!(
                    "{n} IDs in one path; at most {MAX_IDS} (API.md §4)"
                ));
            }
        }
    }
    Ok(())
}

/// Checks a top-level value as it arrived (text from a query or form, or a JSON body member).
fn check_raw(r: &Reference, rule: &ParamRule, raw: &RawValue) -> Result<(), String> {
    let value = match (rule.ty, raw) {
        (Ty::String, RawValue::Text(s)) => Value::String(s.clone()),
        (
            Ty::String,
            RawValue::Json(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))),
        ) => Value::String(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        (Ty::Number, RawValue::Text(s)) => number(s)?,
        (Ty::Number, RawValue::Json(Value::String(s))) => number(s)?,
        (Ty::Boolean, RawValue::Text(s)) | (Ty::Boolean, RawValue::Json(Value::String(s))) => {
            boolean(s)?
        }
        // A bare enum value for a list of enum values: `status=Active`, one of the "realistic
        // query shapes" of Wrike's Postman collection (`postman-sample.json`; the shared
        // reference README, §2).
        (Ty::Array, RawValue::Text(s))
            if rule
                .values
                .as_ref()
                .is_some_and(|v| v.iter().any(|x| x == s)) =>
        {
            Value::Array(vec![Value::String(s.clone())])
        }
        (Ty::Array | Ty::Object, RawValue::Text(s))
        | (Ty::Array | Ty::Object, RawValue::Json(Value::String(s))) => parse_lenient(s)
            .ok_or_else(|| {
                format!("{s:?} is not JSON (arrays and objects are JSON-encoded, API.md §4)")
            })?,
        (_, RawValue::Json(v)) => v.clone(),
    };
    check_value(r, rule, &value, true)
}

fn number(s: &str) -> Result<Value, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| serde_json::json!(f))
        .ok_or_else(|| format!("{s:?} is not a number"))
}

fn boolean(s: &str) -> Result<Value, String> {
    match s {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        other => Err(format!("{other:?} is not true or false")),
    }
}

/// Checks a decoded value against its rule; nested values are checked against their model.
fn check_value(r: &Reference, rule: &ParamRule, value: &Value, top: bool) -> Result<(), String> {
    match (rule.ty, value) {
        // `null` removes a value on update: `project=null` turns a project back into a folder
        // (`API.md` §11.3), a metadata or custom-field value `null` removes it (§4).
        (Ty::Array | Ty::Object, Value::Null) => Ok(()),
        (_, Value::Null) if !top => Ok(()),
        (Ty::String, Value::String(s)) => check_text(rule, s),
        (Ty::Number, Value::Number(_)) => Ok(()),
        (Ty::Number, Value::String(s)) if !top => number(s).map(|_| ()),
        (Ty::Boolean, Value::Bool(_)) => Ok(()),
        (Ty::Boolean, Value::String(s)) if !top => boolean(s).map(|_| ()),
        (Ty::Array, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_item(r, rule, item).map_err(|e| format!("item {i}: {e}"))?;
            }
            Ok(())
        }
        (Ty::Object, Value::Object(_)) => match &rule.model {
            Some(model) => check_model(r, model, value),
            None => Ok(()),
        },
        (ty, v) => Err(format!("{} is not {}", short(v), ty_name(ty))),
    }
}

/// An array item: an object of the item model, or a string (enum value, ID, date).
fn check_item(r: &Reference, rule: &ParamRule, item: &Value) -> Result<(), String> {
    if let Some(model) = &rule.model {
        return check_model(r, model, item);
    }
    match item {
        Value::String(s) => check_text(rule, s),
        Value::Number(_) | Value::Bool(_) if rule.values.is_none() && rule.format.is_none() => {
            Ok(())
        }
        other => Err(format!("{} is not a string", short(other))),
    }
}

/// An object against its model: known keys only, each value of its type. Nested `optional:
/// false` flags are not enforced: they describe a complete value, and Wrike's own example sends
/// `dates={"start":"2019-02-18","due":"2019-02-25"}` without the "required" `type` and
/// `duration` (`API.md` §4 **[C]**).
fn check_model(r: &Reference, model: &str, value: &Value) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(format!("{} is not an object", short(value)));
    };
    let Some(fields) = r.models.get(model) else {
        return Ok(());
    };
    for (k, v) in map {
        let Some(rule) = fields.get(k) else {
            return Err(format!(
                "key `{k}` is not one of {} ({model})",
                fields.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        };
        check_value(r, rule, v, false).map_err(|e| format!("`{k}`: {e}"))?;
    }
    Ok(())
}

fn check_text(rule: &ParamRule, s: &str) -> Result<(), String> {
    if let Some(values) = &rule.values {
        if !values.iter().any(|v| v == s) {
            return Err(format!("{s:?} is not one of {}", values.join(", ")));
        }
    }
    if let Some(f) = rule.format {
        let ok = match f {
            Format::Date => NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            Format::TimestampUtc => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
            Format::DateOrLocalDateTime => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
                    || NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
            }
        };
        if !ok {
            return Err(format!("{s:?} is not in the format {}", format_name(f)));
        }
    }
    Ok(())
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Date => "yyyy-MM-dd",
        Format::TimestampUtc => "yyyy-MM-dd'T'HH:mm:ss'Z'",
        Format::DateOrLocalDateTime => "yyyy-MM-dd'T'HH:mm:ss ('T'HH:mm:ss optional)",
    }
}

fn ty_name(ty: Ty) -> &'static str {
    match ty {
        Ty::String => "a string",
        Ty::Number => "a number",
        Ty::Boolean => "a boolean",
        Ty::Array => "an array",
        Ty::Object => "an object",
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}
