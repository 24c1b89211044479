//! Tasks and their dates.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};

use super::{Metadata, Store, PERMALINK_BASE};

/// Task dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDates {
    /// `Backlog|Milestone|Planned`.
    pub kind: String,
    /// Minutes.
    pub duration: Option<i64>,
    /// Local start.
    pub start: Option<NaiveDateTime>,
    /// Local due.
    pub due: Option<NaiveDateTime>,
    /// Weekends count.
    pub work_on_weekends: Option<bool>,
}

impl TaskDates {
    /// A Backlog task's dates.
    pub fn backlog() -> Self {
        TaskDates {
            kind: "Backlog".into(),
            ..Default::default()
        }
    }

    /// Wire form.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), json!(self.kind));
        if let Some(d) = self.duration {
            m.insert("duration".into(), json!(d));
        }
        if let Some(s) = self.start {
            m.insert("start".into(), json!(fmt_local(s)));
        }
        if let Some(d) = self.due {
            m.insert("due".into(), json!(fmt_local(d)));
        }
        if let Some(w) = self.work_on_weekends {
            m.insert("workOnWeekends".into(), json!(w));
        }
        Value::Object(m)
    }
}

/// `yyyy-MM-ddTHH:mm:ss`.
pub fn fmt_local(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// HTML description.
    pub description: String,
    /// `Active|Completed|Deferred|Cancelled`.
    pub status: String,
    /// `High|Normal|Low`.
    pub importance: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Completed (status Completed only).
    pub completed: Option<DateTime<Utc>>,
    /// Dates.
    pub dates: TaskDates,
    /// In the Recycle Bin.
    pub deleted: bool,
    /// Parent folders.
    pub parent_ids: Vec<String>,
    /// Parents before deletion.
    pub saved_parent_ids: Vec<String>,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Assignees.
    pub responsible_ids: Vec<String>,
    /// Author.
    pub author_id: String,
    /// Custom status.
    pub custom_status_id: String,
    /// Ordering key (rendered as 24 hex chars).
    pub priority: u128,
    /// Followers.
    pub follower_ids: Vec<String>,
    /// Super tasks.
    pub super_task_ids: Vec<String>,
    /// Metadata.
    pub metadata: Metadata,
    /// Custom field values.
    pub custom_fields: Vec<(String, String)>,
    /// Recurrent.
    pub recurrent: bool,
    /// `Billable|NonBillable`.
    pub billing_type: Option<String>,
    /// Effort allocation object as given.
    pub effort_allocation: Option<Value>,
    /// The custom item type the task was created from (`POST /custom_item_types/{id}/instantiate`).
    pub custom_item_type_id: Option<String>,
}

impl Task {
    /// Permalink.
    pub fn permalink(&self) -> String {
        format!("{PERMALINK_BASE}{}", self.legacy_id)
    }

    /// Rendered priority key.
    pub fn priority_str(&self) -> String {
        format!("{:024x}", self.priority)
    }
}

impl Store {
    /// Subtask IDs of a task (live tasks naming it as super task), in creation order.
    pub fn sub_task_ids(&self, id: &str) -> Vec<String> {
        let mut v: Vec<&Task> = self
            .tasks
            .values()
            .filter(|t| !t.deleted && t.super_task_ids.iter().any(|s| s == id))
            .collect();
        v.sort_by_key(|t| t.seq);
        v.into_iter().map(|t| t.id.clone()).collect()
    }
}
