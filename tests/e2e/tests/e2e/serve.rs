//! `connector-host serve` as a real process against the fake Wrike: the handshake, signed
//! deliveries (good, bad, missing, replayed), changes arriving once, a suspended hook
//! re-activated with its gap filled, a SIGKILL mid-run, an HTTP sink down and back.
//!
//! No assertion depends on timing: each test waits for a condition, with a generous deadline
//! that only bounds a failing test.

use e2e_tests::cli;
use fake_wrike::resources::webhooks::sign;
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) use e2e_tests::registry::free_port;
pub(super) use e2e_tests::wait_for;

/// A running `serve` process whose stdout JSON lines are collected.
pub(super) struct Serve {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Serve {
    pub(super) fn start(fake: &FakeWrike, dir: &Path, port: u16, config: &str) -> Serve {
        let path = dir.join("serve.toml");
        std::fs::write(&path, config).unwrap();
        let state = dir.join("serve.db");
        Serve::spawn(fake, &path, port, state.to_str().unwrap(), &[])
    }

    /// `serve` with the state at `state` (a file or a `postgres://` URL), and `env` set (for
    /// example another `CONNECTOR_TOKEN`).
    pub(super) fn start_with(
        fake: &FakeWrike,
        dir: &Path,
        port: u16,
        config: &str,
        state: &str,
        env: &[(&str, &str)],
    ) -> Serve {
        let path = dir.join(format!("serve-{port}.toml"));
        std::fs::write(&path, config).unwrap();
        Serve::spawn(fake, &path, port, state, env)
    }

    fn spawn(fake: &FakeWrike, path: &Path, port: u16, state: &str, env: &[(&str, &str)]) -> Serve {
        let mut cmd = cli(fake);
        cmd.envs(env.iter().copied());
        let mut child = cmd
            .args(["--config", path.to_str().unwrap(), "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--public-url", &format!("http://127.0.0.1:{port}")])
            .args(["--state", state])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    sink.lock().unwrap().push(v);
                }
            }
        });
        let serve = Serve { child, port, lines };
        wait_for("/healthz", || {
            reqwest::blocking::get(format!("http://127.0.0.1:{port}/healthz"))
                .ok()
                .filter(|r| r.status().is_success())
        });
        serve
    }

    pub(super) fn lines(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits until an event about `id` matching `pred` was printed; returns every line.
    pub(super) fn wait_event(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        wait_for(what, || {
            let lines = self.lines();
            lines.iter().any(&pred).then_some(lines)
        })
    }

    /// Waits until subscription `tasks` has run its first (catch-up) poll.
    pub(super) fn wait_first_catch_up(&self) {
        let done = "connector_poll_seconds_count{subscription=\"tasks\"} 1";
        wait_for("the first catch-up poll", || {
            self.metrics().contains(done).then_some(())
        });
    }

    pub(super) fn metrics(&self) -> String {
        reqwest::blocking::get(format!("http://127.0.0.1:{}/metrics", self.port))
            .unwrap()
            .text()
            .unwrap()
    }

    /// Ctrl-C (SIGINT) and wait for a clean exit.
    pub(super) fn stop(mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let status = wait_for("serve to exit", || self.child.try_wait().unwrap());
        assert!(status.success(), "serve exited with {status}");
    }

    pub(super) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn task_hook_config(folder: &str) -> String {
    // Instances reused within the connection (the default, spelled out).
    format!(
        r#"[engine]
reuse_calls = 100

[serve]
check_interval_secs = 1

[[subscription]]
name = "tasks"
trigger = "new_or_updated_task_webhook"
input = {{ folderId = "{folder}", recursive = true }}
"#
    )
}

/// The one hook the fake holds, once its handshake was answered.
pub(super) fn active_hook(fake: &FakeWrike) -> (String, String, String) {
    wait_for("the hook's handshake", || {
        fake.webhook_deliveries()
            .iter()
            .find(|d| d.handshake && d.status == Some(200) && d.error.is_none())
            .map(|d| d.webhook_id.clone())
    });
    fake.with_store(|st| {
        let h = st.webhooks.values().next().expect("a hook").clone();
        (h.id, h.hook_url, h.secret.expect("a secret"))
    })
}

pub(super) fn post(url: &str, signature: Option<&str>, body: &[u8]) -> u16 {
    let client = reqwest::blocking::Client::new();
    let mut req = client.post(url).body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("X-Hook-Signature", s);
    }
    req.send().unwrap().status().as_u16()
}

