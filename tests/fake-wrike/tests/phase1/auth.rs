//! Authentication (401), scopes (403) and the real per-token rate limit.

use fake_wrike::FakeWrike;

use crate::common::Api;
use crate::start;

#[test]
fn auth_401() {
    let w = FakeWrike::start().unwrap();
    let none = Api::with_token(&w, None);
    none.get("/contacts", &[]).err(401, "not_authorized");
    let bad = Api::with_token(&w, Some("nope"));
    bad.get("/contacts", &[]).err(401, "not_authorized");

    w.add_token("temp", &["Default"]);
    let temp = Api::with_token(&w, Some("temp"));
    temp.get("/contacts", &[]).ok();
    w.revoke_token("temp");
    temp.get("/contacts", &[]).err(401, "not_authorized");

    // access_token query parameter and lower-case scheme.
    none.get("/contacts", &[("access_token", fake_wrike::TEST_TOKEN)])
        .ok();
    let r = none.send(
        none.http
            .get(format!("{}/contacts", w.base_url()))
            .header("Authorization", "bearer test-token"),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn scopes_403() {
    let w = FakeWrike::start().unwrap();
    w.add_token("ro", &["wsReadOnly"]);
    let ro = Api::with_token(&w, Some("ro"));
    ro.get("/tasks", &[]).ok();
    let folder = &w.folder_ids()[0].0;
    ro.post(&format!("/folders/{folder}/tasks"), &[("title", "x")])
        .err(403, "access_forbidden");
    ro.get(&format!("/users/{}", w.me_id()), &[])
        .err(403, "access_forbidden");
    // Default is enough for workspace writes.
    w.add_token("def", &["Default"]);
    let def = Api::with_token(&w, Some("def"));
    def.post(&format!("/folders/{folder}/tasks"), &[("title", "x")])
        .ok();
    w.add_token("users", &["amReadOnlyUser"]);
    let users = Api::with_token(&w, Some("users"));
    let u = users.get(&format!("/users/{}", w.me_id()), &[]).ok();
    assert_eq!(u.data()[0]["id"], w.me_id());
}

#[test]
fn real_rate_limit() {
    let (w, api) = start();
    w.set_rate_limit(Some(3));
    for _ in 0..3 {
        api.get("/version", &[]).ok();
    }
    let r = api.get("/version", &[]);
    r.err(429, "too_many_requests");
    assert!(r.headers.get("retry-after").is_some());
    w.set_rate_limit(None);
    api.get("/version", &[]).ok();
}
