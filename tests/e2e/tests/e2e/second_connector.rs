//! The second connector (`connectors/github-issues`) through the same `connector-host` binary
//! as the Wrike one, with `--component` and `--base-url` pointing at the fake GitHub API and no
//! host change: describe, calls (success and upstream errors mapped onto typed errors), a poll,
//! a pick list, the egress gate, and the connection settings through the host library.

use std::path::{Path, PathBuf};
use std::process::Command;

use connector_host::{ConnectionConfig, Connector, ErrorKind, Limits};
use e2e_tests::{cache_dir, host_binary, runtime, target_dir, CliRun};
use fake_github::{FakeGitHub, TEST_TOKEN};
use serde_json::{json, Value};

/// The GitHub Issues component built by `make build`.
fn component() -> PathBuf {
    let path = target_dir()
        .join("wasm32-wasip2/component")
        .join("github_issues_connector.wasm");
    assert!(
        path.is_file(),
        "the GitHub Issues component is missing at {}: run `make build` first",
        path.display()
    );
    path
}

/// `connector-host --component <github> --base-url <fake>` with the fake's token and a fresh,
/// empty credential store.
pub(super) fn cli(github: &FakeGitHub) -> Command {
    let mut cmd = Command::new(host_binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("CONNECTOR_") {
            cmd.env_remove(key);
        }
    }
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let config_dir = target_dir()
        .join("e2e-config")
        .join(format!("github-{}-{n}", std::process::id()));
    cmd.env("CONNECTOR_CONFIG_DIR", config_dir)
        .env("CONNECTOR_TOKEN", TEST_TOKEN)
        .env("CONNECTOR_CACHE_DIR", cache_dir())
        .env_remove("RUST_LOG")
        .arg("--component")
        .arg(component())
        .arg("--base-url")
        .arg(github.base_url());
    cmd
}

fn call(github: &FakeGitHub, action: &str, input: Value) -> CliRun {
    CliRun::of(cli(github).args(["call", action, "--input", &input.to_string()]))
}

fn ok(run: CliRun) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.json()
}

fn poll(github: &FakeGitHub, state: &Path, input: &Value) -> Vec<Value> {
    let run = CliRun::of(
        cli(github)
            .args([
                "poll",
                "new_or_updated_issue",
                "--input",
                &input.to_string(),
                "--state",
            ])
            .arg(state),
    );
    assert_eq!(run.code, 0, "poll failed: {}", run.stderr);
    run.json_lines()
}

#[test]
fn describe_shows_the_github_connector() {
    let github = FakeGitHub::start().unwrap();
    let d = ok(CliRun::of(cli(&github).arg("describe")));
    assert_eq!(d["name"], "github-issues");
    assert_eq!(d["default_base_url"], "https://api.github.com");
    assert_eq!(d["auth"][0]["type"], "api_token");
    assert_eq!(d["auth"].as_array().unwrap().len(), 1);
    let actions: Vec<&str> = d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "list_issues",
            "get_issue",
            "create_issue",
            "update_issue",
            "add_comment",
            "list_repos"
        ]
    );
    assert_eq!(d["triggers"][0]["name"], "new_or_updated_issue");
    assert_eq!(d["pick_lists"][0]["name"], "repositories");
    assert_eq!(
        d["settings_schema"]["properties"]["owner"]["type"],
        "string"
    );
    // Describing sends nothing.
    assert!(github.requests().is_empty(), "{:?}", github.requests());
}

#[test]
fn calls_create_read_update_and_comment_on_issues() {
    let github = FakeGitHub::start().unwrap();
    let created = ok(call(
        &github,
        "create_issue",
        json!({"repo": "hello-world", "title": "From the host", "labels": ["bug"]}),
    ));
    assert_eq!(created["number"], 4);
    assert_eq!(created["labels"][0]["name"], "bug");
    // No `owner` in the input and no settings: the owner is the authenticated user.
    assert!(github.requests().contains(&"GET /user".to_string()));

    let got = ok(call(
        &github,
        "get_issue",
        json!({"repo": "octocat/hello-world", "issue_number": 4}),
    ));
    assert_eq!(got["title"], "From the host");
    let closed = ok(call(
        &github,
        "update_issue",
        json!({"repo": "octocat/hello-world", "issue_number": 4, "state": "closed"}),
    ));
    assert_eq!(closed["state"], "closed");
    let comment = ok(call(
        &github,
        "add_comment",
        json!({"repo": "octocat/hello-world", "issue_number": 1, "body": "Looking into it"}),
    ));
    assert_eq!(comment["body"], "Looking into it");

    let open = ok(call(
        &github,
        "list_issues",
        json!({"repo": "octocat/hello-world"}),
    ));
    let titles: Vec<&str> = open["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    // Newest first; the pull request and the closed issue are left out.
    assert_eq!(titles, ["Document the API", "Found a bug"]);
    let repos = ok(call(
        &github,
        "list_repos",
        json!({"visibility": "private"}),
    ));
    assert_eq!(
        repos["repositories"][0]["full_name"],
        "octo-org/private-repo"
    );
}

#[test]
fn upstream_errors_come_back_typed() {
    let github = FakeGitHub::start().unwrap();
    let run = call(
        &github,
        "get_issue",
        json!({"repo": "octocat/hello-world", "issue_number": 999}),
    );
    assert_ne!(run.code, 0);
    let e = run.error();
    assert_eq!(e["kind"], "not_found", "{e}");
    assert_eq!(e["message"], "Not Found");

    let e = call(&github, "list_issues", json!({"repo": "octocat/no-issues"})).error();
    assert_eq!(e["kind"], "upstream", "{e}");
    assert_eq!(e["status"], 410);
    assert_eq!(e["message"], "Issues are disabled for this repo");

    let e = CliRun::of(
        cli(&github)
            .env("CONNECTOR_TOKEN", "wrong-token")
            .args(["call", "list_repos"]),
    )
    .error();
    assert_eq!(e["kind"], "unauthorized", "{e}");
    assert_eq!(e["message"], "Bad credentials");

    // Bad input is refused by the host before the component runs: nothing is sent.
    let before = github.requests().len();
    let e = call(&github, "create_issue", json!({"repo": "hello-world"})).error();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert_eq!(github.requests().len(), before);
}

#[test]
fn polls_emit_new_and_updated_issues_once() {
    let github = FakeGitHub::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let input = json!({"repo": "octocat/hello-world"});

    let first = poll(&github, &state, &input);
    let numbers: Vec<u64> = first
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [1, 3],
        "issues oldest first, the pull request left out"
    );
    assert!(poll(&github, &state, &input).is_empty(), "nothing new");

    ok(call(
        &github,
        "update_issue",
        json!({"repo": "octocat/hello-world", "issue_number": 1, "title": "Found a bug (confirmed)"}),
    ));
    let again = poll(&github, &state, &input);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["title"], "Found a bug (confirmed)");
    assert!(poll(&github, &state, &input).is_empty());
    let asked = github.requests();
    assert!(
        asked
            .iter()
            .any(|r| r.contains("sort=updated") && r.contains("since=")),
        "{asked:?}"
    );
}

