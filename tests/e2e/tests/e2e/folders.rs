//! Folder and project actions through the host against the fake Wrike: create, update, get,
//! search, copy and delete, checked against what the fake stores, and their failures.

use connector_host::{Connector, ErrorKind, HostError, Limits};
use e2e_tests::{cli, wrike, wrike_with, CliRun};
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

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_string())
        .collect()
}

/// Titles of the folders below `id` (the subtree list also holds `id` itself), as the fake
/// stores them.
fn subtree_titles(fake: &FakeWrike, id: &str) -> Vec<String> {
    fake.call_direct(
        "GET",
        &format!("/folders/{id}/folders"),
        json!({"descendants": true}),
    )
    .unwrap()
    .iter()
    .filter(|f| f["id"] != id)
    .map(|f| f["title"].as_str().unwrap().to_string())
    .collect()
}

fn tasks_in(fake: &FakeWrike, folder: &str) -> Vec<Value> {
    fake.call_direct("GET", &format!("/folders/{folder}/tasks"), json!({}))
        .unwrap()
}

#[test]
fn create_folder_through_the_cli_stores_what_was_sent() {
    let fake = FakeWrike::start().unwrap();
    let marketing = fake.folder_ids()[0].0.clone();
    let jane = fake.other_user_ids()[0].clone();
    let client = fake.custom_field_ids()[0].0.clone();
    let run = CliRun::of(
        cli(&fake).args([
            "call",
            "create_folder",
            "--input",
            &json!({
                "folderId": marketing,
                "title": "Campaigns 2026",
                "description": "<p>All campaigns</p>",
                "shareds": [jane],
                "metadata": [{"key": "source", "value": "e2e"}],
                "customFields": {client.clone(): "Acme"},
            })
            .to_string(),
        ]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    let id = out["id"].as_str().unwrap();
    assert_eq!(out["title"], "Campaigns 2026");
    assert!(out.get("project").is_none(), "a plain folder: {out}");

    let stored = fake.folder(id).unwrap();
    assert_eq!(stored["parentIds"], json!([marketing]));
    assert_eq!(stored["description"], "<p>All campaigns</p>");
    assert!(stored["sharedIds"]
        .as_array()
        .unwrap()
        .contains(&json!(jane)));
    assert_eq!(
        stored["metadata"],
        json!([{"key": "source", "value": "e2e"}])
    );
    assert_eq!(
        stored["customFields"],
        json!([{"id": client, "value": "Acme"}])
    );
    assert!(subtree_titles(&fake, &marketing).contains(&"Campaigns 2026".to_string()));

    // Failures: the word Root, a missing title, a read-only token.
    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_folder",
        "--input",
        &json!({"folderId": "Root", "title": "x"}).to_string(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "folderId");
    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_folder",
        "--input",
        &json!({"folderId": marketing}).to_string(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "title");
    fake.add_token("ro", &["wsReadOnly"]);
    let run = CliRun::of(cli(&fake).env("CONNECTOR_TOKEN", "ro").args([
        "call",
        "create_folder",
        "--input",
        &json!({"folderId": marketing, "title": "Not allowed"}).to_string(),
    ]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "forbidden");
    assert!(!subtree_titles(&fake, &marketing).contains(&"Not allowed".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_project_at_the_root_with_settings_and_by_default() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let root = fake.root_folder_id();
    let jack = fake.other_user_ids()[1].clone();

    let out = ok(
        &c,
        "create_project",
        json!({
            "folderId": root,
            "title": "Office Move",
            "project": {"ownerIds": [jack], "status": "Yellow", "startDate": "2026-02-02", "endDate": "2026-04-30"},
        }),
    )
    .await;
    let id = out["id"].as_str().unwrap();
    let stored = fake.folder(id).unwrap();
    assert_eq!(stored["parentIds"], json!([root]));
    assert_eq!(stored["project"]["ownerIds"], json!([jack]));
    assert_eq!(stored["project"]["status"], "Yellow");
    assert_eq!(stored["project"]["startDate"], "2026-02-02");
    assert_eq!(stored["project"]["endDate"], "2026-04-30");

    // Without settings it is still a project (`project={}`), owned by its creator.
    let out = ok(
        &c,
        "create_project",
        json!({"folderId": root, "title": "Bare project"}),
    )
    .await;
    let stored = fake.folder(out["id"].as_str().unwrap()).unwrap();
    assert_eq!(stored["project"]["ownerIds"], json!([fake.me_id()]));

    // A project custom status as "Workflow|Status" text.
    let out = ok(
        &c,
        "create_project",
        json!({"folderId": root, "title": "Held project", "project": {"customStatusId": "Default Workflow|On Hold"}}),
    )
    .await;
    let stored = fake.folder(out["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        stored["project"]["customStatusId"],
        fake.custom_status_id("Default Workflow", "On Hold")
            .unwrap()
    );

    // End before start: Wrike's 400 names the parameter.
    let e = err(
        &c,
        "create_project",
        json!({"folderId": root, "title": "Backwards", "project": {"startDate": "2026-05-01", "endDate": "2026-04-01"}}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("project"), "{e}");
    let e = err(
        &c,
        "create_project",
        json!({"folderId": root, "title": "x", "project": {"status": "Purple"}}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("project.status"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_folder_and_update_project() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let engineering = fake.folder_ids()[1].0.clone();
    let carol = fake.other_user_ids()[2].clone();
    let jane = fake.other_user_ids()[0].clone();

    let out = ok(
        &c,
        "update_folder",
        json!({
            "folderId": engineering,
            "title": "Engineering & Ops",
            "description": "Builds and runs things",
            "addShareds": [carol],
            "metadata": [{"key": "team", "value": "platform"}],
        }),
    )
    .await;
    assert_eq!(out["title"], "Engineering & Ops");
    let stored = fake.folder(&engineering).unwrap();
    assert_eq!(stored["title"], "Engineering & Ops");
    assert_eq!(stored["description"], "Builds and runs things");
    assert!(stored["sharedIds"]
        .as_array()
        .unwrap()
        .contains(&json!(carol)));
    assert_eq!(
        stored["metadata"],
        json!([{"key": "team", "value": "platform"}])
    );

    let project = fake.project_id();
    ok(
        &c,
        "update_project",
        json!({
            "folderId": project,
            "project": {"status": "Red", "ownersAdd": [jane], "endDate": "2026-06-30"},
        }),
    )
    .await;
    let stored = fake.folder(&project).unwrap();
    assert_eq!(stored["project"]["status"], "Red");
    assert_eq!(stored["project"]["ownerIds"], json!([fake.me_id(), jane]));
    assert_eq!(stored["project"]["endDate"], "2026-06-30");

    // project = null turns the project back into a folder.
    ok(
        &c,
        "update_project",
        json!({"folderId": project, "project": null}),
    )
    .await;
    assert!(fake.folder(&project).unwrap().get("project").is_none());

    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "update_folder",
        json!({"folderId": missing, "title": "x"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    fake.add_token("ro", &["wsReadOnly"]);
    let ro = wrike_with(&fake, "ro", Limits::default());
    let e = err(
        &ro,
        "update_project",
        json!({"folderId": project, "title": "x"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_eq!(fake.folder(&project).unwrap()["title"], "Website Launch");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_folder_by_id_with_plain_text_and_unknown_ids() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let project = fake.project_id();
    let out = ok(&c, "get_folder_by_id", json!({"folderId": project})).await;
    assert_eq!(out["id"], project.as_str());
    assert_eq!(out["title"], "Website Launch");
    assert_eq!(out["description"], "<p>Launch the new website.</p>");
    assert_eq!(out["project"]["status"], "Green");
    assert_eq!(out["parentIds"], json!([fake.folder_ids()[0].0]));

    let out = ok(
        &c,
        "get_folder_by_id",
        json!({"folderId": project, "convertDescriptionToPlainText": true}),
    )
    .await;
    assert_eq!(out["description"], "Launch the new website.");

    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(&c, "get_folder_by_id", json!({"folderId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains(&missing), "names the ID: {e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_folder_and_search_project() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let marketing = fake.folder_ids()[0].0.clone();

    // Without a filter Wrike answers its folder tree, virtual Root and Recycle Bin included.
    let tree = ok(&c, "search_folder", json!({})).await;
    let names = titles(&tree);
    for t in [
        "Root",
        "Recycle Bin",
        "Marketing",
        "Engineering",
        "Website Launch",
    ] {
        assert!(names.contains(&t.to_string()), "{t} missing from {names:?}");
    }
    let root = tree["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Root")
        .unwrap();
    assert_eq!(root["id"], fake.root_folder_id());
    assert_eq!(root["scope"], "WsRoot");

    // Any filter switches to the Folder model, with Workato's default optional fields.
    let all = ok(&c, "search_folder", json!({"descendants": true})).await;
    let names = titles(&all);
    for t in ["Marketing", "Engineering", "Website Launch"] {
        assert!(names.contains(&t.to_string()), "{t} missing from {names:?}");
    }
    assert!(!names.contains(&"Recycle Bin".to_string()), "{names:?}");
    let q = fake.requests().last().unwrap().params();
    let fields = &q.iter().find(|(k, _)| k == "fields").unwrap().1;
    assert!(fields.contains("customFields") && fields.contains("description"));
    let launch = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Website Launch")
        .unwrap();
    assert_eq!(launch["description"], "<p>Launch the new website.</p>");

    let plain = ok(&c, "search_folder", json!({"project": false})).await;
    assert!(!titles(&plain).contains(&"Website Launch".to_string()));
    assert!(titles(&plain).contains(&"Marketing".to_string()));

    let projects = ok(&c, "search_project", json!({})).await;
    assert_eq!(titles(&projects), vec!["Website Launch"]);
    let in_engineering = ok(
        &c,
        "search_project",
        json!({"folderId": fake.folder_ids()[1].0}),
    )
    .await;
    assert_eq!(titles(&in_engineering), Vec::<String>::new());
    let in_marketing = ok(
        &c,
        "search_project",
        json!({"folderId": marketing, "convertDescriptionToPlainText": true}),
    )
    .await;
    assert_eq!(
        in_marketing["items"][0]["description"],
        "Launch the new website."
    );
    let in_space = ok(&c, "search_folder", json!({"spaceId": fake.space_id()})).await;
    assert!(titles(&in_space).contains(&"Engineering".to_string()));

    let e = err(
        &c,
        "search_folder",
        json!({"folderId": marketing, "spaceId": fake.space_id()}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(&c, "search_project", json!({"folderId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn deleted_with_folder_id_is_refused_by_the_hosts_schema() {
    // Wrike documents `deleted` for GET /folders and GET /spaces/{id}/folders only.
    let fake = FakeWrike::start().unwrap();
    let marketing = fake.folder_ids()[0].0.clone();
    for action in ["search_folder", "search_project"] {
        let run = CliRun::of(cli(&fake).args([
            "call",
            action,
            "--input",
            &json!({"folderId": marketing, "deleted": true}).to_string(),
        ]));
        assert_eq!(run.code, 2, "{}", run.stderr);
        let e = run.error();
        assert_eq!(e["kind"], "invalid_input");
        assert_eq!(e["field"], "deleted", "{e}");
    }
    assert!(fake.requests().is_empty(), "refused before sending");
    // `deleted: false` is the default and is not sent to the subtree list.
    let run = CliRun::of(cli(&fake).args([
        "call",
        "search_folder",
        "--input",
        &json!({"folderId": marketing, "deleted": false}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = fake.requests();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].params().iter().all(|(k, _)| k != "deleted"));
    // Per space, the Recycle Bin is still searched.
    let run = CliRun::of(cli(&fake).args([
        "call",
        "search_folder",
        "--input",
        &json!({"spaceId": fake.space_id(), "deleted": true}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_folder_and_copy_project_copy_the_subtree_and_its_tasks() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let (marketing, engineering) = (
        fake.folder_ids()[0].0.clone(),
        fake.folder_ids()[1].0.clone(),
    );

    let out = ok(
        &c,
        "copy_folder",
        json!({"folderId": marketing, "parent": engineering, "title": "Marketing (copy)", "titlePrefix": "Copy of "}),
    )
    .await;
    let copy = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Marketing (copy)")
        .unwrap_or_else(|| panic!("the copy is in the answer: {out}"))
        .clone();
    let copy_id = copy["id"].as_str().unwrap();
    assert_ne!(copy_id, marketing);
    assert_eq!(
        fake.folder(copy_id).unwrap()["parentIds"],
        json!([engineering])
    );
    assert_eq!(
        subtree_titles(&fake, copy_id),
        vec!["Copy of Website Launch"],
        "the project below was copied with the prefix"
    );
    let copied_tasks: Vec<String> = tasks_in(&fake, copy_id)
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        copied_tasks.contains(&"Copy of Plan Q3 campaigns".to_string()),
        "{copied_tasks:?}"
    );
    assert!(titles(&ok(&c, "search_folder", json!({})).await).contains(&"Marketing".to_string()));

    let out = ok(
        &c,
        "copy_project",
        json!({"folderId": fake.project_id(), "parent": fake.root_folder_id(), "title": "Launch template", "copyResponsibles": false}),
    )
    .await;
    let copy = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Launch template")
        .unwrap()
        .clone();
    let stored = fake.folder(copy["id"].as_str().unwrap()).unwrap();
    assert!(stored["project"].is_object(), "still a project: {stored}");
    assert_eq!(stored["parentIds"], json!([fake.root_folder_id()]));
    let tasks = tasks_in(&fake, copy["id"].as_str().unwrap());
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    for t in &tasks {
        let full = fake.task(t["id"].as_str().unwrap()).unwrap();
        assert_eq!(full["responsibleIds"], json!([]), "copyResponsibles=false");
    }

    let e = err(
        &c,
        "copy_folder",
        json!({"folderId": marketing, "title": "no parent"}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("parent"));
    let e = err(
        &c,
        "copy_folder",
        json!({"folderId": marketing, "parent": engineering, "title": "too big", "entryLimit": 2}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("entryLimit"), "{e}");
    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(
        &c,
        "copy_project",
        json!({"folderId": missing, "parent": engineering, "title": "x"}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_folder_moves_it_and_its_tasks_to_the_recycle_bin() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let engineering = fake.folder_ids()[1].0.clone();
    let folder = ok(
        &c,
        "create_folder",
        json!({"folderId": engineering, "title": "Old experiments"}),
    )
    .await;
    let id = folder["id"].as_str().unwrap().to_string();
    let task = fake.create_task_direct(&id, "Abandoned spike");
    let task_id = task["id"].as_str().unwrap();

    let out = ok(&c, "delete_folder", json!({"folderId": id})).await;
    assert_eq!(out["id"], id.as_str());
    assert_eq!(out["scope"], "RbFolder");
    let stored = fake.folder(&id).unwrap();
    assert_eq!(stored["scope"], "RbFolder");
    assert_eq!(stored["parentIds"], json!([fake.recycle_bin_id()]));
    assert_eq!(fake.task(task_id).unwrap()["scope"], "RbTask");
    assert!(!subtree_titles(&fake, &engineering).contains(&"Old experiments".to_string()));

    let e = err(
        &c,
        "delete_folder",
        json!({"folderId": fake.root_folder_id()}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    let missing = format!("{}I4ZZZZZZ", fake.account_id());
    let e = err(&c, "delete_folder", json!({"folderId": missing})).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
}
