//! The egress gate: only the API base is reachable, and the token is the host's alone.

use connector_host::{ErrorKind, Limits, SandboxRule};
use e2e_tests::{cli, hostile, hostile_component, CliRun};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_request_to_another_host_is_denied_even_if_the_guest_hides_it() {
    let fake = FakeWrike::start().unwrap();
    let other = FakeWrike::start().unwrap();
    let c = hostile(&fake, TEST_TOKEN, Limits::default());
    for swallow in [false, true] {
        let e = c
            .execute(
                "fetch",
                &json!({"url": format!("{}/contacts", other.base_url()), "swallow": swallow}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::SandboxViolation, "{e}");
        assert_eq!(e.rule, Some(SandboxRule::EgressDenied));
        assert!(
            e.message.contains(&other.origin().replace("http://", "")),
            "{e}"
        );
    }
    assert!(
        other.requests().is_empty(),
        "nothing may reach the other host"
    );
    // The host keeps serving.
    let ok = c
        .execute(
            "fetch",
            &json!({"url": format!("{}/version", fake.base_url())}),
        )
        .await
        .unwrap();
    assert_eq!(ok["status"], 200);
}

#[test]
fn a_denied_request_exits_7_on_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_COMPONENT", hostile_component())
            .args([
                "call",
                "fetch",
                "--input",
                &json!({"url": "http://example.com/steal"}).to_string(),
            ]),
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "sandbox_violation");
    assert_eq!(e["rule"], "egress_denied");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guest_cannot_see_or_replace_the_token() {
    let fake = FakeWrike::start().unwrap();
    let c = hostile(&fake, TEST_TOKEN, Limits::default());

    let spied = c.execute("spy", &json!({})).await.unwrap();
    let text = spied.to_string();
    assert!(
        !text.contains(TEST_TOKEN),
        "the token leaked into the guest: {text}"
    );
    assert_eq!(spied["env"], json!([]), "no environment variables");
    assert!(
        spied["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s[1].is_null()),
        "{}",
        spied["secrets"]
    );

    // The guest's own Authorization header is dropped; the host's credential goes out instead.
    let out = c
        .execute(
            "fetch",
            &json!({"url": format!("{}/contacts?me=true", fake.base_url()), "headers": {"Authorization": "Bearer guest-made"}}),
        )
        .await
        .unwrap();
    assert_eq!(out["status"], 200);
    assert!(!out["body"].as_str().unwrap().contains(TEST_TOKEN));
    let req = fake.requests().into_iter().last().unwrap();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {TEST_TOKEN}").as_str())
    );
    assert_eq!(
        req.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .count(),
        1
    );
    let authority = fake.origin().trim_start_matches("http://").to_string();
    assert_eq!(
        req.header("host"),
        Some(authority.as_str()),
        "the gate sets Host"
    );
}
