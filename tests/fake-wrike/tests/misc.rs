//! Comment edits, users, ID conversion and other small endpoints over HTTP.

mod common;

use std::time::Duration;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::json;

#[test]
fn comment_edit_window_and_delete() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let folder = w.folder_ids()[0].0.clone();
    let task = w.create_task_direct(&folder, "c")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = api
        .post(&format!("/tasks/{task}/comments"), &[("text", "first")])
        .ok();
    let cid = c.ids()[0].clone();
    let u = api
        .put(&format!("/comments/{cid}"), &[("text", "edited")])
        .ok();
    assert_eq!(u.data()[0]["text"], "edited");
    assert!(
        u.data()[0]["updatedDate"].as_str().unwrap() > c.data()[0]["updatedDate"].as_str().unwrap()
    );
    api.put(&format!("/comments/{cid}"), &[("text", "")])
        .err(400, "parameter_required");
    w.advance_clock(Duration::from_secs(6 * 60));
    api.put(&format!("/comments/{cid}"), &[("text", "too late")])
        .err(403, "not_allowed");
    let d = api.delete(&format!("/comments/{cid}")).ok();
    assert_eq!(d.json["kind"], "comments");
    assert!(d.data().is_empty());
    api.get(&format!("/comments/{cid}"), &[])
        .err(404, "resource_not_found");
}

#[test]
fn users_get_and_update() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let jane = w.other_user_ids()[0].clone();
    let g = api.get(&format!("/users/{jane}"), &[]).ok();
    assert_eq!(g.json["kind"], "users");
    assert_eq!(g.data()[0]["profiles"][0]["role"], "User");
    let profile =
        json!({"accountId": w.account_id(), "role": "Collaborator", "external": true}).to_string();
    let u = api
        .put(&format!("/users/{jane}"), &[("profile", &profile)])
        .ok();
    assert_eq!(u.data()[0]["profiles"][0]["role"], "Collaborator");
    assert_eq!(u.data()[0]["profiles"][0]["external"], true);
    api.put(&format!("/users/{jane}"), &[])
        .err(400, "parameter_required");
    api.put(
        &format!("/users/{jane}"),
        &[(
            "profile",
            &json!({"accountId": w.account_id(), "role": "Boss"}).to_string(),
        )],
    )
    .err(400, "invalid_parameter");
    w.add_token("reader", &["amReadOnlyUser", "wsReadWrite"]);
    let reader = Api::with_token(&w, Some("reader"));
    reader.get(&format!("/users/{jane}"), &[]).ok();
    reader
        .put(&format!("/users/{jane}"), &[("profile", &profile)])
        .err(403, "access_forbidden");
    api.get(&format!("/users/{}", w.group_id()), &[])
        .err(404, "resource_not_found");
    let contact = api
        .get(&format!("/contacts/{jane},{}", w.me_id()), &[])
        .ok();
    assert_eq!(contact.data().len(), 2);
    // Own contact metadata.
    let m = api
        .put(
            &format!("/contacts/{}", w.me_id()),
            &[("metadata", r#"[{"key":"k","value":"v"}]"#)],
        )
        .ok();
    assert!(m.data()[0].get("metadata").is_none());
    let with_md = api
        .get("/contacts", &[("me", "true"), ("fields", "[metadata]")])
        .ok();
    assert_eq!(
        with_md.data()[0]["metadata"],
        json!([{"key": "k", "value": "v"}])
    );
    api.put(
        &format!("/contacts/{jane}"),
        &[("metadata", r#"[{"key":"k","value":"v"}]"#)],
    )
    .err(403, "access_forbidden");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`profile` is required", r#""Boss""#]);
}

#[test]
fn ids_conversion_and_permalinks() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let folder = w.folder_ids()[0].0.clone();
    let t1 = w.create_task_direct(&folder, "one");
    let t2 = w.create_task_direct(&folder, "two");
    let legacy = |t: &serde_json::Value| -> String {
        t["permalink"]
            .as_str()
            .unwrap()
            .rsplit('=')
            .next()
            .unwrap()
            .to_string()
    };
    let (l1, l2) = (legacy(&t1), legacy(&t2));
    let r = api
        .get(
            "/ids",
            &[("type", "ApiV2Task"), ("ids", &format!("[{l1},{l2}]"))],
        )
        .ok();
    assert_eq!(
        r.data(),
        &vec![
            json!({"id": t1["id"], "apiV2Id": l1}),
            json!({"id": t2["id"], "apiV2Id": l2})
        ]
    );
    api.get("/ids", &[("ids", "[1]")])
        .err(400, "parameter_required");
    api.get("/ids", &[("type", "ApiV2Thing"), ("ids", "[1]")])
        .err(400, "invalid_parameter");
    // permalink filter on tasks.
    let p = api
        .get(
            "/tasks",
            &[("permalink", t2["permalink"].as_str().unwrap())],
        )
        .ok();
    assert_eq!(p.ids(), vec![t2["id"].as_str().unwrap().to_string()]);
    // GET override via `method=`.
    let created = api
        .get(
            &format!("/folders/{folder}/tasks"),
            &[("method", "POST"), ("title", "via GET")],
        )
        .ok();
    assert_eq!(created.data()[0]["title"], "via GET");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`type` is required", r#""ApiV2Thing""#]);
}
