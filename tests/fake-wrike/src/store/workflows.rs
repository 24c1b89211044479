//! Workflows with their custom statuses, and custom field definitions.

use serde_json::Value;

use super::Store;

/// A custom status in a workflow.
#[derive(Debug, Clone)]
pub struct CustomStatus {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Name is the default one.
    pub standard_name: bool,
    /// Colour.
    pub color: String,
    /// Default status of its group.
    pub standard: bool,
    /// `Active|Completed|Deferred|Cancelled`.
    pub group: String,
    /// Hidden.
    pub hidden: bool,
}

/// A workflow.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The account's default workflow.
    pub standard: bool,
    /// Hidden.
    pub hidden: bool,
    /// Statuses.
    pub statuses: Vec<CustomStatus>,
}

/// A custom field definition.
#[derive(Debug, Clone)]
pub struct CustomField {
    /// ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Type (`Text`, `DropDown`, `Numeric`, ...).
    pub kind: String,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Settings object.
    pub settings: Value,
}

impl Store {
    /// All custom statuses across workflows.
    pub fn custom_status(&self, id: &str) -> Option<(&Workflow, &CustomStatus)> {
        self.workflows
            .iter()
            .find_map(|w| w.statuses.iter().find(|s| s.id == id).map(|s| (w, s)))
    }

    /// The workflow used for tasks in `folder_ids` (the first parent's workflow, else the default).
    pub fn workflow_for(&self, folder_ids: &[String]) -> &Workflow {
        let wid = folder_ids
            .iter()
            .filter_map(|f| self.folders.get(f))
            .map(|f| f.workflow_id.clone())
            .next();
        wid.and_then(|w| self.workflows.iter().find(|x| x.id == w))
            .or_else(|| self.workflows.iter().find(|w| w.standard))
            .expect("a standard workflow exists")
    }

    /// The standard status of `group` in `workflow`.
    pub fn standard_status(workflow: &Workflow, group: &str) -> String {
        workflow
            .statuses
            .iter()
            .find(|s| s.group == group && s.standard)
            .or_else(|| workflow.statuses.iter().find(|s| s.group == group))
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }
}
