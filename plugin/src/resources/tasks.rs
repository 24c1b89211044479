//! Tasks (API.md §11.1): `create_task`, `get_task_by_id`, `update_task`, `search_task`,
//! `delete_task`.

use serde_json::{Map, Value};

use wrike_types::tasks::{CreateTask, DeleteTask, GetTask, SearchTask, UpdateTask};
use wrike_types::WrikeId;

use super::{
    apply_custom_fields, normalize_ts_range, parent_folder, resolve_custom_status, strip_html,
};
use crate::error::Result;
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};

/// The task actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_task",
        title: "Create task",
        description: "Create a task in a folder or project (POST /folders/{folderId}/tasks). Without dates a backlog task is created.",
        scopes: W,
        input_schema: crate::schema!("create_task.input"),
        output_schema: crate::schema!("task.output"),
        run: create_task,
    },
    Action {
        name: "get_task_by_id",
        title: "Get task by ID",
        description: "Fetch one task with its full fields (GET /tasks/{taskId}).",
        scopes: R,
        input_schema: crate::schema!("get_task_by_id.input"),
        output_schema: crate::schema!("task.output"),
        run: get_task_by_id,
    },
    Action {
        name: "update_task",
        title: "Update task",
        description: "Update a task's title, description, status, dates, assignees, parents, custom fields and more (PUT /tasks/{taskId}).",
        scopes: W,
        input_schema: crate::schema!("update_task.input"),
        output_schema: crate::schema!("task.output"),
        run: update_task,
    },
    Action {
        name: "search_task",
        title: "Search tasks",
        description: "Search tasks in the account, a folder or a space (GET /tasks, /folders/{folderId}/tasks, /spaces/{spaceId}/tasks). Returns one page; pass nextPageToken with the same inputs to continue.",
        scopes: R,
        input_schema: crate::schema!("search_task.input"),
        output_schema: crate::schema!("task_list.output"),
        run: search_task,
    },
    Action {
        name: "delete_task",
        title: "Delete task",
        description: "Move a task to the Recycle Bin (DELETE /tasks/{taskId}); returns the task, now with scope RbTask.",
        scopes: W,
        input_schema: crate::schema!("delete_task.input"),
        output_schema: crate::schema!("task.output"),
        run: delete_task,
    },
];

/// The optional fields the task trigger asks for (Workato's list).
pub const TRIGGER_FIELDS: &[&str] = &[
    "recurrent",
    "description",
    "briefDescription",
    "parentIds",
    "superParentIds",
    "sharedIds",
    "responsibleIds",
    "authorIds",
    "hasAttachments",
    "attachmentCount",
    "superTaskIds",
    "subTaskIds",
    "dependencyIds",
    "metadata",
    "customFields",
];

fn write_form(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    path_field: &str,
    custom_status: Option<&str>,
) -> Result<Params> {
    let mut form = Params::from_input(input, &[path_field]);
    apply_custom_fields(&mut form, input);
    if let Some(text) = custom_status {
        let id = resolve_custom_status(client, "customStatus", text)?;
        form.set("customStatus", &Value::String(id));
    }
    Ok(form)
}

fn create_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateTask = parse(input)?;
    let folder = parent_folder(typed.folder_id.as_str())?;
    let form = write_form(client, input, "folderId", typed.custom_status.as_deref())?;
    client
        .post(&path(&["folders", folder, "tasks"]), form)?
        .first()
}

/// Replace `description` by its plain text when asked to.
fn plain_description(mut task: Value, plain: bool) -> Value {
    if plain {
        if let Some(Value::String(d)) = task.get_mut("description") {
            *d = strip_html(d);
        }
    }
    task
}

fn get_task_by_id(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: GetTask = parse(input)?;
    let query = Params::from_input(input, &["taskId", "convertDescriptionToPlainText"]);
    let task = client
        .get(&path(&["tasks", typed.task_id.as_str()]), &query)?
        .first()?;
    Ok(plain_description(
        task,
        typed.convert_description_to_plain_text.unwrap_or(false),
    ))
}

fn update_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateTask = parse(input)?;
    let form = write_form(client, input, "taskId", typed.custom_status.as_deref())?;
    client
        .put(&path(&["tasks", typed.task_id.as_str()]), form)?
        .first()
}

fn delete_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: DeleteTask = parse(input)?;
    client
        .delete(&path(&["tasks", typed.task_id.as_str()]))?
        .first()
}

/// The list path for a task search: `/tasks`, `/folders/{id}/tasks` or `/spaces/{id}/tasks`.
pub fn tasks_path(folder: Option<&WrikeId>, space: Option<&WrikeId>) -> String {
    if let Some(f) = folder {
        path(&["folders", f.as_str(), "tasks"])
    } else if let Some(s) = space {
        path(&["spaces", s.as_str(), "tasks"])
    } else {
        "/tasks".to_string()
    }
}

fn search_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: SearchTask = parse(input)?;
    let mut query = Params::from_input(
        input,
        &["folderId", "spaceId", "convertDescriptionToPlainText"],
    );
    for range in ["createdDate", "updatedDate", "completedDate"] {
        normalize_ts_range(&mut query, input, range)?;
    }
    let path = tasks_path(typed.folder_id.as_ref(), typed.space_id.as_ref());
    let mut env = client.get(&path, &query)?;
    let plain = typed.convert_description_to_plain_text.unwrap_or(false);
    env.data = env
        .data
        .into_iter()
        .map(|t| plain_description(t, plain))
        .collect();
    Ok(env.into_list())
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod tests;
