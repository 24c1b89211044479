//! JSON Schema support: shared schema fragments (as `concat!`-able string macros, so every
//! schema is a compile-time `&'static str`) and a small validator for the subset of draft 2020-12
//! the connector's own schemas use. The host validates inputs too; the guest validates again so it
//! never sends a malformed request and can name the offending field.
//!
//! Supported keywords: `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`,
//! `propertyNames` (`minLength` and `maxLength` only, and only where the schema declares them:
//! a key is refused exactly when the host's validator refuses it), `minProperties`, `maxProperties`, `items`, `minItems`,
//! `maxItems`, `uniqueItems`, `minLength`, `maxLength`, `minimum`, `maximum`, `exclusiveMinimum`,
//! `exclusiveMaximum`, `format` (`date-time`, `date`), `allOf`, `anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else` and `dependentSchemas` (the last two name the field a cross-field rule is
//! about, in the host's error too: `"dependentSchemas":{"parentId":{"properties":{"superTaskId":false}}}`
//! refuses `superTaskId` next to `parentId` at `superTaskId`).
//! `pattern` is left to the host's validator (and to Wrike): the guest has no regex engine.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::time::{parse_date, Timestamp};

/// The `$schema` URI every schema declares.
#[macro_export]
#[doc(hidden)]
macro_rules! s_draft {
    () => {
        r#""$schema":"https://json-schema.org/draft/2020-12/schema""#
    };
}

/// A Wrike ID (opaque, ≤ 256 chars of `[A-Za-z0-9-_:.=]`, API.md §10). `.` and `..` are
/// refused: an ID becomes a path segment, and those would address another resource.
#[macro_export]
#[doc(hidden)]
macro_rules! s_id {
    () => {
        r#"{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","not":{"enum":[".",".."]}}"#
    };
}

