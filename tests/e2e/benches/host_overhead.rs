//! What the sandbox costs, as ratios against baselines measured in the same run.
//!
//! Two parts, both run by `make bench` (`cargo bench -p e2e-tests`, release build):
//!
//! 1. A report (printed first, and written to `target/bench-report.md`): the host library running
//!    the Wrike component against the fake Wrike on 127.0.0.1, next to a native Rust client
//!    (reqwest, keep-alive, parsing the same JSON) sending the identical request to the same
//!    fake. Latency p50/p99 over interleaved rounds for `get_task_by_id` and `search_task`;
//!    throughput at 1, 8 and 32 calls in flight; a call that makes no request (fresh store +
//!    instance); and the whole process: `connector-host call get_task_by_id` against `curl` for
//!    the same GET (needs `target/release/connector-host`, built by `make bench`).
//! 2. Criterion groups for the same calls, for criterion's own statistics and history:
//!    `load/compile` vs `load/cached`, `call/native_get_task` vs `call/host_get_task_by_id`,
//!    `call/native_search_task` vs `call/host_search_task`, `call/host_no_request`.
//!
//! Set `BENCH_QUICK=1` for a short smoke run. Results go in BENCHMARKS.md.

use connector_host::{ConnectionConfig, Connector, Limits, LoadOptions, Runtime};
use criterion::{criterion_group, Criterion};
use e2e_tests::wrike_component;
use fake_wrike::{FakeWrike, TEST_TOKEN as FAKE_TOKEN};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Everything both sides need: the fake, the host's connector and the native client.
struct Setup {
    fake: FakeWrike,
    rt: tokio::runtime::Runtime,
    runtime: Arc<Runtime>,
    connector: Arc<Connector>,
    client: reqwest::Client,
    task_id: String,
    /// `(input, path?query)` of each measured call, the URL being what the host sent.
    get_task: (Value, String),
    search_task: (Value, String),
}

impl Setup {
    fn new() -> Setup {
        let fake = FakeWrike::start().unwrap();
        fake.set_rate_limit(None);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
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
        let connector = Arc::new(Connector::new(runtime.clone(), conn, Limits::default()).unwrap());
        let found = rt
            .block_on(connector.execute("search_task", &json!({"pageSize": 10})))
            .unwrap();
        let task_id = found["items"][0]["id"].as_str().unwrap().to_string();
        let sent = |input: &Value, action: &str| {
            fake.clear_requests();
            rt.block_on(connector.execute(action, input)).unwrap();
            let r = fake.requests().pop().unwrap();
            match r.query {
                Some(q) => format!("{}?{q}", r.path),
                None => r.path,
            }
        };
        let get_input = json!({ "taskId": task_id });
        let search_input = json!({"status": ["Active"], "pageSize": 10});
        let get_task = (get_input.clone(), sent(&get_input, "get_task_by_id"));
        let search_task = (search_input.clone(), sent(&search_input, "search_task"));
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .unwrap();
        Setup {
            fake,
            rt,
            runtime,
            connector,
            client,
            task_id,
            get_task,
            search_task,
        }
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.fake.origin())
    }
}