pub(super) fn keys_of(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["key"].as_str().unwrap_or("").to_string())
        .collect()
}

pub(super) fn assert_no_duplicates(lines: &[Value]) {
    let keys = keys_of(lines);
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "an event arrived twice: {keys:?}");
}

#[test]
fn handshake_then_good_bad_missing_and_replayed_signatures() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&fake, dir.path(), free_port(), &task_hook_config(&folder));
    let (_, url, secret) = active_hook(&fake);
    assert!(
        url.contains("/hooks/") && url.len() > 50,
        "unguessable path: {url}"
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("serve.toml"))
            .unwrap()
            .contains(&secret),
        "the secret is never written to the config"
    );

    // A genuine, signed delivery from the fake.
    let task = fake.create_task_direct(&folder, "signed");
    let id = task["id"].as_str().unwrap().to_string();
    serve.wait_event("the created task", |l| l["event"]["id"] == id.as_str());

    // Forged requests: no signature, a wrong one.
    let body =
        json!([{"taskId": id, "eventType": "TaskTitleChanged", "webhookId": "X"}]).to_string();
    assert_eq!(post(&url, None, body.as_bytes()), 401);
    assert_eq!(
        post(&url, Some(&sign("wrong", body.as_bytes())), body.as_bytes()),
        401
    );

    // A replay of the real delivery is accepted, and yields no second event.
    let delivered = wait_for("the recorded delivery", || {
        fake.webhook_deliveries()
            .into_iter()
            .find(|d| !d.handshake && d.status == Some(200))
    });
    assert_eq!(
        post(&url, Some(&sign(&secret, &delivered.body)), &delivered.body),
        200
    );

    // The next real change arrives, after which the replay would have shown up already.
    fake.update_task_direct(&id, json!({"title": "signed, renamed"}));
    let lines = serve.wait_event("the update", |l| l["event"]["title"] == "signed, renamed");
    let about: Vec<&Value> = lines
        .iter()
        .filter(|l| l["event"]["id"] == id.as_str())
        .collect();
    assert_eq!(about.len(), 2, "created once and updated once: {lines:?}");
    assert_no_duplicates(&lines);
    let metrics = serve.metrics();
    assert!(
        metrics.contains("connector_webhook_rejected_total{subscription=\"tasks\"} 2"),
        "{metrics}"
    );
    serve.stop();
}

/// Real time is what this requirement is about: a change reaches the sink within 2 s.
const WITHIN: Duration = Duration::from_secs(2);

