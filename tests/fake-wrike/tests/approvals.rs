//! Approvals over HTTP.

mod common;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::json;

#[test]
fn approval_lifecycle_and_paging() {
    let w = FakeWrike::start().unwrap();
    let api = Api::new(&w);
    let folder = w.folder_ids()[0].0.clone();
    let task = w.create_task_direct(&folder, "Needs approval")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let users = w.other_user_ids();

    let draft = api
        .post(
            &format!("/tasks/{task}/approvals"),
            &[("description", "Check it")],
        )
        .ok();
    assert_eq!(draft.json["kind"], "approvals");
    let d = &draft.data()[0];
    assert_eq!(d["status"], "Draft");
    assert_eq!(d["taskId"], task);
    assert_eq!(d["autoFinishOnApprove"], true);
    let did = d["id"].as_str().unwrap().to_string();

    let approvers = json!([users[0], users[1]]).to_string();
    let pending = api
        .post(
            &format!("/tasks/{task}/approvals"),
            &[("approvers", &approvers), ("dueDate", "2025-04-01")],
        )
        .ok();
    let p = &pending.data()[0];
    assert_eq!(p["status"], "Pending");
    assert_eq!(p["dueDate"], "2025-04-01");
    assert_eq!(p["decisions"].as_array().unwrap().len(), 2);
    let pid = p["id"].as_str().unwrap().to_string();
    api.post(
        &format!("/tasks/{task}/approvals"),
        &[("dueDate", "tomorrow")],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/tasks/{task}/approvals"),
        &[("approvers", r#"["NOBODY00"]"#)],
    )
    .err(400, "invalid_parameter");

    // Adding an approver turns a draft into a pending approval.
    let u = api
        .put(
            &format!("/approvals/{did}"),
            &[("addApprovers", &json!([users[0]]).to_string())],
        )
        .ok();
    assert_eq!(u.data()[0]["status"], "Pending");
    let u = api
        .put(
            &format!("/approvals/{did}"),
            &[("removeApprovers", &json!([users[0]]).to_string())],
        )
        .ok();
    assert_eq!(u.data()[0]["status"], "Draft");

    // Decisions.
    w.decide_approval_direct(&pid, &users[0], "Approved", "ok");
    let a = w.decide_approval_direct(&pid, &users[1], "Approved", "");
    assert_eq!(a["status"], "Approved");
    assert_eq!(a["finished"], true);

    let listed = api.get(&format!("/tasks/{task}/approvals"), &[]).ok();
    assert_eq!(listed.data().len(), 2);
    let approved = api.get("/approvals", &[("statuses", "Approved")]).ok();
    assert_eq!(approved.ids(), vec![pid.clone()]);
    let by_approver = api
        .get(
            "/approvals",
            &[("approvers", &json!([users[1]]).to_string())],
        )
        .ok();
    assert_eq!(by_approver.ids(), vec![pid.clone()]);

    // Cancel.
    let c = api.delete(&format!("/approvals/{did}")).ok();
    assert_eq!(c.data()[0]["status"], "Cancelled");
    api.put(&format!("/approvals/{did}"), &[("description", "x")])
        .err(403, "not_allowed");

    // Paging.
    for _ in 0..5 {
        api.post(&format!("/folders/{folder}/approvals"), &[]).ok();
    }
    let first = api.get("/approvals", &[("pageSize", "3")]).ok();
    assert_eq!(first.json["responseSize"], 7);
    assert_eq!(first.data().len(), 3);
    let tok = first.json["nextPageToken"].as_str().unwrap();
    let second = api.get("/approvals", &[("nextPageToken", tok)]).ok();
    assert_eq!(second.data().len(), 3);
    let tok = second.json["nextPageToken"].as_str().unwrap();
    let third = api.get("/approvals", &[("nextPageToken", tok)]).ok();
    assert_eq!(third.data().len(), 1);
    assert!(third.json.get("nextPageToken").is_none());
    api.get("/approvals", &[("nextPageToken", "bogus")])
        .err(400, "invalid_parameter");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &[r#""tomorrow""#]);
}
