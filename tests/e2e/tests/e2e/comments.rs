//! Comment actions through the host against the fake Wrike: comments on tasks and folders, and
//! the search with its 7-day window.

use chrono::Duration;
use connector_host::{Connector, ErrorKind, HostError};
use e2e_tests::{cli, wrike, CliRun};
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

fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn task_by_title(fake: &FakeWrike, title: &str) -> String {
    fake.task_ids()
        .into_iter()
        .find(|id| fake.task(id).unwrap()["title"] == title)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_comment_in_task_stores_it_on_the_task() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");

    let out = ok(
        &c,
        "create_comment_in_task",
        json!({"taskId": task, "text": "Budget is <b>approved</b>"}),
    )
    .await;
    let id = out["id"].as_str().unwrap();
    assert_eq!(out["taskId"], task.as_str());
    assert_eq!(out["authorId"], fake.me_id());
    let stored = fake.comment(id).expect("the fake stored the comment");
    assert_eq!(stored["taskId"], task.as_str());
    assert_eq!(stored["text"], "Budget is <b>approved</b>");

    // plainText=true: the text is taken literally, not as HTML.
    let out = ok(
        &c,
        "create_comment_in_task",
        json!({"taskId": task, "text": "a <b> c", "plainText": true}),
    )
    .await;
    let stored = fake.comment(out["id"].as_str().unwrap()).unwrap();
    assert_ne!(stored["text"], "a <b> c", "escaped for HTML: {stored}");
    assert!(stored["text"].as_str().unwrap().contains("&lt;b&gt;"));

    let e = err(
        &c,
        "create_comment_in_task",
        json!({"taskId": task, "text": "   "}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("text"));
    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "create_comment_in_task",
        json!({"taskId": missing, "text": "hello"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn create_comment_in_folder_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let project = fake.project_id();
    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_comment_in_folder",
        "--input",
        &json!({"folderId": project, "text": "Kick-off on Monday"}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["folderId"], project.as_str());
    assert!(out.get("taskId").is_none(), "{out}");
    let stored = fake.comment(out["id"].as_str().unwrap()).unwrap();
    assert_eq!(stored["folderId"], project.as_str());
    assert_eq!(stored["text"], "Kick-off on Monday");
    let listed = fake
        .call_direct("GET", &format!("/folders/{project}/comments"), json!({}))
        .unwrap();
    assert!(listed.iter().any(|c| c["id"] == out["id"]));

    // The Root folder cannot hold comments: Wrike's 400 names folderId.
    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_comment_in_folder",
        "--input",
        &json!({"folderId": fake.root_folder_id(), "text": "x"}).to_string(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "folderId");

    fake.add_token("ro", &["wsReadOnly"]);
    let run = CliRun::of(cli(&fake).env("CONNECTOR_TOKEN", "ro").args([
        "call",
        "create_comment_in_folder",
        "--input",
        &json!({"folderId": project, "text": "read-only"}).to_string(),
    ]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "forbidden");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_comments_by_task_and_account_wide_within_seven_days() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let brief = task_by_title(&fake, "Write the launch brief");
    let welcome = task_by_title(&fake, "Getting Started With Wrike");

    let on_task = ok(
        &c,
        "search_comments",
        json!({"taskId": brief, "plainText": true}),
    )
    .await;
    let items = on_task["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{on_task}");
    assert_eq!(items[0]["text"], "Please include the timeline.");
    assert_eq!(items[0]["taskId"], brief.as_str());

    // Account-wide: the last 6 days hold the 2-day-old seeded comment, not the 25-day-old one.
    let now = fake.now();
    let recent = ok(
        &c,
        "search_comments",
        json!({"updatedDate": {"start": ts(now - Duration::days(6)), "end": ts(now)}}),
    )
    .await;
    let tasks: Vec<&str> = recent["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["taskId"].as_str().unwrap())
        .collect();
    assert_eq!(tasks, vec![brief.as_str()], "{recent}");
    assert_eq!(
        recent["items"][0]["text"], "Please include the <b>timeline</b>.",
        "HTML unless plainText"
    );
    let old = ok(
        &c,
        "search_comments",
        json!({"updatedDate": {"start": ts(now - Duration::days(26)), "end": ts(now - Duration::days(20))}}),
    )
    .await;
    assert_eq!(old["items"].as_array().unwrap().len(), 1);
    assert_eq!(old["items"][0]["taskId"], welcome.as_str());

    // A window of 7 days or more is refused before anything is sent.
    fake.clear_requests();
    let e = err(
        &c,
        "search_comments",
        json!({"updatedDate": {"start": ts(now - Duration::days(7)), "end": ts(now)}}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("updatedDate"));
    let e = err(
        &c,
        "search_comments",
        json!({"taskId": brief, "updatedDate": {"start": ts(now - Duration::days(1))}}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("updatedDate"));
    assert!(fake.requests().is_empty());

    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let e = err(&c, "search_comments", json!({"taskId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_comment_within_five_minutes_then_delete_it() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let created = ok(
        &c,
        "create_comment_in_task",
        json!({"taskId": task, "text": "Draft"}),
    )
    .await;
    let id = created["id"].as_str().unwrap();

    let out = ok(
        &c,
        "update_comment",
        json!({"commentId": id, "text": "Final <i>wording</i>"}),
    )
    .await;
    assert_eq!(out["id"], id);
    assert_eq!(out["taskId"], task.as_str());
    assert_eq!(fake.comment(id).unwrap()["text"], "Final <i>wording</i>");

    // Wrike allows edits only within 5 minutes of creation.
    fake.advance_clock(std::time::Duration::from_secs(6 * 60));
    let e = err(
        &c,
        "update_comment",
        json!({"commentId": id, "text": "Late"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_eq!(fake.comment(id).unwrap()["text"], "Final <i>wording</i>");

    let out = ok(&c, "delete_comment", json!({"commentId": id})).await;
    assert_eq!(out, json!({}));
    assert!(fake.comment(id).is_none(), "the fake still holds {id}");
    let e = err(&c, "delete_comment", json!({"commentId": id})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    // The host refuses a blank text against the generated schema, naming the field.
    let e = err(&c, "update_comment", json!({"commentId": id, "text": ""})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("text"));
}
