//! Folder and task blueprints and Wrike's async jobs (MODERN.md §1–3): `create_from_blueprint`
//! launches a blueprint (`POST /folder_blueprints/{id}/launch_async` or
//! `POST /task_blueprints/{id}/launch_async`) and polls the async job it answers with
//! (`GET /async_job/{id}`) until the job is `Completed` or `Failed`, or the action's timeout
//! runs out, waiting longer between polls each time.
//!
//! What the reference leaves open ([U] in MODERN.md) is handled tolerantly here:
//! - the job's `type`, `kind` and unknown `status` values are accepted as they come (an unknown
//!   status counts as still running);
//! - the created item's ID is read from `result.folderId` / `result.taskId` ([3P] for folder
//!   launches, [U] for task launches), or from a lone `result.id`, and left out when Wrike gives
//!   none; the job's own `result` is always in the output as Wrike sent it;
//! - whether a folder launch needs `parent` is [U]: the connector always sends it (required).

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::req_str;
use crate::common::*;
use crate::env::LogLevel;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::W;
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// First wait between polls, in milliseconds.
pub const FIRST_WAIT_MS: u64 = 200;
/// Longest wait between polls: the wait doubles up to this. With the largest timeout (600 s)
/// a job is polled at most about 45 times, well within Wrike's 400 requests a minute.
pub const MAX_WAIT_MS: u64 = 15_000;
/// Default for `timeoutSeconds`.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// The blueprint action.
pub const ACTIONS: &[Action] = &[Action {
    name: "create_from_blueprint",
    title: "Create from blueprint",
    description: "Launch a folder or task blueprint (POST /folder_blueprints/{id}/launch_async or /task_blueprints/{id}/launch_async) and wait for its async job (GET /async_job/{id}) to finish; returns the job with the ID of what was created. A job that fails or does not finish in time is an upstream error whose code says whether anything may already exist: async_job_failed_nothing_created, async_job_failed_partially_created, async_job_timed_out.",
    scopes: W,
    read_only: false,
    input_schema: Schema::of::<CreateFromBlueprint>(),
    output_schema: Schema::of::<AsyncJob>(),
    run: create_from_blueprint,
}];

/// Values of `blueprintType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum BlueprintType {
    #[serde(rename = "folder")]
    #[default]
    Folder,
    #[serde(rename = "task")]
    Task,
}

crate::input! {
    /// Input of `create_from_blueprint`.
    #[schemars(description = "")]
    #[schemars(extend("anyOf" = [{"required": ["parentId"]}, {"required": ["superTaskId"]}]), extend("dependentSchemas" = {"parentId": {"properties": {"superTaskId": false}}, "rescheduleMode": {"required": ["rescheduleDate"]}}), extend("if" = {"properties": {"blueprintType": {"const": "folder"}}, "required": ["blueprintType"]}), extend("then" = {"description": "is for task blueprints only: a folder blueprint is launched into a folder or project (parentId)", "properties": {"superTaskId": false}}))]
    pub struct CreateFromBlueprint {
        /// The blueprint (the folder_blueprints or task_blueprints pick list)
        pub blueprint_id: WrikeId,
        /// Which kind of blueprint blueprintId names
        pub blueprint_type: Forwarded<BlueprintType>,
        #[schemars(extend("default" = false))]
        pub copy_attachments: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_custom_fields: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_descriptions: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub copy_responsibles: Forwarded<Option<bool>>,
        /// Most tasks and folders the launch may create (Wrike's default 250); the launch fails above it
        #[schemars(range(min = 1, max = 250))]
        pub entry_limit: Forwarded<Option<u32>>,
        #[schemars(extend("default" = true))]
        pub notify_responsibles: Forwarded<Option<bool>>,
        /// Folder or project to create the work in (exactly one of parentId, superTaskId)
        pub parent_id: Forwarded<Option<WrikeId>>,
        /// Reschedule the active tasks to start (or end) on this date
        pub reschedule_date: Forwarded<Option<Date>>,
        /// Start: tasks start on rescheduleDate; End: they end on it. Only with rescheduleDate
        pub reschedule_mode: Forwarded<Option<crate::resources::folders::RescheduleMode>>,
        /// Task blueprints only: create the work as a subtask of this task
        pub super_task_id: Forwarded<Option<WrikeId>>,
        /// How long to wait for the launch to finish. The host's wall-clock limit (--wall-timeout-ms, 60 s by default) must be longer
        #[schemars(range(min = 1, max = 600), extend("default" = 60))]
        pub timeout_seconds: Forwarded<Option<u32>>,
        /// Title of the folder, project or task created from the blueprint's root
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
        /// Added before the title of every copied item
        pub title_prefix: Forwarded<Option<String>>,
    }
}

