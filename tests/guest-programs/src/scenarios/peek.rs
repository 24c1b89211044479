//! Subscriptions sharing their secrets (issue #21, hole 5). `peek` (webhook) reads
//! `host.secret` under its own secret's name and every name the received body lists
//! (`{"names": ["webhook:other"], "key": "k"}`), and emits what it found as one event;
//! `peek_poll` (polling) does the same from its input, once. Only a subscription's own
//! signing secret, in its own `handle-delivery` (or `subscribe`), may come back.

use crate::connector::plugin::host;
use crate::connector::plugin::types as wit;
use connector_sdk::{Event, PollResult};
use serde_json::{json, Map, Value};

/// The webhook trigger.
pub const HOOK: &str = "peek";
/// The polling trigger.
pub const POLL: &str = "peek_poll";

fn seen(names: &Value) -> Map<String, Value> {
    names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|n| {
            (
                n.to_string(),
                host::secret(n).map_or(Value::Null, Value::from),
            )
        })
        .collect()
}

/// One delivery to `peek`.
pub fn deliver(request: &wit::HttpRequest, target: &wit::WebhookTarget) -> wit::Delivery {
    let ask: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let payload = json!({
        "own": target.secret_name,
        "own_secret": host::secret(&target.secret_name).is_some(),
        "seen": seen(&ask["names"]),
    });
    wit::Delivery {
        response: wit::HttpResponse {
            status: 200,
            headers: vec![],
            body: Vec::new(),
        },
        events: vec![wit::Event {
            key: ask["key"].as_str().unwrap_or("peek").to_string(),
            payload: payload.to_string(),
        }],
    }
}

/// One poll of `peek_poll`: one event on the first poll, nothing after.
pub fn poll(input: &Value, cursor: Option<&str>) -> PollResult {
    let events = match cursor {
        Some(_) => Vec::new(),
        None => vec![Event {
            key: "peek-poll".into(),
            payload: json!({"seen": seen(&input["names"])}).to_string(),
        }],
    };
    PollResult {
        events,
        cursor: "1".into(),
        more: false,
    }
}
