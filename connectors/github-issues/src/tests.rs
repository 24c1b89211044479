//! Unit tests through the `Connector` entry points with a scripted environment.

use connector_sdk::env::Method;
use connector_sdk::schema::key;
use connector_sdk::testing::{ok, status, with_header, MockEnv};
use connector_sdk::{wit, Connector, Error};
use serde_json::{json, Value};

use crate::GitHubIssues as G;

fn conn(settings: &str) -> wit::Connection {
    wit::Connection {
        api_base_url: "https://api.github.com".into(),
        granted_scopes: None,
        account_id: None,
        settings: settings.into(),
    }
}

fn issue(id: u64, number: u64, updated: &str) -> Value {
    json!({"id": id, "number": number, "title": format!("issue {number}"), "state": "open",
        "html_url": format!("https://github.com/o/r/issues/{number}"), "updated_at": updated})
}

#[test]
fn descriptor_declares_api_token_auth_settings_and_the_catalog() {
    let d = G::descriptor();
    assert_eq!(d.name, "github-issues");
    assert_eq!(d.default_base_url, "https://api.github.com");
    assert!(matches!(&d.auth[..], [wit::AuthConfig::ApiToken(_)]));
    let names: Vec<&str> = d.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "list_issues",
            "get_issue",
            "create_issue",
            "update_issue",
            "add_comment",
            "list_repos"
        ]
    );
    assert_eq!(d.triggers[0].name, "new_or_updated_issue");
    assert_eq!(d.pick_lists[0].name, "repositories");
    for schema in d
        .actions
        .iter()
        .flat_map(|a| [&a.input_schema, &a.output_schema])
        .chain(
            d.triggers
                .iter()
                .flat_map(|t| [&t.input_schema, &t.event_schema]),
        )
        .chain(d.pick_lists.iter().map(|p| &p.params_schema))
        .chain([&d.settings_schema])
    {
        // A typed schema the build script did not embed would be published as `false`.
        let v: Value = serde_json::from_str(schema).unwrap_or_else(|e| panic!("{e}: {schema}"));
        assert!(v.is_object(), "{schema}");
    }
    // `types::SCHEMAS` (what the build script embeds) lists exactly the tables' schemas.
    let keys: Vec<String> = crate::actions()
        .flat_map(|a| {
            [
                key("action", a.name, "input"),
                key("action", a.name, "output"),
            ]
        })
        .chain(crate::triggers().flat_map(|t| {
            [
                key("trigger", t.name, "input"),
                key("trigger", t.name, "event"),
            ]
        }))
        .chain(crate::pick_lists().map(|p| key("pick_list", p.name, "params")))
        .collect();
    let mut listed: Vec<&str> = crate::types::SCHEMAS.iter().map(|(k, _)| *k).collect();
    let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    listed.sort_unstable();
    keys.sort_unstable();
    assert_eq!(listed, keys);
}

#[test]
fn typed_inputs_refuse_unknown_members_and_name_bad_ones() {
    let mut env = MockEnv::new(vec![]);
    let run = |env: &mut MockEnv, action: &str, input: &str| {
        G::execute(env, &conn("{}"), action, input).unwrap_err()
    };
    assert_eq!(
        run(
            &mut env,
            "get_issue",
            r#"{"repo":"o/r","issue_number":1,"x":1}"#
        ),
        Error::invalid("x", "is not allowed")
    );
    let e = run(
        &mut env,
        "create_issue",
        r#"{"repo":"o/r","title":"t","labels":["a",2]}"#,
    );
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "labels[1]"),
        "{e:?}"
    );
    let e = run(&mut env, "list_issues", r#"{"repo":"o/r","state":"nope"}"#);
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "state"),
        "{e:?}"
    );
    let e = run(&mut env, "list_issues", r#"{"repo":"o/r","per_page":0}"#);
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "per_page"),
        "{e:?}"
    );
    let e = run(
        &mut env,
        "add_comment",
        r#"{"repo":"o/r","issue_number":0,"body":"b"}"#,
    );
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "issue_number"),
        "{e:?}"
    );
    let e = run(
        &mut env,
        "add_comment",
        r#"{"repo":" ","issue_number":1,"body":"b"}"#,
    );
    assert_eq!(e, Error::invalid("repo", "must not be empty"));
    assert!(env.requests.is_empty());
}

