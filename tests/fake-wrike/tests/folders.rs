//! Folders, projects and spaces over HTTP.

mod common;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::json;

fn start() -> (FakeWrike, Api) {
    let w = FakeWrike::start().expect("fake starts");
    let api = Api::new(&w);
    (w, api)
}

#[test]
fn create_update_project_and_filters() {
    let (w, api) = start();
    let parent = w.folder_ids()[1].0.clone();
    let f = api
        .post(
            &format!("/folders/{parent}/folders"),
            &[("title", "Sub"), ("description", "d")],
        )
        .ok();
    assert_eq!(f.json["kind"], "folders");
    let sub = f.data()[0].clone();
    assert_eq!(sub["parentIds"], json!([parent]));
    assert_eq!(sub["scope"], "WsFolder");
    assert!(sub.get("project").is_none());
    let sub_id = sub["id"].as_str().unwrap().to_string();

    let jane = w.other_user_ids()[0].clone();
    let project = json!({"ownerIds": [w.me_id()], "status": "Yellow", "startDate": "2025-05-01", "endDate": "2025-06-30"}).to_string();
    let p = api
        .post(
            &format!("/folders/{sub_id}/folders"),
            &[("title", "Proj"), ("project", &project)],
        )
        .ok();
    let pr = &p.data()[0];
    assert_eq!(pr["project"]["status"], "Yellow");
    assert_eq!(pr["project"]["startDate"], "2025-05-01");
    assert_eq!(pr["project"]["authorId"], w.me_id());
    let pid = pr["id"].as_str().unwrap().to_string();
    api.post(
        &format!("/folders/{sub_id}/folders"),
        &[("title", "Bad"), ("project", r#"{"status":"Purple"}"#)],
    )
    .err(400, "invalid_parameter");
    api.post(&format!("/folders/{sub_id}/folders"), &[])
        .err(400, "parameter_required");

    let upd = json!({"ownersAdd": [jane], "ownersRemove": [w.me_id()], "status": "Completed", "endDate": null}).to_string();
    let u = api
        .put(
            &format!("/folders/{pid}"),
            &[("project", &upd), ("title", "Proj 2")],
        )
        .ok();
    let pr2 = &u.data()[0];
    assert_eq!(pr2["title"], "Proj 2");
    assert_eq!(pr2["project"]["ownerIds"], json!([jane]));
    assert_eq!(pr2["project"]["status"], "Completed");
    assert!(pr2["project"]["completedDate"].is_string());
    assert!(pr2["project"].get("endDate").is_none());
    assert!(pr2["updatedDate"].as_str().unwrap() > pr["updatedDate"].as_str().unwrap());

    // Filters.
    let projects = api
        .get(
            &format!("/folders/{parent}/folders"),
            &[("project", "true")],
        )
        .ok();
    assert_eq!(projects.json["kind"], "folders");
    assert_eq!(projects.ids(), vec![pid.clone()]);
    let folders = api
        .get(
            &format!("/folders/{parent}/folders"),
            &[("project", "false")],
        )
        .ok();
    assert!(folders.ids().contains(&sub_id) && !folders.ids().contains(&pid));
    let tree = api.get(&format!("/folders/{parent}/folders"), &[]).ok();
    assert_eq!(tree.json["kind"], "folderTree");
    assert_eq!(tree.data()[0]["id"], parent);
    let since = pr2["updatedDate"].as_str().unwrap();
    let upd_filter = api
        .get(
            "/folders",
            &[("updatedDate", &json!({"start": since}).to_string())],
        )
        .ok();
    assert_eq!(upd_filter.ids(), vec![pid.clone()]);
    let perma = pr2["permalink"].as_str().unwrap();
    let by_link = api.get("/folders", &[("permalink", perma)]).ok();
    assert_eq!(by_link.ids(), vec![pid.clone()]);
    let top = api.get("/folders", &[("descendants", "false")]).ok();
    assert!(top.ids().contains(&w.space_id()));
    assert!(!top.ids().contains(&parent));
    let with_fields = api
        .get(
            "/folders",
            &[
                ("project", "true"),
                ("fields", r#"["metadata","customFields","space"]"#),
            ],
        )
        .ok();
    assert!(with_fields.data()[0]["metadata"].is_array());
    let in_space = api
        .get(
            &format!("/spaces/{}/folders", w.space_id()),
            &[("project", "true")],
        )
        .ok();
    assert!(in_space.ids().contains(&pid));

    // project=null turns it back into a folder.
    let back = api
        .put(&format!("/folders/{pid}"), &[("project", "null")])
        .ok();
    assert!(back.data()[0].get("project").is_none());

    // Cycles and virtual parents are rejected.
    api.put(
        &format!("/folders/{sub_id}"),
        &[("addParents", &json!([pid]).to_string())],
    )
    .err(400, "invalid_parameter");
    api.put(
        &format!("/folders/{sub_id}"),
        &[("addParents", &json!([w.recycle_bin_id()]).to_string())],
    )
    .err(400, "invalid_parameter");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &[r#""Purple""#, "`title` is required"]);
}

#[test]
fn delete_folder_to_recycle_bin_and_restore() {
    let (w, api) = start();
    let parent = w.folder_ids()[0].0.clone();
    let a = api
        .post(&format!("/folders/{parent}/folders"), &[("title", "A")])
        .ok()
        .ids()[0]
        .clone();
    let b = api
        .post(&format!("/folders/{a}/folders"), &[("title", "B")])
        .ok()
        .ids()[0]
        .clone();
    let ta = w.create_task_direct(&a, "in A")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tb = w.create_task_direct(&b, "in B")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shared = w.create_task_direct(&b, "in B and parent")["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.update_task_direct(&shared, json!({"addParents": [parent]}));

    let d = api.delete(&format!("/folders/{a}")).ok();
    assert_eq!(d.data()[0]["scope"], "RbFolder");
    assert_eq!(d.data()[0]["parentIds"], json!([w.recycle_bin_id()]));
    let live = api.get("/tasks", &[]).ok().ids();
    assert!(!live.contains(&ta) && !live.contains(&tb));
    assert!(live.contains(&shared));
    assert_eq!(w.task(&shared).unwrap()["parentIds"], json!([parent]));
    let rb = api
        .get(&format!("/folders/{}/tasks", w.recycle_bin_id()), &[])
        .ok()
        .ids();
    assert!(rb.contains(&ta) && rb.contains(&tb));
    let tree = api.get("/folders", &[]).ok();
    let bin = tree
        .data()
        .iter()
        .find(|f| f["scope"] == "RbRoot")
        .unwrap()
        .clone();
    assert!(bin["childIds"].as_array().unwrap().contains(&json!(a)));
    let deleted = api.get("/folders", &[("deleted", "true")]).ok().ids();
    assert!(deleted.contains(&a) && deleted.contains(&b));
    assert!(!api
        .get("/folders", &[("project", "false")])
        .ok()
        .ids()
        .contains(&a));

    let r = api
        .put(&format!("/folders/{a}"), &[("restore", "true")])
        .ok();
    assert_eq!(r.data()[0]["scope"], "WsFolder");
    assert_eq!(r.data()[0]["parentIds"], json!([parent]));
    let live = api.get("/tasks", &[]).ok().ids();
    assert!(live.contains(&ta) && live.contains(&tb));
    api.delete(&format!("/folders/{}", w.root_folder_id()))
        .err(400, "invalid_parameter");
}

#[test]
fn copy_folder_subtree() {
    let (w, api) = start();
    let src = api
        .post(
            &format!("/folders/{}/folders", w.folder_ids()[0].0),
            &[("title", "Template"), ("description", "tmpl")],
        )
        .ok()
        .ids()[0]
        .clone();
    let child = api
        .post(&format!("/folders/{src}/folders"), &[("title", "Phase 1")])
        .ok()
        .ids()[0]
        .clone();
    let jane = w.other_user_ids()[0].clone();
    api.post(
        &format!("/folders/{child}/tasks"),
        &[
            ("title", "Kickoff"),
            ("responsibles", &json!([jane]).to_string()),
            ("dates", r#"{"start":"2025-01-06","due":"2025-01-08"}"#),
        ],
    )
    .ok();
    let dest = w.folder_ids()[1].0.clone();
    let c = api
        .post(
            &format!("/copy_folder/{src}"),
            &[
                ("parent", &dest),
                ("title", "Copy"),
                ("titlePrefix", "[C] "),
                ("rescheduleDate", "2025-03-03"),
                ("copyResponsibles", "false"),
            ],
        )
        .ok();
    assert_eq!(c.json["kind"], "folders");
    assert_eq!(c.data().len(), 2);
    assert_eq!(c.data()[0]["title"], "Copy");
    assert_eq!(c.data()[0]["parentIds"], json!([dest]));
    assert_eq!(c.data()[0]["description"], "tmpl");
    assert_eq!(c.data()[1]["title"], "[C] Phase 1");
    let new_child = c.data()[1]["id"].as_str().unwrap();
    let tasks = api
        .get(
            &format!("/folders/{new_child}/tasks"),
            &[("fields", r#"["responsibleIds"]"#)],
        )
        .ok();
    assert_eq!(tasks.data().len(), 1);
    let t = &tasks.data()[0];
    assert_eq!(t["title"], "[C] Kickoff");
    assert_eq!(t["responsibleIds"], json!([]));
    assert_eq!(t["dates"]["start"], "2025-03-03T09:00:00");
    assert_eq!(t["dates"]["due"], "2025-03-05T17:00:00");

    api.post(&format!("/copy_folder/{src}"), &[("title", "x")])
        .err(400, "parameter_required");
    api.post(
        &format!("/copy_folder/{src}"),
        &[("parent", &dest), ("title", "x"), ("entryLimit", "2")],
    )
    .err(400, "invalid_parameter");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`parent` is required"]);
}

#[test]
fn spaces() {
    let (w, api) = start();
    let l = api.get("/spaces", &[]).ok();
    assert_eq!(l.json["kind"], "spaces");
    assert!(l.ids().contains(&w.space_id()));
    let g = api
        .get(
            &format!("/spaces/{}", w.space_id()),
            &[("fields", "[members]")],
        )
        .ok();
    assert_eq!(g.data()[0]["accessType"], "Public");
    assert!(g.data()[0]["members"].as_array().unwrap().len() >= 2);
    let jane = w.other_user_ids()[0].clone();
    let c = api
        .post(
            "/spaces",
            &[
                ("title", "New space"),
                ("accessType", "Private"),
                (
                    "members",
                    &json!([{"id": jane, "isManager": false}]).to_string(),
                ),
                ("fields", "[members]"),
            ],
        )
        .ok();
    let sid = c.ids()[0].clone();
    assert_eq!(c.data()[0]["members"].as_array().unwrap().len(), 2);
    api.post("/spaces", &[("title", "x")])
        .err(400, "parameter_required");
    api.post("/spaces", &[("title", "x"), ("accessType", "Secret")])
        .err(400, "invalid_parameter");
    let u = api
        .put(
            &format!("/spaces/{sid}"),
            &[
                ("title", "Renamed"),
                ("membersRemove", &json!([jane]).to_string()),
            ],
        )
        .ok();
    assert_eq!(u.data()[0]["title"], "Renamed");
    // Tasks in a space.
    let f = api
        .post(&format!("/folders/{sid}/folders"), &[("title", "F")])
        .ok()
        .ids()[0]
        .clone();
    let t = w.create_task_direct(&f, "space task");
    let st = api.get(&format!("/spaces/{sid}/tasks"), &[]).ok();
    assert_eq!(st.ids(), vec![t["id"].as_str().unwrap().to_string()]);
    api.get(&format!("/spaces/{f}"), &[])
        .err(404, "resource_not_found");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`accessType` is required", r#""Secret""#]);
}
