//! Reference data and raw calls through the host against the fake Wrike: `list_custom_fields`,
//! `list_workflows`, `get_id` (legacy IDs through `/ids`) and `custom_http`, which can reach
//! only the connection's API base.

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

#[tokio::test(flavor = "multi_thread")]
async fn list_custom_fields_all_and_by_id() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let seeded = fake.custom_field_ids();

    let all = ok(&c, "list_custom_fields", json!({})).await;
    let got: Vec<(String, String, String)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["title"].as_str().unwrap().to_string(),
                f["type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (seeded[0].0.clone(), "Client".into(), "Text".into()),
            (seeded[1].0.clone(), "Budget".into(), "Numeric".into()),
            (seeded[2].0.clone(), "Channel".into(), "DropDown".into()),
        ]
    );
    let channel = all["items"][2]["settings"]["values"].clone();
    assert_eq!(channel, json!(["Web", "Email", "Social"]));

    let one = ok(
        &c,
        "list_custom_fields",
        json!({"customFieldIds": [seeded[1].0]}),
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["items"][0]["title"], "Budget");
    assert_eq!(
        fake.requests().last().unwrap().path,
        format!("/api/v4/customfields/{}", seeded[1].0)
    );

    let e = err(
        &c,
        "list_custom_fields",
        json!({"customFieldIds": [format!("{}JUZZZZZZ", fake.account_id())]}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = err(&c, "list_custom_fields", json!({"customFieldIds": []})).await;
    assert_eq!(e.field.as_deref(), Some("customFieldIds"));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_workflows_with_a_workflow_scope_only() {
    let fake = FakeWrike::start().unwrap();
    fake.add_token("wf", &["amReadOnlyWorkflow"]);
    let c = wrike_with(&fake, "wf", Limits::default());

    let out = ok(&c, "list_workflows", json!({})).await;
    let items = out["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Default Workflow", "Content Workflow"]);
    assert_eq!(items[0]["id"], fake.default_workflow_id());
    let statuses: Vec<(&str, &str)> = items[0]["customStatuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["group"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("New", "Active"),
            ("In Progress", "Active"),
            ("Completed", "Completed"),
            ("On Hold", "Deferred"),
            ("Cancelled", "Cancelled"),
        ]
    );
    assert_eq!(
        items[0]["customStatuses"][1]["id"],
        fake.custom_status_id("Default Workflow", "In Progress")
            .unwrap()
    );

    // The same token cannot read workspace data such as custom fields.
    let e = err(&c, "list_custom_fields", json!({})).await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let e = err(&c, "list_workflows", json!({"hidden": true})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_id_converts_numbers_digit_strings_and_permalinks() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let tasks = fake.task_ids();
    let permalinks: Vec<String> = tasks[..3]
        .iter()
        .map(|id| {
            fake.task(id).unwrap()["permalink"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let legacy: Vec<u64> = permalinks
        .iter()
        .map(|p| p.rsplit("id=").next().unwrap().parse().unwrap())
        .collect();

    let out = ok(
        &c,
        "get_id",
        json!({"type": "ApiV2Task", "ids": [legacy[0], legacy[1].to_string(), permalinks[2]]}),
    )
    .await;
    let pairs: Vec<(String, String)> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["apiV2Id"].as_str().unwrap().to_string(),
                p["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        (0..3)
            .map(|i| (legacy[i].to_string(), tasks[i].clone()))
            .collect::<Vec<_>>()
    );
    let q = fake.requests().last().unwrap().params();
    assert!(
        q.contains(&("type".to_string(), "ApiV2Task".to_string())),
        "{q:?}"
    );

    // A folder's legacy ID under the folder type.
    let project = fake.folder(&fake.project_id()).unwrap();
    let n: u64 = project["permalink"]
        .as_str()
        .unwrap()
        .rsplit("id=")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let out = ok(&c, "get_id", json!({"type": "ApiV2Folder", "ids": [n]})).await;
    assert_eq!(out["items"][0]["id"], fake.project_id());

    let e = err(
        &c,
        "get_id",
        json!({"type": "ApiV2Task", "ids": [legacy[0], "not-a-number"]}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("ids[1]"));
    let e = err(&c, "get_id", json!({"type": "Task", "ids": [1]})).await;
    assert_eq!(e.field.as_deref(), Some("type"));
}

#[test]
fn custom_http_calls_endpoints_the_connector_does_not_wrap() {
    let fake = FakeWrike::start().unwrap();
    let me = fake.me_id();
    let call = |input: Value| {
        CliRun::of(cli(&fake).args(["call", "custom_http", "--input", &input.to_string()]))
    };

    let run = call(json!({"method": "GET", "path": "/colors"}));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["kind"], "colors", "the whole answer: {out}");
    assert!(out["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Green1"));

    let run = call(json!({
        "method": "PUT",
        "path": format!("/contacts/{me}"),
        "body": {"metadata": [{"key": "via", "value": "custom_http"}]},
        // `PUT /contacts/{id}` takes only `metadata` (reference model3); `state` is the
        // parameter every method takes and Wrike echoes (API.md §4).
        "query": {"state": "via-query"},
    }));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stored = fake
        .call_direct(
            "GET",
            &format!("/contacts/{me}"),
            json!({"fields": ["metadata"]}),
        )
        .unwrap();
    assert_eq!(
        stored[0]["metadata"],
        json!([{"key": "via", "value": "custom_http"}])
    );
    let put = fake.requests().last().unwrap().clone();
    assert_eq!(put.path, format!("/api/v4/contacts/{me}"));
    assert_eq!(put.query.as_deref(), Some("state=via-query"));
    assert_eq!(run.json()["state"], "via-query", "{}", run.stdout);

    let run =
        call(json!({"method": "GET", "path": format!("/tasks/{}KQZZZZZZ", fake.account_id())}));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_http_cannot_leave_the_api_base() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    for path in [
        "https://evil.example/api/v4/contacts",
        "//evil.example/contacts",
        "/../oauth2/token",
        "/tasks/../../oauth2/token",
        "/%2e%2e/oauth2/token",
        "/tasks/%2F..%2Foauth2",
        "/contacts?me=true",
        "contacts",
    ] {
        let e = err(&c, "custom_http", json!({"method": "GET", "path": path})).await;
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{path}: {e}");
        assert_eq!(e.field.as_deref(), Some("path"), "{path}: {e}");
    }
    let e = err(
        &c,
        "custom_http",
        json!({"method": "GET", "path": "/contacts", "body": {"a": 1}}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("body"));
    assert!(
        fake.requests().is_empty(),
        "nothing was sent: {:?}",
        fake.requests()
    );

    // What it can send goes under the API base.
    ok(
        &c,
        "custom_http",
        json!({"method": "GET", "path": "/version"}),
    )
    .await;
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/api/v4/version");
}
