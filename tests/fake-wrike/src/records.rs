//! What the fake records: the API requests it received and the webhook attempts it made.

use serde_json::Value;

/// One API request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Full path, e.g. `/api/v4/tasks`.
    pub path: String,
    /// Raw query string (without `?`).
    pub query: Option<String>,
    /// Headers, names lower-cased, in received order.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded parameters from the query string and (form or JSON) body.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if let Some(q) = &self.query {
            out.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
        }
        let ct = self.header("content-type").unwrap_or("");
        if ct.starts_with("application/json") {
            if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&self.body) {
                for (k, v) in m {
                    let s = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    out.push((k, s));
                }
            }
        } else if ct.is_empty() || ct.starts_with("application/x-www-form-urlencoded") {
            out.extend(form_urlencoded::parse(&self.body).into_owned());
        }
        out
    }
}

/// One webhook handshake or delivery attempt made by the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// The webhook.
    pub webhook_id: String,
    /// Where it went.
    pub url: String,
    /// The secret handshake (`{"requestType":"WebHook secret verification"}`) rather than events.
    pub handshake: bool,
    /// The body sent (a JSON array of events for deliveries).
    pub body: Vec<u8>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if anything (no answer, non-2xx, bad handshake answer).
    pub error: Option<String>,
}

impl WebhookDelivery {
    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}