/// One native call: the GET with the bearer token, the JSON parsed and the entity taken out, as
/// a native connector would.
async fn native(client: &reqwest::Client, url: &str) -> Value {
    let resp = client
        .get(url)
        .bearer_auth(FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let bytes = resp.bytes().await.unwrap();
    let mut body: Value = serde_json::from_slice(&bytes).unwrap();
    body["data"].take()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Latency samples of host and native, interleaved in rounds of `chunk` calls.
fn latency(s: &Setup, action: &str, call: &(Value, String), rounds: usize) -> [Vec<Duration>; 2] {
    let url = s.url(&call.1);
    let (mut host, mut nat) = (Vec::new(), Vec::new());
    let chunk = 50;
    for _ in 0..rounds {
        s.fake.clear_requests();
        for _ in 0..chunk {
            let t = Instant::now();
            s.rt.block_on(s.connector.execute(action, &call.0)).unwrap();
            host.push(t.elapsed());
        }
        for _ in 0..chunk {
            let t = Instant::now();
            s.rt.block_on(native(&s.client, &url));
            nat.push(t.elapsed());
        }
    }
    host.sort();
    nat.sort();
    [host, nat]
}

/// Calls per second with `in_flight` calls running at once, for `window`.
fn throughput(s: &Setup, host: bool, in_flight: usize, window: Duration) -> f64 {
    s.fake.clear_requests();
    let url = Arc::new(s.url(&s.get_task.1));
    let input = Arc::new(s.get_task.0.clone());
    let done = s.rt.block_on(async {
        let deadline = Instant::now() + window;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..in_flight {
            let (c, client, url, input) = (
                s.connector.clone(),
                s.client.clone(),
                url.clone(),
                input.clone(),
            );
            tasks.spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    if host {
                        c.execute("get_task_by_id", &input).await.unwrap();
                    } else {
                        native(&client, &url).await;
                    }
                    n += 1;
                }
                n
            });
        }
        let mut total = 0;
        while let Some(n) = tasks.join_next().await {
            total += n.unwrap();
        }
        total
    });
    done as f64 / window.as_secs_f64()
}

/// The process's peak resident set (`VmHWM`), in KiB, where `/proc` has it.
fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Wall time of `cmd`, run to completion with its output discarded.
fn time_process(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let elapsed = t.elapsed();
    assert!(status.success(), "{cmd:?} failed");
    elapsed
}

/// One timed call on a connector.
type CallOn<'a> = dyn Fn(&Connector) + 'a;

/// Instance reuse (issue #23): the same calls on a strict connector (a fresh instance per
/// call) and on one reusing its instances as the resident commands do, interleaved in chunks:
/// a call that makes no request (`pick task_status`), and `get_task_by_id`.
fn reuse_vs_fresh(s: &Setup, rounds: usize, out: &mut String) {
    let conn = ConnectionConfig::new(&s.fake.base_url())
        .unwrap()
        .with_token(FAKE_TOKEN);
    let reusing = Connector::new(s.runtime.clone(), conn, Limits::default())
        .unwrap()
        .with_reuse(connector_host::ReusePolicy::resident());
    let params = json!({});
    let calls: [(&str, &CallOn); 2] = [
        ("a call with no request", &|c: &Connector| {
            s.rt.block_on(c.pick_list("task_status", &params)).unwrap();
        }),
        ("`get_task_by_id`", &|c: &Connector| {
            s.rt.block_on(c.execute("get_task_by_id", &s.get_task.0))
                .unwrap();
        }),
    ];
    for (label, call) in calls {
        let (mut fresh, mut reused) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            for _ in 0..25 {
                let t = Instant::now();
                call(&s.connector);
                fresh.push(t.elapsed());
            }
            for _ in 0..25 {
                let t = Instant::now();
                call(&reusing);
                reused.push(t.elapsed());
            }
        }
        fresh.sort();
        reused.sort();
        for (p_label, p) in [("p50", 0.5), ("p99", 0.99)] {
            let (r, f) = (percentile(&reused, p), percentile(&fresh, p));
            let _ = writeln!(
                out,
                "| {label}, reused instance vs fresh instance per call, {p_label} | {:.1} µs | {:.1} µs | {:.2}× |",
                us(r),
                us(f),
                us(r) / us(f)
            );
        }
    }
}

