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

use serde_json::{Map, Value};

use super::req_str;
use crate::env::LogLevel;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::W;
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{path, Client, Params};

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
    input_schema: crate::schema!("create_from_blueprint.input"),
    output_schema: crate::schema!("async_job.output"),
    run: create_from_blueprint,
}];

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
    let typed: wrike_types::blueprints::CreateFromBlueprint = parse(input)?;
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
mod tests {
    use super::*;
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::testing::{ok, refusal, wrike_error, MockEnv, BASE};
    use serde_json::json;

    fn run(env: &mut MockEnv, input: Value) -> Result<Value> {
        execute(env, BASE, "create_from_blueprint", &input.to_string())
            .map(|s| serde_json::from_str(&s).unwrap())
    }

    fn job(status: &str, progress: u32, extra: Value) -> String {
        let mut j = json!({"id": "J1", "status": status, "progressPercent": progress, "type": "LaunchBlueprint"});
        if let (Value::Object(m), Value::Object(x)) = (&mut j, extra) {
            m.extend(x);
        }
        json!({"kind": "async_job", "data": [j]}).to_string()
    }

    #[test]
    fn launches_a_folder_blueprint_and_polls_until_completed() {
        let mut env = MockEnv::new(vec![
            ok(&job("InQueue", 0, json!({}))),
            ok(&job(
                "InProgress",
                40,
                json!({"totalCount": 5, "processedCount": 2}),
            )),
            ok(&job(
                "Completed",
                100,
                json!({"totalCount": 5, "processedCount": 5, "result": {"folderId": "F9"}}),
            )),
        ]);
        let out = run(
            &mut env,
            json!({"blueprintType": "folder", "blueprintId": "BP1", "title": "Q3 launch", "parentId": "P", "titlePrefix": "Q3 ", "copyAttachments": true, "rescheduleDate": "2024-07-01", "rescheduleMode": "Start", "entryLimit": 20}),
        )
        .unwrap();
        assert_eq!(out["id"], "J1");
        assert_eq!(out["status"], "Completed");
        assert_eq!(out["folderId"], "F9");
        assert_eq!(out["result"], json!({"folderId": "F9"}));
        assert!(out.get("taskId").is_none());
        assert_eq!(env.requests[0].method, Method::Post);
        assert_eq!(env.path(0), "/api/v4/folder_blueprints/BP1/launch_async");
        assert_eq!(
            env.form(0),
            [
                ("parent", "P"),
                ("title", "Q3 launch"),
                ("titlePrefix", "Q3 "),
                ("copyDescriptions", "true"),
                ("notifyResponsibles", "true"),
                ("copyResponsibles", "true"),
                ("copyCustomFields", "true"),
                ("copyAttachments", "true"),
                ("rescheduleDate", "2024-07-01"),
                ("rescheduleMode", "Start"),
                ("entryLimit", "20"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .to_vec()
        );
        assert_eq!(env.path(1), "/api/v4/async_job/J1");
        assert_eq!(env.path(2), "/api/v4/async_job/J1");
        assert_eq!(env.requests[1].method, Method::Get);
        // Backoff: the wait doubles between polls.
        assert_eq!(env.sleeps, vec![FIRST_WAIT_MS, FIRST_WAIT_MS * 2]);
    }

    #[test]
    fn launches_a_task_blueprint_under_a_super_task() {
        let mut env = MockEnv::new(vec![ok(&job(
            "Completed",
            100,
            json!({"result": {"taskId": "T9"}}),
        ))]);
        let out = run(
            &mut env,
            json!({"blueprintType": "task", "blueprintId": "TB", "title": "Onboard Ann", "superTaskId": "T1", "copyDescriptions": false}),
        )
        .unwrap();
        assert_eq!(out["taskId"], "T9");
        assert_eq!(env.path(0), "/api/v4/task_blueprints/TB/launch_async");
        assert_eq!(env.form_param(0, "superTaskId").as_deref(), Some("T1"));
        assert_eq!(env.form_param(0, "parentId"), None);
        assert_eq!(
            env.form_param(0, "copyDescriptions").as_deref(),
            Some("false")
        );
        assert_eq!(
            env.form_param(0, "copyAttachments").as_deref(),
            Some("false")
        );
        assert_eq!(env.requests.len(), 1, "a finished job is not polled");
        // Task launches name the folder `parentId`.
        let mut env = MockEnv::new(vec![ok(&job(
            "Completed",
            100,
            json!({"result": {"id": "T8"}}),
        ))]);
        let out = run(
            &mut env,
            json!({"blueprintType": "task", "blueprintId": "TB", "title": "x", "parentId": "F"}),
        )
        .unwrap();
        assert_eq!(env.form_param(0, "parentId").as_deref(), Some("F"));
        assert_eq!(env.form_param(0, "parent"), None);
        assert_eq!(out["taskId"], "T8", "a lone result id is the root item");
    }

    #[test]
    fn a_failed_job_says_whether_anything_was_created() {
        let mut env = MockEnv::new(vec![
            ok(&job("InProgress", 10, json!({}))),
            ok(&job(
                "Failed",
                50,
                json!({"errorMessage": "Entry limit exceeded", "totalCount": 6, "processedCount": 3}),
            )),
        ]);
        match run(
            &mut env,
            json!({"blueprintType": "folder", "blueprintId": "BP1", "title": "x", "parentId": "P"}),
        ) {
            Err(Error::Upstream {
                code: Some(code),
                message,
                ..
            }) => {
                assert_eq!(code, "async_job_failed_partially_created");
                assert!(message.contains("Entry limit exceeded"), "{message}");
                assert!(message.contains("J1"), "{message}");
                assert!(message.contains("folder P"), "{message}");
                assert!(message.contains("3 of 6"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let mut env = MockEnv::new(vec![ok(&job(
            "Failed",
            0,
            json!({"errorMessage": "No access"}),
        ))]);
        match run(
            &mut env,
            json!({"blueprintType": "task", "blueprintId": "TB", "title": "x", "parentId": "P"}),
        ) {
            Err(Error::Upstream {
                code: Some(code),
                message,
                ..
            }) => {
                assert_eq!(code, "async_job_failed_nothing_created");
                assert!(message.contains("Nothing was created"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_job_that_does_not_finish_times_out_on_the_deadline() {
        let running = ok(&job("InProgress", 30, json!({})));
        let mut env = MockEnv::new(vec![running.clone(); 20]);
        match run(
            &mut env,
            json!({"blueprintType": "folder", "blueprintId": "BP1", "title": "x", "parentId": "P", "timeoutSeconds": 2}),
        ) {
            Err(Error::Upstream {
                code: Some(code),
                message,
                ..
            }) => {
                assert_eq!(code, "async_job_timed_out");
                assert!(message.contains("2 s"), "{message}");
                assert!(message.contains("may still create"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(env.sleeps, vec![200, 400, 800, 600]);
        assert_eq!(env.sleeps.iter().sum::<u64>(), 2000);
        assert_eq!(env.requests.len(), 5, "one launch, four polls");
    }

    #[test]
    fn the_default_timeout_bounds_the_polls() {
        let running = ok(&job("InQueue", 0, json!({})));
        let mut env = MockEnv::new(vec![running; 100]);
        let e = run(
            &mut env,
            json!({"blueprintType": "task", "blueprintId": "TB", "title": "x", "parentId": "P"}),
        )
        .unwrap_err();
        assert!(
            matches!(e, Error::Upstream { code: Some(ref c), .. } if c == "async_job_timed_out")
        );
        assert_eq!(env.sleeps.iter().sum::<u64>(), DEFAULT_TIMEOUT_SECS * 1000);
        assert!(env.sleeps.iter().all(|s| *s <= MAX_WAIT_MS));
        assert!(env.requests.len() < 15, "{}", env.requests.len());
    }

    #[test]
    fn input_rules_are_checked_before_sending() {
        let mut env = MockEnv::new(vec![]);
        for (input, field) in [
            (
                json!({"blueprintType": "task", "blueprintId": "TB", "title": "x", "parentId": "F", "superTaskId": "T"}),
                "superTaskId",
            ),
            (
                json!({"blueprintType": "task", "blueprintId": "TB", "title": "x"}),
                "parentId",
            ),
            (
                json!({"blueprintType": "folder", "blueprintId": "B", "title": "x", "superTaskId": "T"}),
                "superTaskId",
            ),
            (
                json!({"blueprintType": "folder", "blueprintId": "B", "title": "x", "parentId": "P", "rescheduleMode": "End"}),
                "rescheduleDate",
            ),
            (
                json!({"blueprintType": "folder", "blueprintId": "B", "title": "x", "parentId": "P", "entryLimit": 251}),
                "entryLimit",
            ),
            (
                json!({"blueprintType": "folder", "blueprintId": "B", "title": "", "parentId": "P"}),
                "title",
            ),
            (
                json!({"blueprintType": "space", "blueprintId": "B", "title": "x", "parentId": "P"}),
                "blueprintType",
            ),
            (
                json!({"blueprintType": "folder", "blueprintId": "B", "title": "x", "parentId": "P", "timeoutSeconds": 0}),
                "timeoutSeconds",
            ),
        ] {
            // "" : the host refuses the input as a whole (a oneOf/not rule on the object).
            let got = refusal(&mut env, "create_from_blueprint", input.clone());
            assert!(got == field || got.is_empty(), "{got} for {field}");
        }
        assert!(env.requests.is_empty());
    }

    #[test]
    fn an_unknown_blueprint_is_not_found_and_a_bad_job_is_upstream() {
        let mut env = MockEnv::new(vec![
            wrike_error(404, "resource_not_found", "Folder blueprint 'X' not found"),
            ok(r#"{"kind":"async_job","data":[{"id":"J1"}]}"#),
            ok(r#"{"kind":"async_job","data":[{"status":"InQueue"}]}"#),
        ]);
        let base =
            json!({"blueprintType": "folder", "blueprintId": "X", "title": "x", "parentId": "P"});
        assert!(matches!(
            run(&mut env, base.clone()),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            run(&mut env, base.clone()),
            Err(Error::Upstream { .. })
        ));
        assert!(matches!(run(&mut env, base), Err(Error::Upstream { .. })));
    }

    #[test]
    fn unknown_statuses_are_taken_as_running() {
        let mut env = MockEnv::new(vec![
            ok(&job("Paused", 10, json!({}))),
            ok(&job("Completed", 100, json!({"result": {"folderId": "F"}}))),
        ]);
        let out = run(
            &mut env,
            json!({"blueprintType": "folder", "blueprintId": "B", "title": "x", "parentId": "P"}),
        )
        .unwrap();
        assert_eq!(out["folderId"], "F");
        assert!(env.logs.iter().any(|(_, m)| m.contains("Paused")));
    }
}
