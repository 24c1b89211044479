//! Unit tests of [`super`].

use crate::catalog::execute;
use crate::env::Method;
use crate::error::Error;
use crate::testing::{ok, refusal, MockEnv, BASE};
use serde_json::{json, Value};

const FOLDER: &str = r#"{"kind":"folders","data":[{"id":"IEAAAAAQI4AB5BGU","accountId":"IEAAAAAQ","title":"F","description":"<b>D</b>","scope":"WsFolder","project":{"status":"Green"}}]}"#;

fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
    execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
}

#[test]
fn creates_folders_and_projects() {
    let mut env = MockEnv::new(vec![ok(FOLDER), ok(FOLDER), ok(FOLDER)]);
    let out = run(
        &mut env,
        "create_folder",
        json!({"folderId": "P", "title": "F", "shareds": ["KUAAAAAQ"]}),
    )
    .unwrap();
    assert_eq!(out["id"], "IEAAAAAQI4AB5BGU");
    assert_eq!(env.requests[0].method, Method::Post);
    assert_eq!(env.path(0), "/api/v4/folders/P/folders");
    assert_eq!(
        env.form(0),
        vec![
            ("shareds".into(), r#"["KUAAAAAQ"]"#.into()),
            ("title".into(), "F".into())
        ]
    );
    run(
        &mut env,
        "create_project",
        json!({"folderId": "P", "title": "Pr"}),
    )
    .unwrap();
    assert_eq!(env.form_param(1, "project").as_deref(), Some("{}"));
    run(&mut env, "create_project", json!({"folderId": "P", "title": "Pr", "project": {"status": "Yellow", "ownerIds": ["KUAAAAAQ"], "startDate": "2024-01-01"}})).unwrap();
    assert_eq!(
        env.form_param(2, "project").as_deref(),
        Some(r#"{"ownerIds":["KUAAAAAQ"],"startDate":"2024-01-01","status":"Yellow"}"#)
    );
    assert_eq!(
        refusal(
            &mut env,
            "create_folder",
            json!({"folderId": "P", "title": "F", "project": {}})
        ),
        "project"
    );
    assert_eq!(
        refusal(
            &mut env,
            "create_project",
            json!({"folderId": "P", "title": "F", "project": {"startDate": "01/02/2024"}})
        ),
        "project.startDate"
    );
}

#[test]
fn updates_folders_and_projects() {
    let mut env = MockEnv::new(vec![ok(FOLDER), ok(FOLDER)]);
    run(
        &mut env,
        "update_folder",
        json!({"folderId": "F", "title": "New", "addParents": ["P2"], "customFields": {"C": null}}),
    )
    .unwrap();
    assert_eq!(env.requests[0].method, Method::Put);
    assert_eq!(env.path(0), "/api/v4/folders/F");
    assert_eq!(
        env.form_param(0, "customFields").as_deref(),
        Some(r#"[{"id":"C","value":null}]"#)
    );
    run(
        &mut env,
        "update_project",
        json!({"folderId": "F", "project": {"ownersAdd": ["U"], "endDate": null}}),
    )
    .unwrap();
    assert_eq!(
        env.form_param(1, "project").as_deref(),
        Some(r#"{"endDate":null,"ownersAdd":["U"]}"#)
    );
}

#[test]
fn gets_and_searches() {
    let mut env = MockEnv::new(vec![ok(FOLDER), ok(FOLDER), ok(FOLDER), ok(FOLDER)]);
    let out = run(
        &mut env,
        "get_folder_by_id",
        json!({"folderId": "F", "convertDescriptionToPlainText": true}),
    )
    .unwrap();
    assert_eq!(out["description"], "D");
    assert_eq!(env.path(0), "/api/v4/folders/F");
    let out = run(
        &mut env,
        "search_folder",
        json!({"permalink": "https://www.wrike.com/open.htm?id=1"}),
    )
    .unwrap();
    assert_eq!(out["items"][0]["id"], "IEAAAAAQI4AB5BGU");
    assert_eq!(env.path(1), "/api/v4/folders");
    assert!(env
        .query_param(1, "fields")
        .unwrap()
        .contains("customColumnIds"));
    assert_eq!(env.query_param(1, "project"), None);
    run(
        &mut env,
        "search_project",
        json!({"spaceId": "S", "fields": ["space"]}),
    )
    .unwrap();
    assert_eq!(env.path(2), "/api/v4/spaces/S/folders");
    assert_eq!(env.query_param(2, "project").as_deref(), Some("true"));
    assert_eq!(
        env.query_param(2, "fields").as_deref(),
        Some(r#"["space"]"#)
    );
    run(&mut env, "search_folder", json!({"folderId": "F", "project": false, "updatedDate": {"start": "2024-01-01T00:00:00Z"}})).unwrap();
    assert_eq!(env.path(3), "/api/v4/folders/F/folders");
    assert_eq!(env.query_param(3, "project").as_deref(), Some("false"));
    assert_eq!(
        refusal(&mut env, "search_project", json!({"project": false})),
        "project"
    );
}

#[test]
fn deleted_is_refused_with_folder_id() {
    let mut env = MockEnv::new(vec![ok(FOLDER), ok(FOLDER), ok(FOLDER)]);
    for action in ["search_folder", "search_project"] {
        // The schema's dependentSchemas rule: the host refuses `deleted` next to `folderId`.
        assert_eq!(
            refusal(&mut env, action, json!({"folderId": "F", "deleted": true})),
            "deleted"
        );
    }
    assert!(env.requests.is_empty());
    run(
        &mut env,
        "search_folder",
        json!({"folderId": "F", "deleted": false}),
    )
    .unwrap();
    assert_eq!(env.path(0), "/api/v4/folders/F/folders");
    assert_eq!(env.query_param(0, "deleted"), None);
    run(
        &mut env,
        "search_folder",
        json!({"spaceId": "S", "deleted": true}),
    )
    .unwrap();
    assert_eq!(env.query_param(1, "deleted").as_deref(), Some("true"));
    run(&mut env, "search_project", json!({"deleted": true})).unwrap();
    assert_eq!(env.path(2), "/api/v4/folders");
    assert_eq!(env.query_param(2, "deleted").as_deref(), Some("true"));
}

#[test]
fn copies_and_deletes() {
    let mut env = MockEnv::new(vec![ok(FOLDER), ok(r#"{"kind":"folders","data":[]}"#)]);
    let out = run(&mut env, "copy_project", json!({"folderId": "F", "parent": "P", "title": "Copy", "copyDescriptions": false, "entryLimit": 10})).unwrap();
    assert_eq!(out["items"].as_array().unwrap().len(), 1);
    assert_eq!(env.path(0), "/api/v4/copy_folder/F");
    assert_eq!(
        env.form_param(0, "copyDescriptions").as_deref(),
        Some("false")
    );
    assert_eq!(env.form_param(0, "parent").as_deref(), Some("P"));
    let out = run(&mut env, "delete_folder", json!({"folderId": "F"})).unwrap();
    assert_eq!(out, json!({}));
    assert_eq!(env.requests[1].method, Method::Delete);
    assert_eq!(
        refusal(
            &mut env,
            "copy_folder",
            json!({"folderId": "F", "title": "x", "parent": "P", "entryLimit": 251})
        ),
        "entryLimit"
    );
}
