//! `create_from_blueprint` and `create_work` through the host against the fake Wrike: launches
//! that finish, fail half-way or at once, or never finish (a small `timeoutSeconds`), refused
//! inputs, unknown blueprints, and work created from custom item types. The fake's async jobs
//! advance per poll, never with time, so the only waiting is the action's own backoff.

use connector_host::schema::InputSchema;
use connector_host::{Connector, ErrorKind};
use e2e_tests::{cli, wrike, CliRun};
use fake_wrike::{FakeWrike, JobPlan};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn call(fake: &FakeWrike, action: &str, input: Value) -> CliRun {
    CliRun::of(cli(fake).args(["call", action, "--input", &input.to_string()]))
}

/// The output matches the action's declared output schema (the host will check this too).
async fn assert_conforms(c: &Connector, action: &str, out: &Value) {
    let d = c.describe().await.unwrap();
    let a = d.actions.iter().find(|a| a.name == action).unwrap();
    let schema = InputSchema::compile(action, &a.output_schema).unwrap();
    schema
        .validate(out)
        .unwrap_or_else(|e| panic!("{action}: the output does not match its schema: {e:?}\n{out}"));
}

fn launches(fake: &FakeWrike) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/launch_async"))
        .count()
}

fn tasks_below(fake: &FakeWrike, folder: &str) -> Vec<Value> {
    fake.call_direct(
        "GET",
        &format!("/folders/{folder}/tasks"),
        json!({"descendants": true}),
    )
    .unwrap()
}

#[test]
fn a_folder_blueprint_becomes_a_project_tree_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let marketing = fake.folder_ids()[0].0.clone();
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({
            "blueprintType": "folder",
            "blueprintId": fake.folder_blueprint_id(),
            "title": "Autumn campaign",
            "parentId": marketing,
            "titlePrefix": "AC: ",
            "copyResponsibles": false,
            "rescheduleDate": "2026-09-07",
            "rescheduleMode": "Start",
            "entryLimit": 10,
        }),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["status"], "Completed", "{out}");
    assert_eq!(out["progressPercent"], 100);
    assert_eq!(out["totalCount"], 6);
    assert_eq!(out["processedCount"], 6);
    assert_eq!(out["type"], "FolderBlueprintLaunch");
    let job = out["id"].as_str().unwrap();
    assert_eq!(fake.async_job(job).unwrap()["status"], "Completed");
    let root = out["folderId"].as_str().unwrap();
    assert_eq!(out["result"], json!({"folderId": root}));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(assert_conforms(
        &wrike(&fake),
        "create_from_blueprint",
        &out,
    ));
    assert!(out.get("taskId").is_none());

    let folder = fake.folder(root).unwrap();
    assert_eq!(folder["title"], "Autumn campaign");
    assert_eq!(folder["parentIds"], json!([marketing]));
    assert!(folder["project"].is_object(), "{folder}");
    let mut titles: Vec<String> = tasks_below(&fake, root)
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "AC: Banner set",
            "AC: Campaign brief",
            "AC: Legal check",
            "AC: Review"
        ]
    );

    // What went to Wrike: Wrike's names (`parent` for folder launches), Workato's defaults.
    let reqs = fake.requests();
    let launch = reqs
        .iter()
        .find(|r| r.path.ends_with("/launch_async"))
        .unwrap();
    assert_eq!(launch.method, "POST");
    let params = launch.params();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("parent"), Some(marketing.as_str()));
    assert_eq!(get("parentId"), None);
    assert_eq!(get("copyDescriptions"), Some("true"));
    assert_eq!(get("notifyResponsibles"), Some("true"));
    assert_eq!(get("copyResponsibles"), Some("false"));
    assert_eq!(get("copyCustomFields"), Some("true"));
    assert_eq!(get("copyAttachments"), Some("false"));
    assert_eq!(get("entryLimit"), Some("10"));
    let polls = reqs
        .iter()
        .filter(|r| r.path == format!("/api/v4/async_job/{job}"))
        .count();
    assert_eq!(polls, 2, "the fake's jobs finish on the second poll");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_blueprint_launched_under_a_super_task() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let sup = fake.task_ids()[0].clone();
    let out = c
        .execute(
            "create_from_blueprint",
            &json!({
                "blueprintType": "task",
                "blueprintId": fake.task_blueprint_id(),
                "title": "Onboard Ann",
                "superTaskId": sup,
            }),
        )
        .await
        .unwrap();
    assert_conforms(&c, "create_from_blueprint", &out).await;
    let task = fake.task(out["taskId"].as_str().unwrap()).unwrap();
    assert_eq!(task["title"], "Onboard Ann");
    assert_eq!(task["superTaskIds"], json!([sup]));
    assert_eq!(task["subTaskIds"].as_array().unwrap().len(), 2);
    assert_eq!(out["result"]["taskId"], task["id"]);
    assert!(out.get("folderId").is_none());

    // Into a folder: task launches name the folder `parentId`.
    let engineering = fake.folder_ids()[1].0.clone();
    let out = c
        .execute(
            "create_from_blueprint",
            &json!({
                "blueprintType": "task",
                "blueprintId": fake.task_blueprint_id(),
                "title": "Onboard Bob",
                "parentId": engineering,
            }),
        )
        .await
        .unwrap();
    let task = fake.task(out["taskId"].as_str().unwrap()).unwrap();
    assert_eq!(task["parentIds"], json!([engineering]));
}

