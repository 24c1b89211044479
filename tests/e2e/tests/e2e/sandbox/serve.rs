//! Sandbox, round three (issue #21), on the resident host: what a component says in `serve` is
//! untrusted too. Each hole a hostile trigger scenario found (`tests/guest-programs`, the
//! trigger scenarios), closed and proven through the real `connector-host serve` process:
//!
//! 1. one subscription cannot hold the others back (limits on what a batch may carry, and a
//!    sink worker that takes every subscription's outbox in turn);
//! 2. the host owns the HTTP framing of a webhook answer;
//! 5. a subscription's call sees its own signing secret only.
//!
//! No assertion measures a latency: each test waits for a condition under a generous deadline,
//! and checks an order or a count that only the fix makes true.

use crate::serve::{free_port, wait_for, Serve};
use e2e_tests::{cli, hostile_component, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `serve` running the hostile guest with `config`, its state in `dir`.
fn hostile_serve(fake: &FakeWrike, dir: &Path, port: u16, config: &str) -> Serve {
    let state = dir.join("serve.db");
    let component = hostile_component();
    Serve::start_with(
        fake,
        dir,
        port,
        config,
        state.to_str().unwrap(),
        &[("CONNECTOR_COMPONENT", component.to_str().unwrap())],
    )
}

/// Each webhook subscription's receiver path and signing secret, from the state database.
fn hooks(dir: &Path) -> BTreeMap<String, (String, String)> {
    let db = rusqlite::Connection::open(dir.join("serve.db")).unwrap();
    let mut st = db
        .prepare("SELECT name, path_token, secret FROM subscriptions")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn post(port: u16, token: &str, body: &Value) -> u16 {
    reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{port}/hooks/{token}"))
        .timeout(Duration::from_secs(60))
        .body(body.to_string())
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// `metrics` holds a line starting with `prefix` (the value after it is not checked).
fn has_metric(metrics: &str, prefix: &str) -> bool {
    metrics.lines().any(|l| l.starts_with(prefix))
}

/// An HTTP sink that answers 503 until `open` is set, then 200, recording the subscription and
/// key of every event it accepted, in order.
type Accepted = Arc<Mutex<Vec<(String, String)>>>;

fn gated_sink() -> (u16, Accepted, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted: Accepted = Arc::default();
    let open = Arc::new(AtomicBool::new(false));
    let (record, gate) = (accepted.clone(), open.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let mut length = 0usize;
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                line.clear();
                if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.trim().eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let status = if gate.load(Ordering::SeqCst) {
                let doc: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                record.lock().unwrap().push((
                    doc["subscription"].as_str().unwrap_or("").to_string(),
                    doc["key"].as_str().unwrap_or("").to_string(),
                ));
                200
            } else {
                503
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (port, accepted, open)
}

/// Flood events in the outbox, all taken within the limits.
const FLOOD: usize = 20_000;
/// The sink worker's chunk per subscription (`connector_host::serve::sink::CHUNK`; spelled out
/// so that this test also builds against a host without it).
const CHUNK: usize = 100;

#[test]
pub(in crate::sandbox) fn one_subscription_cannot_hold_back_the_others() {
    // Before: a delivery of 10^6 events was accepted whole, and a healthy subscription's
    // event reached the sink behind every one of them (the outbox drained strictly in order).
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (sink_port, accepted, open) = gated_sink();
    let config = format!(
        r#"[serve]
check_interval_secs = 3600

[serve.sink]
type = "http"
url = "http://127.0.0.1:{sink_port}/events"
max_backoff_ms = 100

[[subscription]]
name = "flood"
trigger = "flood"
input = {{ per_batch = 1000, batches = {batches}, tag = "flood" }}
interval_secs = 3600

[[subscription]]
name = "too_big_batch"
trigger = "flood"
input = {{ per_batch = 10001, tag = "big" }}
interval_secs = 3600

[[subscription]]
name = "hook_flood"
trigger = "flood_hook"

[[subscription]]
name = "healthy"
trigger = "flood_hook"
"#,
        batches = FLOOD / 1000
    );
    let port = free_port();
    let serve = hostile_serve(&fake, dir.path(), port, &config);
    let hooks = hooks(dir.path());

    // A poll batch over the limit is refused whole, with its typed violation.
    wait_for("the oversized poll batch refused", || {
        has_metric(
            &serve.metrics(),
            "connector_violations_total{subscription=\"too_big_batch\",rule=\"event_limit\"}",
        )
        .then_some(())
    });
    // A delivery of a million events too, answered 503 (the sender retries; nothing taken).
    let started = Instant::now();
    let status = post(port, &hooks["hook_flood"].0, &json!({"events": 1_000_000}));
    eprintln!(
        "a delivery of 10^6 events answered {status} after {:?}",
        started.elapsed()
    );
    assert_eq!(status, 503, "the flood is refused");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "refused in {:?}",
        started.elapsed()
    );
    let metrics = serve.metrics();
    assert!(
        metrics.contains(
            "connector_violations_total{subscription=\"hook_flood\",rule=\"event_limit\"} 1"
        ),
        "{metrics}"
    );
    // Within the limits, the flood fills the outbox while the sink is down.
    wait_for("the flood in the outbox", || {
        serve
            .metrics()
            .contains(&format!(
                "connector_events_total{{subscription=\"flood\"}} {FLOOD}"
            ))
            .then_some(())
    });
    // The healthy subscription's event comes last…
    let status = post(
        port,
        &hooks["healthy"].0,
        &json!({"events": 1, "tag": "healthy"}),
    );
    assert_eq!(status, 200);
    // …and once the sink is back, it waits for at most one chunk of the flood.
    open.store(true, Ordering::SeqCst);
    let opened = Instant::now();
    let seen = wait_for("the healthy event at the sink", || {
        let seen = accepted.lock().unwrap().clone();
        seen.iter().any(|(sub, _)| sub == "healthy").then_some(seen)
    });
    let before = seen.iter().take_while(|(sub, _)| sub != "healthy").count();
    eprintln!(
        "the healthy event reached the sink {:?} after it opened, behind {before} flood events",
        opened.elapsed()
    );
    assert!(
        before <= CHUNK + 1,
        "the healthy event waited behind {before} flood events"
    );
    assert!(before < FLOOD, "the flood was not done");
    assert!(
        seen.iter()
            .all(|(sub, _)| sub == "flood" || sub == "healthy"),
        "nothing of the refused batches reached the sink: {:?}",
        seen.iter()
            .filter(|(s, _)| s != "flood")
            .take(3)
            .collect::<Vec<_>>()
    );
    serve.stop();
}

/// One HTTP/1.1 exchange on a keep-alive connection: the status, headers (lower-case names)
/// and body of the answer, read by its `content-length`.
fn exchange(
    reader: &mut BufReader<TcpStream>,
    path: &str,
    body: &Value,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let body = body.to_string();
    write!(
        reader.get_mut(),
        "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut line = String::new();
    reader.read_line(&mut line).expect("an answer, in time");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line, not {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').unwrap();
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("the host frames every answer with its content-length");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, body)
}

#[test]
pub(in crate::sandbox) fn the_host_owns_the_framing_of_webhook_answers() {
    // Before: the guest's headers were copied and its status taken as it was — a wrong
    // content-length desynchronised the connection, 101 switched protocols, 0 became 200.
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = "[serve]\ncheck_interval_secs = 3600\n\n[[subscription]]\nname = \"answer\"\ntrigger = \"answer\"\n";
    let port = free_port();
    let serve = hostile_serve(&fake, dir.path(), port, config);
    let path = format!("/hooks/{}", hooks(dir.path())["answer"].0);
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut conn = BufReader::new(stream);
    let refused = [
        (
            json!({"status": 200, "headers": [["content-length", "1"]], "body": "abcdef", "key": "cl-short"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["Content-Length", "999"]], "body": "abcdef", "key": "cl-long"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["transfer-encoding", "chunked"]], "body": "abcdef", "key": "te"}),
            "answer_header",
        ),
        (
            json!({"status": 101, "headers": [["upgrade", "websocket"], ["connection", "upgrade"]], "key": "upgrade"}),
            "answer_status",
        ),
        (
            json!({"status": 200, "headers": [["upgrade", "websocket"]], "key": "upgrade-header"}),
            "answer_header",
        ),
        (json!({"status": 999, "key": "s999"}), "answer_status"),
        (json!({"status": 0, "key": "s0"}), "answer_status"),
        (
            json!({"status": 204, "body": "not empty", "key": "s204"}),
            "answer_status",
        ),
        (
            json!({"status": 200, "headers": [["set-cookie", "session=stolen"]], "key": "cookie"}),
            "answer_header",
        ),
        (
            json!({"status": 302, "headers": [["location", "https://evil.example/"]], "key": "redirect"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["server", "evil/1.0"]], "key": "server"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["x-hook-secret", "caf\u{e9}"]], "key": "non-ascii"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["x-hook-secret", "a".repeat(2000)]], "key": "long-value"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "headers": [["content-type", "a"], ["content-type", "b"]], "key": "twice"}),
            "answer_header",
        ),
        (
            json!({"status": 200, "body_bytes": 100_000, "key": "big-body"}),
            "answer_too_large",
        ),
    ];
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for (ask, rule) in &refused {
        let (status, headers, _) = exchange(&mut conn, &path, ask);
        assert_eq!(status, 503, "{ask} is answered by the host as a failure");
        for (k, v) in &headers {
            assert!(
                ![
                    "upgrade",
                    "set-cookie",
                    "location",
                    "server",
                    "transfer-encoding"
                ]
                .contains(&k.as_str()),
                "{ask}: the answer carries `{k}: {v}`"
            );
        }
        *expected.entry(rule).or_default() += 1;
    }
    // The same connection still works, and a well-formed answer goes out as the guest gave
    // it, in the host's framing.
    let good = json!({"status": 200, "headers": [["Content-Type", "text/plain"], ["X-Hook-Secret", "abc123"]], "body": "fine", "key": "good"});
    let (status, headers, body) = exchange(&mut conn, &path, &good);
    assert_eq!((status, body.as_slice()), (200, &b"fine"[..]));
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(find("content-type"), Some("text/plain"));
    assert_eq!(find("x-hook-secret"), Some("abc123"));
    assert_eq!(find("content-length"), Some("4"));
    let metrics = serve.metrics();
    for (rule, n) in &expected {
        let line =
            format!("connector_violations_total{{subscription=\"answer\",rule=\"{rule}\"}} {n}");
        assert!(metrics.contains(&line), "{line} in\n{metrics}");
    }
    // Only the good answer's event was taken: no refused answer was acknowledged.
    let lines = wait_for("the good answer's event", || {
        let lines = serve.lines();
        lines.iter().any(|l| l["key"] == "good").then_some(lines)
    });
    let keys: Vec<&str> = lines.iter().filter_map(|l| l["key"].as_str()).collect();
    assert_eq!(keys, ["good"], "{lines:?}");
    serve.stop();
}

