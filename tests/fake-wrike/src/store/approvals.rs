//! Approvals on tasks and folders, and the approvers' decisions.

use chrono::{DateTime, NaiveDate, Utc};

/// An approval decision.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Approver.
    pub approver_id: String,
    /// Comment.
    pub comment: String,
    /// `Pending|Approved|Rejected`.
    pub status: String,
    /// Updated.
    pub updated: DateTime<Utc>,
}

/// An approval on a task or folder.
#[derive(Debug, Clone)]
pub struct Approval {
    /// ID.
    pub id: String,
    /// Creation order.
    pub seq: u64,
    /// Task.
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
    /// Author.
    pub author_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Decisions.
    pub decisions: Vec<Decision>,
    /// Attachments.
    pub attachment_ids: Vec<String>,
    /// `Pending|Approved|Rejected|Cancelled|Draft`.
    pub status: String,
    /// Finish automatically on approve.
    pub auto_finish_on_approve: bool,
    /// Finish automatically on reject.
    pub auto_finish_on_reject: bool,
    /// Finished.
    pub finished: bool,
    /// Who finished it.
    pub finisher_id: Option<String>,
}
