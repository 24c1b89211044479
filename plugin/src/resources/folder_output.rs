//! The folder and the project as Wrike returns them: the output of the folder actions and of
//! the folder and project triggers (split from `folders.rs` to keep each file short).

use schemars::JsonSchema;
use serde::Deserialize;

use crate::common::*;

/// Values of `Project.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ProjectStatus {
    #[default]
    Green,
    Yellow,
    Red,
    Completed,
    OnHold,
    Cancelled,
    Custom,
}

/// `FolderCustomFieldsItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct FolderCustomFieldsItem {
    pub id: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `FolderMetadataItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct FolderMetadataItem {
    pub key: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `FolderProject` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct FolderProject {
    pub author_id: Option<String>,
    pub completed_date: Option<String>,
    pub contract_type: Option<String>,
    pub created_date: Option<String>,
    pub custom_status_id: Option<String>,
    pub end_date: Option<String>,
    pub owner_ids: Option<Vec<String>>,
    pub start_date: Option<String>,
    pub status: Option<ProjectStatus>,
}

/// Values of `Folder.scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum FolderScope {
    #[default]
    WsFolder,
    RbFolder,
    WsRoot,
    RbRoot,
}

/// `Folder` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Folder {
    pub account_id: Option<String>,
    pub attachment_count: Option<u32>,
    pub brief_description: Option<String>,
    pub child_ids: Option<Vec<String>>,
    pub color: Option<String>,
    pub created_date: Option<DateTime>,
    pub custom_column_ids: Option<Vec<String>>,
    pub custom_fields: Option<Vec<FolderCustomFieldsItem>>,
    pub description: Option<String>,
    pub has_attachments: Option<bool>,
    pub id: String,
    pub metadata: Option<Vec<FolderMetadataItem>>,
    pub parent_ids: Option<Vec<String>>,
    pub permalink: Option<String>,
    pub project: Option<FolderProject>,
    pub scope: Option<FolderScope>,
    pub shared_ids: Option<Vec<String>>,
    pub space: Option<bool>,
    pub super_parent_ids: Option<Vec<String>>,
    pub title: String,
    pub updated_date: Option<DateTime>,
    pub workflow_id: Option<String>,
}

/// What `delete_folder` returns: the folder, now in the Recycle Bin, or `{}` when Wrike
/// returns none.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(description = "")]
pub enum DeletedFolder {
    // `{}`.
    Nothing(Empty),
    // The folder.
    Folder(Box<Folder>),
}
