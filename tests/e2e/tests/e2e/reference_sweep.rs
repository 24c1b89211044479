//! The whole catalog against the strict fake: every action, trigger and pick list the Wrike
//! component declares is run once (webhook triggers: subscribed, checked, removed), with an
//! input set that exercises its optional parameters, and every optional `fields` value its
//! input schema offers. The fake checks each request against Wrike's method reference and fails
//! the test at teardown for any request that broke it, naming the request and the rule.
//!
//! The entries come from `describe`, so a new action without an input set here fails the test
//! by name.

use std::collections::{BTreeMap, BTreeSet};

use connector_host::connector::WebhookTarget;
use connector_host::{Connector, Secret};
use e2e_tests::wrike;
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

/// What kind of catalog entry a row runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Action,
    Poll,
    Webhook,
    Pick,
}

/// One row: the entry, its input (`$name` strings are replaced by fixture IDs), and the
/// fixture name its output's `id` becomes.
struct Row {
    kind: Kind,
    name: &'static str,
    input: Value,
    capture: Option<&'static str>,
}

fn row(kind: Kind, name: &'static str, input: Value) -> Row {
    Row {
        kind,
        name,
        input,
        capture: None,
    }
}

fn capture(kind: Kind, name: &'static str, input: Value, as_name: &'static str) -> Row {
    Row {
        capture: Some(as_name),
        ..row(kind, name, input)
    }
}

