//! Tasks (`API.md` §11.1): the HTTP handlers for single tasks and the values every part shares.
//!
//! Rendering is in `render`, search in `search`, the `dates` object in `dates`, parameter
//! checks in `validate`, create/update/delete in `write` and the webhook events of an update in
//! `events`.

mod dates;
mod events;
mod render;
mod search;
mod validate;
mod write;

use serde_json::Value;

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::parse_timestamp;
use crate::store::Store;

pub use render::{full, task_json, View};
pub use search::{search, SearchScope};
pub use write::{create_task, delete_task, update_task};

const STATUSES: &[&str] = &["Active", "Completed", "Deferred", "Cancelled"];
const IMPORTANCES: &[&str] = &["High", "Normal", "Low"];
const DATE_TYPES: &[&str] = &["Backlog", "Milestone", "Planned"];
const BILLING: &[&str] = &["Billable", "NonBillable"];

/// Optional fields of task lists.
const LIST_FIELDS: &[&str] = &[
    "authorIds",
    "hasAttachments",
    "attachmentCount",
    "parentIds",
    "superParentIds",
    "sharedIds",
    "responsibleIds",
    "description",
    "briefDescription",
    "recurrent",
    "superTaskIds",
    "subTaskIds",
    "dependencyIds",
    "metadata",
    "customFields",
    "effortAllocation",
    "billingType",
    // Newer names seen in requests [3P]; accepted (and rendered only when the fake knows them).
    "customItemTypeId",
    "finance",
    "responsiblePlaceholderIds",
];

/// Optional fields when getting/creating/updating tasks. M-DUMP lists only the first four for
/// `GET /tasks/{ids}`; [U] the fake also accepts the list names (they are in the full view anyway).
const SINGLE_FIELDS: &[&str] = LIST_FIELDS;

/// `GET /tasks/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["fields"])?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let mut data = Vec::new();
    for id in ids {
        let t = st
            .tasks
            .get(id)
            .ok_or_else(|| ApiError::not_found("Task", id))?;
        data.push(task_json(st, t, View::Full, &fields, &cx.user));
    }
    Ok(Reply::data("tasks", data))
}

/// `POST /folders/{folderId}/tasks`.
pub fn create(st: &mut Store, cx: &Ctx, folder_id: &str) -> ApiResult<Reply> {
    let id = create_task(st, &cx.user, folder_id, &cx.params)?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, &id, &cx.user, &fields).expect("created")],
    ))
}

/// `PUT /tasks/{id}`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    update_task(st, &cx.user, id, &cx.params)?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, id, &cx.user, &fields).expect("exists")],
    ))
}

/// `PUT /tasks/{ids}` — bulk update of `customFields` and `effortAllocation` only.
pub fn bulk_update(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params
        .allow_only(&["customFields", "effortAllocation", "fields"])?;
    for id in ids {
        if !st.tasks.contains_key(id) {
            return Err(ApiError::not_found("Task", id));
        }
    }
    for id in ids {
        update_task(st, &cx.user, id, &cx.params)?;
    }
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let data = ids
        .iter()
        .filter_map(|id| full(st, id, &cx.user, &fields))
        .collect();
    Ok(Reply::data("tasks", data))
}

/// `DELETE /tasks/{id}` → the task with `scope: RbTask` and `parentIds: [recycleBinId]`.
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    delete_task(st, &cx.user, id)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, id, &cx.user, &[]).expect("exists")],
    ))
}

/// Parses a timestamp for the direct helpers (`updatedDate` etc. in patches).
pub fn parse_ts_value(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    v.as_str().and_then(parse_timestamp)
}
