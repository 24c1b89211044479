//! Folder and task blueprints, and the async jobs that launch them.

use chrono::NaiveDate;
use serde_json::Value;

use super::TaskDates;

/// A folder, project or task blueprint (MODERN.md §1–2). The tree hangs off one `BpRoot`.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// ID.
    pub id: String,
    /// Legacy numeric ID (permalink).
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// `BpRoot`, `FolderBp` or `TaskBp`.
    pub scope: String,
    /// Child blueprints, in order.
    pub child_ids: Vec<String>,
    /// The space the blueprint belongs to.
    pub space_id: Option<String>,
    /// HTML description copied (with `copyDescriptions`).
    pub description: String,
    /// A folder blueprint that makes a project.
    pub project: bool,
    /// Assignees copied (with `copyResponsibles`), task blueprints.
    pub responsible_ids: Vec<String>,
    /// Custom field values copied (with `copyCustomFields`).
    pub custom_fields: Vec<(String, String)>,
    /// Task blueprint dates.
    pub dates: TaskDates,
}

/// How the async jobs of new launches behave (`FakeWrike::set_async_job_plan`): they advance
/// per poll, never with time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobPlan {
    /// `GET /async_job/{id}` calls until the job is done; `None`: it stays `InProgress` forever.
    pub polls_to_finish: Option<u32>,
    /// Fail once this share (percent) of the entries exists: 0 fails before anything is created.
    pub fail_at_percent: Option<u32>,
}

impl Default for JobPlan {
    fn default() -> Self {
        JobPlan {
            polls_to_finish: Some(2),
            fail_at_percent: None,
        }
    }
}

/// Where a planned entry of a launch goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanParent {
    /// Into an existing folder.
    Folder(String),
    /// As a subtask of an existing task.
    Task(String),
    /// Below the item created for this earlier blueprint entry.
    Blueprint(String),
}

/// One item a launch creates.
#[derive(Debug, Clone)]
pub struct PlannedEntry {
    /// The blueprint it comes from.
    pub blueprint_id: String,
    /// Where it goes.
    pub parent: PlanParent,
    /// A task (else a folder or project).
    pub task: bool,
    /// A project.
    pub project: bool,
    /// Title (prefix applied).
    pub title: String,
    /// Description (empty unless copied).
    pub description: String,
    /// Assignees (empty unless copied).
    pub responsible_ids: Vec<String>,
    /// Custom fields (empty unless copied).
    pub custom_fields: Vec<(String, String)>,
    /// Dates.
    pub dates: TaskDates,
}

/// An async job (MODERN.md §3): a blueprint launch working through its planned entries.
#[derive(Debug, Clone)]
pub struct AsyncJob {
    /// ID.
    pub id: String,
    /// `type` [U]: `FolderBlueprintLaunch` or `TaskBlueprintLaunch` in the fake.
    pub kind: String,
    /// `InQueue`, `InProgress`, `Completed`, `Failed`.
    pub status: String,
    /// The user who launched it.
    pub user: String,
    /// Entries to create, parents first.
    pub plan: Vec<PlannedEntry>,
    /// Blueprint ID → created item ID.
    pub created: Vec<(String, String)>,
    /// How it behaves.
    pub behaviour: JobPlan,
    /// Polls so far.
    pub polls: u32,
    /// `result` once completed.
    pub result: Option<Value>,
    /// `errorMessage` once failed.
    pub error_message: Option<String>,
    /// Reschedule the created tasks when done: (date, `Start`|`End`).
    pub reschedule: Option<(NaiveDate, String)>,
}
