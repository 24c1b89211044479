//! Pick lists through `connector-host pick <name> [--params JSON]` against the fake Wrike:
//! folders and projects, users, workflows and custom statuses, custom fields, timelog
//! categories, spaces, task statuses.

use e2e_tests::{cli, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

fn pick(fake: &FakeWrike, name: &str, params: Option<Value>) -> Vec<(String, String)> {
    let mut cmd = cli(fake);
    cmd.args(["pick", name]);
    if let Some(p) = params {
        cmd.args(["--params", &p.to_string()]);
    }
    let run = CliRun::of(&mut cmd);
    assert_eq!(run.code, 0, "pick {name} failed: {}", run.stderr);
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["label"].as_str().unwrap().to_string(),
                o["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn labels(options: &[(String, String)]) -> Vec<&str> {
    options.iter().map(|(l, _)| l.as_str()).collect()
}

#[test]
fn folders_and_projects() {
    let fake = FakeWrike::start().unwrap();
    let all = pick(&fake, "folders", None);
    let (marketing, engineering) = (fake.folder_ids()[0].clone(), fake.folder_ids()[1].clone());
    for expected in [
        ("Root".to_string(), fake.root_folder_id()),
        (marketing.1.clone(), marketing.0.clone()),
        (engineering.1.clone(), engineering.0.clone()),
        ("Website Launch".to_string(), fake.project_id()),
    ] {
        assert!(all.contains(&expected), "{expected:?} missing from {all:?}");
    }
    assert!(
        all.iter().all(|(_, v)| *v != fake.recycle_bin_id()),
        "the Recycle Bin is left out: {all:?}"
    );

    let projects = pick(&fake, "folders", Some(json!({"project": true})));
    assert_eq!(
        projects,
        vec![("Website Launch".to_string(), fake.project_id())]
    );
    let plain = pick(&fake, "folders", Some(json!({"project": false})));
    assert!(labels(&plain).contains(&"Marketing"));
    assert!(!labels(&plain).contains(&"Website Launch"));

    let run = CliRun::of(cli(&fake).args(["pick", "folders", "--params", r#"{"project":"yes"}"#]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "project");
    fake.add_token("wf", &["amReadOnlyWorkflow"]);
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_TOKEN", "wf")
            .args(["pick", "folders"]),
    );
    assert_eq!(
        run.code, 3,
        "a workflow-only token cannot list folders: {}",
        run.stderr
    );
    assert_eq!(run.error()["kind"], "forbidden");
}

#[test]
fn users_are_active_people_with_their_email() {
    let fake = FakeWrike::start().unwrap();
    let users = pick(&fake, "users", None);
    let others = fake.other_user_ids();
    assert_eq!(
        users,
        vec![
            (
                "Alex Tester (alex.tester@example.com)".to_string(),
                fake.me_id()
            ),
            (
                "Jane Smith (jane.smith@example.com)".to_string(),
                others[0].clone()
            ),
            (
                "Jack Black (jack.black@example.com)".to_string(),
                others[1].clone()
            ),
            (
                "Carol Guest (carol.guest@partner.example.org)".to_string(),
                others[2].clone()
            ),
        ],
        "no deleted user, no group"
    );
}

#[test]
fn workflows_and_custom_statuses_leave_hidden_ones_out() {
    let fake = FakeWrike::start().unwrap();
    let workflows = pick(&fake, "workflows", None);
    assert_eq!(
        labels(&workflows),
        vec!["Default Workflow", "Content Workflow"]
    );
    assert_eq!(workflows[0].1, fake.default_workflow_id());

    let statuses = pick(&fake, "custom_statuses", None);
    assert_eq!(statuses.len(), 10, "{statuses:?}");
    assert!(statuses.contains(&(
        "Default Workflow|In Progress".to_string(),
        fake.custom_status_id("Default Workflow", "In Progress")
            .unwrap()
    )));
    assert!(statuses.contains(&(
        "Content Workflow|In Review".to_string(),
        fake.custom_status_id("Content Workflow", "In Review")
            .unwrap()
    )));

    // Hide one status and one workflow.
    fake.with_store(|st| {
        let default = st
            .workflows
            .iter_mut()
            .find(|w| w.name == "Default Workflow")
            .unwrap();
        default
            .statuses
            .iter_mut()
            .find(|s| s.name == "On Hold")
            .unwrap()
            .hidden = true;
        st.workflows
            .iter_mut()
            .find(|w| w.name == "Content Workflow")
            .unwrap()
            .hidden = true;
    });
    assert_eq!(
        labels(&pick(&fake, "workflows", None)),
        vec!["Default Workflow"]
    );
    assert_eq!(
        labels(&pick(&fake, "custom_statuses", None)),
        vec![
            "Default Workflow|New",
            "Default Workflow|In Progress",
            "Default Workflow|Completed",
            "Default Workflow|Cancelled",
        ]
    );
}

#[test]
fn custom_fields_timelog_categories_spaces_and_task_statuses() {
    let fake = FakeWrike::start().unwrap();
    let fields = pick(&fake, "custom_fields", None);
    let ids = fake.custom_field_ids();
    assert_eq!(
        fields,
        vec![
            ("Client (Text)".to_string(), ids[0].0.clone()),
            ("Budget (Numeric)".to_string(), ids[1].0.clone()),
            ("Channel (DropDown)".to_string(), ids[2].0.clone()),
        ]
    );

    fake.with_store(|st| {
        st.timelog_categories
            .iter_mut()
            .find(|c| c.name == "Support")
            .unwrap()
            .hidden = true;
    });
    let categories = pick(&fake, "timelog_categories", None);
    assert_eq!(
        labels(&categories),
        vec!["Development", "Meetings", "Design"]
    );
    let stored = fake
        .call_direct("GET", "/timelog_categories", json!({}))
        .unwrap();
    assert_eq!(categories[0].1, stored[0]["id"].as_str().unwrap());

    let spaces = pick(&fake, "spaces", None);
    assert!(
        spaces.contains(&("First space".to_string(), fake.space_id())),
        "{spaces:?}"
    );
    assert!(labels(&spaces).contains(&"Personal space"));

    assert_eq!(
        labels(&pick(&fake, "task_status", None)),
        vec!["Active", "Completed", "Deferred", "Cancelled"]
    );

    let run = CliRun::of(cli(&fake).args(["pick", "no_such_list"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "name");
    let run = CliRun::of(cli(&fake).args(["pick", "spaces", "--params", r#"{"x":1}"#]));
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn blueprints_and_custom_item_types() {
    let fake = FakeWrike::start().unwrap();
    let folder_bps = pick(&fake, "folder_blueprints", None);
    assert_eq!(labels(&folder_bps), vec!["Campaign kit", "Assets"]);
    assert_eq!(folder_bps[0].1, fake.folder_blueprint_id());
    assert!(
        folder_bps
            .iter()
            .all(|(_, v)| *v != fake.blueprint_root_id()),
        "the blueprint root is left out"
    );
    let in_space = pick(
        &fake,
        "folder_blueprints",
        Some(json!({"spaceId": fake.space_id()})),
    );
    assert_eq!(in_space, folder_bps);

    let task_bps = pick(&fake, "task_blueprints", None);
    assert_eq!(task_bps.len(), 7, "{task_bps:?}");
    assert!(task_bps.contains(&("Onboarding checklist".to_string(), fake.task_blueprint_id())));
    let personal = pick(&fake, "spaces", None)
        .into_iter()
        .find(|(l, _)| l == "Personal space")
        .unwrap()
        .1;
    let personal_bps = pick(&fake, "task_blueprints", Some(json!({"spaceId": personal})));
    assert_eq!(
        labels(&personal_bps),
        vec!["Onboarding checklist", "Set up laptop", "Meet the team"]
    );

    let cits = fake.custom_item_type_ids();
    assert_eq!(
        pick(&fake, "custom_item_types", None),
        vec![
            ("Bug report (Task)".to_string(), cits[0].clone()),
            ("Client project (Project)".to_string(), cits[1].clone()),
        ]
    );
    assert_eq!(
        labels(&pick(
            &fake,
            "custom_item_types",
            Some(json!({"type": "Project"}))
        )),
        vec!["Client project (Project)"]
    );
    assert_eq!(
        labels(&pick(
            &fake,
            "custom_item_types",
            Some(json!({"spaceId": fake.space_id()}))
        )),
        vec!["Bug report (Task)"]
    );
}
