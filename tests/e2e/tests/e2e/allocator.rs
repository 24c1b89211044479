//! The pooling allocator is used where the machine allows it, with on-demand allocation as the
//! fallback and as a choice; calls behave the same either way.

use connector_host::{Allocator, Connector, Limits, LoadOptions, Runtime};
use e2e_tests::{cache_dir, connection, many_memories_component, wrike_component};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::json;
use std::sync::Arc;

fn load(component: &std::path::Path, allocator: Allocator) -> Arc<Runtime> {
    Arc::new(
        Runtime::load(
            component,
            &LoadOptions {
                cache_dir: Some(cache_dir()),
                allocator,
                ..Default::default()
            },
        )
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn both_allocators_run_calls_alike() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let mut outputs = Vec::new();
    for allocator in [Allocator::Pooling, Allocator::OnDemand] {
        let runtime = load(&wrike_component(), allocator);
        assert_eq!(
            runtime.allocator(),
            allocator,
            "this machine allows the pool"
        );
        let c = Connector::new(runtime, connection(&fake, TEST_TOKEN), Limits::default()).unwrap();
        // More calls than a handful, so pool slots are reused.
        for _ in 0..20 {
            outputs.push(c.execute("list_users", &json!({})).await.unwrap());
        }
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_component_over_the_pools_shape_still_loads_and_is_limited_by_the_store() {
    let fake = FakeWrike::start().unwrap();
    // Twelve memories in one component: more than the pool's per-component slots.
    let runtime = load(&many_memories_component(12, 1), Allocator::Pooling);
    let c = Connector::new(runtime, connection(&fake, TEST_TOKEN), Limits::default()).unwrap();
    let e = c.execute("spy", &json!({})).await.unwrap_err();
    assert_eq!(
        e.rule,
        Some(connector_host::SandboxRule::ResourceLimit),
        "{e}"
    );
}
