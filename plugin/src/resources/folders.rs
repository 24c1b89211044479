//! Folders and projects (API.md §11.2): `create_folder`, `create_project`, `update_folder`,
//! `update_project`, `get_folder_by_id`, `search_folder`, `search_project`, `copy_folder`,
//! `copy_project`, `delete_folder`. Projects are folders with a `project` object.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

pub use super::folder_output::{DeletedFolder, Folder, FolderScope, ProjectStatus};
use super::{
    apply_custom_fields, first_or_empty, normalize_ts_range, opt_bool, owner, parent_folder,
    req_str, resolve_custom_status, strip_html,
};
use crate::common::WrikeId;
use crate::common::*;
use crate::error::Result;
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The folder and project actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_folder",
        title: "Create folder",
        description: "Create a folder inside a folder or project (POST /folders/{folderId}/folders).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateFolder>(),
        output_schema: Schema::of::<Folder>(),
        run: create_folder,
    },
    Action {
        name: "create_project",
        title: "Create project",
        description: "Create a project inside a folder or project (POST /folders/{folderId}/folders with project settings).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateProject>(),
        output_schema: Schema::of::<Folder>(),
        run: create_project,
    },
    Action {
        name: "update_folder",
        title: "Update folder",
        description: "Update a folder's title, description, parents, sharing, metadata or custom fields (PUT /folders/{folderId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateFolder>(),
        output_schema: Schema::of::<Folder>(),
        run: update_folder,
    },
    Action {
        name: "update_project",
        title: "Update project",
        description: "Update a project, including its owners, status and dates (PUT /folders/{folderId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateProject>(),
        output_schema: Schema::of::<Folder>(),
        run: update_project,
    },
    Action {
        name: "get_folder_by_id",
        title: "Get folder or project by ID",
        description: "Fetch one folder or project (GET /folders/{folderId}).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetFolderById>(),
        output_schema: Schema::of::<Folder>(),
        run: get_folder,
    },
    Action {
        name: "search_folder",
        title: "Search folders",
        description: "Search folders and projects in the account, a folder's subtree or a space (GET /folders). Not paged.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchFolder>(),
        output_schema: Schema::of::<List<Folder>>(),
        run: search_folder,
    },
    Action {
        name: "search_project",
        title: "Search projects",
        description: "Search projects in the account, a folder's subtree or a space (GET /folders?project=true). Not paged.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchProject>(),
        output_schema: Schema::of::<List<Folder>>(),
        run: search_project,
    },
    Action {
        name: "copy_folder",
        title: "Copy folder",
        description: "Copy a folder with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CopyFolder>(),
        output_schema: Schema::of::<List<Folder>>(),
        run: copy_folder,
    },
    Action {
        name: "copy_project",
        title: "Copy project",
        description: "Copy a project with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CopyProject>(),
        output_schema: Schema::of::<List<Folder>>(),
        run: copy_folder,
    },
    Action {
        name: "delete_folder",
        title: "Delete folder or project",
        description: "Move a folder or project, its descendants and tasks to the Recycle Bin (DELETE /folders/{folderId}); returns the folder when Wrike does.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<DeleteFolder>(),
        output_schema: Schema::of::<DeletedFolder>(),
        run: delete_folder,
    },
];

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

/// `Project` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Project {
    /// Wrike Resource only
    pub contract_type: Option<crate::resources::tasks::BillingType>,
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
        pub fields: Forwarded<Option<Vec<crate::resources::folders::FolderWriteField>>>,
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
        pub fields: Forwarded<Option<Vec<crate::resources::folders::FolderWriteField>>>,
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
        pub fields: Forwarded<Option<Vec<crate::resources::folders::FolderWriteField>>>,
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
        pub contract_types: Forwarded<Option<crate::resources::tasks::BillingType>>,
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
        pub contract_types: Forwarded<Option<crate::resources::tasks::BillingType>>,
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
        pub custom_field: Forwarded<Option<CustomFieldFilter>>,
        /// Search the Recycle Bin (account-wide or with spaceId; Wrike does not document it for a folder's subtree, so true is refused with folderId)
        pub deleted: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub descendants: Forwarded<Option<bool>>,
        /// Optional fields (default: description, briefDescription, customFields, metadata, hasAttachments, attachmentCount, superParentIds, customColumnIds)
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::resources::folders::FolderSearchField>>>,
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

/// The `project` member of `update_project`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ProjectUpdate {
    /// Wrike Resource only
    pub contract_type: Option<crate::resources::tasks::BillingType>,
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

