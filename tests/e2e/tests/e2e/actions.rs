//! Every action's success path, end to end: connector-host → component → fake Wrike.

use e2e_tests::{cli, wrike, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

fn call(fake: &FakeWrike, action: &str, input: Value) -> Value {
    let run = CliRun::of(cli(fake).args(["call", action, "--input", &input.to_string()]));
    assert_eq!(run.code, 0, "{action} failed: {}", run.stderr);
    run.json()
}

#[test]
fn create_get_update_search_and_comment_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let assignee = fake.other_user_ids()[0].clone();

    let created = call(
        &fake,
        "create_task",
        json!({
            "folderId": folder,
            "title": "Write the launch plan",
            "description": "<p>Draft</p>",
            "importance": "High",
            "responsibles": [assignee],
            "dates": {"type": "Planned", "start": "2026-12-01", "due": "2026-12-05"},
            "metadata": [{"key": "source", "value": "e2e"}]
        }),
    );
    let id = created["id"].as_str().expect("task id").to_string();
    assert_eq!(created["title"], "Write the launch plan");
    assert_eq!(created["importance"], "High");
    assert_eq!(created["responsibleIds"], json!([assignee]));
    assert_eq!(created["dates"]["type"], "Planned");

    // Write requests are form-encoded, with JSON-encoded arrays and objects.
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(post
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/x-www-form-urlencoded"));
    let params: Vec<(String, String)> = post.params();
    let responsibles = params.iter().find(|(k, _)| k == "responsibles").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&responsibles.1).unwrap(),
        json!([assignee])
    );
    let dates = params.iter().find(|(k, _)| k == "dates").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&dates.1).unwrap()["type"],
        "Planned"
    );

    let got = call(&fake, "get_task_by_id", json!({"taskId": id}));
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["description"], "<p>Draft</p>");

    let updated = call(
        &fake,
        "update_task",
        json!({"taskId": id, "title": "Write the launch plan v2", "status": "Completed", "removeResponsibles": [assignee]}),
    );
    assert_eq!(updated["title"], "Write the launch plan v2");
    assert_eq!(updated["status"], "Completed");
    assert_eq!(updated["responsibleIds"], json!([]));

    let found = call(
        &fake,
        "search_task",
        json!({"title": "Write the launch plan v2"}),
    );
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    assert_eq!(items[0]["id"], id.as_str());

    let comment = call(
        &fake,
        "create_comment_in_task",
        json!({"taskId": id, "text": "Looks good"}),
    );
    assert_eq!(comment["taskId"], id.as_str());
    assert!(comment["text"].as_str().unwrap().contains("Looks good"));
    assert!(comment["id"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_users_returns_the_people_of_the_account() {
    let fake = FakeWrike::start().unwrap();
    let out = wrike(&fake)
        .execute("list_users", &json!({}))
        .await
        .unwrap();
    let items = out["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&fake.me_id().as_str()), "{ids:?}");
    for other in fake.other_user_ids() {
        assert!(
            ids.contains(&other.as_str()),
            "{other} missing from {ids:?}"
        );
    }
    let me = wrike(&fake)
        .execute("list_users", &json!({"me": true}))
        .await
        .unwrap();
    assert_eq!(me["items"].as_array().unwrap().len(), 1);
    assert_eq!(me["items"][0]["id"], fake.me_id());
}

#[tokio::test(flavor = "multi_thread")]
async fn input_is_validated_before_the_guest_runs() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let e = c
        .execute("create_task", &json!({"title": "no folder"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, connector_host::ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("folderId"));
    let e = c
        .execute(
            "create_task",
            &json!({"folderId": "X", "title": "t", "importance": "Urgent"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("importance"));
    let e = c.execute("no_such_action", &json!({})).await.unwrap_err();
    assert_eq!(e.field.as_deref(), Some("action"));
    assert!(
        fake.requests().is_empty(),
        "nothing may be sent for invalid input"
    );
}
