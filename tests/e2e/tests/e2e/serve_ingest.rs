//! Webhook ingestion under concurrency: deliveries in flight at once, group-committed, each
//! 2xx still meaning "in the outbox".

use super::serve::{active_hook, free_port, post, task_hook_config, Serve};
use fake_wrike::resources::webhooks::sign;
use fake_wrike::FakeWrike;
use serde_json::json;

/// Group commit keeps the promise of a 2xx: 24 signed deliveries in flight at once, each
/// answered 200, are every one in the outbox when the process is killed the moment the last
/// answer arrived, each event once. `/metrics` reports the enqueues and the commits they took
/// (fewer when deliveries overlapped; the grouping itself is pinned by the unit tests of
/// `connector_host::state::Store`).
#[test]
fn concurrent_deliveries_are_committed_before_their_answer_and_stored_once() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let config =
        task_hook_config(&folder).replace("check_interval_secs = 1", "check_interval_secs = 3600");
    let serve = Serve::start(&fake, dir.path(), free_port(), &config);
    let (hook, url, secret) = active_hook(&fake);
    serve.wait_first_catch_up();
    // The fake stops delivering: only the deliveries below bring these tasks in.
    fake.with_store(|st| st.webhooks.get_mut(&hook).unwrap().status = "Suspended".into());
    let ids: Vec<String> = (0..24)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("burst {i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let posts: Vec<_> = ids
            .iter()
            .map(|id| {
                let (url, secret, hook) = (&url, &secret, &hook);
                s.spawn(move || {
                    let body =
                        json!([{"taskId": id, "eventType": "TaskCreated", "webhookId": hook}])
                            .to_string();
                    post(url, Some(&sign(secret, body.as_bytes())), body.as_bytes())
                })
            })
            .collect();
        posts.into_iter().map(|p| p.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let metrics = serve.metrics();
    serve.kill();

    let db = rusqlite::Connection::open(dir.path().join("serve.db")).unwrap();
    let keys: Vec<String> = db
        .prepare("SELECT key FROM events WHERE subscription = 'tasks'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for id in &ids {
        let n = keys.iter().filter(|k| k.starts_with(id.as_str())).count();
        assert_eq!(n, 1, "task {id} stored {n} times: {keys:?}");
    }
    let counter = |name: &str| -> u64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {metrics}"))
    };
    let (enqueues, commits) = (
        counter("connector_state_enqueues_total"),
        counter("connector_state_commits_total"),
    );
    assert!(enqueues >= ids.len() as u64, "{metrics}");
    assert!(commits <= enqueues, "{metrics}");
    eprintln!("24 concurrent deliveries: {enqueues} enqueues in {commits} commits");
}
