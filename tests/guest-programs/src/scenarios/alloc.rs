//! Grows memory without bound (`mib` MiB at a time, default 16): the host's memory cap must trap it.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let step = input["mib"].as_u64().unwrap_or(16) as usize * 1024 * 1024;
    let limit = input["limit_mib"]
        .as_u64()
        .map(|m| m as usize * 1024 * 1024);
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    loop {
        if limit.is_some_and(|l| total >= l) {
            return Ok(json!({"allocated": total}));
        }
        let mut chunk = vec![0u8; step];
        chunk[step - 1] = 1;
        total += step;
        hoard.push(std::hint::black_box(chunk));
    }
}
