//! Folders and projects (API.md §11.2): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

/// Optional fields of a folder or project write's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum FolderWriteField {
    #[serde(rename = "contractType")]
    #[default]
    ContractType,
}

crate::input! {
    /// Input of `create_folder`.
    #[schemars(description = "")]
    pub struct CreateFolder {
        pub custom_columns: Forwarded<Option<Ids>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        pub description: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<FolderWriteField>>>,
        /// ID of the parent folder or project; for the account root pass its rootFolderId (the Root entry of the `folders` pick list)
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub folder_id: Forwarded<String>,
        pub metadata: Forwarded<Option<Metadata>>,
        pub shareds: Forwarded<Option<Ids>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
    }
}

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

/// `Project` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Project {
    /// Wrike Resource only
    pub contract_type: Option<crate::tasks::BillingType>,
    /// Project custom status ID (with status Custom), or "Workflow name|Status name"
    #[schemars(length(min = 1))]
    pub custom_status_id: Option<String>,
    pub end_date: Option<Date>,
    pub owner_ids: Option<Ids>,
    pub start_date: Option<Date>,
    pub status: Option<ProjectStatus>,
}

crate::input! {
    /// Input of `create_project`.
    #[schemars(description = "")]
    pub struct CreateProject {
        pub custom_columns: Forwarded<Option<Ids>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        pub description: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::folders::FolderWriteField>>>,
        /// ID of the parent folder or project; for the account root pass its rootFolderId (the Root entry of the `folders` pick list)
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub folder_id: Forwarded<String>,
        pub metadata: Forwarded<Option<Metadata>>,
        /// Project settings (default: {})
        pub project: Forwarded<Option<Project>>,
        pub shareds: Forwarded<Option<Ids>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
    }
}

crate::input! {
    /// Input of `update_folder`.
    #[schemars(description = "")]
    pub struct UpdateFolder {
        pub add_parents: Forwarded<Option<Ids>>,
        pub add_shareds: Forwarded<Option<Ids>>,
        pub custom_columns: Forwarded<Option<Ids>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        pub description: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::folders::FolderWriteField>>>,
        pub folder_id: WrikeId,
        pub metadata: Forwarded<Option<Metadata>>,
        pub remove_parents: Forwarded<Option<Ids>>,
        pub remove_shareds: Forwarded<Option<Ids>>,
        /// Restore from the Recycle Bin
        pub restore: Forwarded<Option<bool>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<Option<String>>,
    }
}

crate::input! {
    /// Input of `update_project`.
    #[schemars(description = "")]
    pub struct UpdateProject {
        pub add_parents: Forwarded<Option<Ids>>,
        pub add_shareds: Forwarded<Option<Ids>>,
        pub custom_columns: Forwarded<Option<Ids>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        pub description: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::folders::FolderWriteField>>>,
        pub folder_id: WrikeId,
        pub metadata: Forwarded<Option<Metadata>>,
        /// Project changes; null turns the project back into a folder
        #[schemars(extend("x-nullable" = true))]
        pub project: Forwarded<Option<ProjectUpdate>>,
        pub remove_parents: Forwarded<Option<Ids>>,
        pub remove_shareds: Forwarded<Option<Ids>>,
        /// Restore from the Recycle Bin
        pub restore: Forwarded<Option<bool>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<Option<String>>,
    }
}

/// Optional fields of `get_folder_by_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum FolderGetField {
    #[serde(rename = "briefDescription")]
    #[default]
    BriefDescription,
    #[serde(rename = "customColumnIds")]
    CustomColumnIds,
    #[serde(rename = "attachmentCount")]
    AttachmentCount,
    #[serde(rename = "contractType")]
    ContractType,
}

crate::input! {
    /// Input of `get_folder_by_id`.
    #[schemars(description = "")]
    pub struct GetFolderById {
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<FolderGetField>>>,
        pub folder_id: WrikeId,
    }
}

/// Optional fields of `search_folder` and `search_project`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum FolderSearchField {
    #[serde(rename = "metadata")]
    #[default]
    Metadata,
    #[serde(rename = "hasAttachments")]
    HasAttachments,
    #[serde(rename = "attachmentCount")]
    AttachmentCount,
    #[serde(rename = "description")]
    Description,
    #[serde(rename = "briefDescription")]
    BriefDescription,
    #[serde(rename = "customFields")]
    CustomFields,
    #[serde(rename = "customColumnIds")]
    CustomColumnIds,
    #[serde(rename = "superParentIds")]
    SuperParentIds,
    #[serde(rename = "space")]
    Space,
    #[serde(rename = "contractType")]
    ContractType,
}

