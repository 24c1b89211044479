//! Hoards host-side memory: creates `wasi:http` header maps of `kib` KiB each (default 100)
//! and keeps every one alive, up to `count` (default unbounded). When the host refuses a value
//! that large it carries on with smaller ones, as an attacker would. The host must count what
//! these hold against the call's memory cap and bound how many it keeps.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use wasi::http::types::Fields;

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let mut size = input["kib"].as_u64().unwrap_or(100) as usize * 1024;
    let count = input["count"].as_u64().map_or(usize::MAX, |c| c as usize);
    let mut hoard: Vec<Fields> = Vec::new();
    let mut held = 0usize;
    while hoard.len() < count {
        let fields = Fields::new();
        let value = vec![b'h'; size];
        match fields.append("x-hoard", &value) {
            Ok(()) => {
                held += size;
                hoard.push(fields);
            }
            Err(_) if size > 1024 => size /= 2,
            Err(e) => return Err(wit::Error::Internal(format!("append refused: {e:?}"))),
        }
    }
    Ok(json!({"maps": hoard.len(), "bytes": held}))
}
