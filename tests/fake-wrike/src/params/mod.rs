//! Request parameters (`API.md` §4).
//!
//! Wrike takes parameters from the query string (for every verb), from
//! `application/x-www-form-urlencoded` bodies and from JSON bodies. Array and object values are
//! JSON-encoded strings; the fake also accepts the unquoted list form `[a,b]` and single-quoted
//! pseudo-JSON `{'start':'…'}` seen in the wild (§4 marks those [3P]; we are tolerant).
//!
//! [`Params`] holds and reads them; the date and timestamp filters are in `dates`, the tolerant
//! decoder in `lenient`.

mod dates;
mod lenient;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

pub use dates::{fmt_ts, parse_timestamp, DtFilter, LocalDt, TsRange};
pub use lenient::parse_lenient;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