#[test]
fn a_job_that_fails_half_way_says_part_of_the_tree_may_exist() {
    let fake = FakeWrike::start().unwrap();
    let marketing = fake.folder_ids()[0].0.clone();
    fake.set_async_job_plan(JobPlan {
        polls_to_finish: Some(2),
        fail_at_percent: Some(50),
    });
    let input = json!({
        "blueprintType": "folder",
        "blueprintId": fake.folder_blueprint_id(),
        "title": "Broken campaign",
        "parentId": marketing,
    });
    let run = call(&fake, "create_from_blueprint", input.clone());
    assert_eq!(run.code, 6, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "upstream");
    assert_eq!(e["code"], "async_job_failed_partially_created");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("50 %"), "{message}");
    assert!(
        message.contains(&format!("folder {marketing}")),
        "{message}"
    );
    assert!(message.contains("before launching again"), "{message}");
    // And indeed part of the tree is there.
    let partial = fake
        .call_direct("GET", &format!("/folders/{marketing}/folders"), json!({}))
        .unwrap();
    assert!(partial.iter().any(|f| f["title"] == "Broken campaign"));

    // A job failing at 0 % created nothing.
    fake.set_async_job_plan(JobPlan {
        polls_to_finish: Some(2),
        fail_at_percent: Some(0),
    });
    let before = fake.task_ids().len();
    let mut input = input;
    input["title"] = json!("Never made");
    let run = call(&fake, "create_from_blueprint", input);
    assert_eq!(run.code, 6, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["code"], "async_job_failed_nothing_created");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("Nothing was created"));
    assert_eq!(fake.task_ids().len(), before);
}

#[test]
fn a_job_that_never_finishes_times_out() {
    let fake = FakeWrike::start().unwrap();
    fake.set_async_job_plan(JobPlan {
        polls_to_finish: None,
        fail_at_percent: None,
    });
    let started = Instant::now();
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({
            "blueprintType": "task",
            "blueprintId": fake.task_blueprint_id(),
            "title": "Slow",
            "parentId": fake.folder_ids()[0].0,
            "timeoutSeconds": 1,
        }),
    );
    let took = started.elapsed();
    assert_eq!(run.code, 6, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "upstream");
    assert_eq!(e["code"], "async_job_timed_out");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("within 1 s"), "{message}");
    assert!(message.contains("may still create"), "{message}");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    // Waits of 200 and 400 ms, then what is left of the second: three polls (a fourth when the
    // wall clock lags the waits).
    let polls = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/async_job/"))
        .count();
    assert!((3..=4).contains(&polls), "{polls}");
}