#[test]
fn a_task_created_updated_and_commented_arrives_once_per_version() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&fake, dir.path(), free_port(), &task_hook_config(&folder));
    let (_, url, secret) = active_hook(&fake);
    let created = Instant::now();
    let task = fake.create_task_direct(&folder, "life");
    let id = task["id"].as_str().unwrap().to_string();
    serve.wait_event("the created task", |l| l["event"]["id"] == id.as_str());
    let took = created.elapsed();
    assert!(
        took < WITHIN,
        "the new task reached the sink after {took:?}"
    );
    fake.update_task_direct(&id, json!({"status": "Completed"}));
    fake.call_direct(
        "POST",
        &format!("/tasks/{id}/comments"),
        json!({"text": "done"}),
    )
    .unwrap();
    let last = fake
        .call_direct("GET", &format!("/tasks/{id}"), json!({}))
        .unwrap();
    let final_key = format!("{id}@{}", last[0]["updatedDate"].as_str().unwrap());
    let lines = serve.wait_event("the task's latest version", |l| {
        l["key"] == final_key.as_str()
    });
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["key"] == final_key.as_str())
            .count(),
        1
    );
    assert_no_duplicates(&lines);
    // Every line about the task is a distinct version, oldest first.
    let dates: Vec<&str> = lines
        .iter()
        .filter(|l| l["event"]["id"] == id.as_str())
        .map(|l| l["event"]["updatedDate"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);

    // Every delivery sent again newest first and twice: duplicates and disorder add nothing.
    // The latest version may arrive before the comment's delivery is recorded: wait for it.
    let delivered = |d: &fake_wrike::WebhookDelivery| !d.handshake && d.status == Some(200);
    let deliveries: Vec<_> = wait_for("created, updated, commented deliveries", || {
        let done: Vec<_> = fake.webhook_deliveries();
        let done: Vec<_> = done.into_iter().filter(delivered).collect();
        (done.len() >= 3).then_some(done)
    });
    for d in deliveries.iter().rev().chain(deliveries.iter()) {
        assert_eq!(post(&url, Some(&sign(&secret, &d.body)), &d.body), 200);
    }
    // A last change: once it arrived, the replays would have arrived before it.
    let changed = Instant::now();
    fake.update_task_direct(&id, json!({"title": "life, renamed"}));
    let lines = serve.wait_event("the rename", |l| l["event"]["title"] == "life, renamed");
    let took = changed.elapsed();
    assert!(took < WITHIN, "the update reached the sink after {took:?}");
    assert_no_duplicates(&lines);
    let dates: Vec<&str> = lines
        .iter()
        .filter(|l| l["event"]["id"] == id.as_str())
        .map(|l| l["event"]["updatedDate"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "in order of updatedDate");
    serve.stop();
}

#[test]
fn a_suspended_hook_is_reactivated_and_the_gap_filled() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&fake, dir.path(), free_port(), &task_hook_config(&folder));
    let (hook, _, _) = active_hook(&fake);
    // The catch-up poll that follows subscribing has run: the gap below is a new one.
    serve.wait_first_catch_up();
    fake.call_direct(
        "PUT",
        &format!("/webhooks/{hook}"),
        json!({"status": "Suspended"}),
    )
    .unwrap();
    // Created while the hook is suspended: Wrike delivers nothing for it.
    let missed = fake.create_task_direct(&folder, "while suspended");
    let id = missed["id"].as_str().unwrap().to_string();
    wait_for("the hook re-activated", || {
        let hooks = fake
            .call_direct("GET", &format!("/webhooks/{hook}"), json!({}))
            .unwrap();
        (hooks[0]["status"] == "Active").then_some(())
    });
    serve.wait_event("the missed task, from the catch-up poll", |l| {
        l["event"]["id"] == id.as_str()
    });
    let sent_to_hook = fake
        .webhook_deliveries()
        .iter()
        .filter(|d| !d.handshake)
        .any(|d| String::from_utf8_lossy(&d.body).contains(&id));
    assert!(
        !sent_to_hook,
        "the suspended hook delivered nothing: the catch-up filled the gap"
    );
    assert_no_duplicates(&serve.lines());
    serve.stop();
}

/// What the test sink saw: status answered, `Idempotency-Key`, body.
type SinkLog = Arc<Mutex<Vec<(u16, String, Value)>>>;

/// A one-thread HTTP server that answers 503 to the first `fail` requests, then 200, and
/// records each request's `Idempotency-Key` and body.
fn flaky_sink(fail: usize) -> (u16, SinkLog) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut key) = (0usize, String::new());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                let (k, v) = line.split_once(':').unwrap();
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap(),
                    "idempotency-key" => key = v.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let status = if n < fail { 503 } else { 200 };
            let doc = serde_json::from_slice(&body).unwrap_or(Value::Null);
            record.lock().unwrap().push((status, key, doc));
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (port, seen)
}

#[test]
fn the_http_sink_down_then_back_gets_every_event_with_its_idempotency_key() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let ids: Vec<String> = (0..3)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("s{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let (sink_port, seen) = flaky_sink(4);
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"[serve.sink]
type = "http"
url = "http://127.0.0.1:{sink_port}/events"
max_backoff_ms = 200

[[subscription]]
name = "poll"
trigger = "new_or_updated_task"
input = {{ folderId = "{folder}" }}
interval_secs = 3600
"#
    );
    let serve = Serve::start(&fake, dir.path(), free_port(), &config);
    let accepted = wait_for("every event accepted by the sink", || {
        let s = seen.lock().unwrap().clone();
        let ok: Vec<_> = s.into_iter().filter(|(st, _, _)| *st == 200).collect();
        let got: Vec<&str> = ok
            .iter()
            .filter_map(|(_, _, d)| d["event"]["id"].as_str())
            .collect();
        ids.iter()
            .all(|id| got.contains(&id.as_str()))
            .then_some(ok)
    });
    let all = seen.lock().unwrap().clone();
    assert!(
        all.iter().take(4).all(|(st, _, _)| *st == 503),
        "it was down first"
    );
    for (_, key, doc) in &accepted {
        assert_eq!(key, &format!("poll/{}", doc["key"].as_str().unwrap()));
    }
    // The first event was tried until the sink came back: the same key each time.
    let first_key = &all[0].1;
    assert!(all.iter().take(5).all(|(_, k, _)| k == first_key));
    serve.stop();
}

