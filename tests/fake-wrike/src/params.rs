//! Request parameters (`API.md` §4).
//!
//! Wrike takes parameters from the query string (for every verb), from
//! `application/x-www-form-urlencoded` bodies and from JSON bodies. Array and object values are
//! JSON-encoded strings; the fake also accepts the unquoted list form `[a,b]` and single-quoted
//! pseudo-JSON `{'start':'…'}` seen in the wild (§4 marks those [3P]; we are tolerant).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// One parameter value as received.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// From the query string or a form body: the decoded text.
    Text(String),
    /// From a JSON body: the JSON value as sent.
    Json(Value),
}

/// All parameters of one request, merged (body values win over query values of the same name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    map: BTreeMap<String, RawValue>,
}

/// Parameters every method accepts in addition to its own: `access_token` (`API.md` §2.3),
/// `method` (§4: "A client limited to GET may add `method=POST|PUT|DELETE`") and `state` (§4:
/// "An optional `state` request parameter is echoed back").
pub const GLOBAL_PARAMS: &[&str] = &["access_token", "method", "state"];

impl Params {
    /// Empty parameter set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `a=1&b=2` (form or query string) into the set; later values of a name win.
    pub fn add_urlencoded(&mut self, text: &str) {
        for (k, v) in form_urlencoded::parse(text.as_bytes()) {
            self.map
                .insert(k.into_owned(), RawValue::Text(v.into_owned()));
        }
    }

    /// Adds every member of a JSON object body.
    pub fn add_json_object(&mut self, obj: &Map<String, Value>) {
        for (k, v) in obj {
            self.map.insert(k.clone(), RawValue::Json(v.clone()));
        }
    }

    /// Sets one text value (used by the direct, non-HTTP helpers).
    pub fn set_text(&mut self, name: &str, value: &str) {
        self.map
            .insert(name.to_string(), RawValue::Text(value.to_string()));
    }

