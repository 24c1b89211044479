//! Reading fields of a validated input object, each failure an `invalid-input` naming the field.
//! The host validates inputs against the declared schemas; these checks keep the connector
//! honest when it is run by another host (or a test) that does not.

use connector_sdk::{Error, Result};
use serde_json::{Map, Value};

/// An input object.
pub type Input = Map<String, Value>;

/// Optional string field `name`; present but not a string is an error.
pub fn opt_str<'a>(input: &'a Input, name: &str) -> Result<Option<&'a str>> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid(name, "must be a string")),
    }
}

/// Required, non-empty string field `name`.
pub fn req_str<'a>(input: &'a Input, name: &str) -> Result<&'a str> {
    match opt_str(input, name)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(Error::invalid(name, "must not be empty")),
        None => Err(Error::invalid(name, "is required")),
    }
}

/// Optional integer field `name` within `min..=max`.
pub fn opt_u64(input: &Input, name: &str, min: u64, max: u64) -> Result<Option<u64>> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid(
                name,
                format!("must be an integer from {min} to {max}"),
            )),
        },
    }
}

/// Required integer field `name` of at least 1 (an issue number).
pub fn req_number(input: &Input, name: &str) -> Result<u64> {
    opt_u64(input, name, 1, u64::MAX)?.ok_or_else(|| Error::invalid(name, "is required"))
}

/// Optional boolean field `name`.
pub fn opt_bool(input: &Input, name: &str) -> Result<Option<bool>> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Error::invalid(name, "must be true or false")),
    }
}

/// Optional string field `name` that must be one of `allowed`.
pub fn opt_enum<'a>(input: &'a Input, name: &str, allowed: &[&str]) -> Result<Option<&'a str>> {
    match opt_str(input, name)? {
        Some(s) if !allowed.contains(&s) => Err(Error::invalid(
            name,
            format!("must be one of {}", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

/// Optional list-of-strings field `name`.
pub fn opt_str_list(input: &Input, name: &str) -> Result<Option<Vec<String>>> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Error::invalid(format!("{name}[{i}]"), "must be a string"))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(Error::invalid(name, "must be a list of strings")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> Input {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn errors_name_the_field() {
        let i = input(json!({"repo": 1, "n": 0, "labels": ["a", 2], "state": "x", "b": "no"}));
        assert_eq!(
            req_str(&i, "repo"),
            Err(Error::invalid("repo", "must be a string"))
        );
        assert_eq!(
            req_str(&i, "title"),
            Err(Error::invalid("title", "is required"))
        );
        assert!(
            matches!(req_number(&i, "n"), Err(Error::InvalidInput { ref field, .. }) if field == "n")
        );
        assert!(
            matches!(opt_str_list(&i, "labels"), Err(Error::InvalidInput { ref field, .. }) if field == "labels[1]")
        );
        assert!(
            matches!(opt_enum(&i, "state", &["open"]), Err(Error::InvalidInput { ref field, .. }) if field == "state")
        );
        assert!(
            matches!(opt_bool(&i, "b"), Err(Error::InvalidInput { ref field, .. }) if field == "b")
        );
        assert_eq!(opt_u64(&i, "missing", 1, 2), Ok(None));
    }
}