#[test]
fn parent_and_super_task_together_are_refused_before_sending() {
    let fake = FakeWrike::start().unwrap();
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({
            "blueprintType": "task",
            "blueprintId": fake.task_blueprint_id(),
            "title": "Both",
            "parentId": fake.folder_ids()[0].0,
            "superTaskId": fake.task_ids()[0],
        }),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(e["field"], "superTaskId");
    // A folder blueprint cannot go under a task, and one place is needed.
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({
            "blueprintType": "folder",
            "blueprintId": fake.folder_blueprint_id(),
            "title": "Under a task",
            "superTaskId": fake.task_ids()[0],
        }),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "superTaskId");
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({"blueprintType": "task", "blueprintId": fake.task_blueprint_id(), "title": "Nowhere"}),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = call(
        &fake,
        "create_work",
        json!({
            "customItemTypeId": fake.custom_item_type_ids()[0],
            "title": "Both",
            "parentId": fake.folder_ids()[0].0,
            "superTaskId": fake.task_ids()[0],
        }),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "superTaskId");
    assert_eq!(launches(&fake), 0);
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_blueprint_is_not_found() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let missing = format!("{}IBZZZZZZ", fake.account_id());
    for kind in ["folder", "task"] {
        let e = c
            .execute(
                "create_from_blueprint",
                &json!({
                    "blueprintType": kind,
                    "blueprintId": missing,
                    "title": "x",
                    "parentId": fake.folder_ids()[0].0,
                }),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{kind}: {e}");
    }
    // The root of the blueprint tree is no folder blueprint either.
    let run = call(
        &fake,
        "create_from_blueprint",
        json!({"blueprintType": "folder", "blueprintId": fake.blueprint_root_id(), "title": "x", "parentId": fake.folder_ids()[0].0}),
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_work_makes_tasks_and_projects_from_custom_item_types() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let cits = fake.custom_item_type_ids();
    let marketing = fake.folder_ids()[0].0.clone();
    let task = c
        .execute(
            "create_work",
            &json!({"customItemTypeId": cits[0], "title": "Login fails", "parentId": marketing}),
        )
        .await
        .unwrap();
    assert_conforms(&c, "create_work", &task).await;
    assert_eq!(task["title"], "Login fails");
    assert_eq!(task["customItemTypeId"], cits[0]);
    assert_eq!(task["parentIds"], json!([marketing]));
    assert_eq!(task["scope"], "WsTask");
    assert!(task["importance"].is_string(), "read back in full: {task}");

    let sub = c
        .execute(
            "create_work",
            &json!({"customItemTypeId": cits[0], "title": "Also on mobile", "superTaskId": task["id"]}),
        )
        .await
        .unwrap();
    assert_eq!(sub["superTaskIds"], json!([task["id"]]));

    let project = c
        .execute(
            "create_work",
            &json!({"customItemTypeId": cits[1], "title": "Acme rollout", "parentId": marketing}),
        )
        .await
        .unwrap();
    assert_conforms(&c, "create_work", &project).await;
    assert_eq!(project["title"], "Acme rollout");
    assert_eq!(project["customItemTypeId"], cits[1]);
    assert!(project["project"].is_object(), "{project}");

    // A project-based type cannot make a subtask; a deleted type is gone.
    let e = c
        .execute(
            "create_work",
            &json!({"customItemTypeId": cits[1], "title": "x", "superTaskId": task["id"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert_eq!(e.field.as_deref(), Some("superTaskId"));
    let e = c
        .execute(
            "create_work",
            &json!({"customItemTypeId": cits[2], "title": "x", "parentId": marketing}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
}
