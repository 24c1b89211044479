//! What schemars generates, made into what a connector publishes (see [`super::generate`]).

use serde_json::Value;

const NUMBER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float",
    "double",
];

pub(super) fn normalise(schema: &mut Value) {
    let Value::Object(s) = schema else {
        return;
    };
    if s.get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| NUMBER_FORMATS.contains(&f))
    {
        s.remove("format");
    }
    let required: Vec<String> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            let nullable = prop
                .as_object_mut()
                .and_then(|p| p.remove("x-nullable"))
                .is_some();
            if !nullable && !required.contains(name) {
                not_null(prop);
            }
        }
    }
    for (key, sub) in s.iter_mut() {
        match key.as_str() {
            "properties" | "dependentSchemas" | "$defs" => {
                if let Value::Object(m) = sub {
                    m.values_mut().for_each(normalise);
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Value::Array(a) = sub {
                    a.iter_mut().for_each(normalise);
                }
            }
            "items" | "additionalProperties" | "not" | "if" | "then" | "else" | "propertyNames" => {
                normalise(sub)
            }
            _ => {}
        }
    }
}

/// Undo schemars' "or null" of an `Option` property.
fn not_null(schema: &mut Value) {
    let Value::Object(s) = schema else {
        return;
    };
    if s.len() == 1 {
        if let Some(Value::Array(any)) = s.get_mut("anyOf") {
            let null = |v: &Value| v.get("type") == Some(&Value::from("null"));
            if any.iter().any(null) {
                any.retain(|v| !null(v));
                if any.len() == 1 {
                    *schema = any.remove(0);
                }
                return;
            }
        }
    }
    if let Some(Value::Array(types)) = s.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            s.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(options)) = s.get_mut("enum") {
        options.retain(|o| !o.is_null());
    }
}
