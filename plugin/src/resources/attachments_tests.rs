//! Unit tests of `attachments.rs`.

use super::{disposition_filename, file_name_header};
use crate::catalog::execute;
use crate::env::{HttpResponse, Method};
use crate::error::Error;
use crate::testing::{ok, refusal, wrike_error, MockEnv, BASE};
use serde_json::{json, Value};

const ATT: &str = r#"{"kind":"attachments","data":[{"id":"AT","name":"a.txt","contentType":"text/plain","size":5,"taskId":"T"}]}"#;

fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
    execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
}

#[test]
fn uploads_raw_bytes_with_file_name_header() {
    let mut env = MockEnv::new(vec![ok(ATT), ok(ATT)]);
    let out = run(
        &mut env,
        "upload_attachment",
        json!({"taskId": "T", "fileName": "a.txt", "contentBase64": "aGVsbG8="}),
    )
    .unwrap();
    assert_eq!(out["id"], "AT");
    let r = &env.requests[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(env.path(0), "/api/v4/tasks/T/attachments");
    assert_eq!(r.body, b"hello");
    assert_eq!(r.header("x-file-name"), Some("a.txt"));
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r.header("authorization").is_none());
    run(
        &mut env,
        "update_attachment",
        json!({"attachmentId": "AT", "fileName": "résumé v2.txt", "contentBase64": "aGk="}),
    )
    .unwrap();
    assert_eq!(env.requests[1].method, Method::Put);
    assert_eq!(env.path(1), "/api/v4/attachments/AT");
    assert_eq!(
        env.requests[1].header("x-file-name"),
        Some("r%C3%A9sum%C3%A9%20v2.txt")
    );
    assert_eq!(
        env.requests[1].header("content-type"),
        Some("application/octet-stream")
    );
}

#[test]
fn upload_validation() {
    let mut env = MockEnv::new(vec![]);
    for (input, field) in [
        (json!({"fileName": "a", "contentBase64": "aGk="}), "taskId"),
        (
            json!({"taskId": "T", "folderId": "F", "fileName": "a", "contentBase64": "aGk="}),
            "folderId",
        ),
        (
            json!({"taskId": "T", "fileName": "a", "contentBase64": "not base64!"}),
            "contentBase64",
        ),
        (
            json!({"taskId": "T", "fileName": "../a", "contentBase64": "aGk="}),
            "fileName",
        ),
        (json!({"taskId": "T", "contentBase64": "aGk="}), "fileName"),
        (
            json!({"taskId": "T", "fileName": "a", "contentBase64": "aGk=", "contentType": "text/plain"}),
            "contentType",
        ),
    ] {
        // "" : the host refuses the input as a whole (a oneOf/not rule on the object).
        let got = refusal(&mut env, "upload_attachment", input);
        assert!(got == field || got.is_empty(), "{got} for {field}");
    }
    assert!(env.requests.is_empty());
}

#[test]
fn downloads_as_base64() {
    let file = HttpResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain".into()),
            (
                "Content-Disposition".into(),
                "attachment; filename=\"a.txt\"".into(),
            ),
        ],
        body: b"hello".to_vec(),
    };
    let mut env = MockEnv::new(vec![
        file,
        wrike_error(404, "resource_not_found", "Attachment not found"),
    ]);
    let out = run(
        &mut env,
        "download_attachment",
        json!({"attachmentId": "AT"}),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"attachmentId": "AT", "fileName": "a.txt", "contentType": "text/plain", "size": 5, "contentBase64": "aGVsbG8="})
    );
    assert_eq!(env.path(0), "/api/v4/attachments/AT/download");
    assert!(matches!(
        run(
            &mut env,
            "download_attachment",
            json!({"attachmentId": "X"})
        ),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn lists_and_metadata() {
    let mut env = MockEnv::new(vec![
        ok(ATT),
        ok(ATT),
        ok(ATT),
        ok(r#"{"kind":"attachments","data":[{"url":"https://x/y"}]}"#),
        ok(r#"{"kind":"attachments","data":[]}"#),
    ]);
    run(
        &mut env,
        "list_attachments",
        json!({"folderId": "F", "withUrls": true}),
    )
    .unwrap();
    assert_eq!(env.path(0), "/api/v4/folders/F/attachments");
    run(
        &mut env,
        "list_attachments",
        json!({"createdDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-30T00:00:00Z"}}),
    )
    .unwrap();
    assert_eq!(env.path(1), "/api/v4/attachments");
    assert_eq!(
        refusal(&mut env, "list_attachments", json!({})),
        "createdDate"
    );
    assert_eq!(
        refusal(
            &mut env,
            "list_attachments",
            json!({"createdDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-02-01T00:00:00Z"}})
        ),
        "createdDate"
    );
    let out = run(
        &mut env,
        "get_attachment_metadata",
        json!({"attachmentIds": ["A1", "A2"]}),
    )
    .unwrap();
    assert_eq!(out["items"][0]["id"], "AT");
    assert_eq!(env.path(2), "/api/v4/attachments/A1,A2");
    assert_eq!(
        run(
            &mut env,
            "get_attachment_url",
            json!({"attachmentId": "AT"})
        )
        .unwrap(),
        json!({"url": "https://x/y"})
    );
    assert_eq!(env.path(3), "/api/v4/attachments/AT/url");
    assert_eq!(
        run(&mut env, "delete_attachment", json!({"attachmentId": "AT"})).unwrap(),
        json!({})
    );
    assert_eq!(env.requests[4].method, Method::Delete);
}

#[test]
fn header_helpers() {
    assert_eq!(
        disposition_filename("attachment; filename=\"a b.txt\"").as_deref(),
        Some("a b.txt")
    );
    assert_eq!(
        disposition_filename("attachment; filename=x; filename*=UTF-8''r%C3%A9.txt").as_deref(),
        Some("ré.txt")
    );
    assert_eq!(disposition_filename("inline"), None);
    assert_eq!(file_name_header("plain name.pdf"), "plain name.pdf");
    assert_eq!(file_name_header("100%.txt"), "100%25.txt");
}
