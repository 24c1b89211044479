//! `connector-host call <action> --batch FILE.jsonl`: one result line per input line, in input
//! order, rate-limited answers waited out and retried, nothing created twice.

use e2e_tests::{cli, CliRun};
use fake_wrike::{FakeWrike, Fault};
use serde_json::{json, Value};
use std::collections::HashMap;

fn results(run: &CliRun) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn a_thousand_create_task_lines_with_429s_create_each_task_once() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tasks.jsonl");
    let lines: Vec<String> = (1..=1000)
        .map(|i| json!({"folderId": folder, "title": format!("batch-{i}")}).to_string())
        .collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let before = fake.task_ids().len();
    // Forty requests answered 429 (not processed), spread through the run by the concurrency.
    fake.inject(
        Fault::RateLimited {
            retry_after_secs: Some(1),
        },
        40,
    );

    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_task",
        "--batch",
        file.to_str().unwrap(),
        "--concurrency",
        "8",
        "--rate-limit",
        "60000",
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = results(&run);
    assert_eq!(out.len(), 1000, "one result per input line");
    let mut ids = HashMap::new();
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r["line"], i + 1, "in input order: {r}");
        let task = &r["output"];
        assert_eq!(task["title"], format!("batch-{}", i + 1), "{r}");
        assert!(ids
            .insert(task["id"].as_str().unwrap().to_string(), i)
            .is_none());
    }
    // Every injected 429 was consumed and retried; no task exists twice.
    let tasks: Vec<Value> = fake
        .task_ids()
        .iter()
        .filter_map(|id| fake.task(id))
        .filter(|t| t["title"].as_str().is_some_and(|x| x.starts_with("batch-")))
        .collect();
    assert_eq!(tasks.len(), 1000);
    assert_eq!(fake.task_ids().len(), before + 1000);
    let posts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(
        posts, 1040,
        "1000 created plus 40 refused with 429 and retried"
    );
}

#[test]
fn bad_lines_get_typed_errors_at_their_line_numbers() {
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tasks.jsonl");
    let text = [
        json!({"folderId": folder, "title": "ok-1"}).to_string(),
        "{not json".to_string(),
        String::new(),
        json!({"folderId": folder}).to_string(),
        json!({"folderId": "IEAAAAAAI7777777", "title": "nowhere"}).to_string(),
        json!({"folderId": folder, "title": "ok-6"}).to_string(),
    ]
    .join("\n");
    std::fs::write(&file, text).unwrap();
    let run = CliRun::of(cli(&fake).args([
        "call",
        "create_task",
        "--batch",
        file.to_str().unwrap(),
        "--concurrency",
        "3",
    ]));
    let out = results(&run);
    let lines: Vec<u64> = out.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(
        lines,
        [1, 2, 4, 5, 6],
        "blank lines are skipped: {}",
        run.stdout
    );
    assert_eq!(out[0]["output"]["title"], "ok-1");
    assert_eq!(out[1]["error"]["kind"], "invalid_input");
    assert_eq!(out[2]["error"]["kind"], "invalid_input");
    assert_eq!(out[2]["error"]["field"], "title");
    assert!(out[3]["error"]["kind"].is_string(), "{}", out[3]);
    assert_eq!(out[4]["output"]["title"], "ok-6");
    // The exit code is the first failure's; stderr says how many failed.
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("3 of 5 lines failed"),
        "{e}"
    );
}