#[test]
pub(in crate::sandbox) fn a_subscription_sees_only_its_own_secret() {
    // Before: during one subscription's handle-delivery, `host.secret("webhook:<other>")`
    // returned the other subscription's signing secret (both on one connection).
    // Strict (an instance per call), and with instances reused within the connection: an
    // instance that read one subscription's secret never serves another subscription.
    for reuse_calls in [1, 100] {
        secrets_are_lent_per_subscription_and_call(reuse_calls);
    }
}

fn secrets_are_lent_per_subscription_and_call(reuse_calls: u32) {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"[engine]
reuse_calls = {reuse_calls}

[serve]
check_interval_secs = 3600

[[subscription]]
name = "a"
trigger = "peek"

[[subscription]]
name = "b"
trigger = "peek"

[[subscription]]
name = "p"
trigger = "peek_poll"
input = {{ names = ["webhook:a", "webhook:b"] }}
interval_secs = 3600
"#
    );
    let port = free_port();
    let serve = hostile_serve(&fake, dir.path(), port, &config);
    let hooks = hooks(dir.path());
    let names = json!(["webhook:a", "webhook:b", "webhook:p", "webhook_secret"]);
    assert_eq!(
        post(
            port,
            &hooks["a"].0,
            &json!({"names": names, "key": "from-a"})
        ),
        200
    );
    // A second delivery to `a`: with reuse, it runs in the instance the first one left.
    assert_eq!(
        post(
            port,
            &hooks["a"].0,
            &json!({"names": names, "key": "from-a-again"})
        ),
        200
    );
    assert_eq!(
        post(
            port,
            &hooks["b"].0,
            &json!({"names": names, "key": "from-b"})
        ),
        200
    );
    let lines = wait_for("what every call saw", || {
        let lines = serve.lines();
        let by_key: BTreeMap<String, Value> = lines
            .iter()
            .map(|l| {
                (
                    l["key"].as_str().unwrap_or("").to_string(),
                    l["event"].clone(),
                )
            })
            .collect();
        ["from-a", "from-a-again", "from-b", "peek-poll"]
            .iter()
            .all(|k| by_key.contains_key(*k))
            .then_some(by_key)
    });
    for (key, own, other) in [("from-a", "a", "b"), ("from-b", "b", "a")] {
        let event = &lines[key];
        assert_eq!(event["own"], format!("webhook:{own}"), "{event}");
        assert_eq!(event["own_secret"], true, "its own secret is lent: {event}");
        assert_eq!(
            event["seen"][format!("webhook:{own}")],
            hooks[own].1.as_str(),
            "{event}"
        );
        for name in [
            format!("webhook:{other}"),
            "webhook:p".into(),
            "webhook_secret".into(),
        ] {
            assert!(
                event["seen"][&name].is_null(),
                "subscription {own} read `{name}`: {event}"
            );
        }
    }
    // What an instance remembers from earlier calls: only ever its own subscription's secret,
    // and (with reuse) that one, proving the instance was reused.
    let again = &lines["from-a-again"]["remembered"];
    let remembered_a = if reuse_calls > 1 {
        json!({"webhook:a": hooks["a"].1})
    } else {
        json!({})
    };
    assert_eq!(again, &remembered_a, "{again}");
    for key in ["from-b", "peek-poll"] {
        let remembered = &lines[key]["remembered"];
        assert!(
            !remembered.to_string().contains(hooks["a"].1.as_str()),
            "`{key}` ran in an instance that had read subscription a's secret: {remembered}"
        );
    }
    // A polling subscription on the same connection sees no signing secret at all.
    let polled = &lines["peek-poll"];
    assert!(
        polled["seen"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_null),
        "{polled}"
    );
    serve.stop();
}

