//! Unit tests of `blueprints.rs`.

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
    assert!(matches!(e, Error::Upstream { code: Some(ref c), .. } if c == "async_job_timed_out"));
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
