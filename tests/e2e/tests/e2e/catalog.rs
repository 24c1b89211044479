//! `connector-host describe` lists every action, trigger and pick list of the connector, each
//! with the Wrike scopes it needs.

use e2e_tests::{cli, CliRun};
use fake_wrike::FakeWrike;
use serde_json::Value;
use std::collections::BTreeMap;

const R: &[&str] = &["Default", "wsReadOnly", "wsReadWrite"];
const W: &[&str] = &["Default", "wsReadWrite"];

fn names(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn describe_lists_every_action_trigger_and_pick_list() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(cli(&fake).env_remove("CONNECTOR_TOKEN").arg("describe"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = run.json();

    let expected_actions: BTreeMap<&str, &[&str]> = [
        ("create_task", W),
        ("update_task", W),
        ("get_task_by_id", R),
        ("search_task", R),
        ("delete_task", W),
        ("create_folder", W),
        ("create_project", W),
        ("update_folder", W),
        ("update_project", W),
        ("get_folder_by_id", R),
        ("search_folder", R),
        ("search_project", R),
        ("copy_folder", W),
        ("copy_project", W),
        ("delete_folder", W),
        ("create_from_blueprint", W),
        ("create_work", W),
        ("create_comment_in_task", W),
        ("create_comment_in_folder", W),
        ("search_comments", R),
        ("create_timelog", W),
        ("update_timelog", W),
        ("search_timelog", R),
        ("list_attachments", R),
        ("get_attachment_metadata", R),
        ("get_attachment_url", R),
        ("download_attachment", R),
        ("upload_attachment", W),
        ("update_attachment", W),
        ("delete_attachment", W),
        ("create_approval", W),
        ("get_approval_by_id", R),
        ("list_approvals", R),
        ("search_approvals", R),
        ("update_approval", W),
        ("cancel_approval", W),
        ("list_users", R),
        ("modify_user", &["amReadWriteUser"]),
        ("list_custom_fields", R),
        (
            "list_workflows",
            &[
                "Default",
                "amReadOnlyWorkflow",
                "amReadWriteWorkflow",
                "wsReadOnly",
                "wsReadWrite",
            ],
        ),
        ("get_id", R),
        ("custom_http", &[]),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        names(&d["actions"]),
        sorted(&expected_actions.keys().copied().collect::<Vec<_>>()),
        "exactly these actions"
    );
    for a in d["actions"].as_array().unwrap() {
        let name = a["name"].as_str().unwrap();
        let mut scopes: Vec<String> = a["required_scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        scopes.sort();
        if name == "custom_http" {
            // Any scope: what a raw call needs depends on the endpoint.
            assert!(scopes.len() >= 18, "{scopes:?}");
        } else {
            assert_eq!(scopes, sorted(expected_actions[name]), "scopes of {name}");
        }
    }

    assert_eq!(
        names(&d["triggers"]),
        sorted(&[
            "new_or_updated_task",
            "new_or_updated_folder",
            "new_or_updated_project",
            "new_or_updated_timelog",
            "new_comment",
            "new_event_webhook",
            "new_or_updated_task_webhook",
            "new_or_updated_folder_webhook",
            "new_or_updated_project_webhook",
        ])
    );
    for t in d["triggers"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        match name.strip_suffix("_webhook") {
            Some(base) => {
                assert_eq!(t["kind"], "webhook", "{name}");
                // The task, folder and project hooks are caught up by their polling twins.
                let twin = (base != "new_event").then(|| base.to_string());
                assert_eq!(
                    t["catch_up_trigger"].as_str().map(str::to_string),
                    twin,
                    "{name}"
                );
            }
            None => assert_eq!(t["kind"], "polling", "{name}"),
        }
    }

    assert_eq!(
        names(&d["pick_lists"]),
        sorted(&[
            "folders",
            "users",
            "workflows",
            "custom_statuses",
            "custom_fields",
            "spaces",
            "timelog_categories",
            "task_status",
            "folder_blueprints",
            "task_blueprints",
            "custom_item_types",
        ])
    );
}
