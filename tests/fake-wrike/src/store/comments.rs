//! Comments on tasks and folders.

use chrono::{DateTime, Utc};

/// A comment on a task or folder.
#[derive(Debug, Clone)]
pub struct Comment {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Author.
    pub author_id: String,
    /// HTML text.
    pub text: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Task (exactly one of task/folder).
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
}
