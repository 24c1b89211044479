//! `connector-host describe` lists every action, trigger and pick list of the connector, each
//! with the Wrike scopes it needs, exactly as the README's trigger tables say; `describe
//! --markdown` catalogs all of them, for the Wrike connector and for any other.

use e2e_tests::{cache_dir, cli, host_binary, target_dir, CliRun};
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

    // Which triggers exist, and the scopes each needs, is checked against the README's tables
    // (`the_readme_tables_match_describe`), and every action, trigger and pick list against the
    // generated catalog (`describe_markdown_catalogs_every_wrike_entry`): one list, not two.
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

/// The README's trigger tables are checked against `describe`: every row names real triggers,
/// every trigger has a row, and the scopes column (`R`, `W`, or the scopes spelled out) says what
/// the descriptor requires. Pick lists must each be named in the README's pick-list paragraph.
/// Actions have no README table: `describe --markdown` generates their catalog.
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
        if line.starts_with("| Trigger") {
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
    for item in d["triggers"].as_array().unwrap() {
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

/// The rows of each table of a `describe --markdown` catalog, by section (`Actions`, `Triggers`,
/// `Pick lists`) and then by the entry's name (the first cell, backticks removed); each row's
/// cells are unescaped as Markdown reads them (`\|` back to `|`, `&lt;` to `<`) and trimmed.
fn markdown_rows(md: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut tables: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut section = String::new();
    let mut header_seen = false;
    for line in md.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.to_string();
            header_seen = false;
            continue;
        }
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        // Split on the `|` that are not escaped.
        let inner = &line[1..line.len() - 1];
        let mut cells = vec![String::new()];
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                // A backslash escape, as Markdown reads it (`\|`, `\*`, `\_`, …).
                '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                    let escaped = chars.next().unwrap();
                    cells.last_mut().unwrap().push(escaped);
                }
                '|' => cells.push(String::new()),
                c => cells.last_mut().unwrap().push(c),
            }
        }
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                c.trim()
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            })
            .collect();
        let name = cells[0].trim_matches('`').to_string();
        let previous = tables
            .entry(section.clone())
            .or_default()
            .insert(name.clone(), cells);
        assert!(
            previous.is_none(),
            "`{name}` has two rows in {section}:\n{md}"
        );
    }
    tables
}

/// The scopes cell `describe --markdown` shows for a descriptor entry.
fn scopes_cell(item: &Value) -> String {
    let scopes: Vec<&str> = item["required_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    if scopes.is_empty() {
        "–".to_string()
    } else {
        scopes.join(", ")
    }
}

/// Checks that `md` has exactly one table row per action, trigger and pick list of `d`, with the
/// descriptor's scopes, trigger kind and catch-up trigger; returns the rows.
fn assert_catalogs(d: &Value, md: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    assert!(
        md.starts_with(&format!(
            "# {} {}\n",
            d["title"].as_str().unwrap(),
            d["version"].as_str().unwrap()
        )),
        "{md}"
    );
    let rows = markdown_rows(md);
    let empty = BTreeMap::new();
    let table = |name: &str| rows.get(name).unwrap_or(&empty);
    assert_eq!(
        table("Actions").keys().cloned().collect::<Vec<_>>(),
        names(&d["actions"]),
        "{md}"
    );
    assert_eq!(
        table("Triggers").keys().cloned().collect::<Vec<_>>(),
        names(&d["triggers"]),
        "{md}"
    );
    assert_eq!(
        table("Pick lists").keys().cloned().collect::<Vec<_>>(),
        names(&d["pick_lists"]),
        "{md}"
    );
    for a in d["actions"].as_array().unwrap() {
        let row = &table("Actions")[a["name"].as_str().unwrap()];
        assert_eq!(row.len(), 5, "{row:?}");
        assert_eq!(row[1], a["title"].as_str().unwrap(), "{row:?}");
        assert_eq!(row[3], scopes_cell(a), "{row:?}");
    }
    for t in d["triggers"].as_array().unwrap() {
        let row = &table("Triggers")[t["name"].as_str().unwrap()];
        assert_eq!(row.len(), 6, "{row:?}");
        assert_eq!(row[1], t["kind"].as_str().unwrap(), "{row:?}");
        assert_eq!(row[3], scopes_cell(t), "{row:?}");
        let catch_up = t["catch_up_trigger"]
            .as_str()
            .map_or("–".to_string(), |c| format!("`{c}`"));
        assert_eq!(row[5], catch_up, "{row:?}");
    }
    rows
}

