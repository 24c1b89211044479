//! Warm instances (issue #12): a call served from the pool of pre-instantiated instances keeps
//! every guarantee of a fresh instance per call — nothing left in memory by another call, the
//! budgets, the token only in the gate — and the pool refills itself.

use connector_host::{ConnectionConfig, Connector, ErrorKind, LoadOptions, Runtime, SandboxRule};
use e2e_tests::{cache_dir, hostile_component, wrike_component};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A runtime of this test's own, so that its instance count is this test's alone.
fn own_runtime(component: &Path) -> Arc<Runtime> {
    Arc::new(
        Runtime::load(
            component,
            &LoadOptions {
                cache_dir: Some(cache_dir()),
                ..Default::default()
            },
        )
        .unwrap(),
    )
}

/// Waits (polling) until the pool holds `n` ready instances.
async fn until_ready(c: &Connector, n: usize) {
    let until = Instant::now() + Duration::from_secs(60);
    while c.warm_instances_ready() < n {
        assert!(
            Instant::now() < until,
            "the warm pool never refilled to {n}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
pub async fn no_call_sees_what_another_left_in_memory_even_from_the_warm_pool() {
    let rt = own_runtime(&hostile_component());
    let c = Connector::new(
        rt.clone(),
        ConnectionConfig::new("http://127.0.0.1:9/")
            .unwrap()
            .with_token(TEST_TOKEN),
        super::tight(),
    )
    .unwrap()
    .with_warm_instances(2);
    for i in 0..6 {
        let out = c.execute("remember", &json!({ "value": i })).await.unwrap();
        assert_eq!(
            out["previous"],
            Value::Null,
            "call {i} saw another's memory: {out}"
        );
        until_ready(&c, 2).await;
    }
    // The first call instantiated inline; every later one took a warm instance, and the pool
    // made one to replace each: 6 calls + 2 ready.
    assert_eq!(rt.instances_created(), 6 + 2);

    // A warm instance keeps the CPU budget, and the host keeps serving.
    let e = c.execute("spin", &json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::SandboxViolation, "{e:?}");
    assert_eq!(e.rule, Some(SandboxRule::CpuBudget), "{e:?}");
    until_ready(&c, 2).await;
    let out = c
        .execute("remember", &json!({ "value": "after" }))
        .await
        .unwrap();
    assert_eq!(out["previous"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
pub async fn a_warm_instance_sends_its_calls_token_through_the_gate() {
    let fake = FakeWrike::start().unwrap();
    let rt = own_runtime(&wrike_component());
    let c = Connector::new(
        rt,
        ConnectionConfig::new(&fake.base_url())
            .unwrap()
            .with_token(TEST_TOKEN),
        connector_host::Limits::default(),
    )
    .unwrap()
    .with_warm_instances(1);
    c.test_connection().await.unwrap();
    until_ready(&c, 1).await;
    fake.clear_requests();
    // Served by the warm instance, made before the token was known.
    c.test_connection().await.unwrap();
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(
            r.header("authorization").map(str::to_ascii_lowercase),
            Some(format!("bearer {TEST_TOKEN}"))
        );
    }
}
