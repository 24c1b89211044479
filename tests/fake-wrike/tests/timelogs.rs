//! Timelogs and timelog categories over HTTP.

mod common;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::json;

#[test]
fn timelog_lifecycle_and_filters() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let cats = api.get("/timelog_categories", &[]).ok();
    assert_eq!(cats.json["kind"], "timelog_categories");
    let cat = cats.data()[0]["id"].as_str().unwrap().to_string();
    assert!(cats.data()[0]["name"].is_string());

    let folder = w.folder_ids()[0].0.clone();
    let task = w.create_task_direct(&folder, "Timed")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = api
        .post(
            &format!("/tasks/{task}/timelogs"),
            &[
                ("comment", "Did <b>work</b>"),
                ("hours", "1.5"),
                ("trackedDate", "2025-03-10"),
                ("categoryId", &cat),
            ],
        )
        .ok();
    assert_eq!(c.json["kind"], "timelogs");
    let tl = &c.data()[0];
    assert_eq!(tl["hours"], 1.5);
    assert_eq!(tl["trackedDate"], "2025-03-10");
    assert_eq!(tl["taskId"], task);
    assert_eq!(tl["userId"], w.me_id());
    assert_eq!(tl["categoryId"], cat);
    let id = tl["id"].as_str().unwrap().to_string();
    api.post(
        &format!("/tasks/{task}/timelogs"),
        &[
            ("comment", "x"),
            ("hours", "2"),
            ("trackedDate", "2025-03-12"),
        ],
    )
    .ok();

    api.post(
        &format!("/tasks/{task}/timelogs"),
        &[("comment", "x"), ("hours", "1")],
    )
    .err(400, "parameter_required");
    api.post(
        &format!("/tasks/{task}/timelogs"),
        &[
            ("comment", "x"),
            ("hours", "25"),
            ("trackedDate", "2025-03-10"),
        ],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/tasks/{task}/timelogs"),
        &[
            ("comment", "x"),
            ("hours", "1"),
            ("trackedDate", "10/03/2025"),
        ],
    )
    .err(400, "invalid_parameter");

    let all = api.get("/timelogs", &[]).ok();
    assert_eq!(all.data().len(), 2);
    let by_task = api.get(&format!("/tasks/{task}/timelogs"), &[]).ok();
    assert_eq!(by_task.data().len(), 2);
    let by_folder = api
        .get(&format!("/folders/{}/timelogs", w.space_id()), &[])
        .ok();
    assert_eq!(by_folder.data().len(), 2);
    let by_cat = api
        .get(&format!("/timelog_categories/{cat}/timelogs"), &[])
        .ok();
    assert_eq!(by_cat.ids(), vec![id.clone()]);
    let cat_filter = api
        .get(
            "/timelogs",
            &[("timelogCategories", &json!([cat]).to_string())],
        )
        .ok();
    assert_eq!(cat_filter.ids(), vec![id.clone()]);
    let tracked = api
        .get(
            "/timelogs",
            &[("trackedDate", "{'start':'2025-03-11T00:00:00Z'}")],
        )
        .ok();
    assert_eq!(tracked.data().len(), 1);
    assert_eq!(tracked.data()[0]["trackedDate"], "2025-03-12");
    let me = api
        .get(
            &format!("/contacts/{}/timelogs", w.me_id()),
            &[("plainText", "true")],
        )
        .ok();
    assert_eq!(me.data()[0]["comment"], "Did work");

    let u = api
        .put(
            &format!("/timelogs/{id}"),
            &[("hours", "3"), ("comment", "more")],
        )
        .ok();
    assert_eq!(u.data()[0]["hours"], 3.0);
    assert!(u.data()[0]["updatedDate"].as_str().unwrap() > tl["updatedDate"].as_str().unwrap());
    let since = u.data()[0]["updatedDate"].as_str().unwrap().to_string();
    let upd = api
        .get(
            "/timelogs",
            &[("updatedDate", &json!({"start": since}).to_string())],
        )
        .ok();
    assert_eq!(upd.ids(), vec![id.clone()]);
    let got = api.get(&format!("/timelogs/{id}"), &[]).ok();
    assert_eq!(got.data()[0]["comment"], "more");
    api.delete(&format!("/timelogs/{id}")).ok();
    api.get(&format!("/timelogs/{id}"), &[])
        .err(404, "resource_not_found");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`trackedDate` is required", r#""10/03/2025""#]);
}
