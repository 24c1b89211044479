//! Webhooks: subscriptions, handshake, signed deliveries.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Api;
use fake_wrike::resources::webhooks::sign;
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A tiny HTTP receiver on loopback. `secret`: answer the handshake with this secret.
fn receiver(secret: Option<&'static str>) -> (String, Seen) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut c) = conn else { break };
            c.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut r = BufReader::new(c.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let mut headers = vec![];
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                let h = h.trim_end().to_string();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            let challenge = headers
                .iter()
                .find(|(k, _)| k == "x-hook-secret")
                .map(|(_, v)| v.clone());
            let extra = match (challenge, secret) {
                (Some(ch), Some(sec)) => format!("X-Hook-Secret: {}\r\n", sign(sec, ch.as_bytes())),
                (Some(_), None) => "X-Hook-Secret: wrong\r\n".to_string(),
                _ => String::new(),
            };
            s2.lock().unwrap().push((headers, body));
            let resp =
                format!("HTTP/1.1 200 OK\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
            c.write_all(resp.as_bytes()).unwrap();
        }
    });
    (url, seen)
}

fn events(w: &FakeWrike, n: usize) -> Vec<Value> {
    w.wait_for_webhook_deliveries(n, Duration::from_secs(5))
        .iter()
        .filter(|d| !d.handshake)
        .map(|d| d.json()[0].clone())
        .collect()
}

#[test]
fn account_hook_receives_task_and_comment_events() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let (url, seen) = receiver(None);
    let h = api.post("/webhooks", &[("hookUrl", &url)]).ok();
    assert_eq!(h.json["kind"], "webhooks");
    assert_eq!(h.data()[0]["status"], "Active");
    let hid = h.ids()[0].clone();
    assert_eq!(api.get("/webhooks", &[]).ok().ids(), vec![hid.clone()]);

    let folder = w.folder_ids()[0].0.clone();
    let t = api
        .post(&format!("/folders/{folder}/tasks"), &[("title", "Hooked")])
        .ok();
    let tid = t.ids()[0].clone();
    api.put(&format!("/tasks/{tid}"), &[("status", "Completed")])
        .ok();
    api.post(&format!("/tasks/{tid}/comments"), &[("text", "hi")])
        .ok();
    let ev = events(&w, 3);
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert_eq!(ev[0]["eventType"], "TaskCreated");
    assert_eq!(ev[0]["taskId"], tid);
    assert_eq!(ev[0]["webhookId"], hid);
    assert_eq!(ev[0]["eventAuthorId"], w.me_id());
    assert!(ev[0]["lastUpdatedDate"].is_string());
    assert_eq!(ev[1]["eventType"], "TaskStatusChanged");
    assert_eq!(ev[1]["oldStatus"], "Active");
    assert_eq!(ev[1]["status"], "Completed");
    assert_eq!(ev[2]["eventType"], "CommentAdded");
    assert!(ev[2]["commentId"].is_string());
    let got = seen.lock().unwrap();
    assert_eq!(got.len(), 3);
    assert!(got[0].0.iter().all(|(k, _)| k != "x-hook-signature"));
    drop(got);

    // Suspended hooks deliver nothing.
    api.put(&format!("/webhooks/{hid}"), &[("status", "Suspended")])
        .ok();
    w.create_task_direct(&folder, "quiet");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(w.webhook_deliveries().len(), 3);
    api.delete(&format!("/webhooks/{hid}")).ok();
    api.get(&format!("/webhooks/{hid}"), &[])
        .err(404, "resource_not_found");
}

#[test]
fn folder_hook_with_secret_and_event_filter() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let (url, seen) = receiver(Some("s3cret"));
    let folder = w.folder_ids()[0].0.clone();
    let h = api
        .post(
            &format!("/folders/{folder}/webhooks"),
            &[
                ("hookUrl", &url),
                ("secret", "s3cret"),
                ("events", "[TaskCreated,TaskTitleChanged]"),
            ],
        )
        .ok();
    assert_eq!(h.data()[0]["folderId"], folder);
    let hid = h.ids()[0].clone();
    let d = w.wait_for_webhook_deliveries(1, Duration::from_secs(5));
    assert!(d[0].handshake);
    assert_eq!(d[0].error, None);
    assert_eq!(
        d[0].json(),
        json!({"requestType": "WebHook secret verification"})
    );
    let t = w.create_task_direct(&folder, "in folder");
    let tid = t["id"].as_str().unwrap();
    w.update_task_direct(tid, json!({"title": "renamed", "importance": "High"}));
    w.create_task_direct(&w.folder_ids()[1].0, "elsewhere");
    let all = w.wait_for_webhook_deliveries(3, Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(200));
    let all2 = w.webhook_deliveries();
    assert_eq!(all.len(), 3, "{all2:?}");
    assert_eq!(all2.len(), 3);
    assert_eq!(all[1].json()[0]["eventType"], "TaskCreated");
    assert_eq!(all[2].json()[0]["eventType"], "TaskTitleChanged");
    assert_eq!(all[2].json()[0]["oldValue"], "in folder");
    // Signature over the raw body.
    let got = seen.lock().unwrap();
    let (headers, body) = &got[1];
    let sig = headers
        .iter()
        .find(|(k, _)| k == "x-hook-signature")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(sig, sign("s3cret", body));
    drop(got);
    assert_eq!(
        api.get(&format!("/webhooks/{hid}"), &[]).ok().data()[0]["status"],
        "Active"
    );

    // A receiver that fails the handshake gets its hook suspended.
    let (bad_url, _) = receiver(None);
    let bad = api
        .post("/webhooks", &[("hookUrl", &bad_url), ("secret", "x")])
        .ok();
    let bid = bad.ids()[0].clone();
    let d = w.wait_for_webhook_deliveries(4, Duration::from_secs(5));
    assert!(d[3].handshake && d[3].error.is_some());
    assert_eq!(
        api.get(&format!("/webhooks/{bid}"), &[]).ok().data()[0]["status"],
        "Suspended"
    );
    api.post("/webhooks", &[("hookUrl", &url), ("events", "[Nope]")])
        .err(400, "invalid_parameter");
    api.post("/webhooks", &[]).err(400, "parameter_required");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`hookUrl` is required"]);
}
