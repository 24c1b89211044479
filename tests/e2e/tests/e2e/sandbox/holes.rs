//! Sandbox, round two (issue #8): each hole an independent hostile component found, closed and
//! proven through the real `connector-host` process. Every test states the exit code, the error
//! `kind`/`rule`, and bounds on the time and the peak memory the run ends with; the memory
//! bounds are relative to a plain call measured the same way, so they hold on a noisy machine.

use e2e_tests::{cli, hostile_component, many_memories_component, CliRun, MeasuredRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;
/// No hostile run may take longer than this, however loaded the machine.
const TIME_BOUND: Duration = Duration::from_secs(30);

/// `connector-host … call <scenario>` on the hostile guest (or `component`), measured.
fn hostile_call(
    fake: &FakeWrike,
    component: Option<&Path>,
    flags: &[&str],
    scenario: &str,
    input: Value,
) -> MeasuredRun {
    let mut cmd = cli(fake);
    cmd.env(
        "CONNECTOR_COMPONENT",
        component.map_or_else(hostile_component, Path::to_path_buf),
    );
    cmd.args(flags)
        .args(["call", scenario, "--input", &input.to_string()]);
    CliRun::measured(&mut cmd)
}

/// Peak memory of an ordinary hostile-guest call that breaks nothing: what the host costs.
fn baseline_peak() -> u64 {
    static PEAK: OnceLock<u64> = OnceLock::new();
    *PEAK.get_or_init(|| {
        let fake = FakeWrike::start().unwrap();
        let m = hostile_call(&fake, None, &[], "spy", json!({}));
        assert_eq!(m.run.code, 0, "{}", m.run.stderr);
        m.peak_rss_bytes
    })
}

/// Checks the exit code, the kind and rule, the time, and that the peak memory stayed within
/// `allowed` bytes above the baseline.
fn ends_with(m: &MeasuredRun, code: i32, kind: &str, rule: Option<&str>, allowed: u64) -> Value {
    assert_eq!(
        m.run.code, code,
        "exit code; stderr: {}\nstdout: {}",
        m.run.stderr, m.run.stdout
    );
    let error = m.run.error();
    assert_eq!(error["kind"], kind, "{error}");
    if let Some(rule) = rule {
        assert_eq!(error["rule"], rule, "{error}");
    }
    assert!(m.elapsed < TIME_BOUND, "took {:?}", m.elapsed);
    let baseline = baseline_peak();
    assert!(
        m.peak_rss_bytes <= baseline + allowed,
        "peak memory {} MiB, over the {} MiB baseline + {} MiB allowed",
        m.peak_mib(),
        baseline / MIB,
        allowed / MIB
    );
    error
}

// 1. The component's JSON Schemas are untrusted input.

#[test]
pub(super) fn a_ref_cycle_in_an_input_schema_is_refused_not_a_stack_overflow() {
    // Before: the host overflowed its stack (SIGABRT, exit 134).
    let fake = FakeWrike::start().unwrap();
    let m = hostile_call(&fake, None, &[], "schema_cycle", json!({"x": {}}));
    let e = ends_with(&m, 7, "sandbox_violation", Some("schema_limit"), 64 * MIB);
    assert!(e["message"].as_str().unwrap().contains("cycle"), "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("schema_cycle"),
        "{e}"
    );
}

#[test]
pub(super) fn fanning_refs_are_refused_before_they_grow() {
    // Before: 5.8 s and 1.2 GB at 18 levels; killed at 1.5 GB at 40.
    let fake = FakeWrike::start().unwrap();
    let m = hostile_call(&fake, None, &[], "schema_fanout", json!({"x": "s"}));
    let e = ends_with(&m, 7, "sandbox_violation", Some("schema_limit"), 64 * MIB);
    assert!(e["message"].as_str().unwrap().contains("expands"), "{e}");
}

// 2. The memory cap bounds the whole store, not each linear memory.

#[test]
fn twelve_instances_of_63_mib_do_not_get_12_times_the_cap() {
    // Before: 788 MB resident at --memory-limit-mb 64, exit 0.
    let fake = FakeWrike::start().unwrap();
    let component = many_memories_component(12, 63);
    let m = hostile_call(
        &fake,
        Some(&component),
        &["--memory-limit-mb", "64"],
        "spy",
        json!({}),
    );
    let e = ends_with(&m, 7, "sandbox_violation", Some("memory_limit"), 96 * MIB);
    assert!(e["message"].as_str().unwrap().contains("67108864"), "{e}");
}

#[test]
fn memories_of_several_instances_add_up_against_one_cap() {
    // Three memories of 30 MiB each: every one under a 64 MiB cap, together over it.
    let fake = FakeWrike::start().unwrap();
    let component = many_memories_component(3, 30);
    let m = hostile_call(
        &fake,
        Some(&component),
        &["--memory-limit-mb", "64"],
        "spy",
        json!({}),
    );
    ends_with(&m, 7, "sandbox_violation", Some("memory_limit"), 96 * MIB);
}

#[test]
fn more_memories_than_allowed_is_a_resource_limit() {
    // Twelve small memories: under the byte cap, over the count of memories per call.
    let fake = FakeWrike::start().unwrap();
    let component = many_memories_component(12, 1);
    let m = hostile_call(&fake, Some(&component), &[], "spy", json!({}));
    let e = ends_with(&m, 7, "sandbox_violation", Some("resource_limit"), 64 * MIB);
    assert!(e["message"].as_str().unwrap().contains("memories"), "{e}");
}

// 3. Host-side resources count.

#[test]
pub(super) fn header_maps_of_100_kib_are_refused() {
    // Before: 660–706 MB resident at a 64 MiB cap before the CPU budget stopped it.
    let fake = FakeWrike::start().unwrap();
    let m = hostile_call(
        &fake,
        None,
        &["--memory-limit-mb", "64"],
        "headers",
        json!({"kib": 100}),
    );
    let e = ends_with(&m, 7, "sandbox_violation", Some("resource_limit"), 64 * MIB);
    assert!(e["message"].as_str().unwrap().contains("header map"), "{e}");
}

#[test]
fn header_maps_held_on_the_host_are_bounded_in_number() {
    // Maps under the per-map cap: the number held at once stops them.
    let fake = FakeWrike::start().unwrap();
    let m = hostile_call(
        &fake,
        None,
        &["--memory-limit-mb", "64"],
        "headers",
        json!({"kib": 12}),
    );
    let e = ends_with(&m, 7, "sandbox_violation", Some("resource_limit"), 64 * MIB);
    assert!(e["message"].as_str().unwrap().contains("1024"), "{e}");
}

#[test]
fn header_maps_held_on_the_host_count_against_the_memory_cap() {
    // With the count limit lifted, the bytes they hold stop it at the memory cap.
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("host.toml");
    std::fs::write(&config, "[limits]\nmax_host_resources = 1000000\n").unwrap();
    let m = hostile_call(
        &fake,
        None,
        &[
            "--config",
            config.to_str().unwrap(),
            "--memory-limit-mb",
            "32",
            "--cpu-budget-ms",
            "60000",
        ],
        "headers",
        json!({"kib": 12}),
    );
    let e = ends_with(&m, 7, "sandbox_violation", Some("memory_limit"), 128 * MIB);
    assert!(
        e["message"].as_str().unwrap().contains("host resources"),
        "{e}"
    );
}

// 4. The host, not the component, decides where the OAuth client secret goes.

fn connect(fake: &FakeWrike, extra: &[&str]) -> MeasuredRun {
    let mut cmd = cli(fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .env("CONNECTOR_CLIENT_SECRET", "client-s3cret-never-leaves")
        .env_remove("CONNECTOR_TOKEN")
        .args(["connect", "--client-id", "app-1", "--no-browser"])
        .args(extra);
    CliRun::measured(&mut cmd)
}

fn last_error(m: &MeasuredRun) -> Value {
    let line = m.run.stderr.lines().last().unwrap_or_default();
    serde_json::from_str::<Value>(line)
        .unwrap_or_else(|e| panic!("last stderr line is not JSON ({e}): {}", m.run.stderr))["error"]
        .clone()
}

#[test]
fn a_component_declared_token_url_is_refused() {
    // Before: the code, client id and client secret went to the component's own listener.
    let fake = FakeWrike::start().unwrap();
    let m = connect(&fake, &["--timeout-secs", "5"]);
    assert_eq!(m.run.code, 7, "{}", m.run.stderr);
    let e = last_error(&m);
    assert_eq!(e["kind"], "sandbox_violation");
    assert_eq!(e["rule"], "untrusted_oauth_endpoint");
    assert!(
        e["message"].as_str().unwrap().contains("127.0.0.1:9"),
        "{e}"
    );
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains("--trust-component-oauth"),
        "{e}"
    );
    assert!(!m.run.stderr.contains("client-s3cret"), "{}", m.run.stderr);
    assert!(m.elapsed < TIME_BOUND);
}

#[test]
fn connect_prints_the_origins_it_trusts() {
    let fake = FakeWrike::start().unwrap();
    let origin = format!("http://127.0.0.1:{}", fake.addr().port());
    // Nobody logs in: the run ends at its 1 s timeout, after printing where it would go.
    let m = connect(&fake, &["--oauth-base-url", &origin, "--timeout-secs", "1"]);
    assert_ne!(m.run.code, 0);
    assert!(
        m.run
            .stderr
            .contains(&format!("token endpoint: {origin} (--oauth-base-url)")),
        "{}",
        m.run.stderr
    );
    assert!(!m.run.stderr.contains("127.0.0.1:9"), "{}", m.run.stderr);
}

// 5. The path is part of the egress allow-list; hosts are sent as the allow-list spells them.

#[test]
fn paths_outside_the_api_base_are_refused() {
    let fake = FakeWrike::start().unwrap();
    for escape in [
        "/x/../../../admin?x=1",
        "/%2e%2e/%2E%2e/admin",
        "/.%2e/admin",
        "/a%2f..%2f..%2fadmin",
    ] {
        let url = format!("{}{escape}", fake.base_url());
        let m = hostile_call(
            &fake,
            None,
            &[],
            "fetch",
            json!({"url": url, "swallow": true}),
        );
        let e = ends_with(&m, 7, "sandbox_violation", Some("path_denied"), 64 * MIB);
        assert!(e["message"].as_str().unwrap().contains("admin"), "{e}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn a_trailing_dot_host_is_sent_without_it() {
    // Before: `127.0.0.1.` passed the gate and went to the system resolver as written.
    let fake = FakeWrike::start().unwrap();
    let (port, head) = super::serve_raw(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".to_vec());
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .env(
            "CONNECTOR_BASE_URL",
            format!("http://127.0.0.1:{port}/api/v4"),
        )
        .args([
            "call",
            "fetch",
            "--input",
            &json!({"url": format!("http://127.0.0.1.:{port}/api/v4/version")}).to_string(),
        ]);
    let run = CliRun::of(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let head = head.recv_timeout(TIME_BOUND).expect("the request arrived");
    let host = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("host: ")
                .or_else(|| l.strip_prefix("Host: "))
        })
        .unwrap_or_default()
        .to_string();
    assert_eq!(host, format!("127.0.0.1:{port}"), "{head}");
}

// 6. Refused responses cannot be hidden.

#[test]
fn a_megabyte_of_response_headers_is_recorded_even_when_swallowed() {
    // Before: refused by the HTTP layer before the gate saw it; the guest swallowed it, exit 0.
    let fake = FakeWrike::start().unwrap();
    let huge = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-huge: {}\r\n\r\nok",
        "h".repeat(1024 * 1024)
    );
    let (port, _heads) = super::serve_raw(huge.into_bytes());
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .env(
            "CONNECTOR_BASE_URL",
            format!("http://127.0.0.1:{port}/api/v4"),
        )
        .args([
            "call",
            "fetch",
            "--input",
            &json!({"url": format!("http://127.0.0.1:{port}/api/v4/h"), "swallow": true})
                .to_string(),
        ]);
    let m = CliRun::measured(&mut cmd);
    ends_with(
        &m,
        7,
        "sandbox_violation",
        Some("response_headers_too_large"),
        64 * MIB,
    );
}

// 7. Outputs are checked against the component's own output schema.

#[test]
pub(super) fn output_that_breaks_its_declared_schema_is_refused() {
    let fake = FakeWrike::start().unwrap();
    let m = hostile_call(&fake, None, &[], "bad_output", json!({}));
    let e = ends_with(&m, 1, "internal", None, 64 * MIB);
    assert_eq!(e["field"], "id", "{e}");
    assert!(e["message"].as_str().unwrap().contains("bad_output"), "{e}");
    let ok = hostile_call(&fake, None, &[], "bad_output", json!({"conform": true}));
    assert_eq!(ok.run.code, 0, "{}", ok.run.stderr);
    assert_eq!(ok.run.json()["title"], "fine");
}

// Also: error formatting is not the guest's lever on the host.

#[test]
fn rust_backtrace_does_not_make_a_guest_trap_expensive() {
    // Reported: RUST_BACKTRACE=1 made the host resolve a backtrace for a guest-provoked error,
    // ~320 MB in the debug build. The trap paths tried here (this panic, a header-map trap, a
    // denied request) stayed small on the previous binary too, so this guards the bound (no
    // error backtraces captured, no guest DWARF parsed) rather than reproducing the report.
    let fake = FakeWrike::start().unwrap();
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .env("RUST_BACKTRACE", "1")
        .env("WASMTIME_BACKTRACE_DETAILS", "1")
        .args(["call", "panic"]);
    let m = CliRun::measured(&mut cmd);
    let e = ends_with(&m, 1, "internal", None, 48 * MIB);
    assert!(e["message"].as_str().unwrap().contains("trapped"), "{e}");
}
