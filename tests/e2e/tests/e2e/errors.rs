//! Wrike's errors surface as the right error kind and exit code, with one JSON object on stderr.

use e2e_tests::{cli, CliRun};
use fake_wrike::{FakeWrike, Fault};
use serde_json::json;

fn call(fake: &FakeWrike, action: &str, input: serde_json::Value) -> CliRun {
    CliRun::of(cli(fake).args(["call", action, "--input", &input.to_string()]))
}

#[test]
fn not_found_is_exit_4() {
    let fake = FakeWrike::start().unwrap();
    let run = call(
        &fake,
        "get_task_by_id",
        json!({"taskId": "IEAAAAAQKQZZZZZZ"}),
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "not_found");
}

#[test]
fn unauthorized_is_exit_3() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_TOKEN", "wrong-token")
            .args(["call", "list_users"]),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "unauthorized");
    assert!(
        !run.stderr.contains("wrong-token"),
        "the token must not appear in errors: {}",
        run.stderr
    );
}

#[test]
fn missing_token_is_exit_3_without_a_request() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env_remove("CONNECTOR_TOKEN")
            .args(["call", "list_users"]),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "unauthorized");
    assert!(fake.requests().is_empty());
}

#[test]
fn forbidden_scope_is_exit_3() {
    let fake = FakeWrike::start().unwrap();
    fake.add_token("read-only", &["wsReadOnly"]);
    let folder = fake.folder_ids()[0].0.clone();
    let run = CliRun::of(cli(&fake).env("CONNECTOR_TOKEN", "read-only").args([
        "call",
        "create_task",
        "--input",
        &json!({"folderId": folder, "title": "x"}).to_string(),
    ]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "forbidden");
}

#[test]
fn known_missing_scope_is_refused_before_sending() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_GRANTED_SCOPES", "wsReadOnly")
            .args([
                "call",
                "create_task",
                "--input",
                &json!({"folderId": folder, "title": "x"}).to_string(),
            ]),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "forbidden");
    assert!(
        e["message"].as_str().unwrap().contains("wsReadWrite"),
        "{e}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn invalid_parameter_is_exit_2_naming_the_field() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    // Schema-valid, but Wrike rejects the id: a 400 invalid_parameter from upstream.
    let run = call(
        &fake,
        "create_task",
        json!({"folderId": folder, "title": "x", "responsibles": ["NOT-A-USER"]}),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(e["field"], "responsibles", "{e}");
}

#[test]
fn schema_violation_is_exit_2_naming_the_field() {
    let fake = FakeWrike::start().unwrap();
    let run = call(&fake, "create_comment_in_task", json!({"taskId": "X"}));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "text");
    let run = CliRun::of(cli(&fake).args(["call", "list_users", "--input", "{not json"]));
    assert_eq!(run.code, 2);
    assert_eq!(run.error()["field"], "input");
}

#[test]
fn rate_limited_is_exit_5_with_retry_after() {
    let fake = FakeWrike::start().unwrap();
    fake.inject(
        Fault::RateLimited {
            retry_after_secs: Some(7),
        },
        1,
    );
    let run = call(&fake, "list_users", json!({}));
    assert_eq!(run.code, 5, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "rate_limited");
    assert_eq!(e["retry_after_ms"], 7000);
}

#[test]
fn server_errors_are_exit_6() {
    let fake = FakeWrike::start().unwrap();
    fake.inject(Fault::ServerError, 1);
    let run = call(&fake, "list_users", json!({}));
    assert_eq!(run.code, 6, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "upstream");
    assert_eq!(e["status"], 500);
    fake.inject(Fault::BadGateway, 1);
    let run = call(&fake, "list_users", json!({}));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(run.error()["status"], 502);
}

#[test]
fn unreachable_api_is_a_transport_error() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env(
                "CONNECTOR_BASE_URL",
                format!("http://127.0.0.1:{port}/api/v4"),
            )
            .args(["call", "list_users"]),
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "transport");
}

#[test]
fn bad_flags_are_exit_2_as_json() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(cli(&fake).args(["call"]));
    assert_eq!(run.code, 2);
    assert_eq!(run.error()["kind"], "invalid_input");
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_BASE_URL", "ftp://x")
            .args(["call", "list_users"]),
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.error()["field"], "base_url");
}
