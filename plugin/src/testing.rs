//! Test support: the SDK's scripted [`MockEnv`] and response builders, plus Wrike's error
//! envelope and base URL.

pub use connector_sdk::testing::*;

use connector_sdk::env::HttpResponse;

/// A Wrike error response.
pub fn wrike_error(code: u16, error: &str, description: &str) -> HttpResponse {
    status(
        code,
        &serde_json::json!({"errorDescription": description, "error": error}).to_string(),
    )
}

/// Base URL used by tests.
pub const BASE: &str = "https://www.wrike.com/api/v4";

/// The field the host names when its validator (draft 2020-12, formats checked) refuses `input`
/// for action, trigger or pick list `name`, by the host's rules (`host/src/schema.rs`): the
/// host is the one validator, and it refuses before the component runs. `None` when the host
/// accepts it.
pub fn host_refusal(name: &str, input: &serde_json::Value) -> Option<String> {
    use jsonschema::error::ValidationErrorKind;
    let schema = crate::catalog::actions()
        .find(|a| a.name == name)
        .map(|a| a.input_schema)
        .or_else(|| {
            crate::catalog::triggers()
                .find(|t| t.name == name)
                .map(|t| t.input_schema)
        })
        .or_else(|| {
            crate::triggers::webhooks::TRIGGERS
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.input_schema)
        })
        .or_else(|| {
            crate::catalog::pick_lists()
                .find(|p| p.name == name)
                .map(|p| p.params_schema)
        })
        .unwrap_or_else(|| panic!("no schema for {name}"));
    let schema: serde_json::Value = schema.generated().expect("a typed schema");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let error = validator.iter_errors(input).next()?;
    let mut path: Vec<String> = error
        .instance_path()
        .into_iter()
        .map(|s| match s {
            jsonschema::paths::LocationSegment::Property(p) => p.to_string(),
            jsonschema::paths::LocationSegment::Index(i) => i.to_string(),
        })
        .collect();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            path.push(property.as_str().unwrap_or_default().to_string())
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            path.extend(unexpected.first().cloned())
        }
        _ => {}
    }
    Some(path.join("."))
}

/// Why `input` is refused for `name`: the host's field ([`host_refusal`]) when its validator
/// refuses it and can name the field, else the guest's `invalid-input` field (a rule on the
/// whole input, such as "exactly one of", the host reports at the input, and the guest's own
/// check names the field). Panics when both accept it.
pub fn refusal(env: &mut MockEnv, name: &str, input: serde_json::Value) -> String {
    let host = host_refusal(name, &input);
    if let Some(field) = host.as_ref().filter(|f| !f.is_empty()) {
        return field.clone();
    }
    let text = input.to_string();
    // Past a host that refuses, nothing would run: what the guest sends then does not count.
    let mut scratch = MockEnv::new(Vec::new());
    let env = if host.is_some() { &mut scratch } else { env };
    let outcome = if crate::catalog::actions().any(|a| a.name == name) {
        crate::catalog::execute(env, BASE, name, &text)
    } else {
        crate::catalog::poll(env, BASE, name, &text, None).map(|_| String::new())
    };
    match outcome {
        Err(crate::error::Error::InvalidInput { field, .. }) => field,
        _ if host.is_some() => String::new(),
        other => panic!("{name}: {input} is accepted: {other:?}"),
    }
}
