use super::*;
use crate::catalog::{webhook_check, webhook_delivery, webhook_subscribe, webhook_unsubscribe};
use crate::env::Method;
use crate::testing::{ok, wrike_error, MockEnv, BASE};
use serde_json::json;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const URL: &str = "https://hooks.example.org/h/4f7a";

fn hook(status: &str) -> crate::env::HttpResponse {
    ok(
        &json!({"kind": "webhooks", "data": [{"id": "IEAAAAAQJAAAAAAB", "accountId": "IEAAAAAQ",
        "hookUrl": URL, "status": status}]})
        .to_string(),
    )
}

fn deliver(
    env: &mut MockEnv,
    trigger: &str,
    input: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> (Response, Vec<Event>) {
    let headers: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect();
    let req = Request {
        method: "POST",
        headers: &headers,
        body,
    };
    webhook_delivery(env, BASE, trigger, input, SECRET, &req).unwrap()
}

fn signed(env: &mut MockEnv, trigger: &str, input: &str, body: &Value) -> (Response, Vec<Event>) {
    let bytes = body.to_string().into_bytes();
    let sig = sign(SECRET, &bytes);
    deliver(
        env,
        trigger,
        input,
        &[("X-Hook-Signature", sig.as_bytes())],
        &bytes,
    )
}

#[test]
fn subscribe_posts_a_folder_hook_with_secret_events_and_recursive() {
    let mut env = MockEnv::new(vec![hook("Active")]);
    let input = r#"{"folderId":"IEAAAAAQI4AB5BGU","recursive":true,"events":["TaskCreated","CommentAdded"]}"#;
    let id = webhook_subscribe(
        &mut env,
        BASE,
        "new_or_updated_task_webhook",
        input,
        URL,
        SECRET,
    )
    .unwrap();
    assert_eq!(id, "IEAAAAAQJAAAAAAB");
    assert_eq!(env.requests[0].method, Method::Post);
    assert_eq!(env.path(0), "/api/v4/folders/IEAAAAAQI4AB5BGU/webhooks");
    assert_eq!(env.form_param(0, "hookUrl").as_deref(), Some(URL));
    assert_eq!(env.form_param(0, "secret").as_deref(), Some(SECRET));
    assert_eq!(
        env.form_param(0, "events").as_deref(),
        Some("[TaskCreated,CommentAdded]")
    );
    assert_eq!(env.form_param(0, "recursive").as_deref(), Some("true"));
}

#[test]
fn subscribe_account_and_space_hooks_and_refuses_recursive_without_folder() {
    let mut env = MockEnv::new(vec![hook("Active"), hook("Active")]);
    webhook_subscribe(&mut env, BASE, "new_event_webhook", "{}", URL, SECRET).unwrap();
    assert_eq!(env.path(0), "/api/v4/webhooks");
    assert_eq!(env.form_param(0, "events"), None, "empty = all events");
    webhook_subscribe(
        &mut env,
        BASE,
        "new_event_webhook",
        r#"{"spaceId":"IEAAAAAQI4AAAAAA"}"#,
        URL,
        SECRET,
    )
    .unwrap();
    assert_eq!(env.path(1), "/api/v4/spaces/IEAAAAAQI4AAAAAA/webhooks");
    let e = webhook_subscribe(
        &mut env,
        BASE,
        "new_event_webhook",
        r#"{"recursive":true}"#,
        URL,
        SECRET,
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "recursive"));
    let e =
        webhook_subscribe(&mut env, BASE, "new_or_updated_task", "{}", URL, SECRET).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "trigger"));
}

#[test]
fn check_reactivates_a_suspended_hook_and_reports_a_deleted_one_gone() {
    let mut env = MockEnv::new(vec![
        hook("Active"),
        hook("Suspended"),
        hook("Active"),
        wrike_error(404, "resource_not_found", "Webhook not found"),
    ]);
    let t = "new_or_updated_task_webhook";
    assert_eq!(
        webhook_check(&mut env, BASE, t, "IEAAAAAQJAAAAAAB").unwrap(),
        Status::Active
    );
    assert_eq!(
        webhook_check(&mut env, BASE, t, "IEAAAAAQJAAAAAAB").unwrap(),
        Status::Reactivated
    );
    assert_eq!(env.requests[2].method, Method::Put);
    assert_eq!(env.form_param(2, "status").as_deref(), Some("Active"));
    assert_eq!(
        webhook_check(&mut env, BASE, t, "IEAAAAAQJAAAAAAB").unwrap(),
        Status::Gone
    );
}