/// A list of Wrike IDs.
#[macro_export]
#[doc(hidden)]
macro_rules! s_ids {
    () => {
        concat!(r#"{"type":"array","items":"#, $crate::s_id!(), "}")
    };
}

/// A UTC timestamp.
#[macro_export]
#[doc(hidden)]
macro_rules! s_ts {
    () => {
        r#"{"type":"string","format":"date-time"}"#
    };
}

/// A plain date `yyyy-MM-dd`.
#[macro_export]
#[doc(hidden)]
macro_rules! s_date {
    () => {
        r#"{"type":"string","format":"date"}"#
    };
}

/// A zone-less local date with optional time, `yyyy-MM-dd['T'HH:mm:ss]` (task dates).
#[macro_export]
#[doc(hidden)]
macro_rules! s_local {
    () => {
        r#"{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2})?$"}"#
    };
}

/// A timestamp range filter `{start?, end?}`.
#[macro_export]
#[doc(hidden)]
macro_rules! s_ts_range {
    () => {
        concat!(
            r#"{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"start":"#,
            $crate::s_ts!(),
            r#","end":"#,
            $crate::s_ts!(),
            "}}"
        )
    };
}

/// A date-or-date-time filter `{start?, equal?, end?}` (task `startDate`, `dueDate`).
#[macro_export]
#[doc(hidden)]
macro_rules! s_local_range {
    () => {
        concat!(
            r#"{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"start":"#,
            $crate::s_local!(),
            r#","equal":"#,
            $crate::s_local!(),
            r#","end":"#,
            $crate::s_local!(),
            "}}"
        )
    };
}

/// A date filter `{start?, equal?, end?}` of plain dates.
#[macro_export]
#[doc(hidden)]
macro_rules! s_date_range {
    () => {
        concat!(
            r#"{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"start":"#,
            $crate::s_date!(),
            r#","equal":"#,
            $crate::s_date!(),
            r#","end":"#,
            $crate::s_date!(),
            "}}"
        )
    };
}

/// Metadata entries `[{key, value}]` (value `null` removes on update).
#[macro_export]
#[doc(hidden)]
macro_rules! s_metadata {
    () => {
        r#"{"type":"array","items":{"type":"object","additionalProperties":false,"required":["key","value"],"properties":{"key":{"type":"string","minLength":1,"maxLength":49,"pattern":"^[A-Za-z0-9_-]+$"},"value":{"type":["string","null"],"maxLength":999}}}}"#
    };
}

/// Metadata filter `{key, value?}`.
#[macro_export]
#[doc(hidden)]
macro_rules! s_metadata_filter {
    () => {
        r#"{"type":"object","additionalProperties":false,"required":["key"],"properties":{"key":{"type":"string","minLength":1,"maxLength":49,"pattern":"^[A-Za-z0-9_-]+$"},"value":{"type":"string","maxLength":999}}}"#
    };
}

/// Custom field values: Wrike's `[{id, value}]` list, or a `{fieldId: value}` map (Workato's
/// convenience); `null` removes a value on update.
#[macro_export]
#[doc(hidden)]
macro_rules! s_custom_fields {
    () => {
        concat!(
            r#"{"anyOf":[{"type":"array","items":{"type":"object","additionalProperties":false,"required":["id","value"],"properties":{"id":"#,
            $crate::s_id!(),
            r#","value":{"type":["string","null"],"maxLength":2000}}}},{"type":"object","propertyNames":{"minLength":1,"maxLength":256},"additionalProperties":{"type":["string","null"],"maxLength":2000}}]}"#
        )
    };
}

/// Custom field filter of task and folder searches.
#[macro_export]
#[doc(hidden)]
macro_rules! s_custom_field_filter {
    () => {
        concat!(
            r#"{"type":"object","additionalProperties":false,"required":["id"],"properties":{"id":"#,
            $crate::s_id!(),
            r#","comparator":{"enum":["EqualTo","IsEmpty","IsNotEmpty","LessThan","LessOrEqualTo","GreaterThan","GreaterOrEqualTo","InRange","NotInRange","Contains","StartsWith","EndsWith","ContainsAll","ContainsAny"]},"value":{"type":"string"},"minValue":{"type":"string"},"maxValue":{"type":"string"},"values":{"type":"array","items":{"type":"string"}}}}"#
        )
    };
}

/// An output schema: `$schema` plus the given object members (the text between the braces).
#[macro_export]
#[doc(hidden)]
macro_rules! s_output {
    ($($body:tt)*) => {
        concat!("{", $crate::s_draft!(), ",", $($body)*, "}")
    };
}

/// A list output `{items, nextPageToken?, responseSize?}` of the given item schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_list {
    ($($item:tt)*) => {
        concat!(
            "{", $crate::s_draft!(),
            r#","type":"object","required":["items"],"properties":{"items":{"type":"array","items":"#,
            $($item)*,
            r#"},"nextPageToken":{"type":"string"},"responseSize":{"type":"integer","minimum":0}}}"#
        )
    };
}

/// An input schema: an object with `additionalProperties: false` and the given required list and
/// properties (the JSON text between the braces of `properties`).
#[macro_export]
#[doc(hidden)]
macro_rules! s_input {
    ([$($req:tt)*], $($props:tt)*) => {
        concat!(
            "{", $crate::s_draft!(),
            r#","type":"object","additionalProperties":false,"required":["#, $($req)*,
            r#"],"properties":{"#, $($props)*, "}}"
        )
    };
}

/// Validate `value` against `schema`; on failure, an `invalid-input` error naming the field.
pub fn validate(schema: &Value, value: &Value) -> Result<()> {
    check(schema, value, "").map_err(|(field, message)| Error::InvalidInput { field, message })
}

