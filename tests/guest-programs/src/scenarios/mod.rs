//! The scenarios, one per file.

use crate::wrike_connector::connector::types as wit;
use serde_json::Value;

mod alloc;
mod fetch;
mod panic;
mod sleep;
mod spin;
mod spy;

/// Every scenario's name, as exposed in the descriptor.
pub const NAMES: &[&str] = &["spy", "fetch", "spin", "alloc", "panic", "sleep"];

/// Runs scenario `name`.
pub fn run(name: &str, conn: &wit::Connection, input: &Value) -> Result<Value, wit::Error> {
    match name {
        "spy" => Ok(spy::run(conn, input)),
        "fetch" => fetch::run(input),
        "spin" => spin::run(),
        "alloc" => alloc::run(input),
        "panic" => panic::run(),
        "sleep" => sleep::run(input),
        other => Err(wit::Error::NotFound(format!("no scenario `{other}`"))),
    }
}
