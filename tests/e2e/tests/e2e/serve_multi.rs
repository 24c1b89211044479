//! Several connectors in one process (`[[connector]]`): one `serve` runs the Wrike component
//! against the fake Wrike, the GitHub Issues component against the fake GitHub and the
//! hostile guest side by side, each with its own credential, limits and state; `mcp` offers
//! the tools of Wrike and GitHub, namespaced, each call going to its own API.
//!
//! No assertion measures time: each test waits for a condition under a generous deadline.

use crate::serve::{free_port, wait_for, Serve};
use e2e_tests::{hostile_component, target_dir, wrike_component};
use fake_github::FakeGitHub;
use fake_wrike::FakeWrike;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn github_component() -> PathBuf {
    target_dir()
        .join("wasm32-wasip2/component")
        .join("github_issues_connector.wasm")
}

/// A `[[connector]]` section for the Wrike component on `fake` and the GitHub component on
/// `github`, their tokens in `WRIKE_TEST_TOKEN` and `GITHUB_TEST_TOKEN`; `extra` goes at the
/// end of the GitHub section.
fn two_connectors(fake: &FakeWrike, github: &FakeGitHub, extra: &str) -> String {
    format!(
        r#"
[[connector]]
name = "wrike"
component = "{wrike}"
base_url = "{wrike_url}"
token_env = "WRIKE_TEST_TOKEN"

[[connector]]
name = "github"
component = "{gh}"
base_url = "{gh_url}"
token_env = "GITHUB_TEST_TOKEN"
settings = {{ owner = "octocat" }}
{extra}
"#,
        wrike = wrike_component().display(),
        wrike_url = fake.base_url(),
        gh = github_component().display(),
        gh_url = github.base_url(),
    )
}

/// Every process environment a test needs: each connector's own token, and no process-wide
/// one (the `[[connector]]` sections must not fall back to `CONNECTOR_TOKEN`).
const TOKENS: [(&str, &str); 3] = [
    ("WRIKE_TEST_TOKEN", fake_wrike::TEST_TOKEN),
    ("GITHUB_TEST_TOKEN", fake_github::TEST_TOKEN),
    ("CONNECTOR_TOKEN", "not-a-token-any-connector-may-use"),
];

