//! Panics: the host must turn the trap into an `internal` error and keep serving.

use crate::connector::plugin::types as wit;
use serde_json::Value;

pub fn run() -> Result<Value, wit::Error> {
    let v: Vec<u8> = Vec::new();
    let i = std::hint::black_box(3usize);
    panic!(
        "hostile guest panicked on purpose (index {i} of {})",
        v.len()
    );
}
