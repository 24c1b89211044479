//! `connector-host describe` lists every action, trigger and pick list of the connector, each
//! with the Wrike scopes it needs, exactly as the README's tables say.

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

    // Which actions and triggers exist, and the scopes each needs, is checked against the
    // README's tables (`the_readme_tables_match_describe`): one list, not two.
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

/// The README's action and trigger tables are checked against `describe`: every row names real
/// actions or triggers, every action and trigger has a row, and the scopes column (`R`, `W`, or
/// the scopes spelled out) says what the descriptor requires. Pick lists must each be named in
/// the README's pick-list paragraph.
#[test]
fn the_readme_tables_match_describe() {
    let fake = FakeWrike::start().unwrap();
    let run = CliRun::of(cli(&fake).env_remove("CONNECTOR_TOKEN").arg("describe"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = run.json();
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"),
    )
    .unwrap();
    // The Wrike part of the README: up to the second connector's section.
    let wrike = readme
        .split("\n## A second connector")
        .next()
        .unwrap_or(&readme);
    let mut every_scope: Vec<String> = d["auth"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "oauth2")
        .flat_map(|a| a["scopes"].as_array().unwrap().iter())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    every_scope.sort();
    let mut documented: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut in_table = false;
    for line in wrike.lines() {
        if line.starts_with("| Action") || line.starts_with("| Trigger") {
            in_table = true;
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        if !in_table || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let scopes: Vec<String> = match *cells.last().unwrap() {
            "R" => sorted(R),
            "W" => sorted(W),
            // "any (depends on the endpoint)": every scope the connector knows.
            any if any.starts_with("any") => every_scope.clone(),
            // A list, where `R` and `W` stand for their scopes: "R, `amReadOnlyWorkflow`".
            other => {
                let mut v: Vec<String> = Vec::new();
                for part in other.split(',').map(|s| s.trim().trim_matches('`')) {
                    match part {
                        "R" => v.extend(sorted(R)),
                        "W" => v.extend(sorted(W)),
                        "" => {}
                        scope => v.push(scope.to_string()),
                    }
                }
                v.sort();
                v.dedup();
                v
            }
        };
        for name in cells[0].split(',') {
            let name = name.trim().trim_matches('`').to_string();
            assert!(
                documented.insert(name.clone(), scopes.clone()).is_none(),
                "`{name}` has two rows in the README"
            );
        }
    }
    let mut described: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(d["triggers"].as_array().unwrap())
    {
        let mut scopes: Vec<String> = item["required_scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        scopes.sort();
        described.insert(item["name"].as_str().unwrap().to_string(), scopes);
    }
    let missing: Vec<&String> = described
        .keys()
        .filter(|k| !documented.contains_key(*k))
        .collect();
    let unknown: Vec<&String> = documented
        .keys()
        .filter(|k| !described.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "in describe, not in the README: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "in the README, not in describe: {unknown:?}"
    );
    for (name, scopes) in &described {
        assert_eq!(&documented[name], scopes, "README scopes of `{name}`");
    }
    let picks = wrike
        .split("Pick lists (`connector-host pick")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("the README's pick-list paragraph");
    for p in names(&d["pick_lists"]) {
        assert!(
            picks.contains(&format!("`{p}`")),
            "pick list `{p}` is not named in the README"
        );
    }
}
