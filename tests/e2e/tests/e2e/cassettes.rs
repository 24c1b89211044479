//! Record and replay: HTTP recorded against the fake Wrike into cassettes (credentials
//! removed), then replayed with the fake stopped — through the library
//! (`connector_host::testing::Cassette`) and through `--record DIR` / `--replay DIR`.

use connector_host::testing::{BodyMatch, Cassette};
use connector_host::{ConnectionConfig, Connector, ErrorKind, Limits, SandboxRule};
use e2e_tests::fake_wrike::{self, FakeWrike};
use e2e_tests::{cli, hostile_component, runtime, wrike, wrike_component, CliRun};
use serde_json::json;

/// A connector with no credential at all, replaying `cassette` against `base_url`.
fn replayer(base_url: &str, cassette: Cassette, limits: Limits) -> Connector {
    Connector::new(
        runtime(&wrike_component()),
        ConnectionConfig::new(base_url).unwrap(),
        limits,
    )
    .unwrap()
    .replaying(cassette, BodyMatch::Exact)
}

#[tokio::test]
async fn the_library_records_against_the_fake_and_replays_with_it_stopped() {
    let fake = FakeWrike::start().unwrap();
    let base = fake.base_url();
    let folder = fake.folder_ids()[0].0.clone();
    let create = json!({"folderId": folder, "title": "Pinned by a cassette"});
    let search = json!({"title": "Pinned by a cassette"});

    let cassette = Cassette::new();
    let recorder = wrike(&fake).recording(cassette.clone());
    let created = recorder.execute("create_task", &create).await.unwrap();
    let found = recorder.execute("search_task", &search).await.unwrap();
    assert_eq!(cassette.len(), fake.requests().len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tasks.json");
    cassette.save(&path).unwrap();
    drop(recorder);
    drop(fake);

    // The recording holds what was sent and answered, and never the credential.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(fake_wrike::TEST_TOKEN), "{text}");
    let exchanges = Cassette::load(&path).unwrap().exchanges();
    let post = &exchanges[0];
    assert_eq!(post.request.method, "POST");
    assert!(post
        .request
        .url
        .ends_with(&format!("/folders/{folder}/tasks")));
    assert!(post
        .request
        .headers
        .iter()
        .all(|(k, _)| k != "authorization"));
    assert!(post
        .request
        .body
        .body
        .as_deref()
        .unwrap()
        .contains("Pinned"));
    assert_eq!(post.response.status, 200);

    // Replayed with no server and no credential, the outputs are the recorded ones.
    let replay = replayer(&base, Cassette::load(&path).unwrap(), Limits::default());
    assert_eq!(
        replay.execute("create_task", &create).await.unwrap(),
        created
    );
    assert_eq!(replay.execute("search_task", &search).await.unwrap(), found);

    // A request the cassette does not hold is a typed error naming what differed.
    let replay = replayer(&base, Cassette::load(&path).unwrap(), Limits::default());
    let e = replay
        .execute("search_task", &json!({"title": "Something else"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CassetteMismatch, "{e}");
    assert_eq!(e.field.as_deref(), Some("query"), "{e}");
    assert!(e.message.contains("Something"), "{e}");
    let e = replay
        .execute(
            "create_task",
            &json!({"folderId": folder, "title": "Other title"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("body"), "{e}");
    // …unless the body is not compared.
    let loose = Connector::new(
        runtime(&wrike_component()),
        ConnectionConfig::new(&base).unwrap(),
        Limits::default(),
    )
    .unwrap()
    .replaying(Cassette::load(&path).unwrap(), BodyMatch::Ignore);
    assert_eq!(
        loose
            .execute(
                "create_task",
                &json!({"folderId": folder, "title": "Other title"})
            )
            .await
            .unwrap(),
        created
    );
}

#[tokio::test]
async fn replay_keeps_every_gate_check() {
    let fake = FakeWrike::start().unwrap();
    let base = fake.base_url();
    let cassette = Cassette::new();
    let recorder = wrike(&fake).recording(cassette.clone());
    recorder.execute("search_task", &json!({})).await.unwrap();
    drop(fake);

    // The response cap applies to replayed bodies.
    let small = Limits {
        response_body_bytes: 64,
        ..Limits::default()
    };
    let e = replayer(&base, Cassette::from_exchanges(cassette.exchanges()), small)
        .execute("search_task", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::ResponseTooLarge), "{e}");

    // The allow-list and the path check still decide first: a request to another origin, or
    // outside the API base's path, is denied before the cassette is consulted — even when the
    // cassette holds an answer for it.
    let hostile = |cassette: Cassette| {
        Connector::new(
            runtime(&hostile_component()),
            ConnectionConfig::new(&base).unwrap(),
            Limits::default(),
        )
        .unwrap()
        .replaying(cassette, BodyMatch::Ignore)
    };
    let e = hostile(Cassette::from_exchanges(cassette.exchanges()))
        .execute("fetch", &json!({"url": "http://127.0.0.1:9/api/v4/tasks"}))
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::EgressDenied), "{e}");
    let e = hostile(Cassette::new())
        .execute("fetch", &json!({"url": base.replace("/api/v4", "/admin")}))
        .await
        .unwrap_err();
    assert_eq!(e.rule, Some(SandboxRule::PathDenied), "{e}");
}

#[test]
fn the_cli_records_and_replays_call_pick_test_and_poll() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tapes = dir.path().join("cassettes");
    let tapes_arg = tapes.to_str().unwrap();
    let commands: Vec<Vec<String>> = vec![
        vec![
            "call".into(),
            "search_task".into(),
            "--input".into(),
            r#"{"pageSize":5}"#.into(),
        ],
        vec!["pick".into(), "folders".into()],
        vec!["test".into()],
    ];
    let mut recorded = Vec::new();
    for args in &commands {
        let run = CliRun::of(cli(&fake).args(["--record", tapes_arg]).args(args));
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        recorded.push(run.stdout);
    }
    // A poll from a fixed start, so that its first request does not depend on the clock.
    let poll_args = |state: &str| -> Vec<String> {
        vec![
            "poll".into(),
            "new_or_updated_task".into(),
            "--input".into(),
            r#"{"since":"2020-01-01T00:00:00Z"}"#.into(),
            "--state".into(),
            dir.path().join(state).display().to_string(),
        ]
    };
    let poll = CliRun::of(
        cli(&fake)
            .args(["--record", tapes_arg])
            .args(poll_args("record.state")),
    );
    assert_eq!(poll.code, 0, "{}", poll.stderr);
    assert!(
        !poll.json_lines().is_empty(),
        "the poll saw the seeded tasks"
    );
    for file in [
        "call-search_task.json",
        "pick-folders.json",
        "test.json",
        "poll-new_or_updated_task.json",
    ] {
        let text = std::fs::read_to_string(tapes.join(file)).unwrap();
        assert!(!text.contains(fake_wrike::TEST_TOKEN), "{file}");
    }

    // The same commands replayed: the fake is stopped and there is no token.
    let mut replay_cmds: Vec<std::process::Command> = commands
        .iter()
        .map(|args| {
            let mut cmd = cli(&fake);
            cmd.env_remove("CONNECTOR_TOKEN")
                .args(["--replay", tapes_arg])
                .args(args);
            cmd
        })
        .collect();
    let mut replay_poll = cli(&fake);
    replay_poll
        .env_remove("CONNECTOR_TOKEN")
        .args(["--replay", tapes_arg])
        .args(poll_args("replay.state"));
    let mut mismatch = cli(&fake);
    mismatch
        .env_remove("CONNECTOR_TOKEN")
        .args(["--replay", tapes_arg, "call", "search_task", "--input"])
        .arg(r#"{"pageSize":7}"#);
    let mut missing = cli(&fake);
    missing
        .env_remove("CONNECTOR_TOKEN")
        .args(["--replay", tapes_arg, "call", "get_task_by_id", "--input"])
        .arg(r#"{"taskId":"x"}"#);
    // --record and --replay are refused where they do not apply.
    let mut describe = cli(&fake);
    describe.args(["--record", tapes_arg, "describe"]);
    drop(fake);

    for (cmd, expected) in replay_cmds.iter_mut().zip(&recorded) {
        let run = CliRun::of(cmd);
        assert_eq!(run.code, 0, "{:?}: {}", cmd.get_args(), run.stderr);
        assert_eq!(&run.stdout, expected);
    }
    let run = CliRun::of(&mut replay_poll);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, poll.stdout);
    let run = CliRun::of(&mut mismatch);
    assert_eq!(run.code, 8, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "cassette_mismatch");
    assert_eq!(e["field"], "query");
    let run = CliRun::of(&mut describe);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "record");
    let run = CliRun::of(&mut missing);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "cassette");
}
