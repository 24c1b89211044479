//! Tasks (API.md §11.1): `create_task`, `get_task_by_id`, `update_task`, `search_task`,
//! `delete_task`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{
    apply_custom_fields, normalize_ts_range, parent_folder, resolve_custom_status, strip_html,
};
use crate::common::{
    CustomFieldFilter, CustomFields, DateRange, DateTime, Forwarded, Ids, List, LocalDate,
    LocalRange, Metadata, MetadataFilter, NullableText, TsRange, WrikeId,
};
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The task actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_task",
        title: "Create task",
        description: "Create a task in a folder or project (POST /folders/{folderId}/tasks). Without dates a backlog task is created.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateTask>(),
        output_schema: Schema::of::<Task>(),
        run: create_task,
    },
    Action {
        name: "get_task_by_id",
        title: "Get task by ID",
        description: "Fetch one task with its full fields (GET /tasks/{taskId}).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetTask>(),
        output_schema: Schema::of::<Task>(),
        run: get_task_by_id,
    },
    Action {
        name: "update_task",
        title: "Update task",
        description: "Update a task's title, description, status, dates, assignees, parents, custom fields and more (PUT /tasks/{taskId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateTask>(),
        output_schema: Schema::of::<Task>(),
        run: update_task,
    },
    Action {
        name: "search_task",
        title: "Search tasks",
        description: "Search tasks in the account, a folder or a space (GET /tasks, /folders/{folderId}/tasks, /spaces/{spaceId}/tasks). Returns one page; pass nextPageToken with the same inputs to continue.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchTask>(),
        output_schema: Schema::of::<List<Task>>(),
        run: search_task,
    },
    Action {
        name: "delete_task",
        title: "Delete task",
        description: "Move a task to the Recycle Bin (DELETE /tasks/{taskId}); returns the task, now with scope RbTask.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<DeleteTask>(),
        output_schema: Schema::of::<Task>(),
        run: delete_task,
    },
];

/// Task `status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum TaskStatus {
    Active,
    Completed,
    Deferred,
    Cancelled,
}

/// Task `importance` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum Importance {
    High,
    Normal,
    Low,
}

/// The kind of a task's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum DateType {
    Backlog,
    Milestone,
    Planned,
}

/// Billing type (Wrike Resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum BillingType {
    Billable,
    NonBillable,
}

/// Task dates; omit for a backlog task. Planned tasks have start and due (or duration), milestones only due.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskDates {
    #[serde(rename = "type")]
    pub kind: DateType,
    /// Duration in minutes
    #[schemars(extend("exclusiveMaximum" = 1800000))]
    pub duration: Option<u32>,
    pub start: Option<LocalDate>,
    pub due: Option<LocalDate>,
    pub work_on_weekends: Option<bool>,
}

/// Effort allocation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum EffortMode {
    None,
    FullTime,
    Basic,
    Flexible,
}

/// Effort (Wrike Resource only)
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Effort {
    pub mode: EffortMode,
    pub total_effort: Option<u32>,
    pub allocated_effort: Option<u32>,
}

/// Optional fields of a task write's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub enum WriteField {
    EffortAllocation,
    BillingType,
}

/// Optional fields of `get_task_by_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub enum GetField {
    Recurrent,
    AttachmentCount,
    EffortAllocation,
    BillingType,
}

/// Optional fields of `search_task`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub enum SearchField {
    AuthorIds,
    HasAttachments,
    AttachmentCount,
    ParentIds,
    SuperParentIds,
    SharedIds,
    ResponsibleIds,
    Description,
    BriefDescription,
    Recurrent,
    SuperTaskIds,
    SubTaskIds,
    DependencyIds,
    Metadata,
    CustomFields,
    EffortAllocation,
    BillingType,
    CustomItemTypeId,
    Finance,
    ResponsiblePlaceholderIds,
}

/// Sort fields of `search_task`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum SortField {
    CreatedDate,
    UpdatedDate,
    CompletedDate,
    DueDate,
    Status,
    Importance,
    Title,
    LastAccessDate,
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum SortOrder {
    Asc,
    Desc,
}

