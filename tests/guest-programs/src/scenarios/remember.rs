//! Remembers: keeps the input's `value` in a static and answers the one the previous call left
//! there. On a fresh instance (strict mode, another connection's call) `previous` is always
//! null; on an instance reused within one connection it is that connection's last value.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use std::sync::Mutex;

static LAST: Mutex<Option<Value>> = Mutex::new(None);

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    let previous = last.replace(input.get("value").cloned().unwrap_or(Value::Null));
    Ok(json!({ "previous": previous }))
}
