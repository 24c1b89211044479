//! Attachments with real bytes over HTTP.

mod common;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::json;

#[test]
fn upload_list_download_version_delete() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let folder = w.folder_ids()[0].0.clone();
    let task = w.create_task_direct(&folder, "With files")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = b"hello, attachment\n".to_vec();
    let up = api
        .send(
            api.http
                .post(format!("{}/tasks/{task}/attachments", w.base_url()))
                .header("X-File-Name", "notes.txt")
                .header("X-Requested-With", "XMLHttpRequest")
                .header("Content-Type", "application/octet-stream")
                .body(bytes.clone()),
        )
        .ok();
    assert_eq!(up.json["kind"], "attachments");
    let a = &up.data()[0];
    assert_eq!(a["name"], "notes.txt");
    assert_eq!(a["size"], bytes.len());
    assert_eq!(a["contentType"], "text/plain");
    assert_eq!(a["version"], 1);
    assert_eq!(a["taskId"], task);
    assert_eq!(a["type"], "Wrike");
    let id = a["id"].as_str().unwrap().to_string();

    // Missing name / empty body.
    api.send(
        api.http
            .post(format!("{}/tasks/{task}/attachments", w.base_url()))
            .body(bytes.clone()),
    )
    .err(400, "invalid_request");
    api.send(
        api.http
            .post(format!("{}/tasks/{task}/attachments", w.base_url()))
            .header("X-File-Name", "x.txt"),
    )
    .err(400, "invalid_request");

    let t = api.get(&format!("/tasks/{task}"), &[]).ok();
    assert_eq!(t.data()[0]["hasAttachments"], true);
    let list = api.get(&format!("/tasks/{task}/attachments"), &[]).ok();
    assert_eq!(list.ids(), vec![id.clone()]);

    // Download with and without a file name.
    let d = api
        .http
        .get(format!("{}/attachments/{id}/download", w.base_url()))
        .bearer_auth(fake_wrike::TEST_TOKEN)
        .send()
        .unwrap();
    assert_eq!(d.status(), 200);
    assert_eq!(d.headers()["content-type"], "text/plain");
    assert_eq!(d.bytes().unwrap().to_vec(), bytes);
    let d2 = api
        .http
        .get(format!(
            "{}/attachments/{id}/download/renamed.txt",
            w.base_url()
        ))
        .bearer_auth(fake_wrike::TEST_TOKEN)
        .send()
        .unwrap();
    assert!(d2.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("renamed.txt"));

    // Public URL works without a token.
    let u = api.get(&format!("/attachments/{id}/url"), &[]).ok();
    let url = u.data()[0]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&w.origin()));
    let pubd = reqwest::blocking::get(&url).unwrap();
    assert_eq!(pubd.status(), 200);
    assert_eq!(pubd.bytes().unwrap().to_vec(), bytes);
    // `withUrls` belongs to the list methods (`GET /tasks/{id}/attachments`), not to
    // `GET /attachments/{ids}` (reference model54: `versions` only).
    let with_urls = api
        .get(
            &format!("/tasks/{task}/attachments"),
            &[("withUrls", "true")],
        )
        .ok();
    assert!(with_urls.data()[0]["url"].is_string());
    api.get(&format!("/attachments/{id}"), &[("withUrls", "true")])
        .err(400, "invalid_parameter");

    // New version.
    let v2 = api
        .send(
            api.http
                .put(format!("{}/attachments/{id}", w.base_url()))
                .header("X-File-Name", "notes-v2.txt")
                .body("second".as_bytes().to_vec()),
        )
        .ok();
    assert_eq!(v2.data()[0]["version"], 2);
    assert_eq!(v2.data()[0]["id"], id);
    let versions = api
        .get(&format!("/attachments/{id}"), &[("versions", "true")])
        .ok();
    assert_eq!(versions.data().len(), 2);
    assert_eq!(versions.data()[1]["version"], 1);
    assert_eq!(versions.data()[1]["currentAttachmentId"], id);

    // Account-level list needs createdDate < 31 days.
    api.get("/attachments", &[]).err(400, "parameter_required");
    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let now = w.now();
    let long = json!({"start": fmt(now - chrono::Duration::days(40)), "end": fmt(now)}).to_string();
    api.get("/attachments", &[("createdDate", &long)])
        .err(400, "invalid_parameter");
    let ok = json!({"start": fmt(now - chrono::Duration::days(1)), "end": fmt(now + chrono::Duration::seconds(5))}).to_string();
    let acct = api.get("/attachments", &[("createdDate", &ok)]).ok();
    assert_eq!(acct.ids(), vec![id.clone()]);

    // Folder attachment.
    let f = api
        .send(
            api.http
                .post(format!("{}/folders/{folder}/attachments", w.base_url()))
                .header("X-File-Name", "pic.png")
                .body(vec![0x89, b'P', b'N', b'G']),
        )
        .ok();
    assert_eq!(f.data()[0]["folderId"], folder);
    assert_eq!(f.data()[0]["contentType"], "image/png");

    api.delete(&format!("/attachments/{id}")).ok();
    api.get(&format!("/attachments/{id}"), &[])
        .err(404, "resource_not_found");
    assert!(reqwest::blocking::get(&url).unwrap().status() == 404);
    common::broke(&w, &["`withUrls` is not one of"]);
}
