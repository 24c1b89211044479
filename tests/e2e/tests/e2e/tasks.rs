//! Task actions through the host against the fake Wrike: create, get, update, search and delete,
//! the conveniences (custom status as "Workflow|Status", custom fields as a map, plain-text
//! descriptions) and the failures users hit (missing fields, unknown IDs, read-only tokens).

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

fn task_by_title(fake: &FakeWrike, title: &str) -> String {
    fake.task_ids()
        .into_iter()
        .find(|id| fake.task(id).unwrap()["title"] == title)
        .unwrap_or_else(|| panic!("no seeded task {title:?}"))
}

fn custom_field(fake: &FakeWrike, title: &str) -> String {
    fake.custom_field_ids()
        .into_iter()
        .find(|(_, t)| t == title)
        .map(|(id, _)| id)
        .unwrap()
}

fn stored_custom_field(task: &Value, field: &str) -> Value {
    task["customFields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|cf| cf["id"] == field)
        .map(|cf| cf["value"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn create_task_resolves_the_custom_status_text_and_the_custom_field_map() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let folder = fake.folder_ids()[1].0.clone();
    let client = custom_field(&fake, "Client");
    let budget = custom_field(&fake, "Budget");
    let in_progress = fake
        .custom_status_id("Default Workflow", "In Progress")
        .unwrap();

    let out = ok(
        &c,
        "create_task",
        json!({
            "folderId": folder,
            "title": "Migrate the build",
            "customStatus": "Default Workflow|In Progress",
            "customFields": {client.clone(): "Acme", budget.clone(): "1200"},
        }),
    )
    .await;
    let id = out["id"].as_str().unwrap();
    assert_eq!(out["customStatusId"], in_progress.as_str());
    assert_eq!(out["parentIds"], json!([folder]));

    let stored = fake.task(id).expect("the fake stored the task");
    assert_eq!(stored["title"], "Migrate the build");
    assert_eq!(stored["customStatusId"], in_progress.as_str());
    assert_eq!(stored_custom_field(&stored, &client), "Acme");
    assert_eq!(stored_custom_field(&stored, &budget), "1200");

    // The text was resolved through GET /workflows, then the ID was sent.
    let reqs = fake.requests();
    assert!(reqs.iter().any(|r| r.path.ends_with("/workflows")));
    let post = reqs.iter().find(|r| r.method == "POST").unwrap();
    let params = post.params();
    let sent = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(sent("customStatus"), Some(in_progress.clone()));
    let fields: Value = serde_json::from_str(&sent("customFields").unwrap()).unwrap();
    assert!(fields
        .as_array()
        .unwrap()
        .contains(&json!({"id": client, "value": "Acme"})));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_task_failures() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let folder = fake.folder_ids()[0].0.clone();

    let e = err(&c, "create_task", json!({"folderId": folder})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("title"));

    let e = err(
        &c,
        "create_task",
        json!({"folderId": folder, "title": "t", "customStatus": "Default Workflow|No Such Status"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("customStatus"), "{e}");
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "nothing is created when the status does not resolve"
    );

    let e = err(&c, "create_task", json!({"folderId": "Root", "title": "t"})).await;
    assert_eq!(e.field.as_deref(), Some("folderId"));

    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "create_task",
        json!({"folderId": missing, "title": "t"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");

    let before = fake.task_ids().len();
    fake.add_token("ro", &["wsReadOnly"]);
    let ro = wrike_with(&fake, "ro", Limits::default());
    let e = err(
        &ro,
        "create_task",
        json!({"folderId": folder, "title": "t"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    assert_eq!(fake.task_ids().len(), before, "nothing was created");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_task_by_id_with_and_without_plain_text() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let id = task_by_title(&fake, "Write the launch brief");

    let html = ok(&c, "get_task_by_id", json!({"taskId": id})).await;
    assert_eq!(html["id"], id.as_str());
    assert_eq!(html["importance"], "High");
    assert_eq!(
        html["description"],
        "<p>Draft the brief for the <b>website launch</b>.</p>"
    );
    assert_eq!(html["dates"]["type"], "Planned");

    let plain = ok(
        &c,
        "get_task_by_id",
        json!({"taskId": id, "convertDescriptionToPlainText": true}),
    )
    .await;
    assert_eq!(
        plain["description"],
        "Draft the brief for the website launch."
    );
    // The flag is the connector's; Wrike never sees it.
    assert!(fake
        .requests()
        .iter()
        .all(|r| !r.query.as_deref().unwrap_or("").contains("convert")));

    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let e = err(&c, "get_task_by_id", json!({"taskId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains(&missing), "names the ID: {e}");
    let e = err(&c, "get_task_by_id", json!({})).await;
    assert_eq!(e.field.as_deref(), Some("taskId"));
}

#[tokio::test(flavor = "multi_thread")]
async fn update_task_changes_what_the_fake_stores() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let folder = fake.folder_ids()[0].0.clone();
    let jane = fake.other_user_ids()[0].clone();
    let channel = custom_field(&fake, "Channel");
    let task = fake.create_task_direct(&folder, "Draft newsletter");
    let id = task["id"].as_str().unwrap().to_string();

    let out = ok(
        &c,
        "update_task",
        json!({
            "taskId": id,
            "title": "Send newsletter",
            "importance": "Low",
            "addResponsibles": [jane],
            "customFields": {channel.clone(): "Email"},
            "customStatus": "Default Workflow|On Hold",
            "dates": {"type": "Milestone", "due": "2026-03-02"},
        }),
    )
    .await;
    assert_eq!(out["title"], "Send newsletter");
    let stored = fake.task(&id).unwrap();
    assert_eq!(stored["title"], "Send newsletter");
    assert_eq!(stored["importance"], "Low");
    assert_eq!(stored["responsibleIds"], json!([jane]));
    assert_eq!(stored_custom_field(&stored, &channel), "Email");
    assert_eq!(
        stored["customStatusId"],
        fake.custom_status_id("Default Workflow", "On Hold")
            .unwrap()
    );
    assert_eq!(stored["status"], "Deferred", "the status follows its group");
    assert_eq!(stored["dates"]["type"], "Milestone");
    assert!(stored["dates"]["due"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-02"));

    // null removes a custom field value.
    ok(
        &c,
        "update_task",
        json!({"taskId": id, "customFields": {channel.clone(): null}}),
    )
    .await;
    assert_eq!(
        stored_custom_field(&fake.task(&id).unwrap(), &channel),
        Value::Null
    );

    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let e = err(&c, "update_task", json!({"taskId": missing, "title": "x"})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);

    fake.add_token("ro", &["wsReadOnly"]);
    let ro = wrike_with(&fake, "ro", Limits::default());
    let e = err(&ro, "update_task", json!({"taskId": id, "title": "x"})).await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_eq!(fake.task(&id).unwrap()["title"], "Send newsletter");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_task_filters_by_folder_status_space_and_custom_status() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let (marketing, engineering) = (
        fake.folder_ids()[0].0.clone(),
        fake.folder_ids()[1].0.clone(),
    );

    let out = ok(
        &c,
        "search_task",
        json!({"folderId": engineering, "status": ["Completed"]}),
    )
    .await;
    let titles: Vec<&str> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Set up CI"]);
    let q = fake.requests().last().unwrap().clone();
    assert_eq!(q.path, format!("/api/v4/folders/{engineering}/tasks"));

    let out = ok(
        &c,
        "search_task",
        json!({"folderId": engineering, "status": ["Active"]}),
    )
    .await;
    assert_eq!(out["items"], json!([]));

    let in_review = fake
        .custom_status_id("Content Workflow", "In Review")
        .unwrap();
    let t = fake.create_task_direct(&marketing, "Review copy");
    fake.update_task_direct(
        t["id"].as_str().unwrap(),
        json!({"customStatus": in_review}),
    );
    let out = ok(
        &c,
        "search_task",
        json!({"spaceId": fake.space_id(), "customStatuses": [in_review]}),
    )
    .await;
    let items = out["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["id"], t["id"]);

    let out = ok(
        &c,
        "search_task",
        json!({"title": "Write the launch brief", "fields": ["description"], "convertDescriptionToPlainText": true}),
    )
    .await;
    assert_eq!(
        out["items"][0]["description"],
        "Draft the brief for the website launch."
    );

    let e = err(
        &c,
        "search_task",
        json!({"folderId": marketing, "spaceId": fake.space_id()}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(&c, "search_task", json!({"folderId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn delete_task_moves_it_to_the_recycle_bin_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let id = fake.create_task_direct(&folder, "Obsolete")["id"]
        .as_str()
        .unwrap()
        .to_string();

    let run = CliRun::of(cli(&fake).args([
        "call",
        "delete_task",
        "--input",
        &json!({"taskId": id}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["id"], id.as_str());
    assert_eq!(out["scope"], "RbTask");
    assert_eq!(out["parentIds"], json!([fake.recycle_bin_id()]));

    let stored = fake.task(&id).expect("still there, in the Recycle Bin");
    assert_eq!(stored["scope"], "RbTask");
    assert!(!fake.task_ids().contains(&id), "no longer a live task");
    assert_eq!(fake.requests().last().unwrap().method, "DELETE");

    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let run = CliRun::of(cli(&fake).args([
        "call",
        "delete_task",
        "--input",
        &json!({"taskId": missing}).to_string(),
    ]));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "not_found");
}