/// Where a CLI call's time goes, each stage against `curl` in the same interleaved rounds: the
/// process alone (`--version`: loading and relocating the binary, clap), the process with the
/// component loaded from the compile cache and the descriptor from its cache (`describe`), and
/// the whole call. `host_with` builds a `connector-host` command with the given arguments.
fn cli_breakdown(
    host_with: &dyn Fn(&[&str]) -> Command,
    call: &dyn Fn() -> Command,
    curl: &dyn Fn() -> Command,
    out: &mut String,
) {
    let stages: [(&str, &dyn Fn() -> Command); 4] = [
        ("process start, `connector-host --version`", &|| {
            host_with(&["--version"])
        }),
        (
            "component loaded from the caches, `connector-host describe`",
            &|| host_with(&["describe"]),
        ),
        ("the whole call, `connector-host call get_task_by_id`", call),
        ("curl", curl),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
    for _ in 0..if quick() { 3 } else { 30 } {
        for (i, (_, cmd)) in stages.iter().enumerate() {
            times[i].push(time_process(&mut cmd()).as_secs_f64() * 1e3);
        }
    }
    let medians: Vec<f64> = times.into_iter().map(median).collect();
    let baseline = medians[stages.len() - 1];
    for (i, (label, _)) in stages[..stages.len() - 1].iter().enumerate() {
        let _ = writeln!(
            out,
            "| CLI breakdown: {label} vs `curl`, median | {:.1} ms | {baseline:.1} ms | {:.2}× |",
            medians[i],
            medians[i] / baseline
        );
    }
}

fn report() {
    let s = Setup::new();
    let rounds = if quick() { 4 } else { 40 };
    let window = Duration::from_millis(if quick() { 300 } else { 2000 });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| what | host | native | ratio (host/native) |\n|---|---|---|---|"
    );

    // Warm both sides (connections, caches, the guest's first-call costs).
    let _ = latency(&s, "get_task_by_id", &s.get_task, 2);
    for (action, call) in [
        ("get_task_by_id", &s.get_task),
        ("search_task", &s.search_task),
    ] {
        let [host, nat] = latency(&s, action, call, rounds);
        for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
            let (h, n) = (percentile(&host, p), percentile(&nat, p));
            let _ = writeln!(
                out,
                "| `{action}`, one in flight, {label} | {:.1} µs | {:.1} µs | {:.2}× |",
                us(h),
                us(n),
                us(h) / us(n)
            );
        }
    }
    // Peak resident memory before and after 32 calls run at once: the growth, divided by the
    // 31 extra instances, is what one instance in flight costs (its memories, its store, its
    // HTTP state), the pooling allocator's reservation not counted (only touched pages are).
    let hwm_before = peak_rss_kib();
    for in_flight in [1usize, 8, 32] {
        let (mut h, mut n) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            h.push(throughput(&s, true, in_flight, window));
            n.push(throughput(&s, false, in_flight, window));
        }
        let (h, n) = (median(h), median(n));
        let _ = writeln!(
            out,
            "| `get_task_by_id` throughput, {in_flight} in flight | {h:.0} calls/s | {n:.0} calls/s | {:.2} of native |",
            h / n
        );
    }
    if let (Some(before), Some(after)) = (hwm_before, peak_rss_kib()) {
        let _ = writeln!(
            out,
            "| peak memory per instance in flight (peak RSS growth from 1 to 32 in flight, / 31) | {:.0} KiB | – | – |",
            after.saturating_sub(before) as f64 / 31.0
        );
    }
    // Fresh store + instance + a call that makes no request (a static pick list).
    let params = json!({});
    let mut samples = Vec::new();
    for _ in 0..rounds * 25 {
        let t = Instant::now();
        s.rt.block_on(s.connector.pick_list("task_status", &params))
            .unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    let _ = writeln!(
        out,
        "| fresh store + instantiate + a call with no request, p50 / p99 | {:.1} / {:.1} µs | – | – |",
        us(percentile(&samples, 0.5)),
        us(percentile(&samples, 0.99))
    );
    reuse_vs_fresh(&s, rounds, &mut out);

    // The whole process against curl.
    let bin = e2e_tests::target_dir()
        .join("release")
        .join(format!("connector-host{}", std::env::consts::EXE_SUFFIX));
    let curl = Command::new("curl").arg("--version").output().is_ok();
    if bin.is_file() && curl {
        let config = tempfile::tempdir().unwrap();
        let input = s.get_task.0.to_string();
        let host_with = |args: &[&str]| {
            let mut c = Command::new(&bin);
            c.env("CONNECTOR_BASE_URL", s.fake.base_url())
                .env("CONNECTOR_TOKEN", FAKE_TOKEN)
                .env("CONNECTOR_CACHE_DIR", e2e_tests::cache_dir())
                .env("CONNECTOR_COMPONENT", wrike_component())
                .env("CONNECTOR_CONFIG_DIR", config.path())
                .env_remove("RUST_LOG")
                .args(args);
            c
        };
        let host_cmd = || host_with(&["call", "get_task_by_id", "--input", &input]);
        let url = s.url(&s.get_task.1);
        let curl_cmd = || {
            let mut c = Command::new("curl");
            c.args(["-sf", "-H"])
                .arg(format!("Authorization: Bearer {FAKE_TOKEN}"))
                .arg(&url);
            c
        };
        time_process(&mut host_cmd()); // fill the caches
        let (mut h, mut n) = (Vec::new(), Vec::new());
        for _ in 0..if quick() { 3 } else { 30 } {
            s.fake.clear_requests();
            h.push(time_process(&mut host_cmd()).as_secs_f64() * 1e3);
            n.push(time_process(&mut curl_cmd()).as_secs_f64() * 1e3);
        }
        let (h, n) = (median(h), median(n));
        let _ = writeln!(
            out,
            "| whole process: `connector-host call get_task_by_id` vs `curl`, median | {h:.1} ms | {n:.1} ms | {:.2}× |",
            h / n
        );
        cli_breakdown(&host_with, &host_cmd, &curl_cmd, &mut out);
    } else {
        let _ = writeln!(
            out,
            "| whole process vs curl | skipped: build `target/release/connector-host` (`make bench` does) and install curl | | |"
        );
    }
    let _ = writeln!(
        out,
        "\nallocator: {:?}; connections opened by the host: {} for {} reused requests; task {}",
        s.runtime.allocator(),
        s.runtime.pool().connections_opened(),
        s.runtime.pool().requests_reused(),
        s.task_id
    );
    println!("\n{out}");
    let path = e2e_tests::target_dir().join("bench-report.md");
    if let Err(e) = std::fs::write(&path, &out) {
        eprintln!("cannot write {}: {e}", path.display());
    } else {
        println!("written to {}", path.display());
    }
}

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

