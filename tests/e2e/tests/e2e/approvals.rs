//! Approval actions through the host against the fake Wrike: create on tasks and folders, get,
//! list, search, update, cancel — and what cannot be done (no owner, unknown approvers, changing
//! a cancelled approval).

use connector_host::{Connector, ErrorKind, HostError};
use e2e_tests::{cli, wrike, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

async fn ok(c: &Connector, action: &str, input: Value) -> Value {
    c.execute(action, &input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"))
}

async fn err(c: &Connector, action: &str, input: Value) -> HostError {
    match c.execute(action, &input).await {
        Ok(v) => panic!("{action} should fail, returned {v}"),
        Err(e) => e,
    }
}

fn task_by_title(fake: &FakeWrike, title: &str) -> String {
    fake.task_ids()
        .into_iter()
        .find(|id| fake.task(id).unwrap()["title"] == title)
        .unwrap()
}

fn stored(fake: &FakeWrike, id: &str) -> Value {
    fake.call_direct("GET", &format!("/approvals/{id}"), json!({}))
        .unwrap()
        .remove(0)
}

fn approvers(a: &Value) -> Vec<(String, String)> {
    a["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["approverId"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_approval_on_a_task_and_a_folder() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Write the launch brief");
    let jane = fake.other_user_ids()[0].clone();

    let out = ok(
        &c,
        "create_approval",
        json!({"taskId": task, "description": "Sign off the brief", "dueDate": "2026-03-01", "approvers": [jane], "autoFinishOnReject": false}),
    )
    .await;
    let id = out["id"].as_str().unwrap();
    assert_eq!(out["taskId"], task.as_str());
    let a = stored(&fake, id);
    assert_eq!(a["status"], "Pending");
    assert_eq!(a["description"], "Sign off the brief");
    assert_eq!(a["dueDate"], "2026-03-01");
    assert_eq!(a["autoFinishOnReject"], false);
    assert_eq!(approvers(&a), vec![(jane.clone(), "Pending".to_string())]);

    let folder = fake.project_id();
    let draft = ok(
        &c,
        "create_approval",
        json!({"folderId": folder, "description": "Budget"}),
    )
    .await;
    let a = stored(&fake, draft["id"].as_str().unwrap());
    assert_eq!(a["folderId"], folder.as_str());
    assert_eq!(a["status"], "Draft", "no approvers yet");

    let e = err(&c, "create_approval", json!({"description": "nowhere"})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let e = err(
        &c,
        "create_approval",
        json!({"taskId": task, "folderId": folder}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let e = err(
        &c,
        "create_approval",
        json!({"taskId": task, "approvers": [format!("{}ZZ", fake.account_id())]}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("approvers"), "{e}");
    let e = err(
        &c,
        "create_approval",
        json!({"taskId": format!("{}KQZZZZZZ", fake.account_id())}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn get_approval_by_id_through_the_cli() {
    let fake = FakeWrike::start().unwrap();
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let jack = fake.other_user_ids()[1].clone();
    let created = fake
        .call_direct(
            "POST",
            &format!("/tasks/{task}/approvals"),
            json!({"description": "Go?", "approvers": [jack]}),
        )
        .unwrap()
        .remove(0);
    let id = created["id"].as_str().unwrap();
    fake.decide_approval_direct(id, &jack, "Approved", "Looks fine");

    let run = CliRun::of(cli(&fake).args([
        "call",
        "get_approval_by_id",
        "--input",
        &json!({"approvalId": id}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["id"], id);
    assert_eq!(out["status"], "Approved");
    assert_eq!(out["decisions"][0]["comment"], "Looks fine");
    assert_eq!(out["finished"], true);

    let run = CliRun::of(cli(&fake).args([
        "call",
        "get_approval_by_id",
        "--input",
        &json!({"approvalId": format!("{}IZZZZZZZ", fake.account_id())}).to_string(),
    ]));
    assert_eq!(run.code, 4, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_and_search_approvals() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let other = task_by_title(&fake, "Set up CI");
    let (jane, jack) = (
        fake.other_user_ids()[0].clone(),
        fake.other_user_ids()[1].clone(),
    );
    let make = |owner: &str, approvers: Vec<&String>| {
        fake.call_direct(
            "POST",
            &format!("/tasks/{owner}/approvals"),
            json!({"approvers": approvers}),
        )
        .unwrap()[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let a = make(&task, vec![&jane]);
    let b = make(&task, vec![&jack]);
    let d = make(&other, vec![]);
    fake.decide_approval_direct(&b, &jack, "Rejected", "No");

    let on_task = ok(&c, "list_approvals", json!({"taskId": task})).await;
    let mut got = ids(&on_task);
    got.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        ids(&ok(&c, "list_approvals", json!({"taskId": other})).await),
        vec![d.clone()]
    );
    let e = err(&c, "list_approvals", json!({})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);

    let pending = ok(&c, "search_approvals", json!({"statuses": ["Pending"]})).await;
    assert_eq!(ids(&pending), vec![a.clone()]);
    let rejected = ok(&c, "search_approvals", json!({"statuses": ["Rejected"]})).await;
    assert_eq!(ids(&rejected), vec![b.clone()]);
    let waiting_on_jane = ok(&c, "search_approvals", json!({"pendingApprovers": [jane]})).await;
    assert_eq!(ids(&waiting_on_jane), vec![a.clone()]);
    let drafts = ok(&c, "search_approvals", json!({"statuses": ["Draft"]})).await;
    assert_eq!(ids(&drafts), vec![d]);
    let e = err(&c, "search_approvals", json!({"statuses": ["Maybe"]})).await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_then_cancel_an_approval() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let task = task_by_title(&fake, "Plan Q3 campaigns");
    let (jane, jack) = (
        fake.other_user_ids()[0].clone(),
        fake.other_user_ids()[1].clone(),
    );
    let id = ok(
        &c,
        "create_approval",
        json!({"taskId": task, "approvers": [jane]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let out = ok(
        &c,
        "update_approval",
        json!({"approvalId": id, "description": "Now with Jack", "addApprovers": [jack], "removeApprovers": [jane], "dueDate": "2026-04-01"}),
    )
    .await;
    assert_eq!(out["id"], id.as_str());
    let a = stored(&fake, &id);
    assert_eq!(a["description"], "Now with Jack");
    assert_eq!(a["dueDate"], "2026-04-01");
    assert_eq!(approvers(&a), vec![(jack.clone(), "Pending".to_string())]);
    let e = err(
        &c,
        "update_approval",
        json!({"approvalId": format!("{}IZZZZZZZ", fake.account_id()), "description": "x"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);

    let out = ok(&c, "cancel_approval", json!({"approvalId": id})).await;
    assert_eq!(out["status"], "Cancelled");
    assert_eq!(stored(&fake, &id)["status"], "Cancelled");
    let cancelled = ok(&c, "search_approvals", json!({"statuses": ["Cancelled"]})).await;
    assert_eq!(ids(&cancelled), vec![id.clone()]);

    // A cancelled approval cannot change any more: Wrike's 403.
    let e = err(
        &c,
        "update_approval",
        json!({"approvalId": id, "description": "too late"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    assert_eq!(stored(&fake, &id)["description"], "Now with Jack");
    let e = err(
        &c,
        "cancel_approval",
        json!({"approvalId": format!("{}IZZZZZZZ", fake.account_id())}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}