#[test]
fn unsubscribe_deletes_and_tolerates_a_hook_already_gone() {
    let mut env = MockEnv::new(vec![
        ok(r#"{"kind":"webhooks","data":[]}"#),
        wrike_error(404, "resource_not_found", "Webhook not found"),
    ]);
    let t = "new_event_webhook";
    webhook_unsubscribe(&mut env, BASE, t, "IEAAAAAQJAAAAAAB").unwrap();
    assert_eq!(env.requests[0].method, Method::Delete);
    webhook_unsubscribe(&mut env, BASE, t, "IEAAAAAQJAAAAAAB").unwrap();
}

#[test]
fn handshake_is_answered_with_the_hmac_of_the_challenge() {
    let mut env = MockEnv::new(vec![]);
    let body = br#"{"requestType":"WebHook secret verification"}"#;
    let (resp, events) = deliver(
        &mut env,
        "new_event_webhook",
        "{}",
        &[("x-hook-secret", b"a1b2c3d4")],
        body,
    );
    assert_eq!(resp.status, 200);
    assert!(events.is_empty());
    let answer = resp
        .headers
        .iter()
        .find(|(k, _)| k == "X-Hook-Secret")
        .unwrap();
    assert_eq!(answer.1, sign(SECRET, b"a1b2c3d4"));
    assert!(env.requests.is_empty());
}

#[test]
fn a_challenge_that_could_sign_a_forged_delivery_is_refused() {
    let mut env = MockEnv::new(vec![]);
    let body = br#"{"requestType":"WebHook secret verification"}"#;
    let forged = br#"[{"eventType":"TaskCreated","taskId":"X"}]"#;
    let (resp, _) = deliver(
        &mut env,
        "new_event_webhook",
        "{}",
        &[("X-Hook-Secret", forged)],
        body,
    );
    assert_eq!(resp.status, 400);
    assert!(resp.headers.iter().all(|(k, _)| k != "X-Hook-Secret"));
}

#[test]
fn missing_or_wrong_signatures_yield_401_and_no_events() {
    let mut env = MockEnv::new(vec![]);
    let body = br#"[{"eventType":"TaskCreated","taskId":"IEAAAAAQKQAB5BG5"}]"#;
    let t = "new_event_webhook";
    let (resp, events) = deliver(&mut env, t, "{}", &[], body);
    assert_eq!((resp.status, events.len()), (401, 0));
    let wrong = sign("another secret", body);
    let (resp, events) = deliver(
        &mut env,
        t,
        "{}",
        &[("X-Hook-Signature", wrong.as_bytes())],
        body,
    );
    assert_eq!((resp.status, events.len()), (401, 0));
    let (resp, _) = deliver(&mut env, t, "{}", &[("X-Hook-Signature", b"zz")], body);
    assert_eq!(resp.status, 401);
    // A signature over other bytes (the body re-serialised) does not verify either.
    let other = sign(
        SECRET,
        b"[{\"taskId\":\"IEAAAAAQKQAB5BG5\",\"eventType\":\"TaskCreated\"}]",
    );
    let (resp, _) = deliver(
        &mut env,
        t,
        "{}",
        &[("X-Hook-Signature", other.as_bytes())],
        body,
    );
    assert_eq!(resp.status, 401);
    assert!(
        env.requests.is_empty(),
        "nothing is read for an unverified request"
    );
}

#[test]
fn raw_events_are_keyed_stably_and_filtered_by_the_events_input() {
    let body = json!([
        {"webhookId": "W", "eventAuthorId": "KUAAAAAQ", "eventType": "TaskStatusChanged",
         "lastUpdatedDate": "2025-05-26T07:44:20Z", "taskId": "IEAAAAAQKQAB5BG5",
         "oldStatus": "Active", "status": "Completed"},
        {"webhookId": "W", "eventType": "CommentAdded", "lastUpdatedDate": "2025-05-26T07:45:00Z",
         "taskId": "IEAAAAAQKQAB5BG5", "commentId": "IEAAAAAQIMAAAAAA"}
    ]);
    let mut env = MockEnv::new(vec![]);
    let (resp, first) = signed(&mut env, "new_event_webhook", "{}", &body);
    assert_eq!(resp.status, 200);
    assert_eq!(first.len(), 2);
    assert!(first[0]
        .key
        .starts_with("TaskStatusChanged@2025-05-26T07:44:20Z#"));
    let (_, replay) = signed(&mut env, "new_event_webhook", "{}", &body);
    assert_eq!(first, replay, "a replayed delivery yields the same keys");
    let (_, only) = signed(
        &mut env,
        "new_event_webhook",
        r#"{"events":["CommentAdded"]}"#,
        &body,
    );
    assert_eq!(only.len(), 1);
    assert!(only[0].key.starts_with("CommentAdded@"));
}

#[test]
fn task_events_are_re_read_once_per_task_and_keyed_like_polling() {
    let body = json!([
        {"eventType": "TaskTitleChanged", "taskId": "IEAAAAAQKQAB5BG5", "lastUpdatedDate": "2025-05-26T07:44:20Z"},
        {"eventType": "CommentAdded", "taskId": "IEAAAAAQKQAB5BG5", "lastUpdatedDate": "2025-05-26T07:44:21Z"},
        {"eventType": "FolderTitleChanged", "folderId": "IEAAAAAQI4AB5BGU", "lastUpdatedDate": "2025-05-26T07:44:22Z"}
    ]);
    let task = json!({"kind": "tasks", "data": [{"id": "IEAAAAAQKQAB5BG5", "title": "T",
        "updatedDate": "2025-05-26T07:44:21Z"}]});
    let mut env = MockEnv::new(vec![ok(&task.to_string())]);
    let (resp, events) = signed(&mut env, "new_or_updated_task_webhook", "{}", &body);
    assert_eq!(resp.status, 200);
    assert_eq!(
        env.requests.len(),
        1,
        "one re-read for two events of one task"
    );
    assert_eq!(env.path(0), "/api/v4/tasks/IEAAAAAQKQAB5BG5");
    // Only the optional fields `GET /tasks/{ids}` accepts (API.md §11.1).
    assert_eq!(
        env.query_param(0, "fields").as_deref(),
        Some(r#"["recurrent","attachmentCount"]"#)
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].key, "IEAAAAAQKQAB5BG5@2025-05-26T07:44:21Z");
}

#[test]
fn many_changed_tasks_are_re_read_in_one_request_per_hundred_ids() {
    let ids: Vec<String> = (0..150).map(|i| format!("IEAAAAAQKQ{i:06}")).collect();
    let body = Value::Array(
        ids.iter()
            .map(|id| json!({"eventType": "TaskTitleChanged", "taskId": id, "lastUpdatedDate": "2025-05-26T07:44:20Z"}))
            .collect(),
    );
    let page = |ids: &[String]| {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "title": "T", "updatedDate": "2025-05-26T07:44:21Z"}))
            .collect();
        ok(&json!({"kind": "tasks", "data": data}).to_string())
    };
    let mut env = MockEnv::new(vec![page(&ids[..100]), page(&ids[100..])]);
    let (resp, events) = signed(&mut env, "new_or_updated_task_webhook", "{}", &body);
    assert_eq!(resp.status, 200);
    assert_eq!(env.requests.len(), 2);
    assert_eq!(
        env.path(0),
        format!("/api/v4/tasks/{}", ids[..100].join(","))
    );
    assert_eq!(
        env.path(1),
        format!("/api/v4/tasks/{}", ids[100..].join(","))
    );
    assert_eq!(events.len(), 150);
}