fn calls(c: &mut Criterion) {
    let s = Setup::new();
    let mut group = c.benchmark_group("call");
    if quick() {
        group
            .sample_size(10)
            .measurement_time(Duration::from_millis(500));
    }
    // Every benchmark clears the fake's request log now and then, so it cannot grow without
    // bound; the cost is the same on both sides of each ratio.
    for (name, action, call) in [
        ("get_task", "get_task_by_id", &s.get_task),
        ("search_task", "search_task", &s.search_task),
    ] {
        let url = s.url(&call.1);
        let mut n = 0u32;
        group.bench_function(format!("native_{name}"), |b| {
            b.iter(|| {
                n += 1;
                if n.is_multiple_of(1000) {
                    s.fake.clear_requests();
                }
                s.rt.block_on(native(&s.client, &url))
            })
        });
        group.bench_function(format!("host_{action}"), |b| {
            b.iter(|| {
                n += 1;
                if n.is_multiple_of(1000) {
                    s.fake.clear_requests();
                }
                s.rt.block_on(s.connector.execute(action, &call.0)).unwrap()
            })
        });
    }
    let params = json!({});
    group.bench_function("host_no_request", |b| {
        b.iter(|| {
            s.rt.block_on(s.connector.pick_list("task_status", &params))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, load, calls);

fn main() {
    report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
