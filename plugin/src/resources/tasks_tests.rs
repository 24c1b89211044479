//! Unit tests of [`super`].

use crate::catalog::execute;
use crate::env::Method;
use crate::error::Error;
use crate::testing::{ok, refusal, wrike_error, MockEnv, BASE};
use serde_json::{json, Value};

const TASK: &str = r#"{"kind":"tasks","data":[{"id":"IEAAAAAQKQAB5BG5","accountId":"IEAAAAAQ","title":"T","description":"<p>Hi &amp; bye</p>","status":"Active","importance":"High","createdDate":"2019-02-18T11:17:43Z","updatedDate":"2019-02-18T11:17:43Z","dates":{"type":"Backlog"},"scope":"WsTask","customStatusId":"IEAAAAAQJMAAAAAA","permalink":"https://www.wrike.com/open.htm?id=1","priority":"0"}]}"#;

fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
    execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
}

#[test]
fn create_task_posts_a_form_with_json_values() {
    let mut env = MockEnv::new(vec![ok(TASK)]);
    let out = run(&mut env, "create_task", json!({
        "folderId": "IEAAAAAQI4AB5BGU", "title": "T", "importance": "High",
        "responsibles": ["KUAAAAAQ"], "dates": {"type": "Planned", "start": "2019-02-18", "due": "2019-02-25"},
        "customFields": {"IEAAAAAQJUAAAAAX": "v"}, "metadata": [{"key": "k", "value": "v"}]
    })).unwrap();
    assert_eq!(out["id"], "IEAAAAAQKQAB5BG5");
    let r = &env.requests[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(env.path(0), "/api/v4/folders/IEAAAAAQI4AB5BGU/tasks");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(env.form_param(0, "title").as_deref(), Some("T"));
    assert_eq!(
        env.form_param(0, "responsibles").as_deref(),
        Some(r#"["KUAAAAAQ"]"#)
    );
    assert_eq!(
        env.form_param(0, "dates").as_deref(),
        Some(r#"{"due":"2019-02-25","start":"2019-02-18","type":"Planned"}"#)
    );
    assert_eq!(
        env.form_param(0, "customFields").as_deref(),
        Some(r#"[{"id":"IEAAAAAQJUAAAAAX","value":"v"}]"#)
    );
    assert_eq!(env.form_param(0, "folderId"), None);
    assert!(r.header("authorization").is_none());
}

#[test]
fn create_task_validates_before_sending() {
    let mut env = MockEnv::new(vec![]);
    // The host refuses these first; the guest's own parse names the same fields.
    for (input, field) in [
        (json!({"folderId": "F"}), "title"),
        (json!({"title": "T"}), "folderId"),
        (json!({"folderId": "F", "title": ""}), "title"),
        (
            json!({"folderId": "F", "title": "T", "status": "Done"}),
            "status",
        ),
        (
            json!({"folderId": "F", "title": "T", "dates": {"type": "Sometime"}}),
            "dates.type",
        ),
        (
            json!({"folderId": "F", "title": "T", "responsibles": "KUAAAAAQ"}),
            "responsibles",
        ),
        (
            json!({"folderId": "F", "title": "T", "colour": "red"}),
            "colour",
        ),
    ] {
        assert_eq!(refusal(&mut env, "create_task", input.clone()), field);
        if field == "folderId" || field == "colour" {
            // A missing member the guest reads, and an unknown member, the guest's parse refuses
            // on its own too (the forwarded members are the host's to check).
            match run(&mut env, "create_task", input) {
                Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
    }
    assert!(env.requests.is_empty());
    match execute(&mut env, BASE, "create_task", "{not json") {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, ""),
        other => panic!("{other:?}"),
    }
    match execute(&mut env, BASE, "fly_to_moon", "{}") {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "action"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_task_resolves_custom_status_text() {
    let wf = r#"{"kind":"workflows","data":[{"id":"W","name":"Default Workflow","customStatuses":[{"id":"IEAAAAAQJMAAAAAB","name":"In Progress"}]}]}"#;
    let mut env = MockEnv::new(vec![ok(wf), ok(TASK)]);
    run(
        &mut env,
        "create_task",
        json!({"folderId": "F", "title": "T", "customStatus": "Default Workflow|In Progress"}),
    )
    .unwrap();
    assert_eq!(env.path(0), "/api/v4/workflows");
    assert_eq!(
        env.form_param(1, "customStatus").as_deref(),
        Some("IEAAAAAQJMAAAAAB")
    );
}

#[test]
fn wrike_400_names_the_parameter() {
    let mut env = MockEnv::new(vec![wrike_error(
        400,
        "invalid_parameter",
        "Parameter 'parents' value is invalid",
    )]);
    match run(
        &mut env,
        "create_task",
        json!({"folderId": "F", "title": "T", "parents": ["X"]}),
    ) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "parents"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn get_task_by_id_with_fields_and_plain_text() {
    let mut env = MockEnv::new(vec![ok(TASK), ok(TASK)]);
    let out = run(
        &mut env,
        "get_task_by_id",
        json!({"taskId": "IEAAAAAQKQAB5BG5", "fields": ["recurrent"]}),
    )
    .unwrap();
    assert_eq!(env.path(0), "/api/v4/tasks/IEAAAAAQKQAB5BG5");
    assert_eq!(
        env.query_param(0, "fields").as_deref(),
        Some(r#"["recurrent"]"#)
    );
    assert_eq!(out["description"], "<p>Hi &amp; bye</p>");
    let out = run(
        &mut env,
        "get_task_by_id",
        json!({"taskId": "IEAAAAAQKQAB5BG5", "convertDescriptionToPlainText": true}),
    )
    .unwrap();
    assert_eq!(out["description"], "Hi & bye");
    assert_eq!(env.query(1), vec![]);
}

#[test]
fn get_task_by_id_not_found() {
    let mut env = MockEnv::new(vec![wrike_error(
        404,
        "resource_not_found",
        "Task not found",
    )]);
    assert_eq!(
        run(&mut env, "get_task_by_id", json!({"taskId": "X"})),
        Err(Error::NotFound("Task not found".into()))
    );
}

#[test]
fn update_task_puts_changes() {
    let mut env = MockEnv::new(vec![ok(TASK)]);
    run(&mut env, "update_task", json!({"taskId": "IEAAAAAQKQAB5BG5", "status": "Completed", "addResponsibles": ["KUAAAAAQ"], "customFields": [{"id": "C", "value": null}]})).unwrap();
    assert_eq!(env.requests[0].method, Method::Put);
    assert_eq!(env.path(0), "/api/v4/tasks/IEAAAAAQKQAB5BG5");
    assert_eq!(
        env.form(0),
        vec![
            ("addResponsibles".to_string(), r#"["KUAAAAAQ"]"#.to_string()),
            (
                "customFields".to_string(),
                r#"[{"id":"C","value":null}]"#.to_string()
            ),
            ("status".to_string(), "Completed".to_string()),
        ]
    );
}

#[test]
fn search_task_one_page_with_filters() {
    let page = r#"{"kind":"tasks","nextPageToken":"NPT","responseSize":250,"data":[{"id":"A"},{"id":"B"}]}"#;
    let mut env = MockEnv::new(vec![ok(page)]);
    let out = run(&mut env, "search_task", json!({
        "folderId": "IEAAAAAQI4AB5BGU", "status": ["Active", "Deferred"], "importance": "High",
        "updatedDate": {"start": "2024-01-01T02:00:00+02:00"}, "pageSize": 100, "sortField": "UpdatedDate",
        "customField": {"id": "C", "comparator": "EqualTo", "value": "x"}, "descendants": false
    })).unwrap();
    assert_eq!(
        out,
        json!({"items": [{"id":"A"},{"id":"B"}], "nextPageToken": "NPT", "responseSize": 250})
    );
    assert_eq!(env.path(0), "/api/v4/folders/IEAAAAAQI4AB5BGU/tasks");
    assert_eq!(
        env.query_param(0, "status").as_deref(),
        Some(r#"["Active","Deferred"]"#)
    );
    assert_eq!(
        env.query_param(0, "updatedDate").as_deref(),
        Some(r#"{"start":"2024-01-01T00:00:00Z"}"#)
    );
    assert_eq!(env.query_param(0, "pageSize").as_deref(), Some("100"));
    assert_eq!(env.query_param(0, "descendants").as_deref(), Some("false"));
    assert_eq!(
        env.query_param(0, "customField").as_deref(),
        Some(r#"{"comparator":"EqualTo","id":"C","value":"x"}"#)
    );
    assert_eq!(env.query_param(0, "folderId"), None);
}

#[test]
fn search_task_paths_and_exclusive_scope() {
    let mut env = MockEnv::new(vec![
        ok(r#"{"kind":"tasks","data":[]}"#),
        ok(r#"{"kind":"tasks","data":[]}"#),
    ]);
    assert_eq!(
        run(&mut env, "search_task", json!({})).unwrap(),
        json!({"items": []})
    );
    assert_eq!(env.path(0), "/api/v4/tasks");
    run(
        &mut env,
        "search_task",
        json!({"spaceId": "S", "nextPageToken": "T"}),
    )
    .unwrap();
    assert_eq!(env.path(1), "/api/v4/spaces/S/tasks");
    assert_eq!(env.query_param(1, "nextPageToken").as_deref(), Some("T"));
    // The host refuses both (its validator runs before the component).
    assert_eq!(
        refusal(
            &mut env,
            "search_task",
            json!({"folderId": "F", "spaceId": "S"})
        ),
        ""
    );
    assert_eq!(
        refusal(&mut env, "search_task", json!({"pageSize": 5000})),
        "pageSize"
    );
}

#[test]
fn delete_task_moves_to_recycle_bin() {
    let mut env = MockEnv::new(vec![ok(TASK)]);
    run(
        &mut env,
        "delete_task",
        json!({"taskId": "IEAAAAAQKQAB5BG5"}),
    )
    .unwrap();
    assert_eq!(env.requests[0].method, Method::Delete);
    assert_eq!(env.path(0), "/api/v4/tasks/IEAAAAAQKQAB5BG5");
}

#[test]
fn finance_is_asked_for_only_in_a_folder_search() {
    let mut env = MockEnv::new(vec![ok(r#"{"kind":"tasks","data":[]}"#)]);
    assert_eq!(
        refusal(&mut env, "search_task", json!({"fields": ["finance"]})),
        "fields"
    );
    assert_eq!(
        refusal(
            &mut env,
            "search_task",
            json!({"spaceId": "S", "fields": ["finance"]})
        ),
        "fields"
    );
    assert!(env.requests.is_empty(), "nothing was sent");
    run(
        &mut env,
        "search_task",
        json!({"folderId": "F", "fields": ["finance"]}),
    )
    .unwrap();
    assert_eq!(env.path(0), "/api/v4/folders/F/tasks");
}
