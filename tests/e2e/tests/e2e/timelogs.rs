//! Timelog actions through the host against the fake Wrike: create, update and search, with the
//! failures users hit (hours out of range, missing fields, unknown tasks and categories).

use connector_host::{Connector, ErrorKind, HostError, Limits};
use e2e_tests::{cli, wrike, wrike_with, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

async fn ok(c: &Connector, action: &str, input: Value) -> Value {
    c.execute(action, &input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"))
}

async fn err(c: &Connector, action: &str, input: Value) -> HostError {
    match c.execute(action, &input).await {
        Ok(v) => panic!("{action} should fail, returned {v}"),
        Err(e) => e,
    }
}

fn call(fake: &FakeWrike, action: &str, input: &Value) -> CliRun {
    CliRun::of(cli(fake).args(["call", action, "--input", &input.to_string()]))
}

fn task_by_title(fake: &FakeWrike, title: &str) -> String {
    fake.task_ids()
        .into_iter()
        .find(|id| fake.task(id).unwrap()["title"] == title)
        .unwrap()
}

fn category(fake: &FakeWrike, name: &str) -> String {
    fake.call_direct("GET", "/timelog_categories", json!({}))
        .unwrap()
        .into_iter()
        .find(|c| c["name"] == name)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .unwrap()
}

fn stored(fake: &FakeWrike, id: &str) -> Value {
    fake.call_direct("GET", &format!("/timelogs/{id}"), json!({}))
        .unwrap()
        .remove(0)
}

fn seed_timelog(
    fake: &FakeWrike,
    task: &str,
    hours: f64,
    day: &str,
    category: Option<&str>,
) -> String {
    let mut p = json!({"comment": "seeded", "hours": hours, "trackedDate": day});
    if let Some(c) = category {
        p["categoryId"] = json!(c);
    }
    fake.call_direct("POST", &format!("/tasks/{task}/timelogs"), p)
        .unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn create_timelog_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let dev = category(&fake, "Development");
    let run = call(
        &fake,
        "create_timelog",
        &json!({"taskId": task, "comment": "Wrote the <b>plan</b>", "hours": 1.5, "trackedDate": "2026-01-15", "categoryId": dev}),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    let id = out["id"].as_str().unwrap();
    assert_eq!(out["taskId"], task.as_str());
    assert_eq!(out["userId"], fake.me_id());
    let t = stored(&fake, id);
    assert_eq!(t["hours"], 1.5);
    assert_eq!(t["trackedDate"], "2026-01-15");
    assert_eq!(t["categoryId"], dev.as_str());
    assert_eq!(t["comment"], "Wrote the <b>plan</b>");

    // More than 24 hours or a missing date never reach Wrike.
    fake.clear_requests();
    let run = call(
        &fake,
        "create_timelog",
        &json!({"taskId": task, "comment": "x", "hours": 25, "trackedDate": "2026-01-15"}),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "hours");
    let run = call(
        &fake,
        "create_timelog",
        &json!({"taskId": task, "comment": "x", "hours": 1}),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "trackedDate");
    assert!(fake.requests().is_empty());

    // An unknown category is Wrike's 400, naming the parameter; an unknown task is a 404.
    let run = call(
        &fake,
        "create_timelog",
        &json!({"taskId": task, "comment": "x", "hours": 1, "trackedDate": "2026-01-15", "categoryId": format!("{}KYZZZZZZ", fake.account_id())}),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "categoryId");
    let run = call(
        &fake,
        "create_timelog",
        &json!({"taskId": format!("{}KQZZZZZZ", fake.account_id()), "comment": "x", "hours": 1, "trackedDate": "2026-01-15"}),
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_timelog_changes_hours_date_comment_and_category() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let id = seed_timelog(&fake, &task, 1.0, "2026-01-10", None);
    let meetings = category(&fake, "Meetings");

    let out = ok(
        &c,
        "update_timelog",
        json!({"timelogId": id, "hours": 2.25, "trackedDate": "2026-01-12", "comment": "a < b", "plainText": true, "categoryId": meetings}),
    )
    .await;
    assert_eq!(out["id"], id.as_str());
    let t = stored(&fake, &id);
    assert_eq!(t["hours"], 2.25);
    assert_eq!(t["trackedDate"], "2026-01-12");
    assert_eq!(t["categoryId"], meetings.as_str());
    assert_eq!(t["comment"], "a &lt; b", "plain text is stored as HTML");

    let e = err(&c, "update_timelog", json!({"timelogId": id, "hours": 0})).await;
    assert_eq!(e.field.as_deref(), Some("hours"));
    let e = err(
        &c,
        "update_timelog",
        json!({"timelogId": format!("{}JRZZZZZZ", fake.account_id()), "hours": 1}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    fake.add_token("ro", &["wsReadOnly"]);
    let ro = wrike_with(&fake, "ro", Limits::default());
    let e = err(&ro, "update_timelog", json!({"timelogId": id, "hours": 3})).await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_eq!(stored(&fake, &id)["hours"], 2.25);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_timelog_by_owner_category_and_tracked_date() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let plan = task_by_title(&fake, "Plan Q3 campaigns");
    let ci = task_by_title(&fake, "Set up CI");
    let brief = task_by_title(&fake, "Write the launch brief");
    let dev = category(&fake, "Development");
    let a = seed_timelog(&fake, &plan, 1.0, "2026-01-05", None);
    let b = seed_timelog(&fake, &ci, 2.0, "2026-01-06", Some(&dev));
    let d = seed_timelog(&fake, &brief, 3.0, "2026-01-20", Some(&dev));

    assert_eq!(
        ids(&ok(&c, "search_timelog", json!({})).await),
        sorted(vec![a.clone(), b.clone(), d.clone()])
    );
    assert_eq!(
        ids(&ok(&c, "search_timelog", json!({"taskId": ci})).await),
        vec![b.clone()]
    );
    // Marketing holds "Plan Q3 campaigns" and, below it in the project, the brief.
    let marketing = fake.folder_ids()[0].0.clone();
    assert_eq!(
        ids(&ok(&c, "search_timelog", json!({"folderId": marketing})).await),
        sorted(vec![a.clone(), d.clone()])
    );
    assert_eq!(
        ids(&ok(
            &c,
            "search_timelog",
            json!({"folderId": marketing, "descendants": false})
        )
        .await),
        vec![a.clone()]
    );
    assert_eq!(
        ids(&ok(&c, "search_timelog", json!({"timelogCategoryId": dev})).await),
        sorted(vec![b.clone(), d.clone()])
    );
    assert_eq!(
        ids(&ok(
            &c,
            "search_timelog",
            json!({"trackedDate": {"start": "2026-01-01", "end": "2026-01-10"}})
        )
        .await),
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        ids(&ok(
            &c,
            "search_timelog",
            json!({"contactId": fake.me_id(), "timelogCategories": [dev]})
        )
        .await),
        sorted(vec![b, d])
    );

    let e = err(
        &c,
        "search_timelog",
        json!({"taskId": plan, "folderId": marketing}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("folderId"));
    let e = err(
        &c,
        "search_timelog",
        json!({"folderId": format!("{}I4ZZZZZZ", fake.account_id())}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}
