//! Folders and projects (API.md §11.2): `create_folder`, `create_project`, `update_folder`,
//! `update_project`, `get_folder_by_id`, `search_folder`, `search_project`, `copy_folder`,
//! `copy_project`, `delete_folder`. Projects are folders with a `project` object.

use serde_json::{Map, Value};

use super::{
    apply_custom_fields, first_or_empty, normalize_ts_range, opt_bool, owner, parent_folder,
    req_str, resolve_custom_status, strip_html,
};
use crate::catalog::{Action, R, W};
use crate::error::Result;
use crate::wrike::{path, Client, Params};

/// Members of a Wrike folder/project object schema (API.md §12). Folder-tree entries carry
/// only `id`, `title`, `childIds`, `scope`.
#[macro_export]
#[doc(hidden)]
macro_rules! s_folder_body {
    () => {
        r#""type":"object","required":["id","title"],"properties":{"id":{"type":"string"},"accountId":{"type":"string"},"title":{"type":"string"},"createdDate":{"type":"string","format":"date-time"},"updatedDate":{"type":"string","format":"date-time"},"briefDescription":{"type":"string"},"description":{"type":"string"},"color":{"type":"string"},"sharedIds":{"type":"array","items":{"type":"string"}},"parentIds":{"type":"array","items":{"type":"string"}},"childIds":{"type":"array","items":{"type":"string"}},"superParentIds":{"type":"array","items":{"type":"string"}},"scope":{"type":"string","enum":["WsFolder","RbFolder","WsRoot","RbRoot"]},"hasAttachments":{"type":"boolean"},"attachmentCount":{"type":"integer","minimum":0},"permalink":{"type":"string"},"workflowId":{"type":"string"},"metadata":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"value":{"type":["string","null"]}}}},"customFields":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"value":{"type":["string","null"]}}}},"customColumnIds":{"type":"array","items":{"type":"string"}},"space":{"type":"boolean"},"project":{"type":"object","properties":{"authorId":{"type":"string"},"ownerIds":{"type":"array","items":{"type":"string"}},"status":{"type":"string","enum":["Green","Yellow","Red","Completed","OnHold","Cancelled","Custom"]},"customStatusId":{"type":"string"},"startDate":{"type":"string"},"endDate":{"type":"string"},"createdDate":{"type":"string"},"completedDate":{"type":"string"},"contractType":{"type":"string"}}}}"#
    };
}

/// A Wrike folder/project object schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_folder {
    () => {
        concat!("{", $crate::s_folder_body!(), "}")
    };
}

macro_rules! folder_out {
    () => {
        crate::s_output!(crate::s_folder_body!())
    };
}

macro_rules! project_status {
    () => {
        r#"{"type":"string","enum":["Green","Yellow","Red","Completed","OnHold","Cancelled","Custom"]}"#
    };
}

macro_rules! project_custom_status {
    () => {
        r#"{"type":"string","minLength":1,"description":"Project custom status ID (with status Custom), or \"Workflow name|Status name\""}"#
    };
}

macro_rules! contract_type {
    () => {
        r#"{"type":"string","enum":["Billable","NonBillable"],"description":"Wrike Resource only"}"#
    };
}

macro_rules! create_props {
    () => {
        concat!(
            r#""folderId":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"ID of the parent folder or project; for the account root pass its rootFolderId (the Root entry of the `folders` pick list)"},"title":{"type":"string","minLength":1},"description":{"type":"string"},"shareds":"#,
            crate::s_ids!(),
            r#","metadata":"#,
            crate::s_metadata!(),
            r#","customFields":"#,
            crate::s_custom_fields!(),
            r#","customColumns":"#,
            crate::s_ids!(),
            r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["contractType"]}}"#
        )
    };
}