/// The optional fields folder searches and the folder triggers ask for (Workato's list).
pub const DEFAULT_FIELDS: &[&str] = &[
    "description",
    "briefDescription",
    "customFields",
    "metadata",
    "hasAttachments",
    "attachmentCount",
    "superParentIds",
    "customColumnIds",
];

/// `fields` as a JSON array of the default optional fields.
pub fn default_fields() -> Value {
    Value::Array(DEFAULT_FIELDS.iter().map(|f| Value::from(*f)).collect())
}

fn write_form(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Params> {
    let mut form = Params::from_input(input, &["folderId"]);
    apply_custom_fields(&mut form, input);
    if let Some(Value::Object(project)) = input.get("project") {
        if let Some(text) = project.get("customStatusId").and_then(Value::as_str) {
            let id = resolve_custom_status(client, "project.customStatusId", text)?;
            let mut project = project.clone();
            project.insert("customStatusId".into(), Value::String(id));
            form.set("project", &Value::Object(project));
        }
    }
    Ok(form)
}

fn create(client: &mut Client<'_>, input: &Map<String, Value>, project: bool) -> Result<Value> {
    let parent = parent_folder(req_str(input, "folderId")?)?;
    let mut form = write_form(client, input)?;
    if project && form.get("project").is_none() {
        form.set("project", &Value::Object(Map::new()));
    }
    client
        .post(&path(&["folders", parent, "folders"]), form)?
        .first()
}

fn create_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<CreateFolder>(input)?;
    create(client, input, false)
}

fn create_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<CreateProject>(input)?;
    create(client, input, true)
}

fn update_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateFolder = parse(input)?;
    update(client, input, &typed.folder_id)
}

fn update_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateProject = parse(input)?;
    update(client, input, &typed.folder_id)
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>, id: &WrikeId) -> Result<Value> {
    let form = write_form(client, input)?;
    client.put(&path(&["folders", id.as_str()]), form)?.first()
}

fn plain(mut folder: Value, on: bool) -> Value {
    if on {
        if let Some(Value::String(d)) = folder.get_mut("description") {
            *d = strip_html(d);
        }
    }
    folder
}

fn get_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: GetFolderById = parse(input)?;
    let id = typed.folder_id.as_str();
    let q = Params::from_input(input, &["folderId", "convertDescriptionToPlainText"]);
    let folder = client.get(&path(&["folders", id]), &q)?.first()?;
    Ok(plain(
        folder,
        opt_bool(input, "convertDescriptionToPlainText", false),
    ))
}

/// The list path of a folder search: `/folders`, `/folders/{id}/folders` or
/// `/spaces/{id}/folders`.
pub fn folders_path(input: &Map<String, Value>) -> String {
    match owner(input, &[("folderId", "folders"), ("spaceId", "spaces")]) {
        Some((seg, id)) => path(&[seg, id, "folders"]),
        None => "/folders".to_string(),
    }
}

fn search(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    project: Option<bool>,
) -> Result<Value> {
    let mut q = Params::from_input(
        input,
        &["folderId", "spaceId", "convertDescriptionToPlainText"],
    );
    normalize_ts_range(&mut q, input, "updatedDate")?;
    if input.contains_key("folderId") {
        // `deleted` is documented for `GET /folders` and `GET /spaces/{id}/folders` only; the
        // schema refuses `true` with folderId, and `false` is the default anyway.
        q.remove("deleted");
    }
    if let Some(p) = project {
        q.set("project", &Value::Bool(p));
    }
    if q.get("fields").is_none() {
        q.set("fields", &default_fields());
    }
    let mut env = client.get(&folders_path(input), &q)?;
    let on = opt_bool(input, "convertDescriptionToPlainText", false);
    env.data = env.data.into_iter().map(|f| plain(f, on)).collect();
    Ok(env.into_list())
}

fn search_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<SearchFolder>(input)?;
    search(client, input, None)
}

fn search_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<SearchProject>(input)?;
    search(client, input, Some(true))
}

fn copy_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<CopyFolder>(input)?;
    let id = req_str(input, "folderId")?;
    let form = Params::from_input(input, &["folderId"]);
    Ok(client.post(&path(&["copy_folder", id]), form)?.into_list())
}

fn delete_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: DeleteFolder = parse(input)?;
    let id = typed.folder_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["folders", id]))?))
}

#[cfg(test)]
#[path = "folders_tests.rs"]
mod tests;
