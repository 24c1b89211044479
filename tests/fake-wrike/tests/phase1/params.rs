//! Parameter encodings (form, JSON, query), `fields` and the tolerant list/object forms.

use serde_json::json;

use crate::common;
use crate::start;

#[test]
fn create_task_form_json_and_query_params() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let users = w.other_user_ids();
    let cf = w.custom_field_ids()[0].0.clone();
    let responsibles = json!([users[0]]).to_string();
    let metadata = json!([{"key": "src", "value": "test"}]).to_string();
    let cfs = json!([{"id": cf, "value": "ACME"}]).to_string();
    let r = api
        .post(
            &format!("/folders/{folder}/tasks"),
            &[
                ("title", "Form task"),
                ("description", "<p>Hello</p>"),
                ("importance", "High"),
                ("responsibles", &responsibles),
                ("dates", r#"{"start":"2025-02-03","due":"2025-02-07"}"#),
                ("metadata", &metadata),
                ("customFields", &cfs),
            ],
        )
        .ok();
    assert_eq!(r.json["kind"], "tasks");
    let t = &r.data()[0];
    assert_eq!(t["title"], "Form task");
    assert_eq!(t["importance"], "High");
    assert_eq!(t["status"], "Active");
    assert_eq!(t["scope"], "WsTask");
    assert_eq!(t["responsibleIds"], json!([users[0]]));
    assert_eq!(t["parentIds"], json!([folder]));
    assert_eq!(t["dates"]["type"], "Planned");
    assert_eq!(t["dates"]["start"], "2025-02-03T09:00:00");
    assert_eq!(t["dates"]["due"], "2025-02-07T17:00:00");
    assert_eq!(t["dates"]["duration"], 2400);
    assert_eq!(t["metadata"], json!([{"key": "src", "value": "test"}]));
    assert_eq!(t["customFields"], json!([{"id": cf, "value": "ACME"}]));
    assert_eq!(t["authorIds"], json!([w.me_id()]));
    assert_eq!(t["description"], "<p>Hello</p>");
    assert_eq!(t["briefDescription"], "Hello");
    let id = t["id"].as_str().unwrap();
    assert!(id.starts_with(&w.account_id()) && id.len() == 16, "{id}");
    assert!(t["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://www.wrike.com/open.htm?id="));

    // JSON body with real arrays, and a custom status.
    let in_progress = w
        .custom_status_id("Default Workflow", "In Progress")
        .unwrap();
    let j = api
        .post_json(
            &format!("/folders/{folder}/tasks"),
            &json!({"title": "JSON task", "customStatus": in_progress, "shareds": [users[1]]}),
        )
        .ok();
    let t = &j.data()[0];
    assert_eq!(t["customStatusId"], in_progress);
    assert_eq!(t["status"], "Active");
    assert_eq!(t["dates"], json!({"type": "Backlog"}));
    assert!(t["sharedIds"]
        .as_array()
        .unwrap()
        .contains(&json!(users[1])));

    // Parameters in the query string of a POST.
    let q = api.send(
        api.http
            .post(format!("{}/folders/{folder}/tasks", w.base_url()))
            .query(&[("title", "Query task"), ("status", "Completed")]),
    );
    let q = q.ok();
    assert_eq!(q.data()[0]["status"], "Completed");
    assert!(q.data()[0]["completedDate"].is_string());

    // Validation.
    let bad = api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("importance", "Urgent")],
    );
    bad.err(400, "invalid_parameter");
    assert_eq!(
        bad.json["errorDescription"],
        "Parameter 'importance' value is invalid"
    );
    let missing = api.post(&format!("/folders/{folder}/tasks"), &[("description", "x")]);
    missing.err(400, "parameter_required");
    assert!(missing.json["errorDescription"]
        .as_str()
        .unwrap()
        .contains("'title'"));
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("responsibles", r#"["NOPE0000"]"#)],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("dates", "{not json")],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("customStatus", "IEAAAAAAJMZZZZZZ")],
    )
    .err(400, "invalid_parameter");

    // Update via PUT with add/remove lists, metadata removal and custom field removal.
    let tid = r.data()[0]["id"].as_str().unwrap().to_string();
    let u = api
        .put(
            &format!("/tasks/{tid}"),
            &[
                ("addResponsibles", &format!("[{}]", users[1])),
                ("removeResponsibles", &json!([users[0]]).to_string()),
                ("metadata", r#"[{"key":"src","value":null}]"#),
                (
                    "customFields",
                    &json!([{"id": cf, "value": null}]).to_string(),
                ),
                ("status", "Deferred"),
            ],
        )
        .ok();
    let t = &u.data()[0];
    assert_eq!(t["responsibleIds"], json!([users[1]]));
    assert_eq!(t["metadata"], json!([]));
    assert_eq!(t["customFields"], json!([]));
    assert_eq!(t["status"], "Deferred");
    assert_eq!(
        t["customStatusId"],
        w.custom_status_id("Default Workflow", "On Hold").unwrap()
    );
    assert!(
        t["updatedDate"].as_str().unwrap() > r.data()[0]["updatedDate"].as_str().unwrap(),
        "update bumps updatedDate"
    );
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(
        &w,
        &[r#""Urgent""#, "`title` is required", r#""{not json""#],
    );
}

#[test]
fn list_fields_and_lenient_forms() {
    let (w, api) = start();
    let folder = w.folder_ids()[1].0.clone();
    let t = w.create_task_direct(&folder, "Lenient");
    let id = t["id"].as_str().unwrap();
    // List results carry only base fields.
    let l = api.get(&format!("/folders/{folder}/tasks"), &[]).ok();
    let item = l.data().iter().find(|x| x["id"] == id).unwrap();
    assert!(item.get("description").is_none());
    assert!(item.get("parentIds").is_none());
    for k in [
        "id",
        "accountId",
        "title",
        "status",
        "importance",
        "createdDate",
        "updatedDate",
        "dates",
        "scope",
        "customStatusId",
        "permalink",
        "priority",
    ] {
        assert!(item.get(k).is_some(), "missing {k}");
    }
    // fields in three spellings.
    for f in [
        r#"["description","parentIds"]"#,
        "[description,parentIds]",
        "['description','parentIds']",
    ] {
        let l = api
            .get(&format!("/folders/{folder}/tasks"), &[("fields", f)])
            .ok();
        let item = l.data().iter().find(|x| x["id"] == id).unwrap();
        assert_eq!(item["description"], "");
        assert_eq!(item["parentIds"], json!([folder]));
    }
    api.get("/tasks", &[("fields", r#"["bogus"]"#)])
        .err(400, "invalid_parameter");
    // Single-quoted range and a bare status value.
    let since = w.now() - chrono::Duration::minutes(1);
    let r = api
        .get(
            "/tasks",
            &[
                (
                    "updatedDate",
                    &format!("{{'start':'{}'}}", since.format("%Y-%m-%dT%H:%M:%SZ")),
                ),
                ("status", "Active"),
            ],
        )
        .ok();
    assert_eq!(r.ids(), vec![id.to_string()]);
    api.get("/tasks", &[("status", r#"["Open"]"#)])
        .err(400, "invalid_parameter");
    api.get("/tasks", &[("updatedDate", r#"{"start":"yesterday"}"#)])
        .err(400, "invalid_parameter");
    api.get("/tasks", &[("unknownParam", "1")])
        .err(400, "invalid_parameter");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(
        &w,
        &[
            r#""bogus""#,
            r#""Open""#,
            r#""yesterday""#,
            "`unknownParam`",
        ],
    );
}
