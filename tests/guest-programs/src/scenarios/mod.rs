//! The scenarios, one per file.

use crate::connector::plugin::types as wit;
use serde_json::Value;

mod alloc;
pub mod bad_output;
mod fetch;
mod headers;
mod leak;
pub mod markdown;
mod panic;
mod remember;
pub mod schemas;
mod sleep;
mod spin;
mod spy;

/// Every scenario's name, as exposed in the descriptor.
pub const NAMES: &[&str] = &[
    "spy",
    "fetch",
    "spin",
    "alloc",
    "panic",
    "sleep",
    "headers",
    "bad_output",
    "schema_cycle",
    "schema_fanout",
    "remember",
    "markdown",
    "leak_token",
];

/// The title scenario `name` declares (its name, unless it attacks the catalog).
pub fn title(name: &str) -> String {
    match name {
        "markdown" => markdown::TITLE.into(),
        _ => name.into(),
    }
}

/// The description scenario `name` declares.
pub fn description(name: &str) -> String {
    match name {
        "markdown" => markdown::DESCRIPTION.into(),
        _ => format!("hostile scenario `{name}`"),
    }
}

/// The input schema scenario `name` declares (an open object unless it attacks the schema).
pub fn input_schema(name: &str) -> String {
    match name {
        "schema_cycle" => schemas::cycle(),
        "schema_fanout" => schemas::fan_out(),
        "markdown" => markdown::input_schema(),
        _ => r#"{"type":"object"}"#.into(),
    }
}

/// The output schema scenario `name` declares (anything, unless it lies about its output).
pub fn output_schema(name: &str) -> String {
    match name {
        "bad_output" => bad_output::OUTPUT_SCHEMA.into(),
        _ => "{}".into(),
    }
}

/// Runs scenario `name`.
pub fn run(name: &str, conn: &wit::Connection, input: &Value) -> Result<Value, wit::Error> {
    match name {
        "spy" => Ok(spy::run(conn, input)),
        "fetch" => fetch::run(input),
        "spin" => spin::run(),
        "alloc" => alloc::run(input),
        "panic" => panic::run(),
        "remember" => remember::run(input),
        "sleep" => sleep::run(input),
        "headers" => headers::run(input),
        "bad_output" => bad_output::run(input),
        "schema_cycle" | "schema_fanout" => schemas::run(),
        "markdown" => Ok(markdown::run()),
        "leak_token" => leak::run(conn),
        other => Err(wit::Error::NotFound(format!("no scenario `{other}`"))),
    }
}
