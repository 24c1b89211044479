//! Custom item types (API.md §11.9): inputs and outputs.

use schemars::JsonSchema;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

crate::input! {
    /// Input of `create_work`.
    #[schemars(description = "")]
    #[schemars(extend("anyOf" = [{"required": ["parentId"]}, {"required": ["superTaskId"]}]), extend("dependentSchemas" = {"parentId": {"properties": {"superTaskId": false}}}))]
    pub struct CreateWork {
        /// The custom item type (the custom_item_types pick list)
        pub custom_item_type_id: WrikeId,
        /// Folder or project to create the item in (exactly one of parentId, superTaskId)
        pub parent_id: Forwarded<Option<WrikeId>>,
        /// Task-based types only: create the item as a subtask of this task
        pub super_task_id: Forwarded<Option<WrikeId>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
    }
}

/// The created item as GET /tasks/{id} (task-based types) or GET /folders/{id} (project-based types) answers, with customItemTypeId
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Work {
    // A task-based type's item.
    Task(crate::tasks::Task),
    // A project-based type's item.
    Folder(crate::folders::Folder),
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("create_work.input", generate::<CreateWork>()),
        ("work.output", generate::<Work>()),
    ]
}