#[test]
fn the_repositories_pick_list_feeds_repo_inputs() {
    let github = FakeGitHub::start().unwrap();
    let options = ok(CliRun::of(cli(&github).args(["pick", "repositories"])));
    let values: Vec<&str> = options
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        [
            "octo-org/private-repo",
            "octocat/hello-world",
            "octocat/no-issues",
            "octocat/spoon-knife"
        ]
    );
    let issues = ok(call(&github, "list_issues", json!({"repo": values[0]})));
    assert_eq!(issues["issues"][0]["title"], "Rotate the deploy keys");
}

#[test]
fn the_egress_gate_keeps_it_to_its_own_origin() {
    let github = FakeGitHub::start().unwrap();
    let elsewhere = FakeGitHub::start().unwrap();
    // The API's `Link` header now sends the connector to another origin for page 2.
    github.set_link_origin(Some(elsewhere.base_url()));
    let run = call(
        &github,
        "list_issues",
        json!({"repo": "octocat/hello-world", "state": "all", "per_page": 1, "max_pages": 3}),
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "sandbox_violation", "{e}");
    assert_eq!(e["rule"], "egress_denied");
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    // Within its origin the same paging works.
    github.set_link_origin(None);
    let all = ok(call(
        &github,
        "list_issues",
        json!({"repo": "octocat/hello-world", "state": "all", "per_page": 1, "max_pages": 3}),
    ));
    assert_eq!(all["issues"].as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all["more"], false);
}

#[test]
fn settings_on_the_command_line_set_the_default_owner() {
    let github = FakeGitHub::start().unwrap();
    let input = json!({"repo": "private-repo", "issue_number": 1}).to_string();
    let issue = ok(CliRun::of(cli(&github).args([
        "--settings",
        r#"{"owner": "octo-org"}"#,
        "call",
        "get_issue",
        "--input",
        &input,
    ])));
    assert_eq!(issue["title"], "Rotate the deploy keys");
    assert!(!github.requests().contains(&"GET /user".to_string()));
    // A setting the schema does not know is refused before anything is sent.
    let run = CliRun::of(cli(&github).args([
        "--settings",
        r#"{"region": "eu"}"#,
        "call",
        "get_issue",
        "--input",
        &input,
    ]));
    let e = run.error();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert_eq!(e["field"], "settings.region");
    assert_eq!(github.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_setting_is_the_default_owner() {
    let github = FakeGitHub::start().unwrap();
    let mut connection = ConnectionConfig::new(&github.base_url())
        .unwrap()
        .with_token(TEST_TOKEN);
    connection
        .settings
        .insert("owner".into(), json!("octo-org"));
    let c = Connector::new(runtime(&component()), connection, Limits::default()).unwrap();
    let issue = c
        .execute(
            "get_issue",
            &json!({"repo": "private-repo", "issue_number": 1}),
        )
        .await
        .unwrap();
    assert_eq!(issue["title"], "Rotate the deploy keys");
    assert!(!github.requests().contains(&"GET /user".to_string()));

    let mut bad = ConnectionConfig::new(&github.base_url())
        .unwrap()
        .with_token(TEST_TOKEN);
    bad.settings.insert("owner".into(), json!("not an owner"));
    let c = Connector::new(runtime(&component()), bad, Limits::default()).unwrap();
    let e = c
        .execute(
            "get_issue",
            &json!({"repo": "private-repo", "issue_number": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert_eq!(e.field.as_deref(), Some("settings.owner"));
}
