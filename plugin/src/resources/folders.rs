//! Folders and projects (API.md §11.2): `create_folder`, `create_project`, `update_folder`,
//! `update_project`, `get_folder_by_id`, `search_folder`, `search_project`, `copy_folder`,
//! `copy_project`, `delete_folder`. Projects are folders with a `project` object.

use serde_json::{Map, Value};

use super::{
    apply_custom_fields, first_or_empty, normalize_ts_range, opt_bool, owner, parent_folder,
    req_str, resolve_custom_status, strip_html,
};
use crate::error::Result;
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use wrike_types::WrikeId;

/// The folder and project actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_folder",
        title: "Create folder",
        description: "Create a folder inside a folder or project (POST /folders/{folderId}/folders).",
        scopes: W,
        input_schema: crate::schema!("create_folder.input"),
        output_schema: crate::schema!("folder.output"),
        run: create_folder,
    },
    Action {
        name: "create_project",
        title: "Create project",
        description: "Create a project inside a folder or project (POST /folders/{folderId}/folders with project settings).",
        scopes: W,
        input_schema: crate::schema!("create_project.input"),
        output_schema: crate::schema!("folder.output"),
        run: create_project,
    },
    Action {
        name: "update_folder",
        title: "Update folder",
        description: "Update a folder's title, description, parents, sharing, metadata or custom fields (PUT /folders/{folderId}).",
        scopes: W,
        input_schema: crate::schema!("update_folder.input"),
        output_schema: crate::schema!("folder.output"),
        run: update_folder,
    },
    Action {
        name: "update_project",
        title: "Update project",
        description: "Update a project, including its owners, status and dates (PUT /folders/{folderId}).",
        scopes: W,
        input_schema: crate::schema!("update_project.input"),
        output_schema: crate::schema!("folder.output"),
        run: update_project,
    },
    Action {
        name: "get_folder_by_id",
        title: "Get folder or project by ID",
        description: "Fetch one folder or project (GET /folders/{folderId}).",
        scopes: R,
        input_schema: crate::schema!("get_folder_by_id.input"),
        output_schema: crate::schema!("folder.output"),
        run: get_folder,
    },
    Action {
        name: "search_folder",
        title: "Search folders",
        description: "Search folders and projects in the account, a folder's subtree or a space (GET /folders). Not paged.",
        scopes: R,
        input_schema: crate::schema!("search_folder.input"),
        output_schema: crate::schema!("folder_list.output"),
        run: search_folder,
    },
    Action {
        name: "search_project",
        title: "Search projects",
        description: "Search projects in the account, a folder's subtree or a space (GET /folders?project=true). Not paged.",
        scopes: R,
        input_schema: crate::schema!("search_project.input"),
        output_schema: crate::schema!("folder_list.output"),
        run: search_project,
    },
    Action {
        name: "copy_folder",
        title: "Copy folder",
        description: "Copy a folder with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        input_schema: crate::schema!("copy_folder.input"),
        output_schema: crate::schema!("folder_list.output"),
        run: copy_folder,
    },
    Action {
        name: "copy_project",
        title: "Copy project",
        description: "Copy a project with its subtree into another folder (POST /copy_folder/{folderId}); returns the entries Wrike answers with (the parent's subtree).",
        scopes: W,
        input_schema: crate::schema!("copy_project.input"),
        output_schema: crate::schema!("folder_list.output"),
        run: copy_folder,
    },
    Action {
        name: "delete_folder",
        title: "Delete folder or project",
        description: "Move a folder or project, its descendants and tasks to the Recycle Bin (DELETE /folders/{folderId}); returns the folder when Wrike does.",
        scopes: W,
        input_schema: crate::schema!("delete_folder.input"),
        output_schema: crate::schema!("deleted_folder.output"),
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
    parse::<wrike_types::folders::CreateFolder>(input)?;
    create(client, input, false)
}

fn create_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::folders::CreateProject>(input)?;
    create(client, input, true)
}

fn update_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::folders::UpdateFolder = parse(input)?;
    update(client, input, &typed.folder_id)
}

fn update_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::folders::UpdateProject = parse(input)?;
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
    let typed: wrike_types::folders::GetFolderById = parse(input)?;
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
    parse::<wrike_types::folders::SearchFolder>(input)?;
    search(client, input, None)
}

fn search_project(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::folders::SearchProject>(input)?;
    search(client, input, Some(true))
}

fn copy_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::folders::CopyFolder>(input)?;
    let id = req_str(input, "folderId")?;
    let form = Params::from_input(input, &["folderId"]);
    Ok(client.post(&path(&["copy_folder", id]), form)?.into_list())
}

fn delete_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::folders::DeleteFolder = parse(input)?;
    let id = typed.folder_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["folders", id]))?))
}

#[cfg(test)]
#[path = "folders_tests.rs"]
mod tests;