#[test]
fn sigkill_mid_run_then_restart_loses_nothing_and_stores_nothing_twice() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let ids: Vec<String> = (0..12)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("k{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    // A command sink slow enough that the kill lands while events are still in the outbox.
    let config = format!(
        r#"[serve.sink]
type = "command"
argv = ["sh", "-c", "cat >> '{out}'; sleep 0.2"]

[[subscription]]
name = "poll"
trigger = "new_or_updated_task"
input = {{ folderId = "{folder}", pageSize = 2 }}
interval_secs = 3600
"#,
        out = dir.path().join("out.jsonl").display()
    );
    let delivered = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("out.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|v| v["event"]["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let port = free_port();
    let serve = Serve::start(&fake, dir.path(), port, &config);
    wait_for("a first delivered event", || {
        (!delivered(dir.path()).is_empty()).then_some(())
    });
    serve.kill();
    let before = delivered(dir.path()).len();
    assert!(before < ids.len(), "killed mid-run");

    let serve = Serve::start(&fake, dir.path(), free_port(), &config);
    let got = wait_for("every task delivered", || {
        let got = delivered(dir.path());
        ids.iter().all(|id| got.contains(id)).then_some(got)
    });
    serve.stop();
    // At least once to the sink: only events delivered before the kill (not yet acknowledged)
    // may be repeated.
    assert!(got.len() <= ids.len() + before, "{got:?}");
    // Exactly once into the outbox.
    let db = rusqlite::Connection::open(dir.path().join("serve.db")).unwrap();
    let (rows, distinct): (i64, i64) = db
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT key) FROM events WHERE subscription = 'poll'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, distinct), (ids.len() as i64, ids.len() as i64));
    let pending: i64 = db
        .query_row("SELECT COUNT(*) FROM events WHERE acked = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(pending, 0, "the outbox is empty after a clean stop");
}

#[test]
fn unsubscribe_removes_the_hook_and_the_stored_subscription() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&fake, dir.path(), free_port(), &task_hook_config(&folder));
    active_hook(&fake);
    serve.stop();
    let path = dir.path().join("serve.toml");
    let run = e2e_tests::CliRun::of(
        cli(&fake)
            .args(["--config", path.to_str().unwrap(), "serve", "--unsubscribe"])
            .args(["--state", dir.path().join("serve.db").to_str().unwrap()]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fake.with_store(|st| st.webhooks.is_empty()));
}

#[test]
fn a_new_public_url_replaces_the_hook_and_deliveries_follow() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let config = task_hook_config(&folder);
    let serve = Serve::start(&fake, dir.path(), free_port(), &config);
    let (old, _, _) = active_hook(&fake);
    serve.stop();

    let port = free_port();
    let serve = Serve::start(&fake, dir.path(), port, &config);
    let new_url = wait_for("the hook registered again", || {
        let hooks = fake.with_store(|st| st.webhooks.clone());
        let fresh = hooks
            .values()
            .find(|h| h.hook_url.contains(&format!(":{port}/")))
            .map(|h| h.hook_url.clone());
        (!hooks.contains_key(&old)).then_some(fresh).flatten()
    });
    assert!(new_url.starts_with(&format!("http://127.0.0.1:{port}/hooks/")));
    let task = fake.create_task_direct(&folder, "after the move");
    let id = task["id"].as_str().unwrap().to_string();
    serve.wait_event("the task through the new hook", |l| {
        l["event"]["id"] == id.as_str()
    });
    serve.stop();
}
