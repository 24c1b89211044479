//! Cassettes through the CLI, the cases the README promises beyond the basic round trip: a
//! first poll with no input (its window is relative to the clock) replays with a fresh state
//! file at any later time, and a malformed cassette is a typed error naming the file and the
//! entry, before any request.

use e2e_tests::{cli, CliRun};
use fake_wrike::FakeWrike;

#[test]
fn a_first_poll_without_input_replays_later_with_a_fresh_state_file() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tapes = dir.path().join("tapes");
    let state = |name: &str| dir.path().join(name).display().to_string();
    let record = CliRun::of(
        cli(&fake)
            .args(["--record", tapes.to_str().unwrap()])
            .args([
                "poll",
                "new_or_updated_task",
                "--state",
                &state("record.db"),
            ]),
    );
    assert_eq!(record.code, 0, "{}", record.stderr);
    let mut replay = cli(&fake);
    replay
        .env_remove("CONNECTOR_TOKEN")
        .args(["--replay", tapes.to_str().unwrap()])
        .args([
            "poll",
            "new_or_updated_task",
            "--state",
            &state("replay.db"),
        ]);
    drop(fake);
    // Later: the window the trigger computes from "now" would differ by now.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = CliRun::of(&mut replay);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, record.stdout);
    let text = std::fs::read_to_string(tapes.join("poll-new_or_updated_task.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        file["clock"].as_array().is_some_and(|c| !c.is_empty()),
        "the component's clock readings are in the cassette"
    );
}

#[test]
fn a_malformed_cassette_is_a_typed_error_naming_the_file_and_the_entry() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tapes = dir.path().join("tapes");
    let record = CliRun::of(
        cli(&fake)
            .args(["--record", tapes.to_str().unwrap()])
            .args(["call", "search_task", "--input", r#"{"pageSize":5}"#]),
    );
    assert_eq!(record.code, 0, "{}", record.stderr);
    let path = tapes.join("call-search_task.json");
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let response = &mut file["interactions"][0]["response"];
    response.as_object_mut().unwrap().remove("body");
    response["body_base64"] = "this is *not* base64!".into();
    std::fs::write(&path, file.to_string()).unwrap();
    let requests = fake.requests().len();

    let run = CliRun::of(
        cli(&fake)
            .env_remove("CONNECTOR_TOKEN")
            .args(["--replay", tapes.to_str().unwrap()])
            .args(["call", "search_task", "--input", r#"{"pageSize":5}"#]),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(
        e["field"], "cassette.interactions[0].response.body_base64",
        "{e}"
    );
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("call-search_task.json"), "{message}");
    assert!(message.contains("interaction #1"), "{message}");
    assert_eq!(fake.requests().len(), requests, "nothing was sent");
}
