//! `serve` stopped and started again: what changed while it was down arrives once, from the
//! catch-up run at start, although the hook stayed active at Wrike the whole time.

use super::serve::{
    active_hook, assert_no_duplicates, free_port, task_hook_config, wait_for, Serve,
};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

/// Events printed about task `id`.
fn about<'a>(lines: &'a [Value], id: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"]["id"] == id).collect()
}

#[test]
fn a_restart_catches_up_on_every_change_made_while_serve_was_down_once() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = task_hook_config(&folder);

    let serve = Serve::start(&fake, dir.path(), port, &config);
    let (hook, _, _) = active_hook(&fake);
    serve.wait_first_catch_up();
    let live = fake.create_task_direct(&folder, "before the stop");
    let live_id = live["id"].as_str().unwrap().to_string();
    serve.wait_event("the live task", |l| l["event"]["id"] == live_id.as_str());
    serve.stop();

    // While serve is down: one task created, the earlier one updated. Wrike's deliveries fail
    // (nobody listens), and the hook stays active.
    let created = fake.create_task_direct(&folder, "while down");
    let created_id = created["id"].as_str().unwrap().to_string();
    let updated = fake.update_task_direct(&live_id, json!({"title": "renamed while down"}));
    wait_for("the failed deliveries", || {
        let failed = fake
            .webhook_deliveries()
            .iter()
            .filter(|d| !d.handshake && d.status.is_none())
            .count();
        (failed >= 2).then_some(())
    });
    let status = fake
        .call_direct("GET", &format!("/webhooks/{hook}"), json!({}))
        .unwrap()[0]["status"]
        .clone();
    assert_eq!(status, "Active", "the hook stayed active at Wrike");

    let serve = Serve::start(&fake, dir.path(), port, &config);
    let lines = serve.wait_event("the task created while down", |l| {
        l["event"]["id"] == created_id.as_str()
    });
    let lines = if about(&lines, &live_id)
        .iter()
        .any(|l| l["event"]["updatedDate"] == updated["updatedDate"])
    {
        lines
    } else {
        serve.wait_event("the update made while down", |l| {
            l["event"]["id"] == live_id.as_str()
                && l["event"]["updatedDate"] == updated["updatedDate"]
        })
    };
    assert_eq!(about(&lines, &created_id).len(), 1, "{lines:#?}");
    assert_eq!(
        about(&lines, &live_id)
            .iter()
            .filter(|l| l["event"]["updatedDate"] == updated["updatedDate"])
            .count(),
        1
    );
    // No new hook was made: the check found the old one active and caught up anyway.
    assert_eq!(fake.with_store(|st| st.webhooks.len()), 1);
    assert_no_duplicates(&lines);
    serve.stop();
}
