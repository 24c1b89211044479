//! Typed inputs read with serde: [`parse`] reads a validated input object into a type deriving
//! `serde::Deserialize` (and `schemars::JsonSchema`, whose schema the connector's build script
//! generates and embeds, see [`crate::schema`]); a failure is an `invalid-input` error naming
//! the offending member (`labels[1]`, `title`).
//!
//! Conventions for an input type: `#[serde(deny_unknown_fields)]` (the schema then says
//! `additionalProperties: false`), an optional member is an `Option` (absent or `null`), a
//! default is `#[schemars(extend("default" = …))]` and applied by the code, and constraints the
//! type cannot say (`minLength`, `minimum`, …) are `#[schemars(...)]` attributes the code
//! checks too when it relies on them (the host validates inputs, another host may not).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{Error, Result};

/// Reads `input` into `T`; on failure an `invalid-input` error whose `field` is the path of the
/// offending value (`labels[1]`), or the missing or unknown member's name.
pub fn parse<T: DeserializeOwned>(input: &Map<String, Value>) -> Result<T> {
    let value = Value::Object(input.clone());
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        invalid(if path == "." { String::new() } else { path }, e.inner())
    })
}

/// The `invalid-input` error of serde error `e` at `path` (empty: the object itself).
fn invalid(path: String, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let join = |name: String| {
        if path.is_empty() {
            name
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = named("missing field `") {
        Error::invalid(join(name), "is required")
    } else if let Some(name) = named("unknown field `") {
        // The path already ends with the unknown member.
        let field = if path == name || path.ends_with(&format!(".{name}")) {
            path
        } else {
            join(name)
        };
        Error::invalid(field, "is not allowed")
    } else {
        Error::invalid(path, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        labels: Option<Vec<String>>,
        n: Option<u32>,
    }

    fn parse_t(v: Value) -> Result<T> {
        parse(v.as_object().unwrap())
    }

    #[test]
    fn errors_name_the_member() {
        assert_eq!(
            parse_t(json!({})).unwrap_err(),
            Error::invalid("title", "is required")
        );
        assert_eq!(
            parse_t(json!({"title": "t", "x": 1})).unwrap_err(),
            Error::invalid("x", "is not allowed")
        );
        let e = parse_t(json!({"title": "t", "labels": ["a", 2]})).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "labels[1]"),
            "{e:?}"
        );
        let e = parse_t(json!({"title": 1})).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "title"),
            "{e:?}"
        );
        let e = parse_t(json!({"title": "t", "n": -1})).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "n"),
            "{e:?}"
        );
        let t = parse_t(json!({"title": "t", "labels": null})).unwrap();
        assert!(t.labels.is_none());
    }
}
