//! The component writing the webhook answer's HTTP framing (issue #21, hole 2). `answer`
//! (webhook) answers each received request with what its body asks for:
//! `{"status": 200, "headers": [["content-length", "1"]], "body": "abcdef", "key": "k1"}` —
//! any status, any headers (framing, hop-by-hop, cookies, redirects), any body, and an event
//! keyed `key` when given, which must not be taken when the answer is refused.

use crate::connector::plugin::types as wit;
use serde_json::Value;

/// The webhook trigger.
pub const HOOK: &str = "answer";

/// The answer `request`'s body asks for.
pub fn deliver(request: &wit::HttpRequest) -> wit::Delivery {
    let ask: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let headers = ask["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    let part = |i: usize| h[i].as_str().unwrap_or("").to_string();
                    (part(0), part(1))
                })
                .collect()
        })
        .unwrap_or_default();
    let body = match (ask["body"].as_str(), ask["body_bytes"].as_u64()) {
        (Some(b), _) => b.as_bytes().to_vec(),
        (None, Some(n)) => vec![b'b'; n as usize],
        (None, None) => Vec::new(),
    };
    let events = ask["key"]
        .as_str()
        .map(|k| wit::Event {
            key: k.to_string(),
            payload: serde_json::json!({"answered": ask["status"]}).to_string(),
        })
        .into_iter()
        .collect();
    wit::Delivery {
        response: wit::HttpResponse {
            status: ask["status"].as_u64().unwrap_or(200) as u16,
            headers,
            body,
        },
        events,
    }
}