/// The input fields a catalog row lists (its `Input` cell), `*` marking the required ones.
fn input_fields(row: &[String]) -> Vec<&str> {
    row[4].split(", ").collect()
}

#[test]
fn describe_markdown_catalogs_every_wrike_entry() {
    let fake = FakeWrike::start().unwrap();
    let json = CliRun::of(cli(&fake).env_remove("CONNECTOR_TOKEN").arg("describe"));
    assert_eq!(json.code, 0, "{}", json.stderr);
    let d = json.json();
    let run = CliRun::of(
        cli(&fake)
            .env_remove("CONNECTOR_TOKEN")
            .args(["describe", "--markdown"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = assert_catalogs(&d, &run.stdout);

    let create_task = &rows["Actions"]["create_task"];
    let fields = input_fields(create_task);
    assert!(fields.contains(&"folderId*"), "{create_task:?}");
    assert!(fields.contains(&"title*"), "{create_task:?}");
    assert!(fields.contains(&"description"), "{create_task:?}");
    assert_eq!(create_task[3], "Default, wsReadWrite", "{create_task:?}");
    // The description names the Wrike call.
    assert!(
        create_task[2].contains("POST /folders/{folderId}/tasks"),
        "{create_task:?}"
    );
    // A `|` in a description is escaped, so the row keeps its columns.
    assert_eq!(rows["Actions"]["search_timelog"].len(), 5);
    assert_eq!(
        rows["Triggers"]["new_or_updated_task_webhook"][5],
        "`new_or_updated_task`"
    );
}

#[test]
fn describe_markdown_works_for_the_github_connector() {
    let component = target_dir()
        .join("wasm32-wasip2/component")
        .join("github_issues_connector.wasm");
    assert!(
        component.is_file(),
        "the GitHub Issues component is missing at {}: run `make build` first",
        component.display()
    );
    let run_host = |args: &[&str]| {
        let mut cmd = std::process::Command::new(host_binary());
        for (key, _) in std::env::vars() {
            if key.starts_with("CONNECTOR_") {
                cmd.env_remove(key);
            }
        }
        let config_dir = target_dir().join("e2e-config").join(format!(
            "github-md-{}-{}",
            std::process::id(),
            args.len()
        ));
        cmd.env("CONNECTOR_CONFIG_DIR", config_dir)
            .env("CONNECTOR_CACHE_DIR", cache_dir())
            .env_remove("RUST_LOG")
            .arg("--component")
            .arg(&component)
            .args(args);
        let run = CliRun::of(&mut cmd);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run
    };
    let d = run_host(&["describe"]).json();
    assert_eq!(d["name"], "github-issues");
    let md = run_host(&["describe", "--markdown"]).stdout;
    let rows = assert_catalogs(&d, &md);
    let create_issue = &rows["Actions"]["create_issue"];
    let fields = input_fields(create_issue);
    assert!(fields.contains(&"repo*"), "{create_issue:?}");
    assert!(fields.contains(&"title*"), "{create_issue:?}");
}

#[test]
fn describe_into_a_reader_that_goes_away_ends_quietly() {
    let fake = FakeWrike::start().unwrap();
    let mut child = cli(&fake)
        .arg("describe")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `connector-host describe | head -c 0`: the reader is gone before the output is written
    // (the descriptor is larger than a pipe's buffer, so the write cannot complete anyway).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
