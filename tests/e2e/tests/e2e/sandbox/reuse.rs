//! Instance reuse within a connection (issue #23), attacked by the hostile guest's `residue`
//! and `remember` scenarios: calls of one connector may see what its earlier calls left in
//! statics and memory (documented), a call of another connector never does; a host resource
//! left behind, a trap, a violation or a timeout drops the instance; the CPU budget, the memory
//! cap and the response caps hold per call; the token is each call's own.

use connector_host::credentials::{BoxFuture, TokenSource};
use connector_host::reuse::ReusePolicy;
use connector_host::{
    ConnectionConfig, Connector, ErrorKind, HostResult, Limits, Runtime, SandboxRule, Secret,
};
use e2e_tests::{hostile_component, own_runtime};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Reuse as the resident commands do, with a 16 MiB reuse bound.
fn reusing() -> ReusePolicy {
    ReusePolicy {
        calls: 100,
        idle: Duration::from_secs(600),
        memory_bytes: 16 * 1024 * 1024,
    }
}

fn hostile_on(rt: &Arc<Runtime>, connection: ConnectionConfig, limits: Limits) -> Connector {
    Connector::new(rt.clone(), connection, limits)
        .unwrap()
        .with_reuse(reusing())
}

/// A connector of the hostile guest that reuses its instances; nothing it runs needs a server.
fn reusing_hostile(rt: &Arc<Runtime>, limits: Limits) -> Connector {
    let connection = ConnectionConfig::new("http://127.0.0.1:9/")
        .unwrap()
        .with_token(TEST_TOKEN);
    hostile_on(rt, connection, limits)
}

async fn residue(c: &Connector, input: Value) -> Value {
    c.execute("residue", &input)
        .await
        .unwrap_or_else(|e| panic!("residue {input}: {e:?}"))
}

