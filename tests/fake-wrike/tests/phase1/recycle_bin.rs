//! Deleting a task moves it to the Recycle Bin.

use serde_json::json;

use crate::start;

#[test]
fn delete_moves_to_recycle_bin() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let t = w.create_task_direct(&folder, "Doomed");
    let tid = t["id"].as_str().unwrap().to_string();
    let d = api.delete(&format!("/tasks/{tid}")).ok();
    assert_eq!(d.json["kind"], "tasks");
    let dt = &d.data()[0];
    assert_eq!(dt["scope"], "RbTask");
    assert_eq!(dt["parentIds"], json!([w.recycle_bin_id()]));
    assert!(dt["updatedDate"].as_str().unwrap() > t["updatedDate"].as_str().unwrap());

    assert!(!api.get("/tasks", &[]).ok().ids().contains(&tid));
    assert!(!api
        .get(&format!("/folders/{folder}/tasks"), &[])
        .ok()
        .ids()
        .contains(&tid));
    let rb = api
        .get(&format!("/folders/{}/tasks", w.recycle_bin_id()), &[])
        .ok();
    assert!(rb.ids().contains(&tid));
    let got = api.get(&format!("/tasks/{tid}"), &[]).ok();
    assert_eq!(got.data()[0]["scope"], "RbTask");

    let restored = api
        .put(&format!("/tasks/{tid}"), &[("restore", "true")])
        .ok();
    assert_eq!(restored.data()[0]["scope"], "WsTask");
    assert_eq!(restored.data()[0]["parentIds"], json!([folder]));
    assert!(api.get("/tasks", &[]).ok().ids().contains(&tid));
}
