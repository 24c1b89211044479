//! The polling triggers other than `new_or_updated_task` (see `polling.rs`), through the host
//! against the fake Wrike: `new_or_updated_folder`, `new_or_updated_project`,
//! `new_or_updated_timelog` (first poll, empty second poll, an update emitted exactly once,
//! `since`, a filter) and `new_comment`, which walks forward in windows shorter than 7 days.

use chrono::{DateTime, Duration, Utc};
use connector_host::{Connector, ErrorKind};
use e2e_tests::{cli, wrike, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One `connector-host poll` run; the emitted payloads.
fn poll(fake: &FakeWrike, trigger: &str, state: &Path, input: &Value) -> Vec<Value> {
    let run = CliRun::of(cli(fake).args([
        "poll",
        trigger,
        "--input",
        &input.to_string(),
        "--state",
        state.to_str().unwrap(),
    ]));
    assert_eq!(run.code, 0, "poll {trigger} failed: {}", run.stderr);
    run.json_lines()
}

fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn new_folder(fake: &FakeWrike, parent: &str, title: &str, project: bool) -> String {
    let mut p = json!({"title": title});
    if project {
        p["project"] = json!({});
    }
    fake.call_direct("POST", &format!("/folders/{parent}/folders"), p)
        .unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Library polls until `more` is false; the events' payloads and the final cursor.
async fn poll_all(
    c: &Connector,
    trigger: &str,
    input: &Value,
    mut cursor: Option<String>,
) -> (Vec<Value>, String) {
    let mut out = Vec::new();
    for _ in 0..20 {
        let batch = c
            .poll(trigger, input, cursor.as_deref())
            .await
            .unwrap_or_else(|e| panic!("poll {trigger}: {e}"));
        out.extend(batch.events.into_iter().map(|e| e.payload));
        cursor = Some(batch.cursor);
        if !batch.more {
            return (out, cursor.unwrap());
        }
    }
    panic!("{trigger} never finished");
}

#[test]
fn new_or_updated_folder_first_poll_empty_poll_update_once() {
    let fake = FakeWrike::start().unwrap();
    let engineering = fake.folder_ids()[1].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("folders.state");
    let input = json!({"folderId": engineering});

    let a = new_folder(&fake, &engineering, "Backend", false);
    let b = new_folder(&fake, &engineering, "Frontend", true);
    let events = poll(&fake, "new_or_updated_folder", &state, &input);
    assert_eq!(ids(&events), vec![a.clone(), b.clone()], "oldest first");
    assert_eq!(events[0]["title"], "Backend");
    assert!(events[1]["project"].is_object(), "projects are folders too");

    assert!(poll(&fake, "new_or_updated_folder", &state, &input).is_empty());

    fake.call_direct(
        "PUT",
        &format!("/folders/{a}"),
        json!({"title": "Backend services"}),
    )
    .unwrap();
    let events = poll(&fake, "new_or_updated_folder", &state, &input);
    assert_eq!(ids(&events), vec![a.clone()]);
    assert_eq!(events[0]["title"], "Backend services");
    assert_eq!(
        events[0]["updatedDate"],
        fake.folder(&a).unwrap()["updatedDate"]
    );
    assert!(
        poll(&fake, "new_or_updated_folder", &state, &input).is_empty(),
        "the update is emitted once"
    );
}

#[test]
fn new_or_updated_folder_since_and_filters() {
    let fake = FakeWrike::start().unwrap();
    let (marketing, engineering) = (
        fake.folder_ids()[0].0.clone(),
        fake.folder_ids()[1].0.clone(),
    );
    let dir = tempfile::tempdir().unwrap();

    new_folder(&fake, &marketing, "Old news", false);
    fake.advance_clock(std::time::Duration::from_secs(600));
    let since = ts(fake.now());
    let in_marketing = new_folder(&fake, &marketing, "Campaigns", false);
    let in_engineering = new_folder(&fake, &engineering, "Tooling", false);
    let project = new_folder(&fake, &engineering, "Rewrite", true);

    let events = poll(
        &fake,
        "new_or_updated_folder",
        &dir.path().join("a"),
        &json!({"since": since}),
    );
    let got: BTreeSet<String> = ids(&events).into_iter().collect();
    for id in [&in_marketing, &in_engineering, &project] {
        assert!(got.contains(id), "{id} missing from {got:?}");
    }
    assert!(
        events.iter().all(|e| e["title"] != "Old news"),
        "since leaves out older folders: {events:?}"
    );

    let events = poll(
        &fake,
        "new_or_updated_folder",
        &dir.path().join("b"),
        &json!({"since": since, "folderId": engineering, "project": false}),
    );
    assert_eq!(ids(&events), vec![in_engineering.clone()]);
    let q = fake.requests().last().unwrap().params();
    let updated = &q.iter().find(|(k, _)| k == "updatedDate").unwrap().1;
    assert_eq!(
        serde_json::from_str::<Value>(updated).unwrap(),
        json!({"start": since})
    );

    let run = CliRun::of(cli(&fake).args([
        "poll",
        "new_or_updated_folder",
        "--input",
        &json!({"folderId": engineering, "spaceId": fake.space_id()}).to_string(),
        "--state",
        dir.path().join("c").to_str().unwrap(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn new_or_updated_project_emits_projects_only() {
    let fake = FakeWrike::start().unwrap();
    let marketing = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("projects.state");
    let input = json!({"spaceId": fake.space_id()});

    new_folder(&fake, &marketing, "Plain folder", false);
    let p = new_folder(&fake, &marketing, "Spring launch", true);
    let events = poll(&fake, "new_or_updated_project", &state, &input);
    assert_eq!(ids(&events), vec![p.clone()]);
    assert_eq!(events[0]["project"]["status"], "Green");
    assert!(poll(&fake, "new_or_updated_project", &state, &input).is_empty());

    fake.call_direct(
        "PUT",
        &format!("/folders/{p}"),
        json!({"project": {"status": "Red"}}),
    )
    .unwrap();
    let events = poll(&fake, "new_or_updated_project", &state, &input);
    assert_eq!(ids(&events), vec![p.clone()]);
    assert_eq!(events[0]["project"]["status"], "Red");
    assert!(poll(&fake, "new_or_updated_project", &state, &input).is_empty());

    // A project elsewhere is outside the subtree filter.
    let personal = fake
        .call_direct("GET", "/spaces", json!({}))
        .unwrap()
        .into_iter()
        .find(|s| s["title"] == "Personal space")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    new_folder(&fake, &personal, "Side project", true);
    assert!(poll(&fake, "new_or_updated_project", &state, &input).is_empty());
    let run = CliRun::of(cli(&fake).args([
        "poll",
        "new_or_updated_project",
        "--input",
        &json!({"since": "yesterday"}).to_string(),
        "--state",
        dir.path().join("bad").to_str().unwrap(),
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "since");
}

#[tokio::test(flavor = "multi_thread")]
async fn new_or_updated_timelog_first_poll_update_since_and_task_filter() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let tasks = fake.task_ids();
    let (t1, t2) = (tasks[0].clone(), tasks[1].clone());
    let log = |task: &str, comment: &str| {
        fake.call_direct(
            "POST",
            &format!("/tasks/{task}/timelogs"),
            json!({"comment": comment, "hours": 1, "trackedDate": "2026-01-05"}),
        )
        .unwrap()[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let a = log(&t1, "<p>Pairing on <b>CI</b></p>");
    let b = log(&t2, "Review");

    let (events, cursor) = poll_all(&c, "new_or_updated_timelog", &json!({}), None).await;
    assert_eq!(ids(&events), vec![a.clone(), b.clone()]);
    assert_eq!(
        events[0]["comment"], "Pairing on CI",
        "plain text by default"
    );
    let (events, cursor) = poll_all(&c, "new_or_updated_timelog", &json!({}), Some(cursor)).await;
    assert!(events.is_empty(), "{events:?}");

    fake.call_direct("PUT", &format!("/timelogs/{b}"), json!({"hours": 3.5}))
        .unwrap();
    let (events, cursor) = poll_all(&c, "new_or_updated_timelog", &json!({}), Some(cursor)).await;
    assert_eq!(ids(&events), vec![b.clone()]);
    assert_eq!(events[0]["hours"], 3.5);
    let (events, _) = poll_all(&c, "new_or_updated_timelog", &json!({}), Some(cursor)).await;
    assert!(events.is_empty(), "the update is emitted once: {events:?}");

    // `since` and a task filter on a fresh cursor.
    fake.advance_clock(std::time::Duration::from_secs(600));
    let since = ts(fake.now());
    let d = log(&t1, "Later");
    log(&t2, "Later, elsewhere");
    let (events, _) = poll_all(
        &c,
        "new_or_updated_timelog",
        &json!({"since": since, "taskId": t1, "plainText": false}),
        None,
    )
    .await;
    assert_eq!(ids(&events), vec![d]);
    assert_eq!(
        fake.requests().last().unwrap().path,
        format!("/api/v4/tasks/{t1}/timelogs")
    );

    let e = c
        .poll(
            "new_or_updated_timelog",
            &json!({"taskId": t1, "folderId": "X"}),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let e = c
        .poll("new_or_updated_timelog", &json!({}), Some("not a cursor"))
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("cursor"));
}

#[test]
fn new_comment_walks_twenty_days_in_windows_shorter_than_a_week() {
    let fake = FakeWrike::start().unwrap();
    let now = Utc::now();
    let task = fake.task_ids()[1].clone();
    // Comments spread over the last 20 days. The fake stamps new comments "now" (its stamps
    // never run backwards past the seed data), so each is added and then dated back.
    let days_ago: [i64; 9] = [19, 17, 15, 12, 10, 8, 6, 4, 1];
    let mut expected = Vec::new();
    for (i, d) in days_ago.iter().enumerate() {
        let c = fake.add_comment_direct(&task, &format!("<p>comment <b>{i}</b></p>"));
        let id = c["id"].as_str().unwrap().to_string();
        let at = now - Duration::days(*d) - Duration::hours(3);
        fake.with_store(|st| {
            let c = st.comments.get_mut(&id).unwrap();
            c.created = at;
            c.updated = at;
        });
        expected.push((at, id));
    }
    // The seeded comment of two days ago is in range too; the one of 25 days ago is not.
    let seeded: Vec<(DateTime<Utc>, String)> = fake.with_store(|st| {
        st.comments
            .values()
            .filter(|c| {
                c.updated < now - Duration::hours(12) && c.updated > now - Duration::days(20)
            })
            .filter(|c| !expected.iter().any(|(_, id)| *id == c.id))
            .map(|c| (c.updated, c.id.clone()))
            .collect()
    });
    assert_eq!(seeded.len(), 1, "{seeded:?}");
    expected.extend(seeded);
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();

    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("comments.state");
    let input = json!({"since": ts(now - Duration::days(20))});
    let events = poll(&fake, "new_comment", &state, &input);
    assert_eq!(
        ids(&events),
        expected,
        "all of them, oldest first, none twice"
    );
    let first = events.iter().find(|e| e["id"] == expected[0]).unwrap();
    assert_eq!(first["text"], "comment 0", "plain text by default");

    // Every window Wrike was asked for is shorter than 7 days; an open window (start only)
    // reaches the present.
    let windows: Vec<Value> = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v4/comments")
        .map(|r| {
            let p = r.params();
            serde_json::from_str(&p.iter().find(|(k, _)| k == "updatedDate").unwrap().1).unwrap()
        })
        .collect();
    assert!(
        windows.len() >= 4,
        "20 days need several windows: {windows:?}"
    );
    let parse = |v: &Value| {
        DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    for w in &windows {
        let start = parse(&w["start"]);
        match w.get("end") {
            Some(end) => assert!(parse(end) - start < Duration::days(7), "{w}"),
            None => assert!(start + Duration::days(7) > Utc::now(), "{w}"),
        }
    }
    assert_eq!(
        windows[0]["start"],
        ts(now - Duration::days(20)),
        "starts at since"
    );

    // Next run: nothing old again; a new comment once.
    assert!(poll(&fake, "new_comment", &state, &input).is_empty());
    let new = fake.add_comment_direct(&task, "fresh");
    let events = poll(&fake, "new_comment", &state, &input);
    assert_eq!(ids(&events), vec![new["id"].as_str().unwrap().to_string()]);
    assert!(poll(&fake, "new_comment", &state, &input).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn new_comment_refuses_a_bad_since_and_a_foreign_cursor() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let e = c
        .poll("new_comment", &json!({"since": "last week"}), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("since"));
    let (_, timelog_cursor) = poll_all(&c, "new_or_updated_timelog", &json!({}), None).await;
    let e = c
        .poll("new_comment", &json!({}), Some(&timelog_cursor))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("cursor"), "{e}");
    assert!(
        fake.requests().iter().all(|r| r.path != "/api/v4/comments"),
        "nothing was asked of Wrike"
    );
}
