//! Blocks in a host call (a monotonic-clock wait of `secs`, default an hour): only the host's
//! wall-clock timeout can end it, since epochs cannot interrupt a blocked host call.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use wasi::clocks::monotonic_clock;

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let secs = input["secs"].as_u64().unwrap_or(3600);
    monotonic_clock::subscribe_duration(secs * 1_000_000_000).block();
    Ok(json!({"slept_secs": secs}))
}
