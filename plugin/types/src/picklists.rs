//! Pick list parameters: inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

crate::input! {
    /// Input of `folders`.
    #[schemars(description = "")]
    pub struct Folders {
        /// Only projects (true) or only plain folders (false)
        pub project: Forwarded<Option<bool>>,
    }
}

crate::input! {
    /// Input of `users`.
    #[schemars(description = "")]
    pub struct Users {

    }
}

crate::input! {
    /// Input of `workflows`.
    #[schemars(description = "")]
    pub struct Workflows {

    }
}

crate::input! {
    /// Input of `custom_statuses`.
    #[schemars(description = "")]
    pub struct CustomStatuses {

    }
}

crate::input! {
    /// Input of `custom_fields`.
    #[schemars(description = "")]
    pub struct CustomFields {

    }
}

crate::input! {
    /// Input of `spaces`.
    #[schemars(description = "")]
    pub struct Spaces {

    }
}

crate::input! {
    /// Input of `timelog_categories`.
    #[schemars(description = "")]
    pub struct TimelogCategories {

    }
}

crate::input! {
    /// Input of `folder_blueprints`.
    #[schemars(description = "")]
    pub struct FolderBlueprints {
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `task_blueprints`.
    #[schemars(description = "")]
    pub struct TaskBlueprints {
        pub space_id: Option<WrikeId>,
    }
}

/// Project-based or task-based custom item types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum CustomItemTypeKind {
    #[default]
    Project,
    Task,
}

crate::input! {
    /// Input of `custom_item_types`.
    #[schemars(description = "")]
    pub struct CustomItemTypes {
        pub space_id: Option<WrikeId>,
        /// Only project-based or only task-based types
        pub r#type: Forwarded<Option<CustomItemTypeKind>>,
    }
}

crate::input! {
    /// Input of `task_status`.
    #[schemars(description = "")]
    pub struct TaskStatus {

    }
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("folders.input", generate::<Folders>()),
        ("users.input", generate::<Users>()),
        ("workflows.input", generate::<Workflows>()),
        ("custom_statuses.input", generate::<CustomStatuses>()),
        ("custom_fields.input", generate::<CustomFields>()),
        ("spaces.input", generate::<Spaces>()),
        ("timelog_categories.input", generate::<TimelogCategories>()),
        ("folder_blueprints.input", generate::<FolderBlueprints>()),
        ("task_blueprints.input", generate::<TaskBlueprints>()),
        ("custom_item_types.input", generate::<CustomItemTypes>()),
        ("task_status.input", generate::<TaskStatus>()),
    ]
}
