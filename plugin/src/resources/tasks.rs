//! Tasks (API.md §11.1): `create_task`, `get_task_by_id`, `update_task`, `search_task`,
//! `delete_task`.

use serde_json::{Map, Value};

use super::{
    apply_custom_fields, normalize_ts_range, opt_bool, parent_folder, req_str,
    resolve_custom_status, strip_html,
};
use crate::catalog::{Action, R, W};
use crate::error::Result;
use crate::wrike::{path, Client, Params};

/// Task `status` values.
#[macro_export]
#[doc(hidden)]
macro_rules! s_task_status {
    () => {
        r#"{"type":"string","enum":["Active","Completed","Deferred","Cancelled"]}"#
    };
}

/// Task `importance` values.
#[macro_export]
#[doc(hidden)]
macro_rules! s_importance {
    () => {
        r#"{"type":"string","enum":["High","Normal","Low"]}"#
    };
}

/// Task `dates` input.
#[macro_export]
#[doc(hidden)]
macro_rules! s_task_dates {
    () => {
        concat!(
            r#"{"type":"object","additionalProperties":false,"required":["type"],"description":"Task dates; omit for a backlog task. Planned tasks have start and due (or duration), milestones only due.","properties":{"type":{"type":"string","enum":["Backlog","Milestone","Planned"]},"duration":{"type":"integer","minimum":0,"exclusiveMaximum":1800000,"description":"Duration in minutes"},"start":"#,
            $crate::s_local!(),
            r#","due":"#,
            $crate::s_local!(),
            r#","workOnWeekends":{"type":"boolean"}}}"#
        )
    };
}

/// The members of a Wrike task object schema, without the enclosing braces (API.md §12).
#[macro_export]
#[doc(hidden)]
macro_rules! s_task_body {
    () => {
        concat!(
            r#""type":"object","required":["id","accountId","title","status","importance","createdDate","updatedDate","dates","scope"],"properties":{"id":{"type":"string"},"accountId":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},"briefDescription":{"type":"string"},"parentIds":{"type":"array","items":{"type":"string"}},"superParentIds":{"type":"array","items":{"type":"string"}},"sharedIds":{"type":"array","items":{"type":"string"}},"responsibleIds":{"type":"array","items":{"type":"string"}},"status":"#,
            $crate::s_task_status!(),
            r#","importance":"#,
            $crate::s_importance!(),
            r#","createdDate":{"type":"string","format":"date-time"},"updatedDate":{"type":"string","format":"date-time"},"completedDate":{"type":"string","format":"date-time"},"dates":{"type":"object","required":["type"],"properties":{"type":{"type":"string","enum":["Backlog","Milestone","Planned"]},"duration":{"type":"integer","minimum":0},"start":{"type":"string"},"due":{"type":"string"},"workOnWeekends":{"type":"boolean"}}},"scope":{"type":"string","enum":["WsTask","RbTask"]},"authorIds":{"type":"array","items":{"type":"string"}},"customStatusId":{"type":"string"},"hasAttachments":{"type":"boolean"},"attachmentCount":{"type":"integer","minimum":0},"permalink":{"type":"string","format":"uri"},"priority":{"type":"string"},"followedByMe":{"type":"boolean"},"followerIds":{"type":"array","items":{"type":"string"}},"recurrent":{"type":"boolean"},"superTaskIds":{"type":"array","items":{"type":"string"}},"subTaskIds":{"type":"array","items":{"type":"string"}},"dependencyIds":{"type":"array","items":{"type":"string"}},"metadata":{"type":"array","items":{"type":"object","required":["key","value"],"properties":{"key":{"type":"string"},"value":{"type":["string","null"]}}}},"customFields":{"type":"array","items":{"type":"object","required":["id","value"],"properties":{"id":{"type":"string"},"value":{"type":["string","null"]}}}},"billingType":{"type":"string"},"effortAllocation":{"type":"object","properties":{"mode":{"type":"string"},"totalEffort":{"type":"integer"},"allocatedEffort":{"type":"integer"}}}}"#
        )
    };
}

/// A Wrike task object schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_task {
    () => {
        concat!("{", $crate::s_task_body!(), "}")
    };
}

macro_rules! task_output {
    () => {
        concat!("{", $crate::s_draft!(), ",", $crate::s_task_body!(), "}")
    };
}

macro_rules! write_fields {
    () => {
        r#"{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["effortAllocation","billingType"]},"description":"Optional fields to include in the answer"}"#
    };
}

macro_rules! effort {
    () => {
        r#"{"type":"object","additionalProperties":false,"required":["mode"],"properties":{"mode":{"type":"string","enum":["None","FullTime","Basic","Flexible"]},"totalEffort":{"type":"integer","minimum":0},"allocatedEffort":{"type":"integer","minimum":0}},"description":"Effort (Wrike Resource only)"}"#
    };
}

