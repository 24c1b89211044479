//! Webhook ingestion of `connector-host serve`: a load generator sending signed deliveries at
//! 8 and 64 in flight, measuring deliveries/s (each answered 2xx, which means durably in the
//! outbox), delivery→2xx latency and delivery→sink latency (the HTTP sink, a local server).
//!
//! The baseline, measured in the same run and interleaved with it: the same `serve` with group
//! commit off (`commit_group_max = 1`, one SQLite transaction — one fsync — per delivery, as
//! before the state store had a façade). Both processes run the release build against one fake
//! Wrike (in this process, so the fake's own work shares the machine: each delivery makes the
//! component re-read its task from the fake, as it does from Wrike).
//!
//! Run by `make bench` (needs `target/release/connector-host`). `BENCH_QUICK=1` for a short
//! smoke run. The table goes to stdout and `target/bench-webhooks.md`; results in BENCHMARKS.md.

use axum::extract::State;
use axum::routing::post;
use axum::Router;
use e2e_tests::registry::free_port;
use e2e_tests::{cache_dir, target_dir, wait_for, wrike_component};
use fake_wrike::resources::webhooks::sign;
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// When each task's event reached the sink.
type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

async fn sink(State(arrivals): State<Arrivals>, body: axum::body::Bytes) -> &'static str {
    let at = Instant::now();
    if let Ok(v) = serde_json::from_slice::<Value>(&body) {
        if let Some(id) = v["event"]["id"].as_str() {
            arrivals.lock().unwrap().entry(id.to_string()).or_insert(at);
        }
    }
    "ok"
}

/// A `serve` process with one webhook subscription, its hook suspended at the fake (so that
/// only the generator delivers).
struct Serve {
    child: Child,
    label: String,
    hook_id: String,
    url: String,
    secret: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_serve(
    binary: &Path,
    fake: &FakeWrike,
    dir: &Path,
    folder: &str,
    group_max: usize,
    sink_port: u16,
) -> Serve {
    let port = free_port();
    let config = format!(
        r#"[serve]
check_interval_secs = 3600
commit_group_max = {group_max}

[serve.sink]
type = "http"
url = "http://127.0.0.1:{sink_port}/events"
in_flight = 8

[[subscription]]
name = "tasks"
trigger = "new_or_updated_task_webhook"
input = {{ folderId = "{folder}", recursive = true }}
"#
    );
    let path = dir.join(format!("serve-{port}.toml"));
    std::fs::write(&path, config).unwrap();
    let public = format!("http://127.0.0.1:{port}");
    let child = Command::new(binary)
        .env("CONNECTOR_CONFIG_DIR", dir.join(format!("config-{port}")))
        .env("CONNECTOR_BASE_URL", fake.base_url())
        .env("CONNECTOR_TOKEN", fake_wrike::TEST_TOKEN)
        .env("CONNECTOR_CACHE_DIR", cache_dir())
        .env("CONNECTOR_COMPONENT", wrike_component())
        .env_remove("RUST_LOG")
        .args(["--config", path.to_str().unwrap(), "serve"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--public-url", &public])
        .args([
            "--state",
            dir.join(format!("state-{port}.db")).to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let (hook_id, url, secret) = wait_for("the hook's handshake", || {
        fake.with_store(|st| {
            st.webhooks
                .values()
                .find(|h| h.hook_url.starts_with(&public) && h.status == "Active")
                .and_then(|h| Some((h.id.clone(), h.hook_url.clone(), h.secret.clone()?)))
        })
        .filter(|(id, _, _)| {
            fake.webhook_deliveries()
                .iter()
                .any(|d| &d.webhook_id == id && d.handshake && d.status == Some(200))
        })
    });
    // Let the first check's catch-up poll finish before the hook goes quiet.
    std::thread::sleep(Duration::from_millis(500));
    fake.with_store(|st| st.webhooks.get_mut(&hook_id).unwrap().status = "Suspended".into());
    Serve {
        child,
        label: if group_max == 1 {
            "one commit per delivery (baseline)".into()
        } else {
            format!("group commit (≤ {group_max})")
        },
        hook_id,
        url,
        secret,
    }
}

/// What one round measured.
struct Round {
    per_sec: f64,
    ack: Vec<Duration>,
    to_sink: Vec<Duration>,
    /// CPU time of the `serve` process per delivery.
    serve_cpu: Duration,
    /// CPU time of this process (the fake Wrike, the generator, the sink) per delivery.
    rest_cpu: Duration,
}

/// User + system CPU time of process `pid` so far.
fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) close with ')'.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // utime and stime are the 14th and 15th fields: the 12th and 13th after the name.
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_micros(ticks * 1_000_000 / per_sec)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Delivers one signed delivery per task of `ids` to `serve`, `in_flight` at a time.
fn round(
    rt: &tokio::runtime::Runtime,
    serve: &Serve,
    ids: &[String],
    in_flight: usize,
    arrivals: &Arrivals,
) -> Round {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight)
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let ids = Arc::new(ids.to_vec());
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let (serve_before, rest_before) = (cpu_of(serve.child.id()), cpu_of(std::process::id()));
    let started = Instant::now();
    let acks: Vec<Duration> = rt.block_on(async {
        let mut workers = Vec::new();
        for _ in 0..in_flight {
            let (client, next, ids, sent) =
                (client.clone(), next.clone(), ids.clone(), sent.clone());
            let (url, secret, hook) = (
                serve.url.clone(),
                serve.secret.clone(),
                serve.hook_id.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut acks = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(i) else {
                        return acks;
                    };
                    let body =
                        json!([{"taskId": id, "eventType": "TaskCreated", "webhookId": hook}])
                            .to_string();
                    let signature = sign(&secret, body.as_bytes());
                    let t = Instant::now();
                    sent.lock().unwrap().insert(id.clone(), t);
                    let status = client
                        .post(&url)
                        .header("X-Hook-Signature", signature)
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                    assert_eq!(status, 200, "a delivery was not accepted");
                    acks.push(t.elapsed());
                }
            }));
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await.unwrap());
        }
        all
    });
    let wall = started.elapsed();
    let arrived = wait_for("every event at the sink", || {
        let a = arrivals.lock().unwrap();
        ids.iter()
            .map(|id| a.get(id).copied())
            .collect::<Option<Vec<Instant>>>()
    });
    let n = ids.len() as u32;
    let serve_cpu = cpu_of(serve.child.id()).saturating_sub(serve_before) / n;
    let rest_cpu = cpu_of(std::process::id()).saturating_sub(rest_before) / n;
    let sent = sent.lock().unwrap();
    let mut to_sink: Vec<Duration> = ids
        .iter()
        .zip(arrived)
        .map(|(id, at)| at.saturating_duration_since(sent[id]))
        .collect();
    to_sink.sort();
    let mut ack = acks;
    ack.sort();
    Round {
        per_sec: ids.len() as f64 / wall.as_secs_f64(),
        ack,
        to_sink,
        serve_cpu,
        rest_cpu,
    }
}