/// The sweep, in an order where what a row needs exists (deletions last).
fn rows() -> Vec<Row> {
    use Kind::*;
    vec![
        // --- tasks ---
        capture(
            Action,
            "create_task",
            json!({
                "folderId": "$folder", "title": "Sweep task", "description": "<b>d</b>",
                "importance": "High", "status": "Active",
                "dates": {"type": "Planned", "start": "2025-03-10", "due": "2025-03-14"},
                "responsibles": ["$me"], "followers": ["$me"], "follow": true,
                "metadata": [{"key": "sweep", "value": "1"}],
                "customFields": [{"id": "$cf_text", "value": "ACME"}],
            }),
            "task",
        ),
        capture(
            Action,
            "create_task",
            json!({"folderId": "$folder", "title": "Second"}),
            "task2",
        ),
        row(
            Action,
            "get_task_by_id",
            json!({"taskId": "$task", "convertDescriptionToPlainText": true}),
        ),
        row(
            Action,
            "update_task",
            json!({
                "taskId": "$task", "title": "Sweep task 2", "description": "x", "importance": "Low",
                "addResponsibles": ["$me"], "addFollowers": ["$me"], "addSuperTasks": ["$task2"],
                "dates": {"type": "Backlog"}, "metadata": [{"key": "sweep", "value": "2"}],
            }),
        ),
        row(
            Action,
            "search_task",
            json!({
                "folderId": "$folder", "descendants": true, "title": "Sweep",
                "status": ["Active"], "importance": "Low", "sortField": "UpdatedDate",
                "sortOrder": "Desc", "limit": 10, "subTasks": true,
                "updatedDate": {"start": "2020-01-01T00:00:00Z"},
                "createdDate": {"start": "2020-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"},
                "authors": ["$me"], "responsibles": ["$me"],
            }),
        ),
        // `finance` belongs to the folder variant: the account search drops it from `fields`.
        row(
            Action,
            "search_task",
            json!({"pageSize": 100, "fields": ["description", "customItemTypeId"]}),
        ),
        // --- comments ---
        capture(
            Action,
            "create_comment_in_task",
            json!({"taskId": "$task", "text": "hi"}),
            "comment",
        ),
        row(
            Action,
            "create_comment_in_folder",
            json!({"folderId": "$folder", "text": "plain", "plainText": true}),
        ),
        row(
            Action,
            "search_comments",
            json!({"taskId": "$task", "plainText": true}),
        ),
        row(Action, "search_comments", json!({"folderId": "$folder"})),
        row(Action, "search_comments", json!({"limit": 5})),
        row(
            Action,
            "update_comment",
            json!({"commentId": "$comment", "text": "edited"}),
        ),
        // --- people ---
        row(Action, "list_users", json!({"me": true})),
        row(Action, "list_users", json!({"deleted": true})),
        row(
            Action,
            "modify_user",
            json!({"userId": "$user", "profile": {"accountId": "$account", "role": "Collaborator"}}),
        ),
        // --- folders and projects ---
        capture(
            Action,
            "create_folder",
            json!({
                "folderId": "$folder", "title": "Sweep folder", "description": "d",
                "shareds": ["$me"], "metadata": [{"key": "k", "value": "v"}],
            }),
            "folder_new",
        ),
        capture(
            Action,
            "create_project",
            json!({
                "folderId": "$folder", "title": "Sweep project",
                "project": {"ownerIds": ["$me"], "status": "Green", "startDate": "2025-03-01", "endDate": "2025-04-01"},
            }),
            "project_new",
        ),
        row(
            Action,
            "update_folder",
            json!({"folderId": "$folder_new", "title": "Renamed", "addShareds": ["$me"]}),
        ),
        row(
            Action,
            "update_project",
            json!({"folderId": "$project_new", "project": {"status": "Yellow"}}),
        ),
        row(
            Action,
            "get_folder_by_id",
            json!({"folderId": "$folder", "convertDescriptionToPlainText": true}),
        ),
        row(
            Action,
            "search_folder",
            json!({"folderId": "$folder", "descendants": true, "project": false}),
        ),
        row(Action, "search_folder", json!({"spaceId": "$space"})),
        row(
            Action,
            "search_folder",
            json!({"updatedDate": {"start": "2020-01-01T00:00:00Z"}}),
        ),
        row(Action, "search_project", json!({"spaceId": "$space"})),
        row(Action, "search_project", json!({})),
        row(
            Action,
            "copy_folder",
            json!({"folderId": "$folder_new", "parent": "$folder2", "title": "Copy", "copyDescriptions": true, "rescheduleDate": "2025-05-01", "rescheduleMode": "Start", "entryLimit": 100}),
        ),
        row(
            Action,
            "copy_project",
            json!({"folderId": "$project_new", "parent": "$folder2", "title": "Copy P", "titlePrefix": "c-"}),
        ),
        // --- blueprints and custom item types ---
        row(
            Action,
            "create_from_blueprint",
            json!({"blueprintType": "folder", "blueprintId": "$folder_blueprint", "title": "From bp", "parentId": "$folder2", "copyDescriptions": true}),
        ),
        row(
            Action,
            "create_from_blueprint",
            json!({"blueprintType": "task", "blueprintId": "$task_blueprint", "title": "From tbp", "parentId": "$folder2"}),
        ),
        row(
            Action,
            "create_work",
            json!({"customItemTypeId": "$cit_task", "title": "Work", "parentId": "$folder2"}),
        ),
        // --- timelogs ---
        capture(
            Action,
            "create_timelog",
            json!({"taskId": "$task", "comment": "worked", "hours": 1.5, "trackedDate": "2025-03-10", "categoryId": "$category", "plainText": true}),
            "timelog",
        ),
        row(
            Action,
            "update_timelog",
            json!({"timelogId": "$timelog", "hours": 2, "comment": "more", "trackedDate": "2025-03-11"}),
        ),
        row(
            Action,
            "search_timelog",
            json!({"taskId": "$task", "trackedDate": {"start": "2025-03-01", "end": "2025-04-01T00:00:00Z"}}),
        ),
        row(
            Action,
            "search_timelog",
            json!({"folderId": "$folder", "descendants": true}),
        ),
        row(
            Action,
            "search_timelog",
            json!({"contactId": "$me", "createdDate": {"start": "2020-01-01T00:00:00Z"}}),
        ),
        row(
            Action,
            "search_timelog",
            json!({"timelogCategoryId": "$category"}),
        ),
        row(
            Action,
            "search_timelog",
            json!({"me": true, "timelogCategories": ["$category"]}),
        ),
        // --- approvals ---
        capture(
            Action,
            "create_approval",
            json!({"taskId": "$task", "description": "ok?", "dueDate": "2025-06-01", "approvers": ["$me"], "autoFinishOnApprove": true}),
            "approval",
        ),
        row(
            Action,
            "create_approval",
            json!({"folderId": "$folder", "description": "draft"}),
        ),
        row(
            Action,
            "get_approval_by_id",
            json!({"approvalId": "$approval"}),
        ),
        row(Action, "list_approvals", json!({"taskId": "$task"})),
        row(Action, "list_approvals", json!({"folderId": "$folder"})),
        row(
            Action,
            "search_approvals",
            json!({"statuses": ["Pending"], "approvers": ["$me"], "pageSize": 10, "updatedDate": {"start": "2020-01-01T00:00:00Z"}}),
        ),
        row(
            Action,
            "update_approval",
            json!({"approvalId": "$approval", "description": "changed", "dueDate": "2025-07-01"}),
        ),
        // --- attachments ---
        capture(
            Action,
            "upload_attachment",
            json!({"taskId": "$task", "fileName": "a.txt", "contentBase64": "aGVsbG8="}),
            "attachment",
        ),
        row(
            Action,
            "upload_attachment",
            json!({"folderId": "$folder", "fileName": "b.txt", "contentBase64": "aGVsbG8="}),
        ),
        row(
            Action,
            "list_attachments",
            json!({"taskId": "$task", "versions": true, "withUrls": true}),
        ),
        row(Action, "list_attachments", json!({"folderId": "$folder"})),
        row(
            Action,
            "list_attachments",
            json!({"createdDate": {"start": "$week_ago", "end": "$tomorrow"}}),
        ),
        row(
            Action,
            "get_attachment_metadata",
            json!({"attachmentIds": ["$attachment"], "versions": true}),
        ),
        row(
            Action,
            "get_attachment_url",
            json!({"attachmentId": "$attachment"}),
        ),
        row(
            Action,
            "download_attachment",
            json!({"attachmentId": "$attachment"}),
        ),
        row(
            Action,
            "update_attachment",
            json!({"attachmentId": "$attachment", "fileName": "a2.txt", "contentBase64": "d29ybGQ="}),
        ),
        // --- misc ---
        row(Action, "list_custom_fields", json!({})),
        row(
            Action,
            "list_custom_fields",
            json!({"customFieldIds": ["$cf_text"]}),
        ),
        row(Action, "list_workflows", json!({})),
        row(Action, "get_id", json!({"type": "ApiV2Task", "ids": [1]})),
        row(
            Action,
            "custom_http",
            json!({"method": "GET", "path": "/version"}),
        ),
        // --- polling triggers ---
        row(
            Poll,
            "new_or_updated_task",
            json!({"folderId": "$folder", "status": ["Active"], "pageSize": 50}),
        ),
        row(
            Poll,
            "new_or_updated_task",
            json!({"spaceId": "$space", "since": "2020-01-01T00:00:00Z"}),
        ),
        row(Poll, "new_or_updated_task", json!({})),
        row(
            Poll,
            "new_or_updated_folder",
            json!({"folderId": "$folder"}),
        ),
        row(
            Poll,
            "new_or_updated_folder",
            json!({"spaceId": "$space", "project": true}),
        ),
        row(Poll, "new_or_updated_project", json!({})),
        row(
            Poll,
            "new_or_updated_timelog",
            json!({"taskId": "$task", "plainText": true}),
        ),
        row(
            Poll,
            "new_or_updated_timelog",
            json!({"folderId": "$folder"}),
        ),
        row(Poll, "new_comment", json!({"plainText": true})),
        // --- webhook triggers: subscribe, check, unsubscribe ---
        row(
            Webhook,
            "new_event_webhook",
            json!({"events": ["TaskCreated", "CommentAdded"]}),
        ),
        row(
            Webhook,
            "new_or_updated_task_webhook",
            json!({"folderId": "$folder", "recursive": true}),
        ),
        row(
            Webhook,
            "new_or_updated_folder_webhook",
            json!({"spaceId": "$space"}),
        ),
        row(Webhook, "new_or_updated_project_webhook", json!({})),
        // --- pick lists ---
        row(Pick, "folders", json!({"project": true})),
        row(Pick, "users", json!({})),
        row(Pick, "workflows", json!({})),
        row(Pick, "custom_statuses", json!({})),
        row(Pick, "custom_fields", json!({})),
        row(Pick, "spaces", json!({})),
        row(Pick, "timelog_categories", json!({})),
        row(Pick, "folder_blueprints", json!({"spaceId": "$space"})),
        row(Pick, "task_blueprints", json!({})),
        row(Pick, "custom_item_types", json!({"type": "Task"})),
        row(Pick, "task_status", json!({})),
        // --- deletions last ---
        row(
            Action,
            "cancel_approval",
            json!({"approvalId": "$approval"}),
        ),
        row(
            Action,
            "delete_attachment",
            json!({"attachmentId": "$attachment"}),
        ),
        row(Action, "delete_comment", json!({"commentId": "$comment"})),
        row(Action, "delete_task", json!({"taskId": "$task2"})),
        row(Action, "delete_folder", json!({"folderId": "$folder_new"})),
    ]
}

