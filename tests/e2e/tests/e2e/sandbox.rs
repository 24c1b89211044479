//! The sandbox's guarantees, each proven with a real hostile component
//! (`tests/guest-programs`): every misbehaviour ends in a typed error, and the host keeps
//! serving the next call.

use connector_host::{
    ConnectionConfig, Connector, ErrorKind, HostError, Limits, SandboxRule, Secret,
};
use e2e_tests::{cli, hostile, hostile_component, runtime, wrike_component, CliRun};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;

#[path = "sandbox/holes.rs"]
mod holes;

fn tight() -> Limits {
    Limits {
        cpu_budget_ms: 300,
        wall_timeout_ms: 5_000,
        memory_bytes: 48 * 1024 * 1024,
        ..Limits::default()
    }
}

async fn still_serving(c: &Connector) {
    let out = c
        .execute("spy", &json!({}))
        .await
        .expect("the host keeps serving after a violation");
    assert!(out["env"].is_array());
}

fn violation(e: &HostError, rule: SandboxRule) {
    assert_eq!(e.kind, ErrorKind::SandboxViolation, "{e:?}");
    assert_eq!(e.rule, Some(rule), "{e:?}");
    assert!(e.hint.is_some(), "a violation says how to allow it: {e:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_infinite_loop_is_stopped_by_the_cpu_budget() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(&fake, TEST_TOKEN, tight());
    let e = c.execute("spin", &json!({})).await.unwrap_err();
    violation(&e, SandboxRule::CpuBudget);
    assert!(e.message.contains("300 ms"), "{e}");
    still_serving(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_blocked_in_a_host_call_is_cut_off_by_the_wall_clock() {
    let fake = FakeWrike::start().unwrap();
    // A generous CPU budget: only the wall clock can end a guest that sleeps in a host call.
    let limits = Limits {
        cpu_budget_ms: 60_000,
        wall_timeout_ms: 700,
        ..Limits::default()
    };
    let c = hostile(&fake, TEST_TOKEN, limits);
    let e = c
        .execute("sleep", &json!({"secs": 3600}))
        .await
        .unwrap_err();
    violation(&e, SandboxRule::WallTimeout);
    still_serving(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_upstream_is_cut_off_by_the_wall_clock() {
    let fake = FakeWrike::start().unwrap();
    fake.inject(
        fake_wrike::Fault::SlowResponse(std::time::Duration::from_secs(30)),
        1,
    );
    let limits = Limits {
        wall_timeout_ms: 700,
        ..Limits::default()
    };
    let c = hostile(&fake, TEST_TOKEN, limits);
    let e = c
        .execute(
            "fetch",
            &json!({"url": format!("{}/version", fake.base_url())}),
        )
        .await
        .unwrap_err();
    violation(&e, SandboxRule::WallTimeout);
}

#[tokio::test(flavor = "multi_thread")]
async fn growing_memory_past_the_cap_traps_cleanly() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(&fake, TEST_TOKEN, tight());
    // Under the cap is fine…
    let ok = c
        .execute("alloc", &json!({"mib": 4, "limit_mib": 16}))
        .await
        .unwrap();
    assert_eq!(ok["allocated"], 16 * 1024 * 1024);
    // …past it is a typed violation, and the host goes on.
    let e = c.execute("alloc", &json!({"mib": 4})).await.unwrap_err();
    violation(&e, SandboxRule::MemoryLimit);
    assert!(e.message.contains(&(48 * 1024 * 1024).to_string()), "{e}");
    still_serving(&c).await;
}

fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hosts_memory_stays_bounded_across_memory_hogs() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(
        &fake,
        TEST_TOKEN,
        Limits {
            memory_bytes: 64 * 1024 * 1024,
            ..Limits::default()
        },
    );
    // Warm up once so code and caches are resident before measuring.
    let _ = c.execute("alloc", &json!({"mib": 8})).await;
    let Some(before) = resident_bytes() else {
        return;
    };
    for _ in 0..8 {
        let e = c.execute("alloc", &json!({"mib": 8})).await.unwrap_err();
        assert_eq!(e.rule, Some(SandboxRule::MemoryLimit));
    }
    let after = resident_bytes().unwrap();
    // Eight hogs of 64 MiB each would hold 512 MiB if instances leaked; allow one instance's worth.
    assert!(
        after < before + 96 * 1024 * 1024,
        "host RSS grew from {before} to {after} bytes across memory hogs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_becomes_an_internal_error_naming_the_trap() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(&fake, TEST_TOKEN, tight());
    let e = c.execute("panic", &json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Internal, "{e:?}");
    assert!(
        e.message.contains("trapped") && e.message.contains("unreachable"),
        "{e}"
    );
    still_serving(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guest_has_no_ambient_authority() {
    let fake = FakeWrike::start().unwrap();
    let spied = hostile(&fake, TEST_TOKEN, tight())
        .execute("spy", &json!({}))
        .await
        .unwrap();
    assert_eq!(spied["env"], json!([]), "no environment variables");
    assert_eq!(spied["args"], json!([]), "no arguments");
    for (path, outcome) in spied["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f[0].clone(), f[1].clone()))
    {
        assert!(
            outcome.as_str().unwrap().starts_with("error"),
            "{path} was readable: {outcome}"
        );
    }
    assert!(
        spied["listing"].as_str().unwrap().starts_with("error"),
        "{}",
        spied["listing"]
    );
    assert_eq!(spied["stdin"], "read 0 bytes: ", "stdin is empty");
    assert!(
        spied["tcp"].as_str().unwrap().starts_with("error"),
        "{}",
        spied["tcp"]
    );
    assert!(
        spied["dns"].as_str().unwrap().starts_with("error"),
        "{}",
        spied["dns"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_outside_the_allowed_names_are_none() {
    let fake = FakeWrike::start().unwrap();
    let conn = ConnectionConfig::new(&fake.base_url())
        .unwrap()
        .with_token(TEST_TOKEN);
    let secrets = BTreeMap::from([("webhook_secret".to_string(), Secret::new("whsec-1"))]);
    let c = Connector::new(runtime(&hostile_component()), conn, tight())
        .unwrap()
        .with_secrets(secrets);
    let spied = c
        .execute(
            "spy",
            &json!({"names": ["webhook_secret", "WEBHOOK_SECRET", "other"]}),
        )
        .await
        .unwrap();
    let found: BTreeMap<String, Value> = spied["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].clone()))
        .collect();
    assert_eq!(found["webhook_secret"], "whsec-1");
    for (name, value) in &found {
        if name != "webhook_secret" {
            assert!(value.is_null(), "secret {name} should be none, got {value}");
        }
    }
    assert!(!spied.to_string().contains(TEST_TOKEN));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_response_body_over_the_cap_is_cut_off() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(
        &fake,
        TEST_TOKEN,
        Limits {
            response_body_bytes: 256,
            ..tight()
        },
    );
    let e = c
        .execute(
            "fetch",
            &json!({"url": format!("{}/contacts", fake.base_url())}),
        )
        .await
        .unwrap_err();
    violation(&e, SandboxRule::ResponseTooLarge);
    // A streamed (chunked) body with no length announced is cut off too.
    let body = "x".repeat(64 * 1024);
    let chunked = format!(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let base = raw_server(chunked.into_bytes());
    let c = Connector::new(
        runtime(&hostile_component()),
        ConnectionConfig::new(&base).unwrap().with_token(TEST_TOKEN),
        Limits {
            response_body_bytes: 1024,
            ..tight()
        },
    )
    .unwrap();
    let e = c
        .execute("fetch", &json!({"url": format!("{base}/big")}))
        .await
        .unwrap_err();
    violation(&e, SandboxRule::ResponseTooLarge);
}

#[tokio::test(flavor = "multi_thread")]
async fn response_headers_over_128_kib_are_refused() {
    let huge = "h".repeat(130 * 1024);
    let response = format!("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-huge: {huge}\r\n\r\nok");
    let base = raw_server(response.into_bytes());
    let c = Connector::new(
        runtime(&hostile_component()),
        ConnectionConfig::new(&base).unwrap().with_token(TEST_TOKEN),
        tight(),
    )
    .unwrap();
    let e = c
        .execute("fetch", &json!({"url": format!("{base}/headers")}))
        .await
        .unwrap_err();
    violation(&e, SandboxRule::ResponseHeadersTooLarge);
}

/// A one-response-per-connection HTTP server on loopback, for answers the fake Wrike never
/// gives (huge headers, chunked bodies). Serves at most 8 connections, then stops. Returns its
/// API base URL.
fn raw_server(response: Vec<u8>) -> String {
    let (port, _heads) = serve_raw(response);
    format!("http://127.0.0.1:{port}/api/v4")
}

/// The server behind [`raw_server`]: its port, and the head of each request it answered.
fn serve_raw(response: Vec<u8>) -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(&response);
            let _ = tx.send(String::from_utf8_lossy(&seen).into_owned());
        }
    });
    (port, rx)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_resolving_to_a_private_address_is_denied_unless_allowed() {
    let fake = FakeWrike::start().unwrap();
    let port = fake.addr().port();
    let base = format!("http://localhost:{port}/api/v4");
    let conn = ConnectionConfig::new(&base).unwrap().with_token(TEST_TOKEN);
    let c = Connector::new(runtime(&wrike_component()), conn.clone(), Limits::default()).unwrap();
    let e = c.execute("list_users", &json!({})).await.unwrap_err();
    violation(&e, SandboxRule::PrivateAddress);
    assert!(
        e.hint
            .as_deref()
            .unwrap()
            .contains("--allow-private-addresses"),
        "{e:?}"
    );
    assert!(fake.requests().is_empty());

    let allowed = ConnectionConfig {
        allow_private_addresses: true,
        ..conn
    };
    let c = Connector::new(runtime(&wrike_component()), allowed, Limits::default()).unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
}

#[test]
fn the_private_address_flag_works_on_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let base = format!("http://localhost:{}/api/v4", fake.addr().port());
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_BASE_URL", &base)
            .args(["call", "list_users"]),
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.error()["rule"], "private_address");
    let run = CliRun::of(cli(&fake).env("CONNECTOR_BASE_URL", &base).args([
        "--allow-private-addresses",
        "call",
        "list_users",
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn limits_are_cli_flags_and_a_config_file() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_COMPONENT", hostile_component())
            .args(["--cpu-budget-ms", "200", "call", "spin"]),
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.error()["rule"], "cpu_budget");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("host.toml");
    std::fs::write(&config, "[limits]\nmemory_bytes = 33554432\n").unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_COMPONENT", hostile_component())
            .args(["--config", config.to_str().unwrap(), "call", "alloc"]),
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.error()["rule"], "memory_limit");

    std::fs::write(&config, "[limits]\nmemory = 1\n").unwrap();
    let run = CliRun::of(cli(&fake).args(["--config", config.to_str().unwrap(), "describe"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "config");
}

#[test]
fn logs_and_errors_never_contain_the_token() {
    let fake = FakeWrike::start().unwrap();
    let token = "tok-e2e-very-secret-0042";
    fake.add_token(token, fake_wrike::ALL_SCOPES);
    let traced = |args: &[&str], component: Option<std::path::PathBuf>| {
        let mut cmd = cli(&fake);
        cmd.env("CONNECTOR_TOKEN", token)
            .env("RUST_LOG", "trace")
            .args(args);
        if let Some(c) = component {
            cmd.env("CONNECTOR_COMPONENT", c);
        }
        CliRun::of(&mut cmd)
    };
    let runs = [
        traced(&["call", "list_users"], None),
        traced(&["call", "get_task_by_id", "--input", r#"{"taskId":"NOPE"}"#], None),
        traced(&["call", "fetch", "--input", r#"{"url":"http://example.com/x"}"#], Some(hostile_component())),
        traced(&["call", "fetch", "--input", &json!({"url": format!("{}/contacts", fake.base_url()), "headers": {"Authorization": "Bearer x"}}).to_string()], Some(hostile_component())),
    ];
    for run in &runs {
        assert!(
            !run.stderr.is_empty(),
            "trace logging produced nothing; the check would be vacuous"
        );
        assert!(
            !run.stderr.contains(token),
            "token in stderr: {}",
            run.stderr
        );
        assert!(
            !run.stdout.contains(token),
            "token in stdout: {}",
            run.stdout
        );
    }
    // Revoked: the 401 path's messages don't carry it either.
    fake.revoke_token(token);
    let run = traced(&["call", "list_users"], None);
    assert_eq!(run.code, 3);
    assert!(
        !run.stderr.contains(token),
        "token in stderr: {}",
        run.stderr
    );
}