/// `AsyncJob` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct AsyncJob {
    #[schemars(extend("x-nullable" = true))]
    pub error_message: Option<String>,
    /// The folder or project created (folder blueprints), when Wrike names it
    pub folder_id: Option<String>,
    /// The async job's ID
    pub id: String,
    pub processed_count: Option<f64>,
    pub progress_percent: Option<f64>,
    /// Wrike's result object as sent (e.g. {"folderId": …})
    pub result: Option<serde_json::Value>,
    /// Completed on success (Wrike's values: InQueue, InProgress, Completed, Failed)
    pub status: String,
    /// The task created (task blueprints), when Wrike names it
    pub task_id: Option<String>,
    pub total_count: Option<f64>,
    /// Wrike's job type (not documented for blueprint launches; passed on as is)
    pub r#type: Option<String>,
}

/// The launch's form: Wrike's parameter names, Workato's defaults for the five copy and notify
/// switches sent explicitly (so the outcome never depends on a server-side default).
pub fn launch_form(input: &Map<String, Value>, folder: bool) -> Params {
    let mut form = Params::new();
    if let Some(p) = input.get("parentId") {
        // Folder launches name the parent `parent`, task launches `parentId` (MODERN.md §1.5, §2.3).
        form.value(if folder { "parent" } else { "parentId" }, p);
    }
    if let Some(t) = input.get("superTaskId") {
        form.value("superTaskId", t);
    }
    for name in ["title", "titlePrefix"] {
        if let Some(v) = input.get(name) {
            form.value(name, v);
        }
    }
    for (name, default) in [
        ("copyDescriptions", true),
        ("notifyResponsibles", true),
        ("copyResponsibles", true),
        ("copyCustomFields", true),
        ("copyAttachments", false),
    ] {
        let on = input.get(name).and_then(Value::as_bool).unwrap_or(default);
        form.value(name, &Value::Bool(on));
    }
    for name in ["rescheduleDate", "rescheduleMode", "entryLimit"] {
        if let Some(v) = input.get(name) {
            form.value(name, v);
        }
    }
    form
}

fn create_from_blueprint(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateFromBlueprint = parse(input)?;
    let folder = match req_str(input, "blueprintType")? {
        "folder" => true,
        "task" => false,
        other => {
            return Err(Error::invalid(
                "blueprintType",
                format!("must be folder or task, not {other}"),
            ))
        }
    };
    let id = typed.blueprint_id.as_str();
    if folder && input.contains_key("superTaskId") {
        return Err(Error::invalid(
            "superTaskId",
            "is for task blueprints only: a folder blueprint is launched into a folder or project (parentId)",
        ));
    }
    let timeout_secs = input
        .get("timeoutSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    let segment = if folder {
        "folder_blueprints"
    } else {
        "task_blueprints"
    };
    let form = launch_form(input, folder);
    let job = client
        .post(&path(&[segment, id, "launch_async"]), form)?
        .first()?;
    let place = match (input.get("parentId"), input.get("superTaskId")) {
        (Some(Value::String(p)), _) => format!("folder {p}"),
        (_, Some(Value::String(t))) => format!("task {t}"),
        _ => "the destination".to_string(),
    };
    let what = format!(
        "the launch of {} blueprint {id}",
        if folder { "folder" } else { "task" }
    );
    let done = wait_for_job(
        client,
        job,
        timeout_secs.saturating_mul(1000),
        &what,
        &place,
    )?;
    Ok(job_output(done, folder))
}

/// The job's `status`, or an upstream error when the answer has none.
fn status_of(job: &Value) -> Result<&str> {
    job.get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Upstream {
            status: 200,
            code: None,
            message: format!("unexpected answer from Wrike: an async job without a status: {job}"),
        })
}

fn elapsed_ms(start: Timestamp, now: Timestamp) -> u64 {
    let ns = (i128::from(now.secs) - i128::from(start.secs)) * 1_000_000_000
        + i128::from(now.nanos)
        - i128::from(start.nanos);
    u64::try_from(ns / 1_000_000).unwrap_or(0)
}