#[test]
fn folder_events_are_re_read_with_the_fields_the_folder_route_accepts() {
    let body = json!([
        {"eventType": "FolderTitleChanged", "folderId": "IEAAAAAQI4AB5BGU", "lastUpdatedDate": "2025-05-26T07:44:22Z"},
        {"eventType": "FolderTitleChanged", "folderId": "IEAAAAAQI4AB5BGV", "lastUpdatedDate": "2025-05-26T07:44:22Z"}
    ]);
    let folders = json!({"kind": "folders", "data": [
        {"id": "IEAAAAAQI4AB5BGU", "title": "F", "updatedDate": "2025-05-26T07:44:22Z"},
        {"id": "IEAAAAAQI4AB5BGV", "title": "G", "updatedDate": "2025-05-26T07:44:23Z"}]});
    let mut env = MockEnv::new(vec![ok(&folders.to_string())]);
    let (resp, events) = signed(&mut env, "new_or_updated_folder_webhook", "{}", &body);
    assert_eq!(resp.status, 200);
    assert_eq!(env.requests.len(), 1);
    assert_eq!(
        env.path(0),
        "/api/v4/folders/IEAAAAAQI4AB5BGU,IEAAAAAQI4AB5BGV"
    );
    assert_eq!(
        env.query_param(0, "fields").as_deref(),
        Some(r#"["briefDescription","customColumnIds","attachmentCount"]"#)
    );
    assert_eq!(events.len(), 2);
}

#[test]
fn a_deleted_record_is_skipped_and_an_api_failure_is_an_error() {
    let body = json!([{"eventType": "TaskDeleted", "taskId": "IEAAAAAQKQAB5BG5"}]);
    let mut env = MockEnv::new(vec![wrike_error(
        404,
        "resource_not_found",
        "Task not found",
    )]);
    let (resp, events) = signed(&mut env, "new_or_updated_task_webhook", "{}", &body);
    assert_eq!((resp.status, events.len()), (200, 0));
    let mut env = MockEnv::new(vec![wrike_error(500, "server_error", "boom")]);
    let bytes = body.to_string().into_bytes();
    let sig = sign(SECRET, &bytes);
    let headers = vec![("x-hook-signature".to_string(), sig.into_bytes())];
    let req = Request {
        method: "POST",
        headers: &headers,
        body: &bytes,
    };
    assert!(webhook_delivery(
        &mut env,
        BASE,
        "new_or_updated_task_webhook",
        "{}",
        SECRET,
        &req
    )
    .is_err());
}

#[test]
fn the_project_trigger_skips_plain_folders_and_task_events() {
    let body = json!([
        {"eventType": "FolderTitleChanged", "folderId": "IEAAAAAQI4AAAAAA"},
        {"eventType": "ProjectStatusChanged", "folderId": "IEAAAAAQI4AAAAAB"},
        {"eventType": "TaskCreated", "taskId": "IEAAAAAQKQAAAAAA", "folderId": "IEAAAAAQI4AAAAAB"}
    ]);
    let both = json!({"kind": "folders", "data": [
        {"id": "IEAAAAAQI4AAAAAA", "updatedDate": "2025-05-26T07:44:20Z"},
        {"id": "IEAAAAAQI4AAAAAB", "updatedDate": "2025-05-26T07:44:21Z", "project": {"status": "Green"}}]});
    let mut env = MockEnv::new(vec![ok(&both.to_string())]);
    let (_, events) = signed(&mut env, "new_or_updated_project_webhook", "{}", &body);
    assert_eq!(env.requests.len(), 1, "one read for both folders");
    assert_eq!(
        env.path(0),
        "/api/v4/folders/IEAAAAAQI4AAAAAA,IEAAAAAQI4AAAAAB"
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].key, "IEAAAAAQI4AAAAAB@2025-05-26T07:44:21Z");
}

#[test]
fn only_post_is_accepted() {
    let mut env = MockEnv::new(vec![]);
    let req = Request {
        method: "GET",
        headers: &[],
        body: b"",
    };
    let (resp, events) =
        webhook_delivery(&mut env, BASE, "new_event_webhook", "{}", SECRET, &req).unwrap();
    assert_eq!((resp.status, events.len()), (405, 0));
}
