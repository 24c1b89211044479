//! `connector-host mcp` driven by an MCP client (the `rmcp` SDK's client side) over stdio, the
//! real binary against the fake Wrike: tools from the descriptor and the scopes, calls with
//! structured results and typed errors, `--read-only`, pick lists as resources, and a call
//! cancelled while in flight.

use e2e_tests::fake_wrike::{self, FakeWrike};
use e2e_tests::{cli, CliRun};
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest,
    ReadResourceRequestParams, ResourceContents,
};
use rmcp::service::{PeerRequestOptions, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

type Client = RunningService<RoleClient, ()>;

/// Starts `connector-host [global…] mcp [args…]` against `fake` and connects to it.
async fn connect(fake: &FakeWrike, global: &[&str], args: &[&str]) -> Client {
    let mut cmd = cli(fake);
    cmd.args(global).arg("mcp").args(args);
    let transport = TokioChildProcess::new(tokio::process::Command::from(cmd))
        .expect("connector-host mcp starts");
    ().serve(transport)
        .await
        .expect("the MCP handshake succeeds")
}

async fn tool_names(client: &Client) -> Vec<String> {
    client
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

async fn call(client: &Client, name: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("tools/call {name}: {e}"))
}

/// The `error` object of a tool error.
fn tool_error(result: &CallToolResult) -> Value {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected a tool error: {result:?}"
    );
    result
        .structured_content
        .as_ref()
        .expect("structured error")["error"]
        .clone()
}

fn output(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "the tool failed: {result:?}");
    result
        .structured_content
        .clone()
        .expect("structured content")
}

