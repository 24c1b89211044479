//! JSON Schema validation of action and trigger inputs, before the guest runs.

use crate::error::{HostError, HostResult};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::Validator;
use serde_json::Value;

/// A compiled input schema.
pub struct InputSchema {
    validator: Validator,
}

impl InputSchema {
    /// Compiles `schema` (as declared by the component for `owner`, an action or trigger name).
    pub fn compile(owner: &str, schema: &Value) -> HostResult<Self> {
        let validator = jsonschema::validator_for(schema).map_err(|e| {
            HostError::internal(format!(
                "the component's input schema for `{owner}` is not a valid JSON Schema: {e}"
            ))
        })?;
        Ok(InputSchema { validator })
    }

    /// Checks `input`; the error names the offending field as a dotted path (`dates.type`,
    /// `responsibles.0`) and says what was wrong.
    pub fn validate(&self, input: &Value) -> HostResult<()> {
        let Some(error) = self.validator.iter_errors(input).next() else {
            return Ok(());
        };
        let mut path: Vec<String> = error
            .instance_path
            .into_iter()
            .map(|segment| match segment {
                LocationSegment::Property(p) => p.to_string(),
                LocationSegment::Index(i) => i.to_string(),
            })
            .collect();
        let message = match &error.kind {
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| property.to_string());
                path.push(name.clone());
                format!("`{}` is required", path.join("."))
            }
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
    fn accepts_valid_input() {
        schema()
            .validate(&json!({"title": "x", "dates": {"type": "Planned"}}))
            .unwrap();
    }
}