crate::input! {
    /// Input of `search_folder`.
    #[schemars(description = "")]
    #[schemars(extend("dependentSchemas" = {"folderId": {"properties": {"deleted": {"const": false}}}}), extend("not" = {"required": ["folderId", "spaceId"]}))]
    pub struct SearchFolder {
        /// Wrike Resource only
        pub contract_types: Forwarded<Option<crate::tasks::BillingType>>,
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
        pub custom_field: Forwarded<Option<CustomFieldFilter>>,
        /// Search the Recycle Bin (account-wide or with spaceId; Wrike does not document it for a folder's subtree, so true is refused with folderId)
        pub deleted: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub descendants: Forwarded<Option<bool>>,
        /// Optional fields (default: description, briefDescription, customFields, metadata, hasAttachments, attachmentCount, superParentIds, customColumnIds)
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<FolderSearchField>>>,
        /// Search the subtree of this folder
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub folder_id: Forwarded<Option<String>>,
        pub metadata: Forwarded<Option<MetadataFilter>>,
        pub permalink: Forwarded<Option<String>>,
        /// Only projects (true) or only plain folders (false); default both
        pub project: Forwarded<Option<bool>>,
        /// Search the subtree of this space
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub space_id: Forwarded<Option<String>>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

crate::input! {
    /// Input of `search_project`.
    #[schemars(description = "")]
    #[schemars(extend("dependentSchemas" = {"folderId": {"properties": {"deleted": {"const": false}}}}), extend("not" = {"required": ["folderId", "spaceId"]}))]
    pub struct SearchProject {
        /// Wrike Resource only
        pub contract_types: Forwarded<Option<crate::tasks::BillingType>>,
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
        pub custom_field: Forwarded<Option<CustomFieldFilter>>,
        /// Search the Recycle Bin (account-wide or with spaceId; Wrike does not document it for a folder's subtree, so true is refused with folderId)
        pub deleted: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub descendants: Forwarded<Option<bool>>,
        /// Optional fields (default: description, briefDescription, customFields, metadata, hasAttachments, attachmentCount, superParentIds, customColumnIds)
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::folders::FolderSearchField>>>,
        /// Search the subtree of this folder
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub folder_id: Forwarded<Option<String>>,
        pub metadata: Forwarded<Option<MetadataFilter>>,
        pub permalink: Forwarded<Option<String>>,
        /// Search the subtree of this space
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub space_id: Forwarded<Option<String>>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

/// Values of `rescheduleMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum RescheduleMode {
    #[default]
    Start,
    End,
}

crate::input! {
    /// Input of `copy_folder`.
    #[schemars(description = "")]
    pub struct CopyFolder {
        pub add_responsibles: Forwarded<Option<Ids>>,
        #[schemars(extend("default" = true))]
        pub copy_custom_fields: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_custom_statuses: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_descriptions: Forwarded<Option<bool>>,
        #[schemars(extend("default" = false))]
        pub copy_parents: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_responsibles: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_statuses: Forwarded<Option<bool>>,
        #[schemars(range(min = 1, max = 250), extend("default" = 250))]
        pub entry_limit: Forwarded<Option<u32>>,
        /// The folder or project to copy
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub folder_id: Forwarded<String>,
        /// Folder to copy into
        #[schemars(length(min = 1, max = 256), pattern(r"^[A-Za-z0-9_:.=-]+$"))]
        pub parent: Forwarded<String>,
        pub remove_responsibles: Forwarded<Option<Ids>>,
        pub reschedule_date: Forwarded<Option<Date>>,
        #[schemars(extend("default" = "Start"))]
        pub reschedule_mode: Forwarded<Option<RescheduleMode>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
        pub title_prefix: Forwarded<Option<String>>,
    }
}

/// Input of `copy_project`: the same members as `copy_folder` (Wrike copies a project with
/// the same call as a folder).
pub type CopyProject = CopyFolder;

crate::input! {
    /// Input of `delete_folder`.
    #[schemars(description = "")]
    pub struct DeleteFolder {
        pub folder_id: WrikeId,
    }
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
    pub status: Option<crate::folders::ProjectStatus>,
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

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("create_folder.input", generate::<CreateFolder>()),
        ("create_project.input", generate::<CreateProject>()),
        ("update_folder.input", generate::<UpdateFolder>()),
        ("update_project.input", generate::<UpdateProject>()),
        ("get_folder_by_id.input", generate::<GetFolderById>()),
        ("search_folder.input", generate::<SearchFolder>()),
        ("search_project.input", generate::<SearchProject>()),
        ("copy_folder.input", generate::<CopyFolder>()),
        ("copy_project.input", generate::<CopyProject>()),
        ("delete_folder.input", generate::<DeleteFolder>()),
        ("folder.output", generate::<Folder>()),
        ("folder_list.output", generate::<List<Folder>>()),
        ("deleted_folder.output", generate::<DeletedFolder>()),
    ]
}

/// The `project` member of `update_project`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ProjectUpdate {
    /// Wrike Resource only
    pub contract_type: Option<crate::tasks::BillingType>,
    /// Project custom status ID (with status Custom), or "Workflow name|Status name"
    #[schemars(length(min = 1))]
    pub custom_status_id: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub end_date: Option<Date>,
    pub owners_add: Option<Ids>,
    pub owners_remove: Option<Ids>,
    #[schemars(extend("x-nullable" = true))]
    pub start_date: Option<Date>,
    pub status: Option<ProjectStatus>,
}