#[tokio::test]
async fn tools_mirror_the_actions_and_calls_run_in_the_sandbox() {
    let fake = FakeWrike::start().unwrap();
    let client = connect(&fake, &[], &[]).await;

    // One tool per action, with the descriptor's title, description and input schema.
    let describe = CliRun::of(cli(&fake).arg("describe")).json();
    let tools = client.list_all_tools().await.unwrap();
    let actions = describe["actions"].as_array().unwrap();
    assert_eq!(tools.len(), actions.len());
    let search = tools.iter().find(|t| t.name == "search_task").unwrap();
    let action = actions.iter().find(|a| a["name"] == "search_task").unwrap();
    assert_eq!(search.title.as_deref(), action["title"].as_str());
    assert_eq!(
        search.description.as_deref(),
        action["description"].as_str()
    );
    assert_eq!(
        Value::Object((*search.input_schema).clone()),
        action["input_schema"]
    );
    assert_eq!(
        search.annotations.as_ref().and_then(|a| a.read_only_hint),
        Some(true)
    );

    // A call: structured JSON, as `connector-host call` prints it.
    let folder = fake.folder_ids()[0].0.clone();
    let created = output(
        &call(
            &client,
            "create_task",
            json!({"folderId": folder, "title": "Written by an agent"}),
        )
        .await,
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(fake.task(&id).unwrap()["title"], "Written by an agent");
    let found = output(
        &call(
            &client,
            "search_task",
            json!({"title": "Written by an agent"}),
        )
        .await,
    );
    let ids: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, vec![id.as_str()]);

    // The agent never sees the token; the host sent it.
    assert!(!found.to_string().contains(fake_wrike::TEST_TOKEN));
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer test-token")));

    // Invalid input is a tool error naming the field, and nothing is sent.
    let before = fake.requests().len();
    let e = tool_error(&call(&client, "create_task", json!({"folderId": folder})).await);
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(e["field"], "title", "{e}");
    assert_eq!(fake.requests().len(), before);

    // An upstream error keeps its kind.
    let missing = format!("{}KQZZZZZZ", fake.account_id());
    let e = tool_error(&call(&client, "get_task_by_id", json!({"taskId": missing})).await);
    assert_eq!(e["kind"], "not_found", "{e}");

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn read_only_and_scopes_decide_which_tools_exist() {
    let fake = FakeWrike::start().unwrap();

    let client = connect(&fake, &[], &["--read-only"]).await;
    let names = tool_names(&client).await;
    assert!(names.contains(&"search_task".to_string()));
    assert!(names.contains(&"get_folder_by_id".to_string()));
    for write in ["create_task", "update_task", "delete_task", "modify_user"] {
        assert!(
            !names.contains(&write.to_string()),
            "{write} listed under --read-only"
        );
    }
    // A forbidden action is a typed tool error, and reaches neither the guest nor Wrike.
    let before = fake.requests().len();
    let folder = fake.folder_ids()[0].0.clone();
    let e = tool_error(
        &call(
            &client,
            "create_task",
            json!({"folderId": folder, "title": "x"}),
        )
        .await,
    );
    assert_eq!(e["kind"], "forbidden");
    assert!(e["message"].as_str().unwrap().contains("read-only"), "{e}");
    assert_eq!(fake.requests().len(), before);
    // `custom_http` can send any request, so the component does not declare it read-only and
    // it is not offered (the egress gate would still let only GET and HEAD out).
    assert!(!names.contains(&"custom_http".to_string()), "{names:?}");
    let e = tool_error(
        &call(
            &client,
            "custom_http",
            json!({"method": "POST", "path": format!("/folders/{folder}/tasks"), "body": {"title": "x"}}),
        )
        .await,
    );
    assert_eq!(e["kind"], "forbidden", "{e}");
    assert_eq!(fake.requests().len(), before);
    client.cancel().await.unwrap();

    // Scopes the connection lacks remove the tools that need them.
    let client = connect(&fake, &["--granted-scopes", "wsReadOnly"], &[]).await;
    let names = tool_names(&client).await;
    assert!(names.contains(&"search_task".to_string()));
    assert!(!names.contains(&"create_task".to_string()));
    assert!(!names.contains(&"modify_user".to_string()));
    client.cancel().await.unwrap();

    // --actions picks the tools; an unknown name is refused at start.
    let client = connect(&fake, &[], &["--actions", "search_task,get_task_by_id"]).await;
    let mut names = tool_names(&client).await;
    names.sort();
    assert_eq!(names, vec!["get_task_by_id", "search_task"]);
    client.cancel().await.unwrap();
    let run = CliRun::of(cli(&fake).args(["mcp", "--actions", "no_such_action"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "actions");
}

#[tokio::test]
async fn pick_lists_are_resources() {
    let fake = FakeWrike::start().unwrap();
    let client = connect(&fake, &[], &[]).await;
    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.iter().any(|r| r.uri == "picklist://folders"));
    let templates = client.list_all_resource_templates().await.unwrap();
    assert!(templates
        .iter()
        .any(|t| t.uri_template == "picklist://folders{?project}"));

    let read = client
        .read_resource(ReadResourceRequestParams::new("picklist://folders"))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text contents expected")
    };
    let choices: Value = serde_json::from_str(text).unwrap();
    let (engineering, _) = fake.folder_ids()[1].clone();
    assert!(
        choices
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == engineering.as_str()
                && c["label"].as_str().unwrap().contains("Engineering")),
        "{choices}"
    );
    let read = client
        .read_resource(ReadResourceRequestParams::new(
            "picklist://folders?project=true",
        ))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text contents expected")
    };
    assert!(text.contains(&fake.project_id()), "{text}");
    assert!(!text.contains(&engineering), "{text}");
    assert!(client
        .read_resource(ReadResourceRequestParams::new("picklist://nothing"))
        .await
        .is_err());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_call_stops_and_the_server_stays_usable() {
    let fake = FakeWrike::start().unwrap();
    let client = connect(&fake, &[], &[]).await;
    // Warm up (the component is compiled or loaded) so the call below is the one in flight.
    output(&call(&client, "search_task", json!({})).await);

    // Hold the next request in the fake for a while before it is processed.
    let slow = Duration::from_secs(2);
    fake.inject(fake_wrike::Fault::SlowResponse(slow), 1);
    let before = fake.requests().len();
    let tasks_before = fake.task_ids().len();
    let folder = fake.folder_ids()[0].0.clone();
    let params = CallToolRequestParams::new("create_task").with_arguments(
        json!({"folderId": folder, "title": "Never created"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let handle = client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(CallToolRequest::new(params)),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    // Wait for the request to reach the fake: the call is now in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.requests().len() == before {
        assert!(Instant::now() < deadline, "the call never reached the fake");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let arrived = Instant::now();
    handle
        .cancel(Some("the agent changed its mind".into()))
        .await
        .unwrap();

    // The server answers the next call at once, not after the slow response.
    let found = output(&call(&client, "search_task", json!({})).await);
    assert!(found["items"].is_array());
    assert!(
        arrived.elapsed() < slow,
        "the server waited for the cancelled call"
    );
    // The cancelled call was stopped, not left running: its request was dropped with the
    // guest, so once the fake's delay has passed the task has still not been created.
    tokio::time::sleep(slow.saturating_sub(arrived.elapsed()) + Duration::from_millis(500)).await;
    assert_eq!(fake.task_ids().len(), tasks_before);
    let names = tool_names(&client).await;
    assert!(names.contains(&"search_task".to_string()));
    client.cancel().await.unwrap();
}

/// `mcp --read-only` with the GitHub Issues component, whose scopes say nothing (it declares
/// none): the read tools are offered because the component flags them read-only.
#[tokio::test(flavor = "multi_thread")]
async fn read_only_uses_the_contracts_flag_for_any_connector() {
    let github = fake_github::FakeGitHub::start().unwrap();
    let mut cmd = super::second_connector::cli(&github);
    cmd.args(["mcp", "--read-only"]);
    let transport = TokioChildProcess::new(tokio::process::Command::from(cmd))
        .expect("connector-host mcp starts");
    let client: Client = ().serve(transport).await.expect("the MCP handshake succeeds");
    let mut names = tool_names(&client).await;
    names.sort();
    assert_eq!(names, ["get_issue", "list_issues", "list_repos"]);
    client.cancel().await.unwrap();
}
