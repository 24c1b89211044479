//! JSON Schema validation: an action's or trigger's input before the guest runs, and what the
//! guest returns against its own declared output schema.
//!
//! Every schema comes from the component and is untrusted: it is checked against
//! [`SchemaBounds`] before it is compiled, and patterns are compiled with a linear-time regex
//! engine, so neither compiling nor validating can be made to run without bound.

use crate::error::{HostError, HostResult};
use crate::schema_bounds::SchemaBounds;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{PatternOptions, ValidationError, Validator};
use serde_json::Value;

/// Largest compiled regex of one `pattern`, in bytes (the `regex` crate's size limit).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A compiled schema declared by the component.
pub struct InputSchema {
    validator: Validator,
}

impl InputSchema {
    /// Compiles `schema` (the component's input schema for `owner`, an action or trigger name).
    pub fn compile(owner: &str, schema: &Value) -> HostResult<Self> {
        Self::compile_as(owner, "input", schema)
    }

    /// Compiles the component's `which` schema (`input`, `output`, `event`, `params`) for
    /// `owner` after checking it against the default [`SchemaBounds`]; a schema that breaks a
    /// bound is a `schema_limit` sandbox violation.
    pub fn compile_as(owner: &str, which: &str, schema: &Value) -> HostResult<Self> {
        SchemaBounds::default().check(owner, which, schema)?;
        let validator = jsonschema::options()
            .with_pattern_options(
                PatternOptions::regex()
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT),
            )
            .build(schema)
            .map_err(|e| {
                HostError::internal(format!(
                    "the component's {which} schema for `{owner}` is not a valid JSON Schema: {e}"
                ))
            })?;
        Ok(InputSchema { validator })
    }

    /// Checks what the guest returned for `owner` against this (output) schema. A mismatch is
    /// an `internal` error naming the action and the field, so a buggy connector cannot feed
    /// malformed records into an automation.
    pub fn validate_output(&self, owner: &str, output: &Value) -> HostResult<()> {
        let Some(error) = self.validator.iter_errors(output).next() else {
            return Ok(());
        };
        let path = dotted_path(&error);
        let shown = if path.is_empty() {
            "the output".to_string()
        } else {
            format!("output field `{path}`")
        };
        let mut e = HostError::internal(format!(
            "`{owner}` returned output that does not match its declared schema: {shown}: {error}"
        ))
        .with_hint("this is a fault in the connector component: report it to its author");
        e.field = Some(path);
        Err(e)
    }

    /// Checks `input`; the error names the offending field as a dotted path (`dates.type`,
    /// `responsibles.0`) and says what was wrong.
    pub fn validate(&self, input: &Value) -> HostResult<()> {
        let Some(error) = self.validator.iter_errors(input).next() else {
            return Ok(());
        };
        let mut path: Vec<String> = segments(&error);
        let message = match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| property.to_string());
                path.push(name.clone());
                format!("`{}` is required", path.join("."))
            }
            ValidationErrorKind::FalseSchema if extra_key(input, &path, &error).is_some() => {
                if let Some(key) = extra_key(input, &path, &error) {
                    path.push(key);
                }
                format!(
                    "unknown field `{}`: no such field is allowed here",
                    path.join(".")
                )
            }
            ValidationErrorKind::FalseSchema if !path.is_empty() => format!(
                "`{}` is not allowed together with the other fields given",
                path.join(".")
            ),
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                if let Some(first) = unexpected.first() {
                    path.push(first.clone());
                }
                format!("unknown field `{}`: {}", path.join("."), error)
            }
            _ => {
                let shown = if path.is_empty() {
                    "input".to_string()
                } else {
                    format!("`{}`", path.join("."))
                };
                format!("{shown} is invalid: {error}")
            }
        };
        Err(HostError::invalid_input(path.join("."), message))
    }
}

/// `additionalProperties: false` on an object without `properties` reports its error at the
/// object, with the first property's value as the instance: the key of that property, so the
/// message can name it.
fn extra_key(input: &Value, path: &[String], error: &ValidationError<'_>) -> Option<String> {
    let mut here = input;
    for segment in path {
        here = match here {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let Value::Object(map) = here else {
        return None;
    };
    let (key, value) = map.iter().next()?;
    (here != &**error.instance() && value == &**error.instance()).then(|| key.clone())
}

fn segments(error: &ValidationError<'_>) -> Vec<String> {
    error
        .instance_path()
        .into_iter()
        .map(|segment| match segment {
            LocationSegment::Property(p) => p.to_string(),
            LocationSegment::Index(i) => i.to_string(),
        })
        .collect()
}

fn dotted_path(error: &ValidationError<'_>) -> String {
    segments(error).join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> InputSchema {
        InputSchema::compile(
            "t",
            &json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "minLength": 1},
                    "dates": {"type": "object", "properties": {"type": {"enum": ["Backlog", "Planned"]}}},
                    "ids": {"type": "array", "items": {"type": "string"}}
                }
            }),
        )
        .unwrap()
    }

    #[test]
    fn an_object_that_allows_no_properties_names_the_one_given() {
        let s = InputSchema::compile(
            "settings",
            &json!({"type": "object", "additionalProperties": false}),
        )
        .unwrap();
        s.validate(&json!({})).unwrap();
        let e = s.validate(&json!({"region": "eu"})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("region"));
        assert!(
            e.message.contains("unknown field `region`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn names_the_missing_field() {
        let e = schema().validate(&json!({})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("title"));
        assert!(e.message.contains("required"));
    }

    #[test]
    fn names_nested_and_unknown_fields() {
        let e = schema()
            .validate(&json!({"title": "x", "dates": {"type": "Soon"}}))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("dates.type"));
        let e = schema()
            .validate(&json!({"title": "x", "colour": 1}))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        let e = schema()
            .validate(&json!({"title": "x", "ids": ["a", 2]}))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ids.1"));
    }

    #[test]
    fn a_field_a_combination_forbids_is_named_plainly() {
        let s = InputSchema::compile(
            "t",
            &json!({"type": "object",
                "dependentSchemas": {"parentId": {"properties": {"superTaskId": false}}}}),
        )
        .unwrap();
        let e = s
            .validate(&json!({"parentId": "A", "superTaskId": "B"}))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("superTaskId"));
        assert!(e.message.contains("not allowed together"), "{}", e.message);
    }

    #[test]
    fn accepts_valid_input() {
        schema()
            .validate(&json!({"title": "x", "dates": {"type": "Planned"}}))
            .unwrap();
    }
}