macro_rules! custom_status_input {
    () => {
        r#"{"type":"string","minLength":1,"description":"Custom status ID, or \"Workflow name|Status name\" resolved via GET /workflows"}"#
    };
}

const CREATE_INPUT: &str = crate::s_input!(
    [r#""folderId","title""#],
    r#""folderId":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9_:.=-]+$","description":"ID of the folder or project to create the task in. For the account root pass the account's rootFolderId (the Root entry of the `folders` pick list); the word \"Root\" is not accepted."},"title":{"type":"string","minLength":1},"description":{"type":"string","description":"HTML allowed"},"status":"#,
    crate::s_task_status!(),
    r#","importance":"#,
    crate::s_importance!(),
    r#","dates":"#,
    crate::s_task_dates!(),
    r#","shareds":"#,
    crate::s_ids!(),
    r#","parents":"#,
    crate::s_ids!(),
    r#","responsibles":"#,
    crate::s_ids!(),
    r#","followers":"#,
    crate::s_ids!(),
    r#","follow":{"type":"boolean"},"priorityBefore":"#,
    crate::s_id!(),
    r#","priorityAfter":"#,
    crate::s_id!(),
    r#","superTasks":"#,
    crate::s_ids!(),
    r#","metadata":"#,
    crate::s_metadata!(),
    r#","customFields":"#,
    crate::s_custom_fields!(),
    r#","customStatus":"#,
    custom_status_input!(),
    r#","effortAllocation":"#,
    effort!(),
    r#","billingType":{"type":"string","enum":["Billable","NonBillable"]},"fields":"#,
    write_fields!()
);

const GET_INPUT: &str = crate::s_input!(
    [r#""taskId""#],
    r#""taskId":"#,
    crate::s_id!(),
    r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["recurrent","attachmentCount","effortAllocation","billingType"]}},"convertDescriptionToPlainText":{"type":"boolean","default":false,"description":"Strip HTML from the description"}"#
);

const UPDATE_INPUT: &str = crate::s_input!(
    [r#""taskId""#],
    r#""taskId":"#,
    crate::s_id!(),
    r#","title":{"type":"string","minLength":1},"description":{"type":"string"},"status":"#,
    crate::s_task_status!(),
    r#","importance":"#,
    crate::s_importance!(),
    r#","dates":"#,
    crate::s_task_dates!(),
    r#","addParents":"#,
    crate::s_ids!(),
    r#","removeParents":"#,
    crate::s_ids!(),
    r#","addShareds":"#,
    crate::s_ids!(),
    r#","removeShareds":"#,
    crate::s_ids!(),
    r#","addResponsibles":"#,
    crate::s_ids!(),
    r#","removeResponsibles":"#,
    crate::s_ids!(),
    r#","addFollowers":"#,
    crate::s_ids!(),
    r#","follow":{"type":"boolean"},"priorityBefore":"#,
    crate::s_id!(),
    r#","priorityAfter":"#,
    crate::s_id!(),
    r#","addSuperTasks":"#,
    crate::s_ids!(),
    r#","removeSuperTasks":"#,
    crate::s_ids!(),
    r#","metadata":"#,
    crate::s_metadata!(),
    r#","customFields":"#,
    crate::s_custom_fields!(),
    r#","customStatus":"#,
    custom_status_input!(),
    r#","restore":{"type":"boolean","description":"Restore the task from the Recycle Bin"},"effortAllocation":"#,
    effort!(),
    r#","billingType":{"type":"string","enum":["Billable","NonBillable"]},"fields":"#,
    write_fields!()
);

macro_rules! search_props {
    () => {
        concat!(
            r#""title":{"type":"string","description":"Exact title"},"status":{"type":"array","minItems":1,"uniqueItems":true,"items":"#,
            $crate::s_task_status!(),
            r#"},"importance":"#,
            $crate::s_importance!(),
            r#","startDate":"#,
            $crate::s_local_range!(),
            r#","dueDate":"#,
            $crate::s_local_range!(),
            r#","scheduledDate":"#,
            $crate::s_date_range!(),
            r#","createdDate":"#,
            $crate::s_ts_range!(),
            r#","updatedDate":"#,
            $crate::s_ts_range!(),
            r#","completedDate":"#,
            $crate::s_ts_range!(),
            r#","authors":"#,
            $crate::s_ids!(),
            r#","responsibles":"#,
            $crate::s_ids!(),
            r#","permalink":{"type":"string","description":"Exact permalink"},"type":{"type":"string","enum":["Backlog","Milestone","Planned"]},"metadata":"#,
            $crate::s_metadata_filter!(),
            r#","customField":"#,
            $crate::s_custom_field_filter!(),
            r#","customStatuses":"#,
            $crate::s_ids!(),
            r#","billingTypes":{"type":"string","enum":["Billable","NonBillable"]},"descendants":{"type":"boolean","description":"Include tasks of descendant folders"},"subTasks":{"type":"boolean","description":"Include subtasks"},"sortField":{"type":"string","enum":["CreatedDate","UpdatedDate","CompletedDate","DueDate","Status","Importance","Title","LastAccessDate"]},"sortOrder":{"type":"string","enum":["Asc","Desc"]},"limit":{"type":"integer","minimum":1},"pageSize":{"type":"integer","minimum":1,"maximum":1000},"nextPageToken":{"type":"string","minLength":1,"description":"Token from the previous page; send the same other inputs with it"}"#
        )
    };
}

const SEARCH_INPUT: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","type":"object","additionalProperties":false,"not":{"required":["folderId","spaceId"]},"properties":{"folderId":"#,
    crate::s_id!(),
    r#","spaceId":"#,
    crate::s_id!(),
    ",",
    search_props!(),
    r#","fields":"#,
    r#"{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["authorIds","hasAttachments","attachmentCount","parentIds","superParentIds","sharedIds","responsibleIds","description","briefDescription","recurrent","superTaskIds","subTaskIds","dependencyIds","metadata","customFields","effortAllocation","billingType","customItemTypeId","finance","responsiblePlaceholderIds"]}}"#,
    r#","convertDescriptionToPlainText":{"type":"boolean","default":false}}}"#
);