crate::input! {
    /// Input of `create_task`.
    #[schemars(description = "")]
    pub struct CreateTask {
        /// ID of the folder or project to create the task in. For the account root pass the account's rootFolderId (the Root entry of the `folders` pick list); the word "Root" is not accepted.
        pub folder_id: WrikeId,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
        /// HTML allowed
        pub description: Forwarded<Option<String>>,
        pub status: Forwarded<Option<TaskStatus>>,
        pub importance: Forwarded<Option<Importance>>,
        pub dates: Forwarded<Option<TaskDates>>,
        pub shareds: Forwarded<Option<Ids>>,
        pub parents: Forwarded<Option<Ids>>,
        pub responsibles: Forwarded<Option<Ids>>,
        pub followers: Forwarded<Option<Ids>>,
        pub follow: Forwarded<Option<bool>>,
        pub priority_before: Forwarded<Option<WrikeId>>,
        pub priority_after: Forwarded<Option<WrikeId>>,
        pub super_tasks: Forwarded<Option<Ids>>,
        pub metadata: Forwarded<Option<Metadata>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        /// Custom status ID, or "Workflow name|Status name" resolved via GET /workflows
        #[schemars(length(min = 1))]
        pub custom_status: Option<String>,
        pub effort_allocation: Forwarded<Option<Effort>>,
        pub billing_type: Forwarded<Option<BillingType>>,
        /// Optional fields to include in the answer
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<WriteField>>>,
    }
}

crate::input! {
    /// Input of `get_task_by_id`.
    #[schemars(description = "")]
    pub struct GetTask {
        pub task_id: WrikeId,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<GetField>>>,
        /// Strip HTML from the description
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
    }
}

crate::input! {
    /// Input of `update_task`.
    #[schemars(description = "")]
    pub struct UpdateTask {
        pub task_id: WrikeId,
        #[schemars(length(min = 1))]
        pub title: Forwarded<Option<String>>,
        pub description: Forwarded<Option<String>>,
        pub status: Forwarded<Option<TaskStatus>>,
        pub importance: Forwarded<Option<Importance>>,
        pub dates: Forwarded<Option<TaskDates>>,
        pub add_parents: Forwarded<Option<Ids>>,
        pub remove_parents: Forwarded<Option<Ids>>,
        pub add_shareds: Forwarded<Option<Ids>>,
        pub remove_shareds: Forwarded<Option<Ids>>,
        pub add_responsibles: Forwarded<Option<Ids>>,
        pub remove_responsibles: Forwarded<Option<Ids>>,
        pub add_followers: Forwarded<Option<Ids>>,
        pub follow: Forwarded<Option<bool>>,
        pub priority_before: Forwarded<Option<WrikeId>>,
        pub priority_after: Forwarded<Option<WrikeId>>,
        pub add_super_tasks: Forwarded<Option<Ids>>,
        pub remove_super_tasks: Forwarded<Option<Ids>>,
        pub metadata: Forwarded<Option<Metadata>>,
        pub custom_fields: Forwarded<Option<CustomFields>>,
        /// Custom status ID, or "Workflow name|Status name" resolved via GET /workflows
        #[schemars(length(min = 1))]
        pub custom_status: Option<String>,
        /// Restore the task from the Recycle Bin
        pub restore: Forwarded<Option<bool>>,
        pub effort_allocation: Forwarded<Option<Effort>>,
        pub billing_type: Forwarded<Option<BillingType>>,
        /// Optional fields to include in the answer
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<WriteField>>>,
    }
}

