//! Folder and task blueprints (API.md §11.8): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

/// Values of `blueprintType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum BlueprintType {
    #[serde(rename = "folder")]
    #[default]
    Folder,
    #[serde(rename = "task")]
    Task,
}

crate::input! {
    /// Input of `create_from_blueprint`.
    #[schemars(description = "")]
    #[schemars(extend("anyOf" = [{"required": ["parentId"]}, {"required": ["superTaskId"]}]), extend("dependentSchemas" = {"parentId": {"properties": {"superTaskId": false}}, "rescheduleMode": {"required": ["rescheduleDate"]}}), extend("if" = {"properties": {"blueprintType": {"const": "folder"}}, "required": ["blueprintType"]}), extend("then" = {"description": "is for task blueprints only: a folder blueprint is launched into a folder or project (parentId)", "properties": {"superTaskId": false}}))]
    pub struct CreateFromBlueprint {
        /// The blueprint (the folder_blueprints or task_blueprints pick list)
        pub blueprint_id: WrikeId,
        /// Which kind of blueprint blueprintId names
        pub blueprint_type: Forwarded<BlueprintType>,
        #[schemars(extend("default" = false))]
        pub copy_attachments: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_custom_fields: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_descriptions: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_responsibles: Forwarded<Option<bool>>,
        /// Most tasks and folders the launch may create (Wrike's default 250); the launch fails above it
        #[schemars(range(min = 1, max = 250))]
        pub entry_limit: Forwarded<Option<u32>>,
        #[schemars(extend("default" = true))]
        pub notify_responsibles: Forwarded<Option<bool>>,
        /// Folder or project to create the work in (exactly one of parentId, superTaskId)
        pub parent_id: Forwarded<Option<WrikeId>>,
        /// Reschedule the active tasks to start (or end) on this date
        pub reschedule_date: Forwarded<Option<Date>>,
        /// Start: tasks start on rescheduleDate; End: they end on it. Only with rescheduleDate
        pub reschedule_mode: Forwarded<Option<crate::folders::RescheduleMode>>,
        /// Task blueprints only: create the work as a subtask of this task
        pub super_task_id: Forwarded<Option<WrikeId>>,
        /// How long to wait for the launch to finish. The host's wall-clock limit (--wall-timeout-ms, 60 s by default) must be longer
        #[schemars(range(min = 1, max = 600), extend("default" = 60))]
        pub timeout_seconds: Forwarded<Option<u32>>,
        /// Title of the folder, project or task created from the blueprint's root
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
        /// Added before the title of every copied item
        pub title_prefix: Forwarded<Option<String>>,
    }
}

/// `AsyncJob` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct AsyncJob {
    #[schemars(extend("x-nullable" = true))]
    pub error_message: Option<String>,
    /// The folder or project created (folder blueprints), when Wrike names it
    pub folder_id: Option<String>,
    /// The async job's ID
    pub id: String,
    pub processed_count: Option<f64>,
    pub progress_percent: Option<f64>,
    /// Wrike's result object as sent (e.g. {"folderId": …})
    pub result: Option<serde_json::Value>,
    /// Completed on success (Wrike's values: InQueue, InProgress, Completed, Failed)
    pub status: String,
    /// The task created (task blueprints), when Wrike names it
    pub task_id: Option<String>,
    pub total_count: Option<f64>,
    /// Wrike's job type (not documented for blueprint launches; passed on as is)
    pub r#type: Option<String>,
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "create_from_blueprint.input",
            generate::<CreateFromBlueprint>(),
        ),
        ("async_job.output", generate::<AsyncJob>()),
    ]
}