const CREATE_FOLDER_INPUT: &str = crate::s_input!([r#""folderId","title""#], create_props!());

const CREATE_PROJECT_INPUT: &str = crate::s_input!(
    [r#""folderId","title""#],
    create_props!(),
    r#","project":{"type":"object","additionalProperties":false,"description":"Project settings (default: {})","properties":{"ownerIds":"#,
    crate::s_ids!(),
    r#","status":"#,
    project_status!(),
    r#","customStatusId":"#,
    project_custom_status!(),
    r#","startDate":"#,
    crate::s_date!(),
    r#","endDate":"#,
    crate::s_date!(),
    r#","contractType":"#,
    contract_type!(),
    "}}"
);

macro_rules! update_props {
    () => {
        concat!(
            r#""folderId":"#,
            crate::s_id!(),
            r#","title":{"type":"string","minLength":1},"description":{"type":"string"},"addParents":"#,
            crate::s_ids!(),
            r#","removeParents":"#,
            crate::s_ids!(),
            r#","addShareds":"#,
            crate::s_ids!(),
            r#","removeShareds":"#,
            crate::s_ids!(),
            r#","metadata":"#,
            crate::s_metadata!(),
            r#","restore":{"type":"boolean","description":"Restore from the Recycle Bin"},"customFields":"#,
            crate::s_custom_fields!(),
            r#","customColumns":"#,
            crate::s_ids!(),
            r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["contractType"]}}"#
        )
    };
}

const UPDATE_FOLDER_INPUT: &str = crate::s_input!([r#""folderId""#], update_props!());

const UPDATE_PROJECT_INPUT: &str = crate::s_input!(
    [r#""folderId""#],
    update_props!(),
    r#","project":{"type":["object","null"],"additionalProperties":false,"description":"Project changes; null turns the project back into a folder","properties":{"ownersAdd":"#,
    crate::s_ids!(),
    r#","ownersRemove":"#,
    crate::s_ids!(),
    r#","status":"#,
    project_status!(),
    r#","customStatusId":"#,
    project_custom_status!(),
    r#","startDate":{"type":["string","null"],"format":"date"},"endDate":{"type":["string","null"],"format":"date"},"contractType":"#,
    contract_type!(),
    "}}"
);

const GET_INPUT: &str = crate::s_input!(
    [r#""folderId""#],
    r#""folderId":"#,
    crate::s_id!(),
    r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["briefDescription","customColumnIds","attachmentCount","contractType"]}},"convertDescriptionToPlainText":{"type":"boolean","default":false}"#
);

macro_rules! search_props {
    () => {
        concat!(
            r#""folderId":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"Search the subtree of this folder"},"spaceId":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"Search the subtree of this space"},"permalink":{"type":"string"},"descendants":{"type":"boolean","default":true},"metadata":"#,
            crate::s_metadata_filter!(),
            r#","customField":"#,
            crate::s_custom_field_filter!(),
            r#","updatedDate":"#,
            crate::s_ts_range!(),
            r#","deleted":{"type":"boolean","description":"Search the Recycle Bin (account-wide or with spaceId; Wrike does not document it for a folder's subtree, so true is refused with folderId)"},"contractTypes":"#,
            contract_type!(),
            r#","fields":{"type":"array","uniqueItems":true,"description":"Optional fields (default: description, briefDescription, customFields, metadata, hasAttachments, attachmentCount, superParentIds, customColumnIds)","items":{"type":"string","enum":["metadata","hasAttachments","attachmentCount","description","briefDescription","customFields","customColumnIds","superParentIds","space","contractType"]}},"convertDescriptionToPlainText":{"type":"boolean","default":false}"#
        )
    };
}

const SEARCH_FOLDER_INPUT: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","type":"object","additionalProperties":false,"not":{"required":["folderId","spaceId"]},"dependentSchemas":{"folderId":{"properties":{"deleted":{"const":false}}}},"properties":{"#,
    search_props!(),
    r#","project":{"type":"boolean","description":"Only projects (true) or only plain folders (false); default both"}}}"#
);

const SEARCH_PROJECT_INPUT: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","type":"object","additionalProperties":false,"not":{"required":["folderId","spaceId"]},"dependentSchemas":{"folderId":{"properties":{"deleted":{"const":false}}}},"properties":{"#,
    search_props!(),
    "}}"
);

const COPY_INPUT: &str = crate::s_input!(
    [r#""folderId","parent","title""#],
    r#""folderId":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"The folder or project to copy"},"parent":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"Folder to copy into"},"title":{"type":"string","minLength":1},"titlePrefix":{"type":"string"},"copyDescriptions":{"type":"boolean","default":true},"copyResponsibles":{"type":"boolean","default":true},"addResponsibles":"#,
    crate::s_ids!(),
    r#","removeResponsibles":"#,
    crate::s_ids!(),
    r#","copyCustomFields":{"type":"boolean","default":true},"copyCustomStatuses":{"type":"boolean","default":true},"copyStatuses":{"type":"boolean","default":true},"copyParents":{"type":"boolean","default":false},"rescheduleDate":"#,
    crate::s_date!(),
    r#","rescheduleMode":{"type":"string","enum":["Start","End"],"default":"Start"},"entryLimit":{"type":"integer","minimum":1,"maximum":250,"default":250}"#
);

const DELETE_INPUT: &str = crate::s_input!([r#""folderId""#], r#""folderId":"#, crate::s_id!());

const EMPTY_OR_FOLDER: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","anyOf":[{"type":"object","maxProperties":0},{"#,
    crate::s_folder_body!(),
    "}]}"
);

/// The folder and project actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_folder",
        title: "Create folder",
        description: "Create a folder inside a folder or project (POST /folders/{folderId}/folders).",
        scopes: W,
        input_schema: CREATE_FOLDER_INPUT,
        output_schema: folder_out!(),
        run: create_folder,
    },
    Action {
        name: "create_project",
        title: "Create project",
        description: "Create a project inside a folder or project (POST /folders/{folderId}/folders with project settings).",
        scopes: W,
        input_schema: CREATE_PROJECT_INPUT,
        output_schema: folder_out!(),
        run: create_project,
    },
    Action {
        name: "update_folder",
        title: "Update folder",
        description: "Update a folder's title, description, parents, sharing, metadata or custom fields (PUT /folders/{folderId}).",
        scopes: W,
        input_schema: UPDATE_FOLDER_INPUT,
        output_schema: folder_out!(),
        run: update_folder,
    },
    Action {
        name: "update_project",
        title: "Update project",
        description: "Update a project, including its owners, status and dates (PUT /folders/{folderId}).",
        scopes: W,
        input_schema: UPDATE_PROJECT_INPUT,
        output_schema: folder_out!(),
        run: update_project,
    },
    Action {
        name: "get_folder_by_id",
        title: "Get folder or project by ID",
        description: "Fetch one folder or project (GET /folders/{folderId}).",
        scopes: R,
        input_schema: GET_INPUT,
        output_schema: folder_out!(),
        run: get_folder,
    },
    Action {
        name: "search_folder",
        title: "Search folders",
        description: "Search folders and projects in the account, a folder's subtree or a space (GET /folders). Not paged.",
        scopes: R,
        input_schema: SEARCH_FOLDER_INPUT,
        output_schema: crate::s_list!(crate::s_folder!()),
        run: search_folder,
    },
    Action {
        name: "search_project",
        title: "Search projects",
        description: "Search projects in the account, a folder's subtree or a space (GET /folders?project=true). Not paged.",
        scopes: R,
        input_schema: SEARCH_PROJECT_INPUT,
        output_schema: crate::s_list!(crate::s_folder!()),
        run: search_project,
    },
    Action {
        name: "copy_folder",
        title: "Copy folder",
        description: "Copy a folder with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        input_schema: COPY_INPUT,
        output_schema: crate::s_list!(crate::s_folder!()),
        run: copy_folder,
    },
    Action {
        name: "copy_project",
        title: "Copy project",
        description: "Copy a project with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        input_schema: COPY_INPUT,
        output_schema: crate::s_list!(crate::s_folder!()),
        run: copy_folder,
    },
    Action {
        name: "delete_folder",
        title: "Delete folder or project",
        description: "Move a folder or project, its descendants and tasks to the Recycle Bin (DELETE /folders/{folderId}); returns the folder when Wrike does.",
        scopes: W,
        input_schema: DELETE_INPUT,
        output_schema: EMPTY_OR_FOLDER,
        run: delete_folder,
    },
];

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
    create(client, input, false)
}

fn create_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    create(client, input, true)
}

fn update_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "folderId")?;
    let form = write_form(client, input)?;
    client.put(&path(&["folders", id]), form)?.first()
}

fn update_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    update_folder(client, input)
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
    let id = req_str(input, "folderId")?;
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
    search(client, input, None)
}

fn search_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    search(client, input, Some(true))
}

fn copy_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "folderId")?;
    let form = Params::from_input(input, &["folderId"]);
    Ok(client.post(&path(&["copy_folder", id]), form)?.into_list())
}

fn delete_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "folderId")?;
    Ok(first_or_empty(client.delete(&path(&["folders", id]))?))
}

#[cfg(test)]
#[path = "folders_tests.rs"]
mod tests;
