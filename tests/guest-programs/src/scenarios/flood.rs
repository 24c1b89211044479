//! One subscription trying to stop all the others (issue #21, hole 1). `flood` (polling)
//! answers `per_batch` events per poll, and `more` until it has answered `batches` polls;
//! `flood_hook` (webhook) turns each received request `{"events": N, "tag": T}` into N events.
//! Within the host's limits the events pile up in the outbox, where the sink worker must not
//! let them hold another subscription's events back; past the limits the batch is refused
//! whole. `key_bytes`, `key`, `payload_bytes` and `cursor_bytes` make one event's key, its
//! payload or the cursor as large (or as strange) as asked.

use crate::connector::plugin::types as wit;
use connector_sdk::{Event, PollResult};
use serde_json::Value;

/// The polling trigger.
pub const POLL: &str = "flood";
/// The webhook trigger.
pub const HOOK: &str = "flood_hook";

fn count(v: &Value, field: &str, default: u64) -> u64 {
    v[field].as_u64().unwrap_or(default)
}

/// `n` events tagged `tag` and numbered after `batch`, shaped by `input`.
fn events(input: &Value, tag: &str, batch: u64, n: u64) -> Vec<Event> {
    let payload_bytes = count(input, "payload_bytes", 0) as usize;
    (0..n)
        .map(|i| {
            let key = match (input["key"].as_str(), count(input, "key_bytes", 0)) {
                (Some(k), _) => k.to_string(),
                (None, 0) => format!("{tag}-{batch}-{i}"),
                (None, bytes) => "k".repeat(bytes as usize),
            };
            let pad = "x".repeat(payload_bytes);
            Event {
                key,
                payload: format!(r#"{{"tag":"{tag}","n":{i},"pad":"{pad}"}}"#),
            }
        })
        .collect()
}

/// One poll of `flood`: the cursor is the number of batches answered so far.
pub fn poll(input: &Value, cursor: Option<&str>) -> PollResult {
    let (per_batch, batches) = (count(input, "per_batch", 1), count(input, "batches", 1));
    let tag = input["tag"].as_str().unwrap_or("flood");
    let done: u64 = cursor
        .and_then(|c| c.split(':').next())
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let pad = "c".repeat(count(input, "cursor_bytes", 0) as usize);
    if done >= batches {
        return PollResult {
            events: Vec::new(),
            cursor: format!("{done}:{pad}"),
            more: false,
        };
    }
    PollResult {
        events: events(input, tag, done, per_batch),
        cursor: format!("{}:{pad}", done + 1),
        more: done + 1 < batches,
    }
}

/// One delivery to `flood_hook`: `{"events": N, "tag": T}` in the body.
pub fn deliver(request: &wit::HttpRequest) -> wit::Delivery {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let tag = body["tag"].as_str().unwrap_or("hook");
    let events = events(&body, tag, 0, count(&body, "events", 1))
        .into_iter()
        .map(|e| wit::Event {
            key: e.key,
            payload: e.payload,
        })
        .collect();
    wit::Delivery {
        response: wit::HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"ok".to_vec(),
        },
        events,
    }
}
