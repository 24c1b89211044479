//! Running a polling trigger with durable state ([`crate::state`]).
//!
//! Delivery rule: each batch the guest returns goes into the outbox together with its cursor,
//! in one transaction (events whose key is already known are dropped there, so an event enters
//! the outbox exactly once). The outbox is then drained to the sink, and an entry is taken off
//! only after the sink accepted it. A run starts by draining what a crashed run left behind, so
//! nothing is lost; the sink may see an event again only if the process died between the
//! sink's acceptance and the acknowledgement.

use crate::connector::Connector;
use crate::error::{ErrorKind, HostError, HostResult};
use crate::state::{OutboxEntry, StateStore};
use serde_json::Value;
use std::time::{Duration, Instant};

/// How many outbox entries are handed to the sink between two acknowledgements.
pub const DRAIN_CHUNK: usize = 500;

/// Bounds on one run, so that a trigger that always answers `more` cannot keep a poller busy
/// forever. A run that reaches one ends with an [`ErrorKind::RunLimit`] error; the cursor of
/// every batch already taken is kept, so the next run goes on from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLimits {
    /// Most `poll` calls in one run.
    pub max_batches: usize,
    /// Most new events taken into the outbox in one run.
    pub max_events: usize,
    /// Longest a run may take, from its start to the start of its last `poll` call.
    pub deadline: Duration,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            max_batches: 1_000,
            max_events: 1_000_000,
            deadline: Duration::from_secs(600),
        }
    }
}

/// What one run of a trigger did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Events handed to the sink and acknowledged (including ones left by an earlier run).
    pub delivered: usize,
    /// Events the guest returned again that were already known (dropped).
    pub duplicates_skipped: usize,
    /// `poll` calls made.
    pub batches: usize,
}

