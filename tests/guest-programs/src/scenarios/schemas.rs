//! Input schemas built to break a validator that trusts them: a `$ref` cycle (`a` → `b` → `a`)
//! that overflows a recursive resolver's stack, and `$ref`s that fan out (each definition
//! referring twice to the next, 40 levels) so that expanding them grows as 2^40. Their actions
//! run nothing: the host must refuse the schema before any input is checked against it.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};

/// Input schema of `schema_cycle`.
pub fn cycle() -> String {
    json!({
        "type": "object",
        "properties": {"x": {"$ref": "#/$defs/a"}},
        "$defs": {
            "a": {"type": "object", "properties": {"next": {"$ref": "#/$defs/b"}}, "allOf": [{"$ref": "#/$defs/b"}]},
            "b": {"type": "object", "properties": {"next": {"$ref": "#/$defs/a"}}, "allOf": [{"$ref": "#/$defs/a"}]}
        }
    })
    .to_string()
}

/// Input schema of `schema_fanout`.
pub fn fan_out() -> String {
    let mut defs = serde_json::Map::new();
    for i in 0..40 {
        let next = format!("#/$defs/d{}", i + 1);
        defs.insert(
            format!("d{i}"),
            json!({"anyOf": [{"$ref": next}, {"type": "array", "items": {"$ref": next}}]}),
        );
    }
    defs.insert("d40".into(), json!({"type": "string"}));
    json!({"type": "object", "properties": {"x": {"$ref": "#/$defs/d0"}}, "$defs": defs})
        .to_string()
}

pub fn run() -> Result<Value, wit::Error> {
    Ok(json!({"ran": true}))
}