/// Replaces every `"$name"` string by its fixture.
fn fill(v: &Value, ids: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => Value::String(
            ids.get(&s[1..])
                .unwrap_or_else(|| panic!("no fixture {s}"))
                .clone(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, ids)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), fill(x, ids))).collect())
        }
        other => other.clone(),
    }
}

/// Adds every optional `fields` value the input schema offers, when the row gives none.
fn with_all_fields(input: Value, schema: &Value) -> Value {
    let offered = schema["properties"]["fields"]["items"]["enum"]
        .as_array()
        .cloned();
    match (input, offered) {
        (Value::Object(mut m), Some(values)) if !m.contains_key("fields") => {
            m.insert("fields".into(), Value::Array(values));
            Value::Object(m)
        }
        (input, _) => input,
    }
}

fn fixtures(fake: &FakeWrike) -> BTreeMap<String, String> {
    let folders = fake.folder_ids();
    let cats = fake
        .call_direct("GET", "/timelog_categories", json!({}))
        .unwrap();
    let cf = fake.custom_field_ids();
    let now = fake.now();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    BTreeMap::from([
        ("folder".into(), folders[0].0.clone()),
        ("folder2".into(), folders[1].0.clone()),
        ("space".into(), fake.space_id()),
        ("me".into(), fake.me_id()),
        ("user".into(), fake.other_user_ids()[0].clone()),
        ("account".into(), fake.account_id()),
        ("cf_text".into(), cf[0].0.clone()),
        (
            "category".into(),
            cats[0]["id"].as_str().unwrap().to_string(),
        ),
        ("folder_blueprint".into(), fake.folder_blueprint_id()),
        ("task_blueprint".into(), fake.task_blueprint_id()),
        ("cit_task".into(), fake.custom_item_type_ids()[0].clone()),
        ("week_ago".into(), fmt(now - chrono::Duration::days(6))),
        ("tomorrow".into(), fmt(now + chrono::Duration::days(1))),
    ])
}

