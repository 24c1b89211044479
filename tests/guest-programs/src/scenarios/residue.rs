//! Looks for what earlier calls left in its instance, and leaves things for later calls: the
//! instance-reuse attacks (issue #23). Every call counts itself in a static and answers
//! `calls`, the count so far (1 on a fresh instance). The input picks what else to do:
//!
//! - `"plant": TEXT` — keeps TEXT in a static, and leaves it (each byte XOR 0x5A) in a leaked
//!   heap buffer that nothing points to;
//! - `"look": TEXT` — answers `kept` (the static, or null) and `in_memory`: whether TEXT (XOR
//!   0x5A) is anywhere in linear memory besides the probe's own copy;
//! - `"leak_handle": TEXT` — creates a `wasi:http` fields resource holding `x-residue: TEXT`,
//!   never drops it, answers its handle number as `handle`;
//! - `"probe": N` — reads `x-residue` from the fields resource with handle number N, as
//!   `probed` (a handle the instance does not hold traps, as it should);
//! - `"keep_mib": N` — keeps N more MiB in a static for good, answers `kept_mib`;
//! - `"burn_ms": N` — spins for N ms of the guest's monotonic clock (CPU time);
//! - `"trap": true` — panics once counted.

use crate::connector::plugin::types as wit;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use wasi::http::types::Fields;

static CALLS: AtomicU64 = AtomicU64::new(0);
static KEPT: Mutex<Option<String>> = Mutex::new(None);
static HOARD: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

const XOR: u8 = 0x5A;

pub fn run(input: &Value) -> Result<Value, wit::Error> {
    let calls = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    let mut out = Map::new();
    out.insert("calls".into(), json!(calls));
    if let Some(ms) = input["burn_ms"].as_u64() {
        let until = wasi::clocks::monotonic_clock::now() + ms * 1_000_000;
        let mut spins = 0u64;
        while wasi::clocks::monotonic_clock::now() < until {
            spins = std::hint::black_box(spins + 1);
        }
        out.insert("spins".into(), json!(spins));
    }
    let mut kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(text) = input["look"].as_str() {
        out.insert("kept".into(), json!(*kept));
        out.insert("in_memory".into(), json!(in_memory(text)));
    }
    if let Some(text) = input["plant"].as_str() {
        *kept = Some(text.to_string());
        let scrambled: Vec<u8> = text.bytes().map(|b| b ^ XOR).collect();
        std::hint::black_box(Box::leak(scrambled.into_boxed_slice()));
    }
    if let Some(text) = input["leak_handle"].as_str() {
        let fields = Fields::new();
        fields
            .append("x-residue", text.as_bytes())
            .map_err(|e| wit::Error::Internal(format!("{e:?}")))?;
        out.insert("handle".into(), json!(fields.take_handle()));
    }
    if let Some(handle) = input["probe"].as_u64() {
        // SAFETY: deliberately hostile — the handle may be anything; the host must trap a
        // handle this instance does not hold.
        let fields = unsafe { Fields::from_handle(handle as u32) };
        let seen: Vec<String> = fields
            .get("x-residue")
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        // Left in place, for the next probe.
        fields.take_handle();
        out.insert("probed".into(), json!(seen));
    }
    if let Some(mib) = input["keep_mib"].as_u64() {
        let mut hoard = HOARD.lock().unwrap_or_else(|p| p.into_inner());
        for _ in 0..mib {
            let mut chunk = vec![0u8; 1024 * 1024];
            chunk[1024 * 1024 - 1] = 1;
            hoard.push(std::hint::black_box(chunk));
        }
        out.insert("kept_mib".into(), json!(hoard.len()));
    }
    if input["trap"].as_bool() == Some(true) {
        panic!("residue: trapping after call {calls}");
    }
    Ok(Value::Object(out))
}

/// Whether `text` XOR 0x5A is in linear memory anywhere but in the probe's own buffer (which
/// is wiped before it is freed, so no probe finds an earlier probe's).
fn in_memory(text: &str) -> bool {
    let mut needle: Vec<u8> = text.bytes().map(|b| b ^ XOR).collect();
    if needle.is_empty() {
        return false;
    }
    let own = needle.as_ptr() as usize;
    let size = std::arch::wasm32::memory_size::<0>() * 65536;
    let mut found = false;
    // From address 8: address 0 is valid wasm memory but a null pointer to Rust.
    let mut at = 8usize;
    while at + needle.len() <= size {
        if at != own && matches_at(at, &needle) {
            found = true;
            break;
        }
        at += 1;
    }
    for b in needle.iter_mut() {
        // SAFETY: a valid, exclusively borrowed byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    found
}

fn matches_at(at: usize, needle: &[u8]) -> bool {
    needle.iter().enumerate().all(|(i, &b)| {
        // SAFETY: `at + i` is below the memory's size; wasm memory is readable everywhere.
        unsafe { std::ptr::read_volatile((at + i) as *const u8) == b }
    })
}
