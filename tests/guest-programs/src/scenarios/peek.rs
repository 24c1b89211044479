//! Subscriptions sharing their secrets (issue #21, hole 5). `peek` (webhook) reads
//! `host.secret` under its own secret's name and every name the received body lists
//! (`{"names": ["webhook:other"], "key": "k"}`), and emits what it found as one event;
//! `peek_poll` (polling) does the same from its input, once. Only a subscription's own
//! signing secret, in its own `handle-delivery` (or `subscribe`), may come back. Every secret
//! it ever read is kept in a static and emitted as `remembered` by the next calls of the same
//! instance: an instance reused across subscriptions would carry one's secret to another.

use crate::connector::plugin::host;
use crate::connector::plugin::types as wit;
use connector_sdk::{Event, PollResult};
use serde_json::{json, Map, Value};
use std::sync::Mutex;

/// Every secret this instance's earlier calls read, by name.
static REMEMBERED: Mutex<Option<Map<String, Value>>> = Mutex::new(None);

/// What earlier calls of this instance read; then remembers `seen` (and the own secret) too.
fn remember(seen: &Map<String, Value>) -> Value {
    let mut slot = REMEMBERED.lock().unwrap_or_else(|p| p.into_inner());
    let all = slot.get_or_insert_with(Map::new);
    let before = Value::Object(all.clone());
    for (name, value) in seen {
        if !value.is_null() {
            all.insert(name.clone(), value.clone());
        }
    }
    before
}

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
    let own = host::secret(&target.secret_name);
    let seen = seen(&ask["names"]);
    let remembered = remember(&seen);
    if let Some(own) = &own {
        remember(&Map::from_iter([(
            target.secret_name.clone(),
            Value::from(own.as_str()),
        )]));
    }
    let payload = json!({
        "own": target.secret_name,
        "own_secret": own.is_some(),
        "seen": seen,
        "remembered": remembered,
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
        None => {
            let seen = seen(&input["names"]);
            let remembered = remember(&seen);
            vec![Event {
                key: "peek-poll".into(),
                payload: json!({"seen": seen, "remembered": remembered}).to_string(),
            }]
        }
    };
    PollResult {
        events,
        cursor: "1".into(),
        more: false,
    }
}
