//! Webhook subscriptions and the queue of events waiting for delivery.

use serde_json::{json, Map, Value};

use super::Store;

/// A webhook subscription (`API.md` §11.15).
#[derive(Debug, Clone)]
pub struct Webhook {
    /// ID.
    pub id: String,
    /// Creation order.
    pub seq: u64,
    /// Folder hook: the folder.
    pub folder_id: Option<String>,
    /// Space hook: the space.
    pub space_id: Option<String>,
    /// Where deliveries go.
    pub hook_url: String,
    /// Signing secret.
    pub secret: Option<String>,
    /// Event filter (`None`: all events).
    pub events: Option<Vec<String>>,
    /// Folder hooks: include descendants.
    pub recursive: bool,
    /// `Active|Suspended`.
    pub status: String,
}

/// An event waiting to be delivered to matching webhooks.
#[derive(Debug, Clone)]
pub struct PendingEvent {
    /// `TaskCreated`, `CommentAdded`, ...
    pub kind: String,
    /// Task the event is about.
    pub task_id: Option<String>,
    /// Folder the event is about.
    pub folder_id: Option<String>,
    /// The event JSON without `webhookId`.
    pub body: Map<String, Value>,
}

impl Store {
    /// Queues a webhook event about a task or folder (`extra` holds the event-specific members).
    pub fn emit(
        &mut self,
        kind: &str,
        author: &str,
        task_id: Option<&str>,
        folder_id: Option<&str>,
        extra: Value,
    ) {
        let mut body = Map::new();
        if let Some(t) = task_id {
            body.insert("taskId".into(), json!(t));
        }
        if let Some(f) = folder_id {
            body.insert("folderId".into(), json!(f));
        }
        body.insert("eventAuthorId".into(), json!(author));
        body.insert("eventType".into(), json!(kind));
        body.insert(
            "lastUpdatedDate".into(),
            json!(crate::params::fmt_ts(self.clock.now())),
        );
        if let Value::Object(m) = extra {
            body.extend(m);
        }
        if self.webhooks.is_empty() {
            return;
        }
        self.pending_events.push(PendingEvent {
            kind: kind.to_string(),
            task_id: task_id.map(|s| s.to_string()),
            folder_id: folder_id.map(|s| s.to_string()),
            body,
        });
    }
}