fn release_binary() -> Option<PathBuf> {
    let p = target_dir()
        .join("release")
        .join(format!("connector-host{}", std::env::consts::EXE_SUFFIX));
    p.is_file().then_some(p)
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` passes nothing and
    // should not spend a minute here.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some(binary) = release_binary() else {
        println!("webhook ingestion not measured: build target/release/connector-host (`make bench` does)");
        return;
    };
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let arrivals: Arrivals = Arc::default();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let sink_port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/events", post(sink))
        .with_state(arrivals.clone());
    rt.spawn(async move { axum::serve(listener, app).await });

    let servers = [
        start_serve(&binary, &fake, dir.path(), &folder, 1, sink_port),
        start_serve(
            &binary,
            &fake,
            dir.path(),
            &folder,
            connector_host::state::DEFAULT_GROUP_MAX,
            sink_port,
        ),
    ];
    let (per_round, repeats) = if quick() { (200, 1) } else { (2000, 3) };
    let mut made = 0usize;
    let mut fresh_tasks = |n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                made += 1;
                fake.create_task_direct(&folder, &format!("load {made}"))["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // results[server][in_flight index]
    let flights = [8usize, 64];
    let mut results: Vec<Vec<Vec<Round>>> =
        vec![vec![Vec::new(), Vec::new()], vec![Vec::new(), Vec::new()]];
    // Warm-up: both processes' instances, connections and caches.
    for s in &servers {
        let ids = fresh_tasks(50);
        round(&rt, s, &ids, 8, &arrivals);
    }
    for _ in 0..repeats {
        for (f, in_flight) in flights.iter().enumerate() {
            for (k, s) in servers.iter().enumerate() {
                let ids = fresh_tasks(per_round);
                results[k][f].push(round(&rt, s, &ids, *in_flight, &arrivals));
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Webhook ingestion: {per_round} signed deliveries per round, {repeats} interleaved rounds each, HTTP sink; medians of the rounds' figures.\n\n| serve | in flight | deliveries/s | delivery→2xx p50 / p99 | delivery→sink p50 / p99 | CPU per delivery: serve / fake+generator+sink | vs baseline (deliveries/s) |\n|---|---|---|---|---|---|---|"
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    for (f, in_flight) in flights.iter().enumerate() {
        let base = median(results[0][f].iter().map(|r| r.per_sec).collect());
        for (k, s) in servers.iter().enumerate() {
            let rs = &results[k][f];
            let rate = median(rs.iter().map(|r| r.per_sec).collect());
            let fig =
                |g: &dyn Fn(&Round) -> Duration| median(rs.iter().map(|r| ms(g(r))).collect());
            let _ = writeln!(
                out,
                "| {} | {in_flight} | {rate:.0} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.0} / {:.0} µs | {:.2}× |",
                s.label,
                fig(&|r| percentile(&r.ack, 0.5)),
                fig(&|r| percentile(&r.ack, 0.99)),
                fig(&|r| percentile(&r.to_sink, 0.5)),
                fig(&|r| percentile(&r.to_sink, 0.99)),
                fig(&|r| r.serve_cpu) * 1e3,
                fig(&|r| r.rest_cpu) * 1e3,
                rate / base
            );
        }
    }
    println!("{out}");
    let _ = std::fs::write(target_dir().join("bench-webhooks.md"), &out);
}