/// The events of `lines` from `connector`, as `(subscription, title)`.
fn from(lines: &[Value], connector: &str) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| l["connector"] == connector)
        .map(|l| {
            (
                l["subscription"].as_str().unwrap_or("").to_string(),
                l["event"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn create_issue(github: &FakeGitHub, title: &str) {
    let run = e2e_tests::CliRun::of(super::second_connector::cli(github).args([
        "call",
        "create_issue",
        "--input",
        &json!({"repo": "octocat/hello-world", "title": title}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// How many batches the hostile connector had refused (the value of series `series`).
fn refusals(metrics: &str, series: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Waits for a second refusal of the hostile batch: it keeps failing, on its own backoff.
fn refused_twice(serve: &Serve, series: &str) {
    wait_for("the hostile batch to be refused again", || {
        (refusals(&serve.metrics(), series) >= 2).then_some(())
    })
}

fn state_keys(db: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(db).unwrap();
    let mut st = db
        .prepare("SELECT subscription FROM cursors ORDER BY subscription")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Before: `serve` ran one component on one connection; a second API needed a second process.
#[test]
fn one_serve_runs_wrike_github_and_a_hostile_connector_each_contained() {
    let fake = FakeWrike::start().unwrap();
    let github = FakeGitHub::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    fake.create_task_direct(&folder, "wrike-before");
    create_issue(&github, "github-before");
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"[serve]
check_interval_secs = 3600
{connectors}
[[connector]]
name = "hostile"
component = "{hostile}"
limits = {{ max_events_per_batch = 10 }}

[[subscription]]
name = "tasks"
connector = "wrike"
trigger = "new_or_updated_task"
input = {{ folderId = "{folder}" }}
interval_secs = 1

[[subscription]]
name = "issues"
connector = "github"
trigger = "new_or_updated_issue"
input = {{ repo = "octocat/hello-world" }}
interval_secs = 1

[[subscription]]
name = "flood"
connector = "hostile"
trigger = "flood"
input = {{ per_batch = 50, batches = 1, tag = "flood" }}
interval_secs = 1
"#,
        connectors = two_connectors(&fake, &github, ""),
        hostile = hostile_component().display(),
    );
    let state = dir.path().join("serve.db");
    let serve = Serve::start_with(
        &fake,
        dir.path(),
        free_port(),
        &config,
        state.to_str().unwrap(),
        &TOKENS,
    );
    // The hostile subscription's batch breaks its connector's own limit: refused, counted,
    // and retried on its own.
    let violation = "connector_violations_total{connector=\"hostile\",subscription=\"flood\",rule=\"event_limit\"}";
    wait_for("the hostile batch to be refused", || {
        serve.metrics().contains(violation).then_some(())
    });
    let delivered = |wrike: &str, gh: &str| {
        let lines = serve.lines();
        let has = |c: &str, t: &str| from(&lines, c).iter().any(|(_, title)| title == t);
        (has("wrike", wrike) && has("github", gh)).then_some(())
    };
    wait_for("an event of each API", || {
        delivered("wrike-before", "github-before")
    });
    // The others keep delivering after the hostile one failed.
    refused_twice(&serve, violation);
    fake.create_task_direct(&folder, "wrike-after");
    create_issue(&github, "github-after");
    wait_for("the later events", || {
        delivered("wrike-after", "github-after")
    });
    let lines = serve.lines();
    let wrike = from(&lines, "wrike");
    let gh = from(&lines, "github");
    assert!(wrike.iter().all(|(s, _)| s == "tasks"), "{wrike:?}");
    assert!(gh.iter().all(|(s, _)| s == "issues"), "{gh:?}");
    assert!(
        !wrike.iter().any(|(_, t)| t.starts_with("github")),
        "{wrike:?}"
    );
    assert!(!gh.iter().any(|(_, t)| t.starts_with("wrike")), "{gh:?}");
    assert!(
        lines.iter().all(|l| l["connector"] != "hostile"),
        "no event of the refused batch reached the sink"
    );
    // Each API saw only its own connector's token; the hostile one had none to send.
    assert!(fake.requests().iter().all(|r| r
        .header("authorization")
        .is_none_or(|a| a.eq_ignore_ascii_case(&format!("bearer {}", fake_wrike::TEST_TOKEN)))));
    let metrics = serve.metrics();
    for series in [
        "connector_events_total{connector=\"wrike\",subscription=\"tasks\"}",
        "connector_events_total{connector=\"github\",subscription=\"issues\"}",
        "connector_errors_total{connector=\"hostile\",subscription=\"flood\"}",
    ] {
        assert!(metrics.contains(series), "{series} in {metrics}");
    }
    assert!(
        !metrics.contains("connector_errors_total{connector=\"wrike\",subscription=\"tasks\"} 1"),
        "{metrics}"
    );
    serve.stop();
    // Each subscription's state is its connector's.
    assert_eq!(state_keys(&state), ["github/issues", "wrike/tasks"]);
}

/// A subscription that names no connector when there are several, or one that does not
/// exist, stops `serve` at start with an error naming it.
#[test]
fn a_subscription_must_name_a_configured_connector() {
    let fake = FakeWrike::start().unwrap();
    let github = FakeGitHub::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (connector, expected) in [
        ("", "must name its connector"),
        ("connector = \"jira\"\n", "`jira`"),
    ] {
        let config = format!(
            "{}\n[[subscription]]\nname = \"issues\"\ntrigger = \"new_or_updated_issue\"\n{connector}",
            two_connectors(&fake, &github, "")
        );
        let path = dir.path().join("serve.toml");
        std::fs::write(&path, config).unwrap();
        let run = e2e_tests::CliRun::of(
            e2e_tests::cli(&fake)
                .envs(TOKENS)
                .args(["--config", path.to_str().unwrap(), "serve"])
                .args(["--listen", "127.0.0.1:0"])
                .args(["--state", dir.path().join("s.db").to_str().unwrap()]),
        );
        assert_eq!(run.code, 2, "{}", run.stderr);
        let e = run.error();
        assert_eq!(e["field"], "connector", "{e}");
        assert!(e["message"].as_str().unwrap().contains(expected), "{e}");
    }
}

/// `mcp` with two `[[connector]]` sections lists both connectors' tools, namespaced, and a
/// call goes to its own API; `read_only = true` on one connector hides its writing tools.
#[tokio::test(flavor = "multi_thread")]
async fn mcp_lists_both_connectors_tools_and_calls_reach_the_right_api() {
    let fake = FakeWrike::start().unwrap();
    let github = FakeGitHub::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mcp.toml");
    let decoy = FakeWrike::start().unwrap();
    let hostile = format!(
        "\n[[connector]]\nname = \"hostile\"\ncomponent = \"{}\"\nbase_url = \"{}\"\n",
        hostile_component().display(),
        decoy.base_url()
    );
    let config = two_connectors(&fake, &github, "read_only = true") + &hostile;
    std::fs::write(&path, config).unwrap();
    let mut cmd = e2e_tests::cli(&fake);
    cmd.envs(TOKENS)
        .args(["--config", path.to_str().unwrap(), "mcp"]);
    let transport = TokioChildProcess::new(tokio::process::Command::from(cmd))
        .expect("connector-host mcp starts");
    let client = ().serve(transport).await.expect("the MCP handshake");
    let names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    for name in [
        "wrike_create_task",
        "wrike_search_task",
        "github_list_issues",
        "github_get_issue",
        "hostile_panic",
        "hostile_fetch",
    ] {
        assert!(names.contains(&name.to_string()), "{name} in {names:?}");
    }
    assert!(
        !names.contains(&"github_create_issue".to_string()),
        "read-only GitHub offers no writing tool: {names:?}"
    );
    assert!(!names.iter().any(|n| n == "create_task"), "{names:?}");

    let call = |name: &str, args: Value| {
        let Value::Object(args) = args else { panic!() };
        CallToolRequestParams::new(name.to_string()).with_arguments(args)
    };
    // The hostile connector traps, then reaches for Wrike's API: a typed error each time,
    // nothing reaches Wrike, and the other connectors' tools go on working.
    let trapped = client
        .call_tool(call("hostile_panic", json!({})))
        .await
        .unwrap();
    assert_eq!(trapped.is_error, Some(true), "{trapped:?}");
    let content = trapped.structured_content.unwrap();
    assert_eq!(content["error"]["kind"], "internal", "{content}");
    let stolen = client
        .call_tool(call(
            "hostile_fetch",
            json!({"url": format!("{}/tasks", fake.base_url())}),
        ))
        .await
        .unwrap();
    assert_eq!(stolen.is_error, Some(true), "{stolen:?}");
    let error = stolen.structured_content.unwrap()["error"].clone();
    assert_eq!(error["kind"], "sandbox_violation", "{error}");
    assert!(
        !fake.requests().iter().any(|r| r.path.ends_with("/tasks")),
        "nothing reached Wrike"
    );
    let created = client
        .call_tool(call(
            "wrike_create_task",
            json!({"folderId": folder, "title": "from mcp"}),
        ))
        .await
        .unwrap();
    assert_ne!(created.is_error, Some(true), "{created:?}");
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path.ends_with("/tasks")));
    let issues = client
        .call_tool(call("github_list_issues", json!({"repo": "hello-world"})))
        .await
        .unwrap();
    assert_ne!(issues.is_error, Some(true), "{issues:?}");
    assert!(github
        .requests()
        .iter()
        .any(|r| r.contains("/repos/octocat/hello-world/issues")));
    // The refused writing tool is a typed error, not a call.
    let refused = client
        .call_tool(call(
            "github_create_issue",
            json!({"repo": "hello-world", "title": "x"}),
        ))
        .await
        .unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert_eq!(
        refused.structured_content.unwrap()["error"]["kind"],
        "forbidden"
    );
    client.cancel().await.unwrap();
}