crate::input! {
    /// Input of `search_task`: the account's tasks, a folder's (`folderId`) or a space's
    /// (`spaceId`), not both.
    #[schemars(description = "", extend("not" = {"required": ["folderId", "spaceId"]}))]
    pub struct SearchTask {
        pub folder_id: Option<WrikeId>,
        pub space_id: Option<WrikeId>,
        /// Exact title
        pub title: Forwarded<Option<String>>,
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        pub status: Forwarded<Option<Vec<TaskStatus>>>,
        pub importance: Forwarded<Option<Importance>>,
        pub start_date: Forwarded<Option<LocalRange>>,
        pub due_date: Forwarded<Option<LocalRange>>,
        pub scheduled_date: Forwarded<Option<DateRange>>,
        pub created_date: Forwarded<Option<TsRange>>,
        pub updated_date: Forwarded<Option<TsRange>>,
        pub completed_date: Forwarded<Option<TsRange>>,
        pub authors: Forwarded<Option<Ids>>,
        pub responsibles: Forwarded<Option<Ids>>,
        /// Exact permalink
        pub permalink: Forwarded<Option<String>>,
        pub r#type: Forwarded<Option<DateType>>,
        pub metadata: Forwarded<Option<MetadataFilter>>,
        pub custom_field: Forwarded<Option<CustomFieldFilter>>,
        pub custom_statuses: Forwarded<Option<Ids>>,
        pub billing_types: Forwarded<Option<BillingType>>,
        /// Include tasks of descendant folders
        pub descendants: Forwarded<Option<bool>>,
        /// Include subtasks
        pub sub_tasks: Forwarded<Option<bool>>,
        pub sort_field: Forwarded<Option<SortField>>,
        pub sort_order: Forwarded<Option<SortOrder>>,
        #[schemars(range(min = 1))]
        pub limit: Forwarded<Option<u32>>,
        #[schemars(range(min = 1, max = 1000))]
        pub page_size: Forwarded<Option<u32>>,
        /// Token from the previous page; send the same other inputs with it
        #[schemars(length(min = 1))]
        pub next_page_token: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<SearchField>>>,
        #[schemars(extend("default" = false))]
        pub convert_description_to_plain_text: Option<bool>,
    }
}

crate::input! {
    /// Input of `delete_task`.
    #[schemars(description = "")]
    pub struct DeleteTask {
        pub task_id: WrikeId,
    }
}

/// A task's dates as Wrike returns them.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct TaskDatesOut {
    #[serde(rename = "type")]
    pub kind: DateType,
    pub duration: Option<u32>,
    pub start: Option<String>,
    pub due: Option<String>,
    pub work_on_weekends: Option<bool>,
}

/// Where a task is: the workspace or the Recycle Bin.
#[derive(JsonSchema)]
#[schemars(description = "")]
pub enum TaskScope {
    WsTask,
    RbTask,
}

/// One `{key, value}` metadata entry of an answer.
#[derive(JsonSchema)]
#[schemars(description = "")]
pub struct MetadataOut {
    pub key: String,
    pub value: NullableText,
}

/// One `{id, value}` custom field value of an answer.
#[derive(JsonSchema)]
#[schemars(description = "")]
pub struct CustomFieldOut {
    pub id: String,
    pub value: NullableText,
}

/// A task's effort allocation as Wrike returns it.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct EffortOut {
    pub mode: Option<String>,
    pub total_effort: Option<i64>,
    pub allocated_effort: Option<i64>,
}

/// A Wrike task (API.md §12).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Task {
    pub id: String,
    pub account_id: String,
    pub title: String,
    pub description: Option<String>,
    pub brief_description: Option<String>,
    pub parent_ids: Option<Vec<String>>,
    pub super_parent_ids: Option<Vec<String>>,
    pub shared_ids: Option<Vec<String>>,
    pub responsible_ids: Option<Vec<String>>,
    pub status: TaskStatus,
    pub importance: Importance,
    pub created_date: DateTime,
    pub updated_date: DateTime,
    pub completed_date: Option<DateTime>,
    pub dates: TaskDatesOut,
    pub scope: TaskScope,
    pub author_ids: Option<Vec<String>>,
    pub custom_status_id: Option<String>,
    pub has_attachments: Option<bool>,
    pub attachment_count: Option<u32>,
    #[schemars(extend("format" = "uri"))]
    pub permalink: Option<String>,
    pub priority: Option<String>,
    pub followed_by_me: Option<bool>,
    pub follower_ids: Option<Vec<String>>,
    pub recurrent: Option<bool>,
    pub super_task_ids: Option<Vec<String>>,
    pub sub_task_ids: Option<Vec<String>>,
    pub dependency_ids: Option<Vec<String>>,
    pub metadata: Option<Vec<MetadataOut>>,
    pub custom_fields: Option<Vec<CustomFieldOut>>,
    pub billing_type: Option<String>,
    pub effort_allocation: Option<EffortOut>,
}

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
    // `finance` is a `fields` value of the folder variant only (`MODERN.md` §6.1: "`finance`
    // (folder variant only)"); the account and space searches refuse it.
    let finance = input
        .get("fields")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|v| v == "finance"));
    if finance && typed.folder_id.is_none() {
        return Err(Error::invalid(
            "fields",
            "`finance` is only available when searching in a folder (`folderId`)",
        ));
    }
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
