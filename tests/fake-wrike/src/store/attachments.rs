//! Attachments (with their bytes) and their earlier versions.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Store;

/// An attachment (with its bytes).
#[derive(Debug, Clone)]
pub struct Attachment {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Author.
    pub author_id: String,
    /// File name.
    pub name: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Version number (1-based).
    pub version: i64,
    /// MIME type.
    pub content_type: String,
    /// Content.
    pub bytes: Arc<Vec<u8>>,
    /// Task.
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
    /// Earlier versions, oldest first (id, created, name, bytes, content type).
    pub versions: Vec<AttachmentVersion>,
    /// Download token for the `/url` link.
    pub url_token: String,
}

/// An earlier version of an attachment.
#[derive(Debug, Clone)]
pub struct AttachmentVersion {
    /// Version's own ID.
    pub id: String,
    /// Version number.
    pub version: i64,
    /// File name.
    pub name: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// MIME type.
    pub content_type: String,
    /// Content.
    pub bytes: Arc<Vec<u8>>,
    /// Author.
    pub author_id: String,
}

impl Store {
    /// Number of current attachments on a task or folder.
    pub fn attachment_count(&self, task: Option<&str>, folder: Option<&str>) -> usize {
        self.attachments
            .values()
            .filter(|a| {
                (task.is_some() && a.task_id.as_deref() == task)
                    || (folder.is_some() && a.folder_id.as_deref() == folder)
            })
            .count()
    }
}
