//! A fixed workload to profile the host's per-call path: `N` calls of `get_task_by_id` (one in
//! flight) through the host library against the fake Wrike, after a warm-up. Deterministic in
//! what it does, so an instruction-count profile is repeatable:
//!
//! ```sh
//! cargo build --release -p e2e-tests --example profile_calls
//! valgrind --tool=callgrind --callgrind-out-file=callgrind.out \
//!     target/release/examples/profile_calls 200 [reuse|strict] [ondemand]
//! callgrind_annotate --inclusive=yes callgrind.out | head -60
//! ```
//!
//! `reuse` reuses instances as the resident hosts do (`ReusePolicy::resident`); `ondemand` uses the
//! on-demand instance allocator instead of the pooling one (valgrind may not like the pool's
//! large reservation); `paced` leaves 2 ms between calls (not timed), as a resident host
//! serving sporadic requests has, and prints the p50 of the calls alone.
//! `PROFILE_COMPONENT=path.wasm` runs another build of the component.

use connector_host::{Allocator, ConnectionConfig, Connector, Limits, LoadOptions, Runtime};
use e2e_tests::wrike_component;
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::json;
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let reuse = args.iter().any(|a| a == "reuse");
    let allocator = if args.iter().any(|a| a == "ondemand") {
        Allocator::OnDemand
    } else {
        Allocator::Pooling
    };
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let runtime = Arc::new(
        Runtime::load(
            &std::env::var_os("PROFILE_COMPONENT").map_or_else(wrike_component, Into::into),
            &LoadOptions {
                cache_dir: Some(e2e_tests::cache_dir()),
                allocator,
                ..Default::default()
            },
        )
        .unwrap(),
    );
    let conn = ConnectionConfig::new(&fake.base_url())
        .unwrap()
        .with_token(TEST_TOKEN);
    let mut connector = Connector::new(runtime, conn, Limits::default()).unwrap();
    if reuse {
        connector = connector.with_reuse(connector_host::ReusePolicy::resident());
    }
    let found = rt
        .block_on(connector.execute("search_task", &json!({"pageSize": 1})))
        .unwrap();
    let input = json!({ "taskId": found["items"][0]["id"] });
    for _ in 0..20 {
        rt.block_on(connector.execute("get_task_by_id", &input))
            .unwrap();
    }
    if args.iter().any(|a| a == "paced") {
        let mut samples = Vec::with_capacity(n);
        for _ in 0..n {
            std::thread::sleep(std::time::Duration::from_millis(2));
            let t = std::time::Instant::now();
            rt.block_on(connector.execute("get_task_by_id", &input))
                .unwrap();
            samples.push(t.elapsed());
        }
        samples.sort();
        eprintln!(
            "{n} paced calls: p50 {:?}, p90 {:?}",
            samples[n / 2],
            samples[n * 9 / 10]
        );
        return;
    }
    let t = std::time::Instant::now();
    for _ in 0..n {
        rt.block_on(connector.execute("get_task_by_id", &input))
            .unwrap();
    }
    eprintln!(
        "{n} calls in {:?} ({:.1} µs each)",
        t.elapsed(),
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
