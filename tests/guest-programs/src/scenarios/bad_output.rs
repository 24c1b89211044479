//! Returns output that breaks the action's own declared output schema (`id` must be a string):
//! the host must refuse it rather than hand it to an automation.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};

/// The output schema `bad_output` declares.
pub const OUTPUT_SCHEMA: &str = r#"{"type":"object","required":["id","title"],"properties":{"id":{"type":"string"},"title":{"type":"string"}}}"#;

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    if input["conform"].as_bool() == Some(true) {
        return Ok(json!({"id": "IEAAAAAQKQAB5BG5", "title": "fine"}));
    }
    Ok(json!({"id": 42, "title": "not what was declared"}))
}
