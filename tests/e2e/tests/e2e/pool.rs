//! The egress gate's connection pool: calls reuse keep-alive connections, idle connections are
//! bounded in number and time, and a connection opened under a laxer policy never serves a
//! stricter one.

use connector_host::pool::PoolSettings;
use connector_host::{ConnectionConfig, Connector, Limits, LoadOptions, Runtime, SandboxRule};
use e2e_tests::{cache_dir, connection, hostile_component, wrike_component};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn runtime_with(component: &std::path::Path, pool: PoolSettings) -> Arc<Runtime> {
    Arc::new(
        Runtime::load(
            component,
            &LoadOptions {
                cache_dir: Some(cache_dir()),
                pool,
                ..Default::default()
            },
        )
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn sequential_calls_share_one_connection() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let runtime = runtime_with(&wrike_component(), PoolSettings::default());
    let c = Connector::new(
        runtime.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    for _ in 0..20 {
        c.execute("list_users", &json!({})).await.unwrap();
    }
    assert_eq!(fake.requests().len(), 20);
    assert_eq!(
        fake.connections_accepted(),
        1,
        "every call reuses the one connection"
    );
    assert_eq!(runtime.pool().connections_opened(), 1);
    assert_eq!(runtime.pool().requests_reused(), 19);

    // A second connector on the same runtime and origin shares the pool too.
    let other = Connector::new(
        runtime.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    other.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(fake.connections_accepted(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_reuse_every_request_opens_a_connection() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let runtime = runtime_with(
        &wrike_component(),
        PoolSettings {
            max_idle_per_origin: 0,
            ..PoolSettings::default()
        },
    );
    let c = Connector::new(runtime, connection(&fake, TEST_TOKEN), Limits::default()).unwrap();
    for _ in 0..3 {
        c.execute("list_users", &json!({})).await.unwrap();
    }
    assert_eq!(fake.connections_accepted(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_are_bounded_in_number_and_time() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let runtime = runtime_with(
        &wrike_component(),
        PoolSettings {
            max_idle_per_origin: 2,
            idle_timeout_ms: 400,
        },
    );
    let c = Arc::new(
        Connector::new(
            runtime.clone(),
            connection(&fake, TEST_TOKEN),
            Limits::default(),
        )
        .unwrap(),
    );
    // Many calls at once open several connections; at most two stay once they are done.
    for _ in 0..3 {
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let c = c.clone();
            calls.spawn(async move { c.execute("list_users", &json!({})).await });
        }
        while let Some(r) = calls.join_next().await {
            r.unwrap().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let idle = runtime.pool().idle_connections();
        assert!(idle <= 2, "{idle} idle connections, over the bound of 2");
    }
    assert!(fake.connections_accepted() >= 1);
    // After the idle timeout, nothing is held.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(runtime.pool().idle_connections(), 0);
    let opened = runtime.pool().connections_opened();
    c.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(
        runtime.pool().connections_opened(),
        opened + 1,
        "an expired connection is never reused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lax_connection_never_serves_a_strict_policy() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let runtime = runtime_with(&wrike_component(), PoolSettings::default());
    let base = format!("http://localhost:{}/api/v4", fake.addr().port());
    let strict = ConnectionConfig::new(&base).unwrap().with_token(TEST_TOKEN);
    let lax = ConnectionConfig {
        allow_private_addresses: true,
        ..strict.clone()
    };
    let c = Connector::new(runtime.clone(), lax, Limits::default()).unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(fake.connections_accepted(), 1);
    let requests = fake.requests().len();

    // The same origin under the default policy still gets the DNS check, and is refused.
    let c = Connector::new(runtime.clone(), strict, Limits::default()).unwrap();
    let e = c.execute("list_users", &json!({})).await.unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::PrivateAddress), "{e}");
    assert_eq!(fake.requests().len(), requests, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_flooding_requests_leaves_no_more_than_the_idle_bound() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let runtime = runtime_with(
        &hostile_component(),
        PoolSettings {
            max_idle_per_origin: 3,
            idle_timeout_ms: 30_000,
        },
    );
    let c = Arc::new(
        Connector::new(
            runtime.clone(),
            connection(&fake, TEST_TOKEN),
            Limits::default(),
        )
        .unwrap(),
    );
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let c = c.clone();
        let url = format!("{}/version", fake.base_url());
        calls.spawn(async move { c.execute("fetch", &json!({ "url": url })).await });
    }
    while let Some(r) = calls.join_next().await {
        r.unwrap().unwrap();
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(runtime.pool().idle_connections() <= 3);
    assert_eq!(fake.requests().len(), 16);
}