/// How many calls the instance that ran this one has served (1: a fresh instance).
async fn calls(c: &Connector) -> u64 {
    residue(c, json!({})).await["calls"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
pub async fn no_call_of_another_connection_sees_what_one_left() {
    let rt = own_runtime(&hostile_component());
    let a = reusing_hostile(&rt, super::tight());
    let b = reusing_hostile(&rt, super::tight());
    let marker = "left-by-connection-A-7f3a91";
    assert_eq!(residue(&a, json!({"plant": marker})).await["calls"], 1);
    // The same connection may see it: its instance was reused (documented).
    let again = residue(&a, json!({"look": marker})).await;
    assert_eq!(again["calls"], 2, "{again}");
    assert_eq!(again["kept"], marker, "{again}");
    assert_eq!(
        again["in_memory"], true,
        "the probe finds what is there: {again}"
    );
    // Another connection never does, in its first call or its reused instance's later ones.
    for round in 1..=2 {
        let seen = residue(&b, json!({"look": marker})).await;
        assert_eq!(seen["calls"], round, "{seen}");
        assert_eq!(seen["kept"], Value::Null, "B saw A's static: {seen}");
        assert_eq!(seen["in_memory"], false, "B saw A's memory: {seen}");
    }
    let out = a
        .execute("remember", &json!({"value": "a1"}))
        .await
        .unwrap();
    assert_eq!(out["previous"], Value::Null);
    let out = a
        .execute("remember", &json!({"value": "a2"}))
        .await
        .unwrap();
    assert_eq!(out["previous"], "a1");
    let out = b
        .execute("remember", &json!({"value": "b1"}))
        .await
        .unwrap();
    assert_eq!(out["previous"], Value::Null, "B saw A's value: {out}");
    // One instance per connection served every one of those calls.
    assert_eq!(rt.instances_created(), 2);
    assert_eq!((a.idle_instances(), b.idle_instances()), (1, 1));

    // Strict mode: a fresh instance per call, nothing seen even on one connection.
    let strict = Connector::new(
        rt.clone(),
        ConnectionConfig::new("http://127.0.0.1:9/")
            .unwrap()
            .with_token(TEST_TOKEN),
        super::tight(),
    )
    .unwrap();
    assert!(strict.reuse_policy().is_strict());
    residue(&strict, json!({"plant": marker})).await;
    let seen = residue(&strict, json!({"look": marker})).await;
    assert_eq!(
        (&seen["calls"], &seen["kept"], &seen["in_memory"]),
        (&json!(1), &Value::Null, &json!(false)),
        "{seen}"
    );
    assert_eq!(strict.idle_instances(), 0);
}

#[tokio::test(flavor = "multi_thread")]
pub async fn a_host_resource_left_behind_drops_the_instance() {
    let rt = own_runtime(&hostile_component());
    let a = reusing_hostile(&rt, super::tight());
    let b = reusing_hostile(&rt, super::tight());
    let left = residue(&a, json!({"leak_handle": "held-by-A"})).await;
    let handle = left["handle"].as_u64().unwrap();
    // The instance still held a fields resource after its call: it was not reused.
    assert_eq!(calls(&a).await, 1);
    assert_eq!(a.idle_instances(), 1);
    // Another connection probing the same handle number finds nothing of A's.
    match b.execute("residue", &json!({"probe": handle})).await {
        Ok(out) => assert!(
            !out.to_string().contains("held-by-A"),
            "B saw A's handle: {out}"
        ),
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Internal, "{e:?}");
            assert!(!e.to_string().contains("held-by-A"), "{e}");
        }
    }
    assert_eq!(calls(&b).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
pub async fn a_trap_a_violation_or_a_timeout_drops_the_instance() {
    let rt = own_runtime(&hostile_component());
    let limits = Limits {
        wall_timeout_ms: 1_500,
        ..super::tight()
    };
    let c = reusing_hostile(&rt, limits);
    assert_eq!(calls(&c).await, 1);
    assert_eq!(calls(&c).await, 2);
    // A trap: the counter in the static starts again, on a fresh instance.
    let e = c
        .execute("residue", &json!({"trap": true}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Internal, "{e:?}");
    assert_eq!(calls(&c).await, 1);
    assert_eq!(calls(&c).await, 2);
    // A violation, even one the guest hides.
    let e = c
        .execute(
            "fetch",
            &json!({"url": "http://192.0.2.1/x", "swallow": true}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::EgressDenied), "{e:?}");
    assert_eq!(calls(&c).await, 1);
    // The CPU budget.
    let e = c.execute("spin", &json!({})).await.unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::CpuBudget), "{e:?}");
    assert_eq!(calls(&c).await, 1);
    // The wall clock.
    let e = c
        .execute("sleep", &json!({"secs": 3600}))
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::WallTimeout), "{e:?}");
    assert_eq!(calls(&c).await, 1);
    // An error the guest returns (no `url`).
    let e = c.execute("fetch", &json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e:?}");
    assert_eq!(calls(&c).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
pub async fn limits_hold_per_call_on_a_reused_instance() {
    let rt = own_runtime(&hostile_component());
    // CPU: eight calls of ~30% of the budget each, in one instance, never add up.
    let c = reusing_hostile(
        &rt,
        Limits {
            cpu_budget_ms: 1_000,
            ..super::tight()
        },
    );
    for call in 1..=8 {
        let out = residue(&c, json!({"burn_ms": 300})).await;
        assert_eq!(out["calls"], call, "{out}");
    }
    let e = c.execute("spin", &json!({})).await.unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::CpuBudget), "{e:?}");

    // Memory: a call keeping 6 MiB for good, again and again, never reaches the 48 MiB cap:
    // an instance holding more than the reuse bound (16 MiB) after a call is dropped.
    let c = reusing_hostile(&rt, super::tight());
    let mut most = 0;
    for _ in 0..12 {
        let out = residue(&c, json!({"keep_mib": 6})).await;
        most = most.max(out["kept_mib"].as_u64().unwrap());
    }
    assert!(
        (12..=18).contains(&most),
        "reused, within the bound: {most} MiB"
    );
    // A call over the cap still fails on its own.
    let e = c.execute("alloc", &json!({})).await.unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::MemoryLimit), "{e:?}");
    assert_eq!(calls(&c).await, 1);

    // Responses: a body under the cap, many times over in one instance; one over it fails
    // (the caller's own contact is ~550 bytes, every contact ~2.6 KB).
    let fake = FakeWrike::start().unwrap();
    let limits = Limits {
        response_body_bytes: 1536,
        ..super::tight()
    };
    let c = hostile_on(&rt, e2e_tests::connection(&fake, TEST_TOKEN), limits);
    let before = rt.instances_created();
    let url = format!("{}/contacts?me=true", fake.base_url());
    for _ in 0..5 {
        let out = c.execute("fetch", &json!({"url": url})).await.unwrap();
        assert_eq!(out["status"], 200, "{out}");
    }
    assert_eq!(
        rt.instances_created(),
        before + 1,
        "one instance served them"
    );
    let e = c
        .execute(
            "fetch",
            &json!({"url": format!("{}/contacts", fake.base_url())}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::ResponseTooLarge), "{e:?}");
}

/// A token source that hands out a new token for every call: `rotating-1`, `rotating-2`, ….
struct Rotating(AtomicU32);

impl TokenSource for Rotating {
    fn token(&self) -> BoxFuture<'_, HostResult<Secret>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(Secret::new(format!("rotating-{n}"))) })
    }

    fn refresh_rejected<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, HostResult<Option<Secret>>> {
        Box::pin(async { Ok(None) })
    }

    fn describe(&self) -> String {
        "a token per call".into()
    }
}

#[tokio::test(flavor = "multi_thread")]
pub async fn a_reused_instance_sends_each_calls_own_token() {
    let fake = FakeWrike::start().unwrap();
    let rt = own_runtime(&hostile_component());
    let connection = ConnectionConfig::new(&fake.base_url())
        .unwrap()
        .with_credentials(Arc::new(Rotating(AtomicU32::new(0))));
    let c = hostile_on(&rt, connection, super::tight());
    let url = format!("{}/contacts?me=true", fake.base_url());
    for _ in 0..3 {
        c.execute("fetch", &json!({"url": url})).await.unwrap();
    }
    assert_eq!(
        rt.instances_created(),
        1,
        "one instance served the three calls"
    );
    let sent: Vec<Option<String>> = fake
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_string))
        .collect();
    let expected: Vec<Option<String>> = (1..=3)
        .map(|n| Some(format!("Bearer rotating-{n}")))
        .collect();
    assert_eq!(
        sent, expected,
        "each call carries its own token, never a kept one"
    );
}
