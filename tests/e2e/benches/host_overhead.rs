//! What the sandbox costs, as ratios against baselines measured in the same run:
//!
//! - `load/compile` vs `load/cached`: loading the Wrike component with a cold compile versus
//!   from the on-disk compile cache.
//! - `call/raw_http` (baseline: one plain HTTP/1.1 GET to the fake Wrike over loopback) vs
//!   `call/list_users` (the same request made by the component through the host: a fresh
//!   store and instance, schema validation, the egress gate, response mapping) and
//!   `call/describe` (instantiate and call, no HTTP).
//!
//! Run with `cargo bench -p e2e-tests` after `make build`; results go in BENCHMARKS.md.

use connector_host::{ConnectionConfig, Connector, Limits, LoadOptions, Runtime};
use criterion::{criterion_group, criterion_main, Criterion};
use e2e_tests::wrike_component;
use fake_wrike::{FakeWrike, TEST_TOKEN as FAKE_TOKEN};
use std::io::{Read, Write};
use std::sync::Arc;

fn load(c: &mut Criterion) {
    let bytes = std::fs::read(wrike_component()).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cached = LoadOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..Default::default()
    };
    Runtime::from_bytes(&bytes, &cached).unwrap(); // fill the cache
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("compile", |b| {
        b.iter(|| Runtime::from_bytes(&bytes, &LoadOptions::default()).unwrap())
    });
    group.bench_function("cached", |b| {
        b.iter(|| Runtime::from_bytes(&bytes, &cached).unwrap())
    });
    group.finish();
}

fn raw_get(addr: std::net::SocketAddr, path: &str) -> usize {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {FAKE_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert!(
        out.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&out[..out.len().min(200)])
    );
    out.len()
}

fn calls(c: &mut Criterion) {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let runtime = Arc::new(
        Runtime::load(
            &wrike_component(),
            &LoadOptions {
                cache_dir: Some(e2e_tests::cache_dir()),
                ..Default::default()
            },
        )
        .unwrap(),
    );
    let conn = ConnectionConfig::new(&fake.base_url())
        .unwrap()
        .with_token(FAKE_TOKEN);
    let connector = Connector::new(runtime.clone(), conn.clone(), Limits::default()).unwrap();
    let input = serde_json::json!({});
    rt.block_on(connector.describe()).unwrap();

    let mut group = c.benchmark_group("call");
    // Both HTTP benchmarks clear the fake's request log each time, so it cannot grow without
    // bound; the cost is the same on both sides of the ratio.
    group.bench_function("raw_http", |b| {
        b.iter(|| {
            fake.clear_requests();
            raw_get(fake.addr(), "/api/v4/contacts")
        })
    });
    group.bench_function("list_users", |b| {
        b.iter(|| {
            fake.clear_requests();
            rt.block_on(connector.execute("list_users", &input))
                .unwrap()
        })
    });
    group.bench_function("describe", |b| {
        b.iter(|| {
            let fresh = Connector::new(runtime.clone(), conn.clone(), Limits::default()).unwrap();
            rt.block_on(fresh.describe()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, load, calls);
criterion_main!(benches);
