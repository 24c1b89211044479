//! Attachment actions through the host against the fake Wrike: upload real bytes, list, read
//! the metadata and the public URL, download them back (base64 round trip), upload a new
//! version, delete — plus the account-level list rules and the host's response-size cap.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::Duration;
use connector_host::{Connector, ErrorKind, HostError, Limits, SandboxRule};
use e2e_tests::{cli, wrike, wrike_with, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::io::{Read, Write};

async fn ok(c: &Connector, action: &str, input: Value) -> Value {
    c.execute(action, &input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"))
}

async fn err(c: &Connector, action: &str, input: Value) -> HostError {
    match c.execute(action, &input).await {
        Ok(v) => panic!("{action} should fail, returned {v}"),
        Err(e) => e,
    }
}

fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Every byte value, so nothing survives by accident of being text.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

fn task_by_title(fake: &FakeWrike, title: &str) -> String {
    fake.task_ids()
        .into_iter()
        .find(|id| fake.task(id).unwrap()["title"] == title)
        .unwrap()
}

/// A plain HTTP GET (no credentials), returning the status and the body.
fn http_get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "expected a plain body: {head}"
    );
    let status = head[9..12].parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_download_round_trips_real_bytes() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let bytes = binary(5000);

    let up = ok(
        &c,
        "upload_attachment",
        json!({"taskId": task, "fileName": "plan v1.bin", "contentBase64": B64.encode(&bytes)}),
    )
    .await;
    let id = up["id"].as_str().unwrap().to_string();
    assert_eq!(up["name"], "plan v1.bin");
    assert_eq!(up["taskId"], task.as_str());
    assert_eq!(up["size"], 5000);
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.body, bytes, "the raw bytes are the request body");
    assert_eq!(post.header("x-file-name"), Some("plan v1.bin"));
    // As Wrike's own clients send it: octet-stream, the name in X-File-Name.
    assert_eq!(
        post.header("content-type"),
        Some("application/octet-stream")
    );

    let down = ok(&c, "download_attachment", json!({"attachmentId": id})).await;
    assert_eq!(down["attachmentId"], id.as_str());
    assert_eq!(down["size"], 5000);
    assert_eq!(down["contentType"], "application/octet-stream");
    assert_eq!(down["fileName"], "plan v1.bin");
    assert_eq!(
        B64.decode(down["contentBase64"].as_str().unwrap()).unwrap(),
        bytes
    );

    let missing = format!("{}IYZZZZZZ", fake.account_id());
    let e = err(&c, "download_attachment", json!({"attachmentId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = err(
        &c,
        "upload_attachment",
        json!({"taskId": task, "fileName": "x.txt", "contentBase64": "not base64!"}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("contentBase64"));
    let e = err(
        &c,
        "upload_attachment",
        json!({"fileName": "x.txt", "contentBase64": B64.encode(b"x")}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    fake.add_token("ro", &["wsReadOnly"]);
    let ro = wrike_with(&fake, "ro", Limits::default());
    let e = err(
        &ro,
        "upload_attachment",
        json!({"taskId": task, "fileName": "x.txt", "contentBase64": B64.encode(b"x")}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

#[test]
fn upload_to_a_folder_and_download_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[1].0.clone();
    let bytes = binary(300);
    let run = CliRun::of(cli(&fake).args([
        "call",
        "upload_attachment",
        "--input",
        &json!({"folderId": folder, "fileName": "diagram.png", "contentBase64": B64.encode(&bytes)}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let up = run.json();
    assert_eq!(up["folderId"], folder.as_str());
    let id = up["id"].as_str().unwrap();

    let run = CliRun::of(cli(&fake).args([
        "call",
        "download_attachment",
        "--input",
        &json!({"attachmentId": id}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let down = run.json();
    assert_eq!(
        down["contentType"], "image/png",
        "Wrike types the file by its name"
    );
    assert_eq!(
        B64.decode(down["contentBase64"].as_str().unwrap()).unwrap(),
        bytes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_metadata_and_url() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let folder = fake.folder_ids()[0].0.clone();
    let on_task = ok(
        &c,
        "upload_attachment",
        json!({"taskId": task, "fileName": "notes.txt", "contentBase64": B64.encode(b"task notes")}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let on_folder = ok(
        &c,
        "upload_attachment",
        json!({"folderId": folder, "fileName": "brief.txt", "contentBase64": B64.encode(b"folder brief")}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let listed = ok(&c, "list_attachments", json!({"taskId": task})).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["id"], on_task.as_str());
    assert_eq!(items[0]["name"], "notes.txt");
    let listed = ok(
        &c,
        "list_attachments",
        json!({"folderId": folder, "withUrls": true}),
    )
    .await;
    assert_eq!(listed["items"][0]["id"], on_folder.as_str());
    assert!(listed["items"][0]["url"].is_string(), "{listed}");

    // Account-wide: a createdDate range shorter than 31 days is required.
    let now = fake.now();
    let listed = ok(
        &c,
        "list_attachments",
        json!({"createdDate": {"start": ts(now - Duration::days(1)), "end": ts(now + Duration::minutes(1))}}),
    )
    .await;
    let mut all: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    all.sort();
    let mut expected = vec![on_task.as_str(), on_folder.as_str()];
    expected.sort();
    assert_eq!(all, expected);
    fake.clear_requests();
    let e = err(&c, "list_attachments", json!({})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("createdDate"));
    let e = err(
        &c,
        "list_attachments",
        json!({"createdDate": {"start": ts(now - Duration::days(40)), "end": ts(now)}}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("createdDate"));
    assert!(fake.requests().is_empty(), "refused before sending");

    let meta = ok(
        &c,
        "get_attachment_metadata",
        json!({"attachmentIds": [on_task, on_folder]}),
    )
    .await;
    let items = meta["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "notes.txt");
    assert_eq!(items[0]["size"], 10);
    assert_eq!(items[1]["folderId"], folder.as_str());
    let missing = format!("{}IYZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "get_attachment_metadata",
        json!({"attachmentIds": [on_task, missing]}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = err(&c, "get_attachment_metadata", json!({"attachmentIds": []})).await;
    assert_eq!(e.field.as_deref(), Some("attachmentIds"));

    // The public URL serves the bytes without credentials.
    let url = ok(&c, "get_attachment_url", json!({"attachmentId": on_task})).await;
    let url = url["url"].as_str().unwrap();
    assert_eq!(http_get(url), (200, b"task notes".to_vec()));
    let e = err(&c, "get_attachment_url", json!({"attachmentId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_attachment_adds_a_version_and_delete_removes_it() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let id = ok(
        &c,
        "upload_attachment",
        json!({"taskId": task, "fileName": "budget.csv", "contentBase64": B64.encode(b"a,b\n1,2\n")}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let v2 = ok(
        &c,
        "update_attachment",
        json!({"attachmentId": id, "fileName": "budget-v2.csv", "contentBase64": B64.encode(b"a,b\n3,4\n")}),
    )
    .await;
    assert_eq!(v2["id"], id.as_str());
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["name"], "budget-v2.csv");
    let put = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
    let down = ok(&c, "download_attachment", json!({"attachmentId": id})).await;
    assert_eq!(
        B64.decode(down["contentBase64"].as_str().unwrap()).unwrap(),
        b"a,b\n3,4\n"
    );
    let versions = ok(
        &c,
        "get_attachment_metadata",
        json!({"attachmentIds": [id], "versions": true}),
    )
    .await;
    let names: Vec<&str> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["budget-v2.csv", "budget.csv"]);
    let missing = format!("{}IYZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "update_attachment",
        json!({"attachmentId": missing, "fileName": "x.csv", "contentBase64": B64.encode(b"x")}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = err(
        &c,
        "update_attachment",
        json!({"attachmentId": id, "fileName": "../x.csv", "contentBase64": B64.encode(b"x")}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("fileName"));

    ok(&c, "delete_attachment", json!({"attachmentId": id})).await;
    assert!(fake
        .call_direct("GET", &format!("/attachments/{id}"), json!({}))
        .is_err());
    let listed = ok(&c, "list_attachments", json!({"taskId": task})).await;
    assert_eq!(listed["items"], json!([]));
    let e = err(&c, "delete_attachment", json!({"attachmentId": id})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_over_the_response_cap_is_a_sandbox_violation() {
    let fake = FakeWrike::start().unwrap();
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let big = binary(64 * 1024);
    let id = ok(
        &wrike(&fake),
        "upload_attachment",
        json!({"taskId": task, "fileName": "big.bin", "contentBase64": B64.encode(&big)}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let capped = wrike_with(
        &fake,
        fake_wrike::TEST_TOKEN,
        Limits {
            response_body_bytes: 16 * 1024,
            ..Default::default()
        },
    );
    // Small answers pass under the cap …
    let meta = ok(
        &capped,
        "get_attachment_metadata",
        json!({"attachmentIds": [id]}),
    )
    .await;
    assert_eq!(meta["items"][0]["size"], 64 * 1024);
    // … the 64 KiB download does not.
    let e = err(&capped, "download_attachment", json!({"attachmentId": id})).await;
    assert_eq!(e.kind, ErrorKind::SandboxViolation, "{e:?}");
    assert_eq!(e.rule, Some(SandboxRule::ResponseTooLarge), "{e:?}");
    assert!(e.hint.is_some());
    // The same call passes with the default cap.
    let down = ok(
        &wrike(&fake),
        "download_attachment",
        json!({"attachmentId": id}),
    )
    .await;
    assert_eq!(down["size"], 64 * 1024);

    // On the CLI: exit 7 with the rule.
    let run = CliRun::of(cli(&fake).args([
        "--max-response-bytes",
        "16384",
        "call",
        "download_attachment",
        "--input",
        &json!({"attachmentId": id}).to_string(),
    ]));
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.error()["rule"], "response_too_large");
}