#[test]
fn the_owner_comes_from_input_then_settings_then_the_user() {
    let mut env = MockEnv::new(vec![ok(&issue(1, 7, "2024-01-01T00:00:00Z").to_string())]);
    G::execute(
        &mut env,
        &conn(r#"{"owner":"octo-org"}"#),
        "get_issue",
        r#"{"repo":"r","issue_number":7}"#,
    )
    .unwrap();
    assert_eq!(
        env.requests[0].path_with_query,
        "/repos/octo-org/r/issues/7"
    );
    assert_eq!(
        env.requests[0].header("x-github-api-version"),
        Some("2022-11-28")
    );
    assert!(env.requests[0].header("user-agent").is_some());
    assert!(env.requests[0].header("authorization").is_none());

    let mut env = MockEnv::new(vec![
        ok(r#"{"login":"octocat"}"#),
        ok(&issue(1, 7, "x").to_string()),
    ]);
    G::execute(
        &mut env,
        &conn("{}"),
        "get_issue",
        r#"{"repo":"r","issue_number":7}"#,
    )
    .unwrap();
    assert_eq!(env.path(0), "/user");
    assert_eq!(env.path(1), "/repos/octocat/r/issues/7");

    let mut env = MockEnv::new(vec![ok(&issue(1, 7, "x").to_string())]);
    G::execute(
        &mut env,
        &conn(r#"{"owner":"octo-org"}"#),
        "get_issue",
        r#"{"repo":"me/r","issue_number":7}"#,
    )
    .unwrap();
    assert_eq!(env.path(0), "/repos/me/r/issues/7");
}

#[test]
fn create_and_update_send_json_and_bad_input_names_the_field() {
    let mut env = MockEnv::new(vec![status(201, &issue(2, 8, "x").to_string())]);
    let out = G::execute(
        &mut env,
        &conn("{}"),
        "create_issue",
        r#"{"repo":"o/r","title":"T","labels":["bug"]}"#,
    )
    .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["number"], 8);
    assert_eq!(env.requests[0].method, Method::Post);
    let body: Value = serde_json::from_slice(&env.requests[0].body).unwrap();
    assert_eq!(body, json!({"title": "T", "labels": ["bug"]}));

    let mut env = MockEnv::new(vec![ok(&issue(2, 8, "x").to_string())]);
    G::execute(
        &mut env,
        &conn("{}"),
        "update_issue",
        r#"{"repo":"o/r","issue_number":8,"state":"closed"}"#,
    )
    .unwrap();
    assert_eq!(env.requests[0].method, Method::Patch);

    let mut env = MockEnv::new(vec![]);
    let e = G::execute(
        &mut env,
        &conn("{}"),
        "update_issue",
        r#"{"repo":"o/r","issue_number":8}"#,
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref message, .. } if message.starts_with("nothing to update"))
    );
    let e = G::execute(&mut env, &conn("{}"), "create_issue", r#"{"repo":"o/r"}"#).unwrap_err();
    assert_eq!(e, Error::invalid("title", "is required"));
    let e = G::execute(&mut env, &conn("{}"), "nope", "{}").unwrap_err();
    assert_eq!(e, Error::invalid("action", "unknown action `nope`"));
    let e = G::execute(&mut env, &conn(r#"{"owner":"a b"}"#), "get_issue", "{}").unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "settings.owner"));
    assert!(env.requests.is_empty());
}

#[test]
fn list_issues_follows_next_links_and_drops_pull_requests() {
    let mut pr = issue(3, 9, "x");
    pr["pull_request"] = json!({"url": "u"});
    let first = with_header(
        ok(&json!([issue(1, 7, "x"), pr]).to_string()),
        "link",
        r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next""#,
    );
    let mut env = MockEnv::new(vec![first, ok(&json!([issue(2, 8, "x")]).to_string())]);
    let out = G::execute(
        &mut env,
        &conn("{}"),
        "list_issues",
        r#"{"repo":"o/r","max_pages":3,"labels":["a","b"]}"#,
    )
    .unwrap();
    let out: Value = serde_json::from_str(&out).unwrap();
    let numbers: Vec<u64> = out["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [7, 8]);
    assert_eq!(out["more"], false);
    assert_eq!(env.query_param(0, "labels").as_deref(), Some("a,b"));
    assert_eq!(
        env.requests[1].path_with_query,
        "/repositories/1/issues?page=2"
    );
}

#[test]
fn polls_resume_after_the_cursor_without_repeats() {
    let page1 = json!([
        issue(1, 1, "2024-01-01T00:00:00Z"),
        issue(2, 2, "2024-01-02T00:00:00Z")
    ]);
    let mut env = MockEnv::new(vec![ok(&page1.to_string())]);
    let input = r#"{"repo":"o/r","since":"2023-12-31T00:00:00Z"}"#;
    let r = G::poll(&mut env, &conn("{}"), "new_or_updated_issue", input, None).unwrap();
    assert_eq!(r.events.len(), 2);
    assert_eq!(r.events[0].key, "1@2024-01-01T00:00:00Z");
    assert_eq!(
        env.query_param(0, "since").as_deref(),
        Some("2023-12-31T00:00:00Z")
    );
    assert_eq!(env.query_param(0, "direction").as_deref(), Some("asc"));

    // GitHub's `since` is inclusive: issue 2 comes again and is skipped; issue 3 is new.
    let page2 = json!([
        issue(2, 2, "2024-01-02T00:00:00Z"),
        issue(3, 3, "2024-01-02T00:00:00Z")
    ]);
    let mut env = MockEnv::new(vec![ok(&page2.to_string())]);
    let r2 = G::poll(
        &mut env,
        &conn("{}"),
        "new_or_updated_issue",
        input,
        Some(&r.cursor),
    )
    .unwrap();
    assert_eq!(
        env.query_param(0, "since").as_deref(),
        Some("2024-01-02T00:00:00Z")
    );
    let keys: Vec<&str> = r2.events.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["3@2024-01-02T00:00:00Z"]);
    let cursor: Value = serde_json::from_str(&r2.cursor).unwrap();
    assert_eq!(
        cursor["seen"],
        json!(["2@2024-01-02T00:00:00Z", "3@2024-01-02T00:00:00Z"])
    );

    let e = G::poll(
        &mut env,
        &conn("{}"),
        "new_or_updated_issue",
        input,
        Some("garbage"),
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "cursor"));
}

#[test]
fn pick_list_values_are_full_names() {
    let repos = json!([{"id": 1, "name": "r", "full_name": "o/r"}]);
    let mut env = MockEnv::new(vec![ok(&repos.to_string())]);
    let list = G::pick_list(&mut env, &conn("{}"), "repositories", "{}").unwrap();
    assert_eq!(
        (list[0].label.as_str(), list[0].value.as_str()),
        ("o/r", "o/r")
    );
    assert_eq!(env.path(0), "/user/repos");
}

#[test]
fn upstream_errors_are_typed() {
    let mut env = MockEnv::new(vec![status(404, r#"{"message":"Not Found"}"#)]);
    let e = G::execute(
        &mut env,
        &conn("{}"),
        "get_issue",
        r#"{"repo":"o/r","issue_number":99}"#,
    )
    .unwrap_err();
    assert_eq!(e, Error::NotFound("Not Found".into()));
    let mut env = MockEnv::new(vec![]);
    let e = G::test_connection(&mut env, &conn("{}")).unwrap_err();
    assert!(matches!(e, Error::Transport(_)));
}