/// `connector-host poll flood` with `input`: the bounds hold outside `serve` too.
fn poll_flood(fake: &FakeWrike, dir: &Path, input: Value) -> CliRun {
    let mut cmd = cli(fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component()).args([
        "poll",
        "flood",
        "--input",
        &input.to_string(),
        "--state",
        dir.join("poll.db").to_str().unwrap(),
    ]);
    CliRun::of(&mut cmd)
}

#[test]
pub(in crate::sandbox) fn every_quantity_of_a_batch_is_bounded_with_its_own_rule() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (json!({"per_batch": 10_001}), "event_limit", "10001 events"),
        (json!({"key_bytes": 1025}), "event_too_large", "1025 bytes"),
        (json!({"key": "a\u{7}b"}), "event_key_invalid", "control"),
        (json!({"key": ""}), "event_key_invalid", "empty"),
        (
            json!({"payload_bytes": 1024 * 1024}),
            "event_too_large",
            "payload",
        ),
        (
            json!({"cursor_bytes": 1024 * 1024}),
            "cursor_too_large",
            "cursor",
        ),
    ];
    for (input, rule, says) in cases {
        let run = poll_flood(&fake, dir.path(), input.clone());
        assert_eq!(run.code, 7, "{input}: {}", run.stderr);
        let e = run.error();
        assert_eq!(e["rule"], rule, "{input}: {e}");
        assert!(e["message"].as_str().unwrap().contains(says), "{e}");
        assert!(e["hint"].is_string(), "{e}");
        assert!(run.stdout.is_empty(), "nothing of the batch is taken");
    }
    // Just within the limits, the same batch is taken.
    let run = poll_flood(
        &fake,
        dir.path(),
        json!({"per_batch": 10_000, "key_bytes": 0, "tag": "ok"}),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 10_000);
}