    /// Whether the parameter is present at all.
    pub fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Names of all parameters present.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(|s| s.as_str())
    }

    /// Removes a parameter, returning whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        self.map.remove(name).is_some()
    }

    /// The raw value of a parameter.
    pub fn raw(&self, name: &str) -> Option<&RawValue> {
        self.map.get(name)
    }

    /// Rejects parameter names the method does not accept (`400 invalid_parameter`).
    pub fn allow_only(&self, allowed: &[&str]) -> ApiResult<()> {
        for name in self.map.keys() {
            if !allowed.contains(&name.as_str()) && !GLOBAL_PARAMS.contains(&name.as_str()) {
                return Err(ApiError::unknown_parameter(name));
            }
        }
        Ok(())
    }

    /// Whether any parameter other than the listed ones (and the global ones) is present.
    pub fn has_other_than(&self, ignored: &[&str]) -> bool {
        self.map
            .keys()
            .any(|n| !ignored.contains(&n.as_str()) && !GLOBAL_PARAMS.contains(&n.as_str()))
    }

    /// A string parameter. JSON numbers and booleans are accepted and turned into text.
    pub fn str(&self, name: &str) -> ApiResult<Option<String>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(RawValue::Text(s)) => Ok(Some(s.clone())),
            Some(RawValue::Json(Value::String(s))) => Ok(Some(s.clone())),
            Some(RawValue::Json(Value::Number(n))) => Ok(Some(n.to_string())),
            Some(RawValue::Json(Value::Bool(b))) => Ok(Some(b.to_string())),
            Some(RawValue::Json(Value::Null)) => Ok(None),
            Some(RawValue::Json(_)) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// A required string parameter; absent or empty → `parameter_required`.
    pub fn required_str(&self, name: &str) -> ApiResult<String> {
        match self.str(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::parameter_required(name)),
        }
    }

    /// A boolean parameter (`true`/`false`, any case; a JSON boolean).
    pub fn bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(RawValue::Json(Value::Bool(b))) => Ok(Some(*b)),
            Some(RawValue::Json(Value::Null)) => Ok(None),
            Some(RawValue::Json(Value::String(s))) | Some(RawValue::Text(s)) => {
                match s.trim().to_ascii_lowercase().as_str() {
                    "true" => Ok(Some(true)),
                    "false" => Ok(Some(false)),
                    _ => Err(ApiError::invalid_parameter(name)),
                }
            }
            Some(RawValue::Json(_)) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// An "optional boolean" flag such as `me` or `descendants`: present without a value means true.
    pub fn flag(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.map.get(name) {
            Some(RawValue::Text(s)) if s.is_empty() => Ok(Some(true)),
            _ => self.bool(name),
        }
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(RawValue::Json(Value::Number(n))) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| ApiError::invalid_parameter(name)),
            Some(RawValue::Json(Value::Null)) => Ok(None),
            Some(RawValue::Json(Value::String(s))) | Some(RawValue::Text(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::invalid_parameter(name)),
            Some(RawValue::Json(_)) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// A floating-point parameter.
    pub fn float(&self, name: &str) -> ApiResult<Option<f64>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(RawValue::Json(Value::Number(n))) => Ok(n.as_f64()),
            Some(RawValue::Json(Value::Null)) => Ok(None),
            Some(RawValue::Json(Value::String(s))) | Some(RawValue::Text(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| ApiError::invalid_parameter(name)),
            Some(RawValue::Json(_)) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// A structured (array/object) parameter, decoded from its JSON-string (or lenient) form.
    ///
    /// `Ok(Some(Value::Null))` is returned for an explicit JSON `null` (e.g. `project=null`).
    pub fn json(&self, name: &str) -> ApiResult<Option<Value>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(RawValue::Text(s)) => parse_lenient(s)
                .map(Some)
                .ok_or_else(|| ApiError::invalid_parameter(name)),
            Some(RawValue::Json(Value::String(s))) => {
                // A JSON body may still carry JSON-encoded strings (as a form would).
                let t = s.trim_start();
                if t.starts_with('[') || t.starts_with('{') || t == "null" {
                    parse_lenient(s)
                        .map(Some)
                        .ok_or_else(|| ApiError::invalid_parameter(name))
                } else {
                    Ok(Some(Value::String(s.clone())))
                }
            }
            Some(RawValue::Json(v)) => Ok(Some(v.clone())),
        }
    }

    /// An object parameter (`dates`, `updatedDate`, `project`, ...).
    pub fn object(&self, name: &str) -> ApiResult<Option<Map<String, Value>>> {
        match self.json(name)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// An array of strings (`responsibles`, `status`, `fields`, ...).
    ///
    /// Tolerant [U]: a bare scalar (`status=Active`, as in Wrike's Postman sample) counts as a
    /// one-element list, and numbers are turned into text.
    pub fn str_list(&self, name: &str) -> ApiResult<Option<Vec<String>>> {
        let v = match self.map.get(name) {
            None => return Ok(None),
            Some(RawValue::Text(s)) => {
                let t = s.trim();
                if t.starts_with('[') {
                    parse_lenient(t).ok_or_else(|| ApiError::invalid_parameter(name))?
                } else if t.is_empty() {
                    return Err(ApiError::invalid_parameter(name));
                } else {
                    Value::Array(vec![Value::String(t.to_string())])
                }
            }
            Some(RawValue::Json(_)) => self.json(name)?.unwrap_or(Value::Null),
        };
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(vec![s])),
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(ApiError::invalid_parameter(name)),
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
            _ => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// An array of objects (`metadata`, `customFields`, ...).
    pub fn obj_list(&self, name: &str) -> ApiResult<Option<Vec<Map<String, Value>>>> {
        match self.json(name)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|i| match i {
                    Value::Object(m) => Ok(m),
                    _ => Err(ApiError::invalid_parameter(name)),
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
            // Tolerate a single object where a list is expected [U].
            Some(Value::Object(m)) => Ok(Some(vec![m])),
            Some(_) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// A string parameter that must be one of `allowed` (exact case).
    pub fn enum_str(&self, name: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.str(name)? {
            None => Ok(None),
            Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
            Some(_) => Err(ApiError::invalid_parameter(name)),
        }
    }

    /// A list parameter whose items must all be in `allowed`.
    pub fn enum_list(&self, name: &str, allowed: &[&str]) -> ApiResult<Option<Vec<String>>> {
        match self.str_list(name)? {
            None => Ok(None),
            Some(items) => {
                if items.iter().all(|i| allowed.contains(&i.as_str())) {
                    Ok(Some(items))
                } else {
                    Err(ApiError::invalid_parameter(name))
                }
            }
        }
    }

    /// A timestamp range filter `{"start":…, "end":…}` (semi-open `[start, end)`).
    pub fn ts_range(&self, name: &str) -> ApiResult<Option<TsRange>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let mut r = TsRange::default();
        for (k, v) in &obj {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let t = parse_timestamp(s).ok_or_else(|| ApiError::invalid_parameter(name))?;
            match k.as_str() {
                "start" => r.start = Some(t),
                "end" => r.end = Some(t),
                _ => return Err(ApiError::invalid_parameter(name)),
            }
        }
        Ok(Some(r))
    }

    /// A date-time exact-or-range filter `{"start"|"equal"|"end": "yyyy-MM-dd['T'HH:mm:ss]"}`.
    pub fn dt_filter(&self, name: &str) -> ApiResult<Option<DtFilter>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let mut f = DtFilter::default();
        for (k, v) in &obj {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let d = LocalDt::parse(s).ok_or_else(|| ApiError::invalid_parameter(name))?;
            match k.as_str() {
                "start" => f.start = Some(d),
                "end" => f.end = Some(d),
                "equal" => f.equal = Some(d),
                _ => return Err(ApiError::invalid_parameter(name)),
            }
        }
        if f.equal.is_some() && (f.start.is_some() || f.end.is_some()) {
            return Err(ApiError::invalid_parameter(name));
        }
        Ok(Some(f))
    }
}

