//! Comments and the 7-day window of `GET /comments`.

use serde_json::json;

use crate::common;
use crate::start;

#[test]
fn comments_and_seven_day_window() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let t = w.create_task_direct(&folder, "Commented");
    let tid = t["id"].as_str().unwrap();
    let c = api
        .post(
            &format!("/tasks/{tid}/comments"),
            &[("text", "Hi <b>there</b>")],
        )
        .ok();
    assert_eq!(c.json["kind"], "comments");
    let cm = &c.data()[0];
    assert_eq!(cm["taskId"], tid);
    assert_eq!(cm["authorId"], w.me_id());
    assert!(cm.get("folderId").is_none());
    let cid = cm["id"].as_str().unwrap().to_string();

    let plain = api
        .post(
            &format!("/tasks/{tid}/comments"),
            &[("text", "a < b"), ("plainText", "true")],
        )
        .ok();
    assert_eq!(plain.data()[0]["text"], "a < b");
    let html = api.get(&format!("/comments/{}", plain.ids()[0]), &[]).ok();
    assert_eq!(html.data()[0]["text"], "a &lt; b");

    api.post(&format!("/tasks/{tid}/comments"), &[("text", "")])
        .err(400, "parameter_required");
    api.post(&format!("/tasks/{tid}/comments"), &[])
        .err(400, "parameter_required");
    api.post(
        &format!("/folders/{folder}/comments"),
        &[("text", "on folder")],
    )
    .ok();
    api.post(
        &format!("/folders/{}/comments", w.root_folder_id()),
        &[("text", "x")],
    )
    .err(400, "invalid_parameter");

    let list = api.get(&format!("/tasks/{tid}/comments"), &[]).ok();
    assert_eq!(list.data().len(), 2);
    let fl = api.get(&format!("/folders/{folder}/comments"), &[]).ok();
    assert_eq!(fl.data().len(), 1);
    assert_eq!(fl.data()[0]["folderId"], folder);

    // Default window: last 7 days (the 25-day-old seed comment is excluded).
    let all = api.get("/comments", &[("plainText", "true")]).ok();
    assert!(all.ids().contains(&cid));
    assert!(all
        .data()
        .iter()
        .all(|c| !c["text"].as_str().unwrap().contains("older than a week")));
    assert_eq!(
        all.data().iter().find(|c| c["id"] == cid.as_str()).unwrap()["text"],
        "Hi there"
    );

    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let now = w.now();
    let eight = json!({"start": fmt(now - chrono::Duration::days(8)), "end": fmt(now)}).to_string();
    let r = api.get("/comments", &[("updatedDate", &eight)]);
    r.err(400, "invalid_parameter");
    assert!(r.json["errorDescription"]
        .as_str()
        .unwrap()
        .contains("updatedDate"));
    let seven = json!({"start": fmt(now - chrono::Duration::days(7)), "end": fmt(now)}).to_string();
    api.get("/comments", &[("updatedDate", &seven)])
        .err(400, "invalid_parameter");
    let six = json!({"start": fmt(now - chrono::Duration::days(6)), "end": fmt(now + chrono::Duration::seconds(5))}).to_string();
    let r = api.get("/comments", &[("updatedDate", &six)]).ok();
    assert!(r.ids().contains(&cid));
    let lim = api.get("/comments", &[("limit", "1")]).ok();
    assert_eq!(lim.data().len(), 1);
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`text` is required"]);
}