async fn run(
    c: &Connector,
    kind: Kind,
    name: &str,
    input: &Value,
    n: usize,
) -> Result<Value, String> {
    let fail = |e: connector_host::HostError| format!("{e}");
    match kind {
        Kind::Action => c.execute(name, input).await.map_err(fail),
        Kind::Poll => c
            .poll(name, input, None)
            .await
            .map(|b| json!(b.events.len()))
            .map_err(fail),
        Kind::Pick => c
            .pick_list(name, input)
            .await
            .map(|o| json!(o.len()))
            .map_err(fail),
        Kind::Webhook => {
            let target = WebhookTarget {
                url: format!("http://127.0.0.1:9/hooks/sweep-{n}"),
                secret_name: format!("webhook:sweep-{n}"),
            };
            let sub = c.subscribe(name, input, &target).await.map_err(fail)?;
            c.check_subscription(name, &sub).await.map_err(fail)?;
            c.unsubscribe(name, &sub).await.map_err(fail)?;
            Ok(json!(sub.id))
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_catalog_entry_runs_against_wrikes_method_reference() {
    let fake = FakeWrike::start().unwrap();
    let rows = rows();
    let secrets: BTreeMap<String, Secret> = (0..rows.len())
        .map(|n| {
            (
                format!("webhook:sweep-{n}"),
                Secret::new(format!("sweep-secret-{n}")),
            )
        })
        .collect();
    let c = wrike(&fake).with_secrets(secrets);
    let d = c.describe().await.unwrap();

    // Every entry of the descriptor has a row (and every row names an entry).
    let mut declared: BTreeMap<&str, (Kind, Value)> = BTreeMap::new();
    for a in &d.actions {
        declared.insert(&a.name, (Kind::Action, a.input_schema.clone()));
    }
    for t in &d.triggers {
        let kind = if t.kind == connector_host::descriptor::TriggerKind::Webhook {
            Kind::Webhook
        } else {
            Kind::Poll
        };
        declared.insert(&t.name, (kind, t.input_schema.clone()));
    }
    for p in &d.pick_lists {
        declared.insert(&p.name, (Kind::Pick, p.params_schema.clone()));
    }
    let covered: BTreeSet<&str> = rows.iter().map(|r| r.name).collect();
    let missing: Vec<&&str> = declared.keys().filter(|n| !covered.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "no input set in the sweep for {missing:?}: add a row"
    );
    for r in &rows {
        let (kind, _) = declared
            .get(r.name)
            .unwrap_or_else(|| panic!("row {} names no catalog entry", r.name));
        assert_eq!(*kind, r.kind, "{} is a {kind:?}", r.name);
    }

    let mut ids = fixtures(&fake);
    let mut failures = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        let schema = &declared[r.name].1;
        let input = with_all_fields(fill(&r.input, &ids), schema);
        match run(&c, r.kind, r.name, &input, n).await {
            Ok(out) => {
                if let Some(as_name) = r.capture {
                    let id = out["id"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{} returned no id: {out}", r.name));
                    ids.insert(as_name.into(), id.to_string());
                }
            }
            Err(e) => failures.push(format!("{} {input}: {e}", r.name)),
        }
    }
    let violations: Vec<String> = fake.violations().iter().map(|v| v.to_string()).collect();
    assert!(
        failures.is_empty() && violations.is_empty(),
        "failed entries:\n{}\nrequests that broke the reference:\n{}",
        failures.join("\n"),
        violations.join("\n")
    );
}
