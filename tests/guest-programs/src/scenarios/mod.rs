//! The scenarios, one per file.

use crate::connector::plugin::types as wit;
use connector_sdk::PollResult;
use serde_json::Value;

mod alloc;
mod answer;
pub mod bad_output;
mod fetch;
mod flood;
mod headers;
mod leak;
pub mod markdown;
mod panic;
mod peek;
mod remember;
mod residue;
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
    "residue",
];

/// Every trigger scenario's name: the polling ones, then the webhook ones (a scenario on the
/// resident host's surface is a subscription of one of these).
/// (Spelled out: the end-to-end tests' build script reads this list as it reads `NAMES`.)
pub const TRIGGERS: &[&str] = &["flood", "peek_poll", "flood_hook", "answer", "peek"];

/// The descriptor's triggers: every one takes any object and emits anything.
pub fn triggers() -> Vec<wit::Trigger> {
    TRIGGERS
        .iter()
        .map(|name| wit::Trigger {
            name: name.to_string(),
            title: name.to_string(),
            description: format!("hostile trigger scenario `{name}`"),
            kind: if is_webhook(name) {
                wit::TriggerKind::Webhook
            } else {
                wit::TriggerKind::Polling
            },
            required_scopes: vec![],
            input_schema: r#"{"type":"object"}"#.into(),
            event_schema: "{}".into(),
            catch_up_trigger: None,
        })
        .collect()
}

/// Whether `name` is one of the webhook trigger scenarios.
pub fn is_webhook(name: &str) -> bool {
    [flood::HOOK, answer::HOOK, peek::HOOK].contains(&name)
}

/// One poll of trigger scenario `name`.
pub fn poll(name: &str, input: &Value, cursor: Option<&str>) -> Result<PollResult, wit::Error> {
    match name {
        flood::POLL => Ok(flood::poll(input, cursor)),
        peek::POLL => Ok(peek::poll(input, cursor)),
        other => Err(wit::Error::NotFound(format!(
            "no polling trigger `{other}`"
        ))),
    }
}

/// One received request for webhook trigger scenario `name`.
pub fn deliver(
    name: &str,
    request: &wit::HttpRequest,
    target: &wit::WebhookTarget,
) -> Result<wit::Delivery, wit::Error> {
    match name {
        flood::HOOK => Ok(flood::deliver(request)),
        answer::HOOK => Ok(answer::deliver(request)),
        peek::HOOK => Ok(peek::deliver(request, target)),
        other => Err(wit::Error::NotFound(format!(
            "no webhook trigger `{other}`"
        ))),
    }
}

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
        "residue" => residue::run(input),
        other => Err(wit::Error::NotFound(format!("no scenario `{other}`"))),
    }
}