/// A semi-open timestamp interval `[start, end)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TsRange {
    /// Inclusive lower bound.
    pub start: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub end: Option<DateTime<Utc>>,
}

impl TsRange {
    /// Whether `t` lies in the interval.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

/// A local date or date-time as used by task dates (`yyyy-MM-dd['T'HH:mm:ss]`, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDt {
    /// The moment (midnight when only a date was given).
    pub dt: NaiveDateTime,
    /// Whether only a date was given.
    pub date_only: bool,
}

impl LocalDt {
    /// Parses `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss` (seconds optional).
    pub fn parse(s: &str) -> Option<LocalDt> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(LocalDt {
                dt: d.and_hms_opt(0, 0, 0)?,
                date_only: true,
            });
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(LocalDt {
                    dt,
                    date_only: false,
                });
            }
        }
        None
    }
}

/// Exact-or-range filter on task start/due dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DtFilter {
    /// Lower bound (inclusive).
    pub start: Option<LocalDt>,
    /// Exact match.
    pub equal: Option<LocalDt>,
    /// Upper bound.
    pub end: Option<LocalDt>,
}

impl DtFilter {
    /// Whether the task date `value` matches.
    ///
    /// [U] Wrike documents a semi-open interval but not how date-only bounds combine with
    /// date-times: a date-only bound compares on whole days (`end` inclusive of its day), a
    /// date-time bound compares exactly (`end` exclusive). A task without that date never matches.
    pub fn matches(&self, value: Option<NaiveDateTime>) -> bool {
        let Some(v) = value else {
            return false;
        };
        if let Some(eq) = self.equal {
            return if eq.date_only {
                v.date() == eq.dt.date()
            } else {
                v == eq.dt
            };
        }
        if let Some(s) = self.start {
            let ok = if s.date_only {
                v.date() >= s.dt.date()
            } else {
                v >= s.dt
            };
            if !ok {
                return false;
            }
        }
        if let Some(e) = self.end {
            let ok = if e.date_only {
                v.date() <= e.dt.date()
            } else {
                v < e.dt
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Parses a UTC timestamp. Wrike's format is `yyyy-MM-dd'T'HH:mm:ss'Z'`; the fake also accepts
/// RFC 3339 with fractions or offsets and a plain `yyyy-MM-dd` (midnight UTC) [U].
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ") {
        return Some(dt.and_utc());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc());
    }
    None
}

/// Formats a timestamp the way Wrike does: `yyyy-MM-ddTHH:mm:ssZ`.
pub fn fmt_ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Decodes a structured value: strict JSON first, then the tolerant forms
/// (unquoted words `[a,b]`, single quotes `{'a':'b'}`, unquoted keys).
pub fn parse_lenient(s: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(s) {
        return Some(v);
    }
    let mut p = Lenient {
        s: s.as_bytes(),
        i: 0,
    };
    let v = p.value(&[])?;
    p.ws();
    if p.i == p.s.len() {
        Some(v)
    } else {
        None
    }
}

struct Lenient<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lenient<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Parses a value; a bare word runs until one of `stops` (or the end).
    fn value(&mut self, stops: &[u8]) -> Option<Value> {
        self.ws();
        match self.peek()? {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(b",]")?);
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut map = Map::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Some(Value::Object(map));
                }
                loop {
                    self.ws();
                    let key = match self.peek()? {
                        b'"' | b'\'' => self.quoted()?,
                        _ => self.bare(b":")?,
                    };
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    let v = self.value(b",}")?;
                    map.insert(key, v);
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Value::Object(map));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' | b'\'' => self.quoted().map(Value::String),
            _ => {
                let word = self.bare(stops)?;
                Some(match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => match word.parse::<i64>() {
                        Ok(n) if !word.starts_with('0') || word == "0" => Value::from(n),
                        _ => Value::String(word),
                    },
                })
            }
        }
    }

    fn quoted(&mut self) -> Option<String> {
        let q = self.peek()?;
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == q {
                return String::from_utf8(out).ok();
            }
            if c == b'\\' {
                let e = self.peek()?;
                self.i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'u' => {
                        let hex = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
                        let cp = u32::from_str_radix(hex, 16).ok()?;
                        self.i += 4;
                        let ch = char::from_u32(cp)?;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    other => out.push(other),
                }
            } else {
                out.push(c);
            }
        }
        None
    }

    fn bare(&mut self, stops: &[u8]) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if stops.contains(&c) || (stops.is_empty() && c.is_ascii_whitespace()) {
                break;
            }
            if matches!(c, b'[' | b'{' | b'"') {
                return None;
            }
            self.i += 1;
        }
        let w = std::str::from_utf8(&self.s[start..self.i]).ok()?.trim();
        if w.is_empty() {
            None
        } else {
            Some(w.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_forms() {
        assert_eq!(parse_lenient(r#"["a","b"]"#), Some(json!(["a", "b"])));
        assert_eq!(
            parse_lenient("[metadata,jobRoleId]"),
            Some(json!(["metadata", "jobRoleId"]))
        );
        assert_eq!(
            parse_lenient("{'start':'2024-01-01T00:00:00Z'}"),
            Some(json!({"start":"2024-01-01T00:00:00Z"}))
        );
        assert_eq!(
            parse_lenient("{start:2024-01-01T00:00:00Z, end: '2024-01-02T00:00:00Z'}"),
            Some(json!({"start":"2024-01-01T00:00:00Z","end":"2024-01-02T00:00:00Z"}))
        );
        assert_eq!(parse_lenient("[1, 2]"), Some(json!([1, 2])));
        assert_eq!(parse_lenient("[]"), Some(json!([])));
        assert_eq!(parse_lenient("[a"), None);
        assert_eq!(parse_lenient("{'a'}"), None);
    }

    #[test]
    fn str_list_forms() {
        let mut p = Params::new();
        p.add_urlencoded("status=Active&fields=%5Ba%2Cb%5D&x=%5B%22q%22%5D");
        assert_eq!(p.str_list("status").unwrap(), Some(vec!["Active".into()]));
        assert_eq!(
            p.str_list("fields").unwrap(),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(p.str_list("x").unwrap(), Some(vec!["q".into()]));
    }

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2024-01-01T00:00:00Z").is_some());
        assert!(parse_timestamp("2024-01-01T00:00:00.123+02:00").is_some());
        assert!(parse_timestamp("2024-01-01").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