/// Hands every outbox entry of `subscription` to `deliver`, acknowledging them in chunks.
pub fn drain(
    store: &mut dyn StateStore,
    subscription: &str,
    deliver: &mut dyn FnMut(&OutboxEntry) -> std::io::Result<()>,
) -> HostResult<usize> {
    let mut delivered = 0;
    loop {
        let entries = store.pending(Some(subscription), DRAIN_CHUNK)?;
        if entries.is_empty() {
            return Ok(delivered);
        }
        let mut done = Vec::with_capacity(entries.len());
        let mut failure = None;
        for entry in &entries {
            match deliver(entry) {
                Ok(()) => done.push(entry.seq),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        delivered += done.len();
        store.ack(&done)?;
        if let Some(e) = failure {
            return Err(HostError::internal(format!("cannot deliver an event: {e}")));
        }
    }
}

fn limit_error(trigger: &str, what: String) -> HostError {
    HostError::new(
        ErrorKind::RunLimit,
        format!("trigger `{trigger}` stopped after {what}; its cursor is kept and the next run goes on from there"),
    )
}

/// Polls `trigger` until the guest has nothing more or a [`RunLimits`] bound is reached,
/// keeping its state in `store` under the subscription name `subscription` and handing each
/// new event to `deliver`, as described in the module docs.
pub async fn run_poll(
    connector: &Connector,
    trigger: &str,
    input: &Value,
    store: &mut dyn StateStore,
    subscription: &str,
    limits: RunLimits,
    deliver: &mut dyn FnMut(&OutboxEntry) -> std::io::Result<()>,
) -> HostResult<RunSummary> {
    let started = Instant::now();
    let mut summary = RunSummary {
        delivered: drain(store, subscription, deliver)?,
        ..RunSummary::default()
    };
    // Entries delivered but not yet acknowledged: acknowledged together with the next batch
    // (one durable commit per batch), and at the end of the run.
    let mut delivered: Vec<i64> = Vec::new();
    let result = async {
        let mut taken = 0;
        loop {
            if summary.batches >= limits.max_batches {
                return Err(limit_error(trigger, format!("{} batches", summary.batches)));
            }
            if taken >= limits.max_events {
                return Err(limit_error(trigger, format!("{taken} events")));
            }
            if summary.batches > 0 && started.elapsed() >= limits.deadline {
                return Err(limit_error(
                    trigger,
                    format!("its run deadline of {} ms", limits.deadline.as_millis()),
                ));
            }
            let cursor = store.cursor(subscription)?;
            let batch = connector.poll(trigger, input, cursor.as_deref()).await?;
            summary.batches += 1;
            let enqueued = store.enqueue_acking(
                subscription,
                &batch.events,
                Some(&batch.cursor),
                &delivered,
            )?;
            delivered.clear();
            taken += enqueued.added;
            summary.duplicates_skipped += enqueued.duplicates;
            // Only this batch's entries are pending now (earlier ones are acknowledged).
            for entry in store.pending(Some(subscription), usize::MAX)? {
                deliver(&entry)
                    .map_err(|e| HostError::internal(format!("cannot deliver an event: {e}")))?;
                delivered.push(entry.seq);
                summary.delivered += 1;
            }
            if !batch.more {
                return Ok(());
            }
        }
    }
    .await;
    store.ack(&delivered)?;
    result.map(|()| summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::Event;
    use crate::state::SqliteStore;
    use serde_json::json;

    fn event(key: &str) -> Event {
        Event {
            key: key.into(),
            payload: json!({ "id": key }),
        }
    }

    #[test]
    fn events_enter_the_outbox_once_and_leave_after_ack() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let e = store
            .enqueue("t", &[event("a@1"), event("b@1"), event("a@1")], Some("c1"))
            .unwrap();
        assert_eq!((e.added, e.duplicates), (2, 1));
        let again = store.enqueue("t", &[event("b@1")], Some("c2")).unwrap();
        assert_eq!((again.added, again.duplicates), (0, 1));
        assert_eq!(store.cursor("t").unwrap().as_deref(), Some("c2"));
        // Another subscription has its own keys.
        assert_eq!(store.enqueue("u", &[event("a@1")], None).unwrap().added, 1);

        let mut seen = Vec::new();
        let mut fail_on_b = |e: &OutboxEntry| {
            if e.key == "b@1" {
                return Err(std::io::Error::other("sink down"));
            }
            seen.push(e.key.clone());
            Ok(())
        };
        assert!(drain(&mut store, "t", &mut fail_on_b).is_err());
        assert_eq!(seen, ["a@1"]);
        // a@1 was acknowledged; b@1 stays in the outbox, and survives reopening.
        drop(store);
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let pending = store.pending(Some("t"), 10).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].key, "b@1");
        assert_eq!(pending[0].payload, json!({ "id": "b@1" }));
        let mut ok = |_: &OutboxEntry| Ok(());
        assert_eq!(drain(&mut store, "t", &mut ok).unwrap(), 1);
        assert!(store.pending(Some("t"), 10).unwrap().is_empty());
        assert!(store.knows_key("t", "b@1").unwrap());
    }

    #[test]
    fn subscriptions_are_kept_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut rec = crate::state::SubscriptionRecord {
            name: "tasks".into(),
            trigger: "new_or_updated_task_webhook".into(),
            input: "{}".into(),
            path_token: "p".into(),
            secret: "s".into(),
            remote_id: None,
            remote_state: None,
            target_url: None,
        };
        store.save_subscription(&rec).unwrap();
        rec.remote_id = Some("IEAAA".into());
        store.save_subscription(&rec).unwrap();
        assert_eq!(store.subscriptions().unwrap(), [rec]);
        store.remove_subscription("tasks").unwrap();
        assert!(store.subscriptions().unwrap().is_empty());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        std::fs::write(&path, b"hello").unwrap();
        let e = SqliteStore::open(&path).err().unwrap();
        assert!(e.message.contains("left untouched"));
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
    }
}
