//! The `new_or_updated_task` trigger through `connector-host poll --state FILE`: a first poll,
//! an empty second poll, an update emitted exactly once, paging inside one run, and no
//! duplicate after a delivery failure; a legacy JSON state file imported once; the per-run
//! limits ending a run with `run_limit` and the cursor kept.

use connector_host::state::{open_poll_state, LegacyStateFile, OutboxEntry, Store};
use connector_host::triggers::{run_poll, RunLimits};
use e2e_tests::{cli, wrike, CliRun};
use fake_wrike::FakeWrike;
use serde_json::json;
use std::path::Path;

fn poll(fake: &FakeWrike, state: &Path, input: serde_json::Value) -> Vec<serde_json::Value> {
    let run = CliRun::of(cli(fake).args([
        "poll",
        "new_or_updated_task",
        "--input",
        &input.to_string(),
        "--state",
        state.to_str().unwrap(),
    ]));
    assert_eq!(run.code, 0, "poll failed: {}", run.stderr);
    run.json_lines()
}

#[test]
fn first_poll_then_nothing_then_each_update_once() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("tasks.state");
    let input = json!({"folderId": folder});

    let a = fake.create_task_direct(&folder, "first");
    let b = fake.create_task_direct(&folder, "second");
    let events = poll(&fake, &state, input.clone());
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec![a["id"].as_str().unwrap(), b["id"].as_str().unwrap()],
        "oldest first"
    );
    assert!(state.is_file());

    assert!(
        poll(&fake, &state, input.clone()).is_empty(),
        "second poll must be empty"
    );

    let updated = fake.update_task_direct(
        a["id"].as_str().unwrap(),
        json!({"title": "first, renamed"}),
    );
    let events = poll(&fake, &state, input.clone());
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["id"], a["id"]);
    assert_eq!(events[0]["title"], "first, renamed");
    assert_eq!(events[0]["updatedDate"], updated["updatedDate"]);

    assert!(
        poll(&fake, &state, input).is_empty(),
        "the update is emitted once"
    );
}

#[test]
fn since_limits_the_first_poll() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    fake.create_task_direct(&folder, "old");
    fake.advance_clock(std::time::Duration::from_secs(600));
    let since = fake.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let new = fake.create_task_direct(&folder, "new");
    let dir = tempfile::tempdir().unwrap();
    let events = poll(
        &fake,
        &dir.path().join("s"),
        json!({"folderId": folder, "since": since}),
    );
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["id"], new["id"]);
}

#[test]
fn one_run_pages_through_everything() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let ids: Vec<String> = (0..7)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("t{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let events = poll(
        &fake,
        &dir.path().join("s"),
        json!({"folderId": folder, "pageSize": 2}),
    );
    let got: Vec<String> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ids);
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/tasks"))
        .count();
    assert!(pages >= 4, "expected at least 4 page requests, saw {pages}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_delivery_neither_loses_nor_repeats_events() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let ids: Vec<String> = (0..4)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("t{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let c = wrike(&fake);
    let input = json!({"folderId": folder});

    // The sink breaks after two events (a closed pipe, a crash).
    let mut delivered = Vec::new();
    let store = Store::new(Box::new(
        open_poll_state(&path, "new_or_updated_task").unwrap(),
    ))
    .unwrap();
    let mut sink = |e: &OutboxEntry| {
        if delivered.len() == 2 {
            return Err(std::io::Error::other("sink closed"));
        }
        delivered.push(e.payload["id"].as_str().unwrap().to_string());
        Ok(())
    };
    let trigger = "new_or_updated_task";
    let limits = RunLimits::default();
    let err = run_poll(&c, trigger, &input, &store, trigger, limits, &mut sink)
        .await
        .unwrap_err();
    assert!(err.message.contains("sink closed"));
    assert_eq!(delivered, ids[..2]);
    drop(store);

    // A new run, from the file alone, delivers exactly the rest.
    let store = Store::new(Box::new(
        open_poll_state(&path, "new_or_updated_task").unwrap(),
    ))
    .unwrap();
    let mut rest = Vec::new();
    let mut sink = |e: &OutboxEntry| {
        rest.push(e.payload["id"].as_str().unwrap().to_string());
        Ok(())
    };
    run_poll(&c, trigger, &input, &store, trigger, limits, &mut sink)
        .await
        .unwrap();
    assert_eq!(rest, ids[2..]);
}

#[test]
fn a_legacy_json_state_file_is_imported_once() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("tasks.state");
    let input = json!({"folderId": folder});
    fake.create_task_direct(&folder, "a");
    fake.create_task_direct(&folder, "b");
    // What an earlier version left: the cursor and keys of a first run, as JSON.
    let first = poll(&fake, &state, input.clone());
    assert_eq!(first.len(), 2);
    let keys: Vec<String> = first
        .iter()
        .map(|e| {
            format!(
                "{}@{}",
                e["id"].as_str().unwrap(),
                e["updatedDate"].as_str().unwrap()
            )
        })
        .collect();
    std::fs::remove_file(&state).unwrap();
    let mut legacy = LegacyStateFile::open(&state, "new_or_updated_task").unwrap();
    for key in &keys {
        legacy.mark_delivered(key).unwrap();
    }
    // No cursor: the next run sees both tasks again, and the imported keys drop them.
    assert!(poll(&fake, &state, input.clone()).is_empty());
    assert!(dir.path().join("tasks.state.v1.json").is_file());
    let c = fake.create_task_direct(&folder, "c");
    let events = poll(&fake, &state, input);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["id"], c["id"]);
}

#[test]
fn a_run_that_reaches_its_batch_limit_stops_with_run_limit_and_keeps_its_cursor() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    for i in 0..5 {
        fake.create_task_direct(&folder, &format!("t{i}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s");
    let input = json!({"folderId": folder, "pageSize": 2}).to_string();
    let args = [
        "poll",
        "new_or_updated_task",
        "--input",
        &input,
        "--state",
        state.to_str().unwrap(),
        "--max-batches",
        "1",
    ];
    let run = CliRun::of(cli(&fake).args(args));
    assert_eq!(run.code, 9, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "run_limit");
    let mut seen: Vec<String> = run
        .json_lines()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen.len(), 2, "one batch of two delivered before the stop");
    // Each further run goes on from the kept cursor; together they deliver every task once.
    for _ in 0..5 {
        let run = CliRun::of(cli(&fake).args(args));
        seen.extend(
            run.json_lines()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_string()),
        );
        if run.code == 0 {
            break;
        }
        assert_eq!(run.error()["kind"], "run_limit");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "{seen:?}");
    assert_eq!(seen.len(), 5, "nothing twice: {seen:?}");
}

#[test]
fn a_state_file_of_another_trigger_is_refused() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s");
    std::fs::write(
        &state,
        r#"{"version":1,"trigger":"new_comment","cursor":null,"delivered":[]}"#,
    )
    .unwrap();
    let run = CliRun::of(cli(&fake).args([
        "poll",
        "new_or_updated_task",
        "--state",
        state.to_str().unwrap(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "state");
}
