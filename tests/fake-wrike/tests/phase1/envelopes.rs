//! The `{"kind", "data"}` envelopes, the seed data, unknown routes and malformed IDs.

use crate::common;
use crate::start;

#[test]
fn envelopes_and_seed_data() {
    let (w, api) = start();
    let me = api.get("/contacts", &[("me", "true")]).ok();
    assert_eq!(me.json["kind"], "contacts");
    assert_eq!(me.data().len(), 1);
    assert_eq!(me.data()[0]["id"], w.me_id());
    assert_eq!(me.data()[0]["me"], true);
    assert_eq!(me.data()[0]["type"], "Person");
    assert!(me.data()[0]["profiles"][0]["email"].is_string());

    let all = api.get("/contacts", &[]).ok();
    assert!(all.data().len() >= 4);
    assert!(all.data().iter().any(|c| c["type"] == "Group"));
    let deleted = api.get("/contacts", &[("deleted", "true")]).ok();
    assert!(deleted.data().iter().all(|c| c["deleted"] == true));

    let acct = api.get("/account", &[]).ok();
    assert_eq!(acct.json["kind"], "accounts");
    let a = &acct.data()[0];
    assert_eq!(a["id"], w.account_id());
    assert_eq!(a["rootFolderId"], format!("{}I7777777", w.account_id()));
    assert_eq!(a["recycleBinId"], format!("{}I7777776", w.account_id()));
    assert_eq!(w.account_id().len(), 8);

    let wf = api.get("/workflows", &[]).ok();
    assert_eq!(wf.json["kind"], "workflows");
    let default = wf
        .data()
        .iter()
        .find(|x| x["name"] == "Default Workflow")
        .expect("default workflow");
    let statuses: Vec<(String, String, String)> = default["customStatuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["group"].as_str().unwrap().into(),
                s["color"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("New", "Active", "Blue"),
        ("In Progress", "Active", "Turquoise"),
        ("Completed", "Completed", "Green"),
        ("On Hold", "Deferred", "Gray"),
        ("Cancelled", "Cancelled", "Gray"),
    ];
    assert_eq!(statuses.len(), 5);
    for (got, want) in statuses.iter().zip(expect) {
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), want);
    }

    let cf = api.get("/customfields", &[]).ok();
    assert_eq!(cf.json["kind"], "customfields");
    assert!(cf.data().len() >= 2);

    let v = api.get("/version", &[]).ok();
    assert_eq!(v.data()[0]["major"], 4);

    let tree = api.get("/folders", &[]).ok();
    assert_eq!(tree.json["kind"], "folderTree");
    let root = tree
        .data()
        .iter()
        .find(|f| f["scope"] == "WsRoot")
        .expect("root");
    assert_eq!(root["id"], w.root_folder_id());
    assert!(tree.data().iter().any(|f| f["scope"] == "RbRoot"));
    assert!(tree.data().iter().any(|f| f["project"].is_object()));

    let projects = api.get("/folders", &[("project", "true")]).ok();
    assert_eq!(projects.json["kind"], "folders");
    assert_eq!(projects.ids(), vec![w.project_id()]);
    let got = api.get(&format!("/folders/{}", w.project_id()), &[]).ok();
    assert_eq!(got.data()[0]["project"]["status"], "Green");

    // `state` is echoed.
    let s = api.get("/version", &[("state", "abc")]).ok();
    assert_eq!(s.json["state"], "abc");
}

#[test]
fn not_found_and_bad_ids() {
    let (w, api) = start();
    let acct = w.account_id();
    api.get(&format!("/tasks/{acct}KQZZZZZZ"), &[])
        .err(404, "resource_not_found");
    api.get(&format!("/folders/{acct}I4ZZZZZZ/tasks"), &[])
        .err(404, "resource_not_found");
    api.get("/no_such_method", &[]).err(404, "method_not_found");
    api.send(api.http.patch(format!("{}/tasks", w.base_url())))
        .err(404, "method_not_found");
    let many: Vec<String> = (0..101).map(|i| format!("{acct}KQ{i:06}")).collect();
    api.get(&format!("/tasks/{}", many.join(",")), &[])
        .err(400, "invalid_parameter");
    // Multi-ID get.
    let f = w.folder_ids()[0].0.clone();
    let t1 = w.create_task_direct(&f, "one");
    let t2 = w.create_task_direct(&f, "two");
    let both = api
        .get(
            &format!(
                "/tasks/{},{}",
                t1["id"].as_str().unwrap(),
                t2["id"].as_str().unwrap()
            ),
            &[],
        )
        .ok();
    assert_eq!(both.data().len(), 2);
    assert!(both.data()[0]["parentIds"].is_array());
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["GET /no_such_method", "PATCH /tasks", "at most 100"]);
}