/// Poll `job` (an async job object) until it is `Completed` (returned) or `Failed`, or
/// `timeout_ms` has passed (both typed errors). The wait between polls starts at
/// [`FIRST_WAIT_MS`] and doubles up to [`MAX_WAIT_MS`]; the last poll falls on the deadline.
/// Time is the larger of the waits asked for and the wall clock, so the loop ends even where the
/// clock stands still.
pub fn wait_for_job(
    client: &mut Client<'_>,
    mut job: Value,
    timeout_ms: u64,
    what: &str,
    place: &str,
) -> Result<Value> {
    let id = job
        .get("id")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::Upstream {
            status: 200,
            code: None,
            message: format!("unexpected answer from Wrike: an async job without an ID: {job}"),
        })?;
    let start = client.now();
    let mut waited: u64 = 0;
    let mut wait = FIRST_WAIT_MS;
    loop {
        match status_of(&job)? {
            "Completed" => return Ok(job),
            "Failed" => return Err(failed(&job, &id, what, place)),
            "InQueue" | "InProgress" => {}
            other => client.log(
                LogLevel::Warn,
                &format!("async job {id}: unknown status `{other}`, taken as still running"),
            ),
        }
        let elapsed = waited.max(elapsed_ms(start, client.now()));
        let Some(left) = timeout_ms.checked_sub(elapsed).filter(|l| *l > 0) else {
            return Err(timed_out(&job, &id, timeout_ms, what, place));
        };
        let nap = wait.min(left);
        client.sleep(nap);
        waited = waited.saturating_add(nap);
        wait = wait.saturating_mul(2).min(MAX_WAIT_MS);
        job = client
            .get(&path(&["async_job", &id]), &Params::new())?
            .first()?;
    }
}

fn number(job: &Value, key: &str) -> Option<f64> {
    job.get(key).and_then(Value::as_f64)
}

/// A number of the job as Wrike wrote it (JSON text, so no float formatting code of its own).
fn shown(job: &Value, key: &str) -> Option<String> {
    job.get(key).filter(|v| v.is_number()).map(Value::to_string)
}

fn progress_text(job: &Value) -> String {
    let mut s = match shown(job, "progressPercent") {
        Some(p) => format!("{p} %"),
        None => "an unknown progress".to_string(),
    };
    if let (Some(done), Some(total)) = (shown(job, "processedCount"), shown(job, "totalCount")) {
        s.push_str(&format!(" ({done} of {total} entries)"));
    }
    s
}

/// A `Failed` job. Wrike: a launch that failed at 0 % created nothing; above 0 % part of the
/// tree may exist (MODERN.md §3). An unknown progress counts as "may exist".
fn failed(job: &Value, id: &str, what: &str, place: &str) -> Error {
    let why = job
        .get("errorMessage")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .unwrap_or("Wrike gave no reason");
    let nothing = number(job, "progressPercent").is_some_and(|p| p <= 0.0);
    let (code, consequence) = if nothing {
        (
            "async_job_failed_nothing_created",
            "Nothing was created; it is safe to launch again.".to_string(),
        )
    } else {
        (
            "async_job_failed_partially_created",
            format!("Part of the tree may already exist in {place}: check there before launching again, and never launch over a partial tree."),
        )
    };
    Error::Upstream {
        status: 200,
        code: Some(code.into()),
        message: format!(
            "{what} failed (async job {id}, at {}): {why}. {consequence}",
            progress_text(job)
        ),
    }
}

fn timed_out(job: &Value, id: &str, timeout_ms: u64, what: &str, place: &str) -> Error {
    let status = job.get("status").and_then(Value::as_str).unwrap_or("?");
    Error::Upstream {
        status: 200,
        code: Some("async_job_timed_out".into()),
        message: format!(
            "{what} did not finish within {} s (async job {id} is {status} at {}). The job goes on in Wrike and may still create the work in {place}: check the job (GET /async_job/{id}) or the destination before launching again.",
            timeout_ms / 1000,
            progress_text(job)
        ),
    }
}

/// The finished job with `folderId` / `taskId` of what was created, when Wrike names it.
pub fn job_output(mut job: Value, folder: bool) -> Value {
    let result = job.get("result").cloned();
    let pick = |key: &str| {
        result
            .as_ref()
            .and_then(|r| r.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let folder_id = pick("folderId");
    let task_id = pick("taskId");
    // A lone `id` in the result is taken to be the root item's ([U]).
    let lone = pick("id");
    if let Value::Object(m) = &mut job {
        if let Some(f) = folder_id.or_else(|| lone.clone().filter(|_| folder)) {
            m.insert("folderId".into(), Value::String(f));
        }
        if let Some(t) = task_id.or_else(|| lone.filter(|_| !folder)) {
            m.insert("taskId".into(), Value::String(t));
        }
    }
    job
}

#[cfg(test)]
#[path = "blueprints_tests.rs"]
mod tests;