type Failure = (String, String);

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_is(name: &str, v: &Value) -> bool {
    match name {
        "integer" => match v {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "number" => v.is_number(),
        other => kind(v) == other || (other == "integer" && kind(v) == "integer"),
    }
}

fn type_matches(t: &Value, v: &Value) -> bool {
    match t {
        Value::String(name) => type_is(name, v),
        Value::Array(names) => names
            .iter()
            .any(|n| n.as_str().is_some_and(|n| type_is(n, v))),
        _ => true,
    }
}

fn type_text(t: &Value) -> String {
    match t {
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".into(),
    }
}

fn fail(path: &str, message: impl Into<String>) -> core::result::Result<(), Failure> {
    Err((path.to_string(), message.into()))
}

fn check(schema: &Value, v: &Value, path: &str) -> core::result::Result<(), Failure> {
    let s = match schema {
        Value::Object(m) => m,
        Value::Bool(false) => return fail(path, "is not allowed"),
        _ => return Ok(()),
    };
    if let Some(t) = s.get("type") {
        if !type_matches(t, v) {
            return fail(path, format!("expected {}, got {}", type_text(t), kind(v)));
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(v) {
            let list: Vec<String> = options.iter().map(|o| o.to_string()).collect();
            return fail(path, format!("must be one of {}", list.join(", ")));
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return fail(path, format!("must be {c}"));
        }
    }
    match v {
        Value::String(st) => check_string(s, st, path)?,
        Value::Number(_) => check_number(s, v, path)?,
        Value::Array(items) => check_array(s, items, path)?,
        Value::Object(obj) => check_object(s, obj, path)?,
        _ => {}
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        for sub in all {
            check(sub, v, path)?;
        }
    }
    if let Some(Value::Array(any)) = s.get("anyOf") {
        check_any(any, v, path, false)?;
    }
    if let Some(Value::Array(one)) = s.get("oneOf") {
        check_any(one, v, path, true)?;
    }
    if let Some(not) = s.get("not") {
        if check(not, v, path).is_ok() {
            if let Some(Value::Array(req)) = not.get("required") {
                let names: Vec<&str> = req.iter().filter_map(Value::as_str).collect();
                let field = names.last().map(|n| child(path, n)).unwrap_or_default();
                let others = &names[..names.len().saturating_sub(1)];
                return fail(
                    &field,
                    format!("cannot be combined with {}", others.join(" and ")),
                );
            }
            if let Some(Value::Array(refused)) = not.get("enum") {
                let list: Vec<String> = refused.iter().map(|o| o.to_string()).collect();
                return fail(path, format!("must not be {}", list.join(" or ")));
            }
            return fail(path, "matches a form that is not allowed");
        }
    }
    if let Some(cond) = s.get("if") {
        let branch = if check(cond, v, path).is_ok() {
            s.get("then")
        } else {
            s.get("else")
        };
        if let Some(branch) = branch {
            // A branch's `description` says why it applies: it becomes the message.
            let why = branch.get("description").and_then(Value::as_str);
            check(branch, v, path).map_err(|(field, message)| match why {
                Some(why) => (field, why.to_string()),
                None => (field, message),
            })?;
        }
    }
    if let (Some(Value::Object(deps)), Value::Object(obj)) = (s.get("dependentSchemas"), v) {
        for (key, sub) in deps {
            if obj.contains_key(key) {
                check_dependent(key, sub, v, path)?;
            }
        }
    }
    Ok(())
}

/// A `dependentSchemas` member: `sub` applies to the whole object because `key` is present.
/// The failure names the field it is about and says which field made the rule apply
/// (`superTaskId`: "cannot be combined with parentId").
fn check_dependent(
    key: &str,
    sub: &Value,
    v: &Value,
    path: &str,
) -> core::result::Result<(), Failure> {
    check(sub, v, path).map_err(|(field, message)| {
        let message = if message == "is not allowed" {
            format!("cannot be combined with {key}")
        } else {
            format!("{message} when {key} is given")
        };
        (field, message)
    })
}

fn check_any(
    options: &[Value],
    v: &Value,
    path: &str,
    exactly_one: bool,
) -> core::result::Result<(), Failure> {
    let mut errors = Vec::new();
    let mut ok = 0;
    for sub in options {
        match check(sub, v, path) {
            Ok(()) => ok += 1,
            Err(e) => errors.push((sub, e)),
        }
    }
    if ok == 0 {
        // Alternatives that only require one field each: "one of a, b is required".
        let names: Vec<&str> = options
            .iter()
            .filter_map(|o| match o.as_object() {
                Some(m) if m.len() == 1 => match m.get("required").and_then(Value::as_array) {
                    Some(r) if r.len() == 1 => r[0].as_str(),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if names.len() == options.len() && v.is_object() {
            let list = names.join(", ");
            return fail(&child(path, names[0]), format!("one of {list} is required"));
        }
        // Report the error of the one alternative whose type fits, when there is exactly one.
        let fitting: Vec<&Failure> = errors
            .iter()
            .filter(|(sub, _)| sub.get("type").is_none_or(|t| type_matches(t, v)))
            .map(|(_, e)| e)
            .collect();
        if fitting.len() == 1 {
            return Err(fitting[0].clone());
        }
        return fail(path, "does not match any of the allowed forms");
    }
    if exactly_one && ok > 1 {
        let names: Vec<&str> = options
            .iter()
            .filter_map(|o| o.get("required").and_then(Value::as_array))
            .filter_map(|r| r.first().and_then(Value::as_str))
            .filter(|n| v.get(*n).is_some())
            .collect();
        if names.len() > 1 {
            return fail(
                &child(path, names[names.len() - 1]),
                format!("only one of {} may be given", names.join(", ")),
            );
        }
        return fail(path, "matches more than one of the allowed forms");
    }
    Ok(())
}

fn check_string(s: &Map<String, Value>, st: &str, path: &str) -> core::result::Result<(), Failure> {
    let len = st.chars().count() as u64;
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        if len < min {
            return fail(
                path,
                if min == 1 {
                    "must not be empty".to_string()
                } else {
                    format!("must be at least {min} characters long")
                },
            );
        }
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            return fail(path, format!("must be at most {max} characters long"));
        }
    }
    match s.get("format").and_then(Value::as_str) {
        Some("date-time") if Timestamp::parse(st).is_none() => fail(
            path,
            "must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
        ),
        Some("date") if parse_date(st).is_none() => {
            fail(path, "must be a date in the form yyyy-MM-dd")
        }
        _ => Ok(()),
    }
}

/// A numeric bound: keyword, whether a value satisfies it, message prefix.
type BoundRule = (&'static str, fn(f64, f64) -> bool, &'static str);

fn check_number(
    s: &Map<String, Value>,
    v: &Value,
    path: &str,
) -> core::result::Result<(), Failure> {
    let x = v.as_f64().unwrap_or(0.0);
    // Bounds are quoted from the schema's own JSON text (keeps float formatting out of the guest).
    let rules: [BoundRule; 4] = [
        ("minimum", |x, b| x >= b, "must be at least"),
        ("maximum", |x, b| x <= b, "must be at most"),
        ("exclusiveMinimum", |x, b| x > b, "must be greater than"),
        ("exclusiveMaximum", |x, b| x < b, "must be less than"),
    ];
    for (key, holds, text) in rules {
        if let Some(bound) = s.get(key) {
            if let Some(b) = bound.as_f64() {
                if !holds(x, b) {
                    return fail(path, format!("{text} {bound}"));
                }
            }
        }
    }
    Ok(())
}

fn check_array(
    s: &Map<String, Value>,
    items: &[Value],
    path: &str,
) -> core::result::Result<(), Failure> {
    let n = items.len() as u64;
    if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
        if n < min {
            return fail(path, format!("must have at least {min} item(s)"));
        }
    }
    if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
        if n > max {
            return fail(path, format!("must have at most {max} items"));
        }
    }
    if s.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        for (i, a) in items.iter().enumerate() {
            if items[..i].contains(a) {
                return fail(&format!("{path}[{i}]"), "duplicates an earlier item");
            }
        }
    }
    if let Some(item_schema) = s.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn check_object(
    s: &Map<String, Value>,
    obj: &Map<String, Value>,
    path: &str,
) -> core::result::Result<(), Failure> {
    let empty = Map::new();
    let props = s
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if let Some(Value::Array(req)) = s.get("required") {
        for name in req.iter().filter_map(Value::as_str) {
            if !obj.contains_key(name) {
                return fail(&child(path, name), "is required");
            }
        }
    }
    let n = obj.len() as u64;
    if let Some(min) = s.get("minProperties").and_then(Value::as_u64) {
        if n < min {
            return fail(path, format!("must have at least {min} field(s)"));
        }
    }
    if let Some(max) = s.get("maxProperties").and_then(Value::as_u64) {
        if n > max {
            return fail(path, format!("must have at most {max} fields"));
        }
    }
    let names = s.get("propertyNames");
    let name_min = names
        .and_then(|p| p.get("minLength"))
        .and_then(Value::as_u64);
    let name_max = names
        .and_then(|p| p.get("maxLength"))
        .and_then(Value::as_u64);
    for (key, value) in obj {
        let p = child(path, key);
        let len = key.chars().count() as u64;
        // Only the declared bounds: an empty key inside an object nested in an open map (a
        // `custom_http` query value, say) is JSON-encoded as it is, and the host accepts it.
        if name_max.is_some_and(|m| len > m) || name_min.is_some_and(|m| len < m) {
            return fail(&p, "is not an acceptable key");
        }
        if let Some(sub) = props.get(key) {
            check(sub, value, &p)?;
        } else {
            match s.get("additionalProperties") {
                Some(Value::Bool(false)) => return fail(&p, "is not a known field"),
                Some(sub @ Value::Object(_)) => check(sub, value, &p)?,
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(schema: &str, v: Value) -> (String, String) {
        let s: Value = serde_json::from_str(schema).expect("schema parses");
        match validate(&s, &v) {
            Err(Error::InvalidInput { field, message }) => (field, message),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    const S: &str = crate::s_input!(
        [r#""title","folderId""#],
        r#""title":{"type":"string","minLength":1},"folderId":"#,
        crate::s_id!(),
        r#","importance":{"enum":["High","Normal","Low"]},"dates":{"type":"object","additionalProperties":false,"required":["type"],"properties":{"type":{"enum":["Backlog","Milestone","Planned"]},"duration":{"type":"integer","minimum":0}}},"customFields":"#,
        crate::s_custom_fields!(),
        r#","since":"#,
        crate::s_ts!(),
        r#","ids":"#,
        crate::s_ids!()
    );

    #[test]
    fn accepts_valid_input() {
        let s: Value = serde_json::from_str(S).unwrap();
        let v = json!({"title":"x","folderId":"IEAAAAAQI4AB5BGU","importance":"High",
            "dates":{"type":"Planned","duration":60},"customFields":{"IEAAAAAQJUAAAAAX":"v"},
            "since":"2024-01-01T00:00:00.5Z","ids":["a","b"]});
        validate(&s, &v).unwrap();
        let v = json!({"title":"x","folderId":"F","customFields":[{"id":"C","value":null}]});
        validate(&s, &v).unwrap();
    }

    #[test]
    fn names_the_offending_field() {
        assert_eq!(err(S, json!({"folderId":"F"})).0, "title");
        assert_eq!(err(S, json!({"title":"","folderId":"F"})).0, "title");
        assert_eq!(
            err(S, json!({"title":5,"folderId":"F"})),
            ("title".into(), "expected string, got integer".into())
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","bogus":1})).0,
            "bogus"
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","importance":"Urgent"})).0,
            "importance"
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","dates":{}})).0,
            "dates.type"
        );
        assert_eq!(
            err(
                S,
                json!({"title":"t","folderId":"F","dates":{"type":"Planned","duration":1.5}})
            )
            .0,
            "dates.duration"
        );
        assert_eq!(
            err(
                S,
                json!({"title":"t","folderId":"F","dates":{"type":"Planned","duration":-1}})
            )
            .0,
            "dates.duration"
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","since":"yesterday"})).0,
            "since"
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","ids":["a",3]})).0,
            "ids[1]"
        );
        assert_eq!(
            err(
                S,
                json!({"title":"t","folderId":"F","customFields":[{"id":"C"}]})
            )
            .0,
            "customFields[0].value"
        );
        assert_eq!(
            err(S, json!({"title":"t","folderId":"F","customFields":"x"})).0,
            "customFields"
        );
        assert_eq!(err(S, json!([1])).0, "");
    }

    #[test]
    fn one_of_required_fields() {
        let s = r#"{"type":"object","oneOf":[{"required":["taskId"]},{"required":["folderId"]}]}"#;
        assert_eq!(
            err(s, json!({})),
            (
                "taskId".into(),
                "one of taskId, folderId is required".into()
            )
        );
        assert_eq!(err(s, json!({"taskId":"a","folderId":"b"})).0, "folderId");
        let v: Value = serde_json::from_str(s).unwrap();
        validate(&v, &json!({"folderId":"b"})).unwrap();
    }

    #[test]
    fn map_keys_are_refused_only_by_declared_bounds() {
        // Regression (issue #14, seed 016625ed…): an empty key inside an object that is a
        // `custom_http` query value passed the host and was refused by the guest.
        let s = json!({"type":"object","properties":{"query":{"type":"object",
            "propertyNames":{"minLength":1,"maxLength":3},
            "additionalProperties":{"type":["string","object"]}}}});
        validate(&s, &json!({"query":{"k":{"":"nested keys are free"}}})).unwrap();
        validate(&s, &json!({"query":{"\u{202e}p":"x"}})).unwrap();
        for bad in [json!({"query":{"":"x"}}), json!({"query":{"long":"x"}})] {
            let Err(Error::InvalidInput { message, .. }) = validate(&s, &bad) else {
                panic!("{bad} should be refused");
            };
            assert_eq!(message, "is not an acceptable key");
        }
    }

    #[test]
    fn dot_segments_are_not_ids() {
        // Regression (property tests): `taskId: ".."` built `/tasks/..`, i.e. another resource.
        let s: Value = serde_json::from_str(S).unwrap();
        for bad in [".", ".."] {
            assert_eq!(
                err(S, json!({"title":"t","folderId":bad})),
                ("folderId".into(), r#"must not be "." or "..""#.into())
            );
            assert_eq!(
                err(S, json!({"title":"t","folderId":"F","ids":["a",bad]})).0,
                "ids[1]"
            );
        }
        for good in ["...", "a.b", ".a", "IEAAAAAQKQAB5BG5"] {
            validate(&s, &json!({"title":"t","folderId":good})).unwrap();
        }
    }

    #[test]
    fn not_required_names_the_conflict() {
        let s = r#"{"type":"object","not":{"required":["folderId","spaceId"]}}"#;
        let (field, msg) = err(s, json!({"folderId":"a","spaceId":"b"}));
        assert_eq!(field, "spaceId");
        assert_eq!(msg, "cannot be combined with folderId");
    }

    #[test]
    fn dependent_schemas_name_the_field_they_are_about() {
        let s = r#"{"type":"object","dependentSchemas":{"parentId":{"properties":{"superTaskId":false}},"folderId":{"properties":{"deleted":{"const":false}}},"rescheduleMode":{"required":["rescheduleDate"]}}}"#;
        assert_eq!(
            err(s, json!({"parentId":"a","superTaskId":"b"})),
            (
                "superTaskId".into(),
                "cannot be combined with parentId".into()
            )
        );
        assert_eq!(
            err(s, json!({"folderId":"a","deleted":true})),
            (
                "deleted".into(),
                "must be false when folderId is given".into()
            )
        );
        assert_eq!(
            err(s, json!({"rescheduleMode":"Start"})),
            (
                "rescheduleDate".into(),
                "is required when rescheduleMode is given".into()
            )
        );
        let v: Value = serde_json::from_str(s).unwrap();
        for ok in [
            json!({"parentId":"a"}),
            json!({"superTaskId":"b"}),
            json!({"folderId":"a","deleted":false}),
            json!({"deleted":true}),
            json!({"rescheduleMode":"End","rescheduleDate":"2024-01-01"}),
        ] {
            validate(&v, &ok).unwrap();
        }
    }

    #[test]
    fn if_then_else() {
        let s = r#"{"type":"object","if":{"properties":{"kind":{"const":"folder"}},"required":["kind"]},"then":{"description":"is only for tasks","properties":{"superTaskId":false}},"else":{"required":["x"]}}"#;
        assert_eq!(
            err(s, json!({"kind":"folder","superTaskId":"T"})),
            ("superTaskId".into(), "is only for tasks".into())
        );
        assert_eq!(err(s, json!({"kind":"task"})).0, "x");
        let v: Value = serde_json::from_str(s).unwrap();
        validate(&v, &json!({"kind":"folder"})).unwrap();
        validate(&v, &json!({"kind":"task","superTaskId":"T","x":1})).unwrap();
    }
}