const DELETE_INPUT: &str = crate::s_input!([r#""taskId""#], r#""taskId":"#, crate::s_id!());

/// The task actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_task",
        title: "Create task",
        description: "Create a task in a folder or project (POST /folders/{folderId}/tasks). Without dates a backlog task is created.",
        scopes: W,
        input_schema: CREATE_INPUT,
        output_schema: task_output!(),
        run: create_task,
    },
    Action {
        name: "get_task_by_id",
        title: "Get task by ID",
        description: "Fetch one task with its full fields (GET /tasks/{taskId}).",
        scopes: R,
        input_schema: GET_INPUT,
        output_schema: task_output!(),
        run: get_task_by_id,
    },
    Action {
        name: "update_task",
        title: "Update task",
        description: "Update a task's title, description, status, dates, assignees, parents, custom fields and more (PUT /tasks/{taskId}).",
        scopes: W,
        input_schema: UPDATE_INPUT,
        output_schema: task_output!(),
        run: update_task,
    },
    Action {
        name: "search_task",
        title: "Search tasks",
        description: "Search tasks in the account, a folder or a space (GET /tasks, /folders/{folderId}/tasks, /spaces/{spaceId}/tasks). Returns one page; pass nextPageToken with the same inputs to continue.",
        scopes: R,
        input_schema: SEARCH_INPUT,
        output_schema: crate::s_list!(crate::s_task!()),
        run: search_task,
    },
    Action {
        name: "delete_task",
        title: "Delete task",
        description: "Move a task to the Recycle Bin (DELETE /tasks/{taskId}); returns the task, now with scope RbTask.",
        scopes: W,
        input_schema: DELETE_INPUT,
        output_schema: task_output!(),
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
) -> Result<Params> {
    let mut form = Params::from_input(input, &[path_field]);
    apply_custom_fields(&mut form, input);
    if let Some(text) = input.get("customStatus").and_then(Value::as_str) {
        let id = resolve_custom_status(client, "customStatus", text)?;
        form.set("customStatus", &Value::String(id));
    }
    Ok(form)
}

fn create_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let folder = parent_folder(input)?;
    let form = write_form(client, input, "folderId")?;
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
    let id = req_str(input, "taskId")?;
    let query = Params::from_input(input, &["taskId", "convertDescriptionToPlainText"]);
    let task = client.get(&path(&["tasks", id]), &query)?.first()?;
    Ok(plain_description(
        task,
        opt_bool(input, "convertDescriptionToPlainText", false),
    ))
}

fn update_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "taskId")?;
    let form = write_form(client, input, "taskId")?;
    client.put(&path(&["tasks", id]), form)?.first()
}

fn delete_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "taskId")?;
    client.delete(&path(&["tasks", id]))?.first()
}

/// The list path for a task search: `/tasks`, `/folders/{id}/tasks` or `/spaces/{id}/tasks`.
pub fn tasks_path(input: &Map<String, Value>) -> String {
    if let Some(f) = input.get("folderId").and_then(Value::as_str) {
        path(&["folders", f, "tasks"])
    } else if let Some(s) = input.get("spaceId").and_then(Value::as_str) {
        path(&["spaces", s, "tasks"])
    } else {
        "/tasks".to_string()
    }
}

fn search_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let mut query = Params::from_input(
        input,
        &["folderId", "spaceId", "convertDescriptionToPlainText"],
    );
    for range in ["createdDate", "updatedDate", "completedDate"] {
        normalize_ts_range(&mut query, input, range)?;
    }
    let mut env = client.get(&tasks_path(input), &query)?;
    let plain = opt_bool(input, "convertDescriptionToPlainText", false);
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
