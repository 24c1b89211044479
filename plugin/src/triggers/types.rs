//! The triggers' inputs and the webhook event as Rust types (the tables in the trigger
//! modules name them; their schemas are generated from them at build time).

use crate::common::*;
use schemars::JsonSchema;
use serde::Deserialize;

crate::input! {
    /// Input of `new_or_updated_task`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedTask {
        pub custom_statuses: Forwarded<Option<Ids>>,
        pub folder_id: Option<WrikeId>,
        #[schemars(range(min = 1, max = 1000), extend("default" = 100))]
        pub page_size: Forwarded<Option<u32>>,
        /// Pick up tasks updated at or after this instant on the first poll (default: one hour before the first poll)
        pub since: Forwarded<Option<DateTime>>,
        pub space_id: Option<WrikeId>,
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        pub status: Forwarded<Option<Vec<crate::resources::tasks::TaskStatus>>>,
    }
}

crate::input! {
    /// Input of `new_or_updated_folder`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedFolder {
        pub folder_id: Option<WrikeId>,
        /// Only projects (true) or only plain folders (false); default both
        pub project: Forwarded<Option<bool>>,
        /// Pick up items updated at or after this instant on the first poll (default: one hour before the first poll)
        pub since: Forwarded<Option<DateTime>>,
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_or_updated_project`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedProject {
        pub folder_id: Option<WrikeId>,
        /// Pick up items updated at or after this instant on the first poll (default: one hour before the first poll)
        pub since: Forwarded<Option<DateTime>>,
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_or_updated_timelog`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedTimelog {
        pub folder_id: Option<WrikeId>,
        /// Comments as plain text
        #[schemars(extend("default" = true))]
        pub plain_text: Forwarded<Option<bool>>,
        /// Pick up timelogs updated at or after this instant on the first poll (default: one hour before the first poll)
        pub since: Forwarded<Option<DateTime>>,
        pub task_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_comment`.
    #[schemars(description = "")]
    pub struct NewComment {
        /// Comment text as plain text instead of HTML
        #[schemars(extend("default" = true))]
        pub plain_text: Forwarded<Option<bool>>,
        /// Pick up comments created or updated at or after this instant on the first poll (default: one hour before the first poll); older starts are worked off in 6-day windows
        pub since: Forwarded<Option<DateTime>>,
    }
}

/// Wrike webhook event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum WebhookEventType {
    #[default]
    TaskCreated,
    TaskDeleted,
    TaskTitleChanged,
    TaskImportanceChanged,
    TaskStatusChanged,
    TaskDatesChanged,
    TaskParentsAdded,
    TaskParentsRemoved,
    TaskResponsiblesAdded,
    TaskResponsiblesRemoved,
    TaskSharedsAdded,
    TaskSharedsRemoved,
    TaskDescriptionChanged,
    TaskCustomFieldChanged,
    TaskApprovalStatusChanged,
    TaskApprovalDecisionChanged,
    TaskApprovalDecisionReset,
    AttachmentAdded,
    AttachmentDeleted,
    CommentAdded,
    CommentDeleted,
    TimelogChanged,
    FolderCreated,
    FolderDeleted,
    FolderTitleChanged,
    FolderParentsAdded,
    FolderParentsRemoved,
    FolderSharedsAdded,
    FolderSharedsRemoved,
    FolderDescriptionChanged,
    FolderCommentAdded,
    FolderCommentDeleted,
    FolderAttachmentAdded,
    FolderAttachmentDeleted,
    FolderCustomFieldChanged,
    FolderApprovalStatusChanged,
    FolderApprovalDecisionChanged,
    FolderApprovalDecisionReset,
    ProjectDatesChanged,
    ProjectOwnersAdded,
    ProjectOwnersRemoved,
    ProjectStatusChanged,
    WorkItemTypeChanged,
    CreateFromBlueprintCompleted,
    ImportFromFileCompleted,
}

crate::input! {
    /// Input of `new_event_webhook`.
    #[schemars(description = "")]
    pub struct NewEventWebhook {
        /// Events to monitor (empty or absent: all)
        #[schemars(extend("uniqueItems" = true))]
        pub events: Forwarded<Option<Vec<WebhookEventType>>>,
        pub folder_id: Option<WrikeId>,
        /// With folderId: also monitor nested folders, projects and tasks
        #[schemars(extend("default" = false))]
        pub recursive: Forwarded<Option<bool>>,
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_or_updated_task_webhook`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedTaskWebhook {
        /// Events to monitor (empty or absent: all)
        #[schemars(extend("uniqueItems" = true))]
        pub events: Forwarded<Option<Vec<crate::triggers::types::WebhookEventType>>>,
        pub folder_id: Option<WrikeId>,
        /// With folderId: also monitor nested folders, projects and tasks
        #[schemars(extend("default" = false))]
        pub recursive: Forwarded<Option<bool>>,
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_or_updated_folder_webhook`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedFolderWebhook {
        /// Events to monitor (empty or absent: all)
        #[schemars(extend("uniqueItems" = true))]
        pub events: Forwarded<Option<Vec<crate::triggers::types::WebhookEventType>>>,
        pub folder_id: Option<WrikeId>,
        /// With folderId: also monitor nested folders, projects and tasks
        #[schemars(extend("default" = false))]
        pub recursive: Forwarded<Option<bool>>,
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `new_or_updated_project_webhook`.
    #[schemars(description = "")]
    pub struct NewOrUpdatedProjectWebhook {
        /// Events to monitor (empty or absent: all)
        #[schemars(extend("uniqueItems" = true))]
        pub events: Forwarded<Option<Vec<crate::triggers::types::WebhookEventType>>>,
        pub folder_id: Option<WrikeId>,
        /// With folderId: also monitor nested folders, projects and tasks
        #[schemars(extend("default" = false))]
        pub recursive: Forwarded<Option<bool>>,
        pub space_id: Option<WrikeId>,
    }
}

/// `WebhookEvent` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct WebhookEvent {
    pub event_author_id: Option<String>,
    pub event_type: String,
    pub folder_id: Option<String>,
    pub last_updated_date: Option<String>,
    pub task_id: Option<String>,
    pub webhook_id: Option<String>,
}
