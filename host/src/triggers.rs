//! The trigger engine: one poll run, used by `serve`'s pollers and catch-ups and by
//! `poll --state` alike.
//!
//! Delivery rule: each batch the guest returns goes into the outbox together with its cursor,
//! in one transaction (events whose key is already known are dropped there, so an event enters
//! the outbox exactly once). An entry leaves the outbox only after a sink accepted it. Where the
//! events go is the run's [`Delivery`]: left in the outbox for `serve`'s sink worker, or handed
//! to a sink at once after each batch (`poll --state`: a run then starts by draining what a
//! crashed run left behind, and acknowledges each batch's deliveries in the next batch's
//! transaction). Nothing is lost; the sink may see an event again only if the process died
//! between the sink's acceptance and the acknowledgement.
//!
//! One run-limit rule ([`RunLimits`]): before every `poll` call but the first, the run stops
//! when it has made `max_batches` calls, taken `max_events` new events, or used its
//! `deadline`.

use crate::connector::Connector;
use crate::error::{ErrorKind, HostError, HostResult};
use crate::serve::sink::{deliver_entries, Callback, Deliver, Retry, Sink};
use crate::state::{EnqueueBatch, OutboxEntry, Store};
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
    /// Events handed to the sink and acknowledged (including ones left by an earlier run);
    /// 0 with [`Delivery::Outbox`].
    pub delivered: usize,
    /// Events taken into the outbox.
    pub added: usize,
    /// Events the guest returned again that were already known (dropped).
    pub duplicates_skipped: usize,
    /// `poll` calls made.
    pub batches: usize,
}

/// What a run hears about its progress (`serve` counts it and wakes its sink worker).
pub trait RunObserver: Sync {
    /// A `poll` call took `took` (whatever its result).
    fn polled(&self, took: Duration) {
        let _ = took;
    }
    /// A batch put `n` (> 0) new events into the outbox.
    fn added(&self, n: usize) {
        let _ = n;
    }
}

impl RunObserver for () {}

/// Where a run's events go once they are in the outbox.
pub enum Delivery<'a> {
    /// They stay there for a sink worker (`serve`).
    Outbox,
    /// They are handed to this sink after each batch; the first failure of the sink ends the
    /// run with an error, the event left in the outbox.
    Now(&'a dyn Sink),
}

/// One run of a polling trigger.
pub struct Run<'a> {
    /// The connector that polls.
    pub connector: &'a Connector,
    /// The polling trigger.
    pub trigger: &'a str,
    /// Its input.
    pub input: &'a Value,
    /// The subscription whose outbox the events enter.
    pub subscription: &'a str,
    /// Where the cursor is kept: the subscription itself, or a key of its own (a webhook's
    /// catch-up, whose cursor is set only after the events are in the outbox).
    pub cursor_key: &'a str,
    /// The run's bounds.
    pub limits: RunLimits,
}

fn limit_error(trigger: &str, what: String) -> HostError {
    HostError::new(
        ErrorKind::RunLimit,
        format!("trigger `{trigger}` stopped after {what}; its cursor is kept and the next run goes on from there"),
    )
}

fn delivery_error(e: crate::serve::sink::SinkError) -> HostError {
    HostError::internal(format!("cannot deliver an event: {}", e.message))
}

/// Hands `entries` to `sink` (the first failure ends it), pushing the delivered ones onto
/// `done`.
async fn hand_over(
    sink: &dyn Sink,
    entries: &[OutboxEntry],
    done: &mut Vec<i64>,
) -> HostResult<()> {
    // Never signalled: a run with a sink ends with its trigger, not on a shutdown.
    let (_keep, mut shutdown) = tokio::sync::watch::channel(false);
    deliver_entries(sink, entries, done, Retry::Never, &|_| {}, &mut shutdown)
        .await
        .map(|_| ())
        .map_err(delivery_error)
}

/// Hands every outbox entry of `subscription` to `sink`, acknowledging them in chunks of
/// [`DRAIN_CHUNK`]. Returns how many were delivered.
pub async fn drain(store: &Store, subscription: &str, sink: &dyn Sink) -> HostResult<usize> {
    let mut delivered = 0;
    loop {
        let sub = subscription.to_string();
        let entries = store
            .run(move |s| s.pending(Some(&sub), DRAIN_CHUNK))
            .await?;
        if entries.is_empty() {
            return Ok(delivered);
        }
        let mut done = Vec::with_capacity(entries.len());
        let result = hand_over(sink, &entries, &mut done).await;
        delivered += done.len();
        store.run(move |s| s.ack(&done)).await?;
        result?;
    }
}

/// Polls `run.trigger` until the guest has nothing more or a [`RunLimits`] bound is reached,
/// as described in the module docs. `observer` hears of each `poll` call and each batch.
pub async fn poll_run(
    store: &Store,
    run: &Run<'_>,
    delivery: Delivery<'_>,
    observer: &dyn RunObserver,
) -> HostResult<RunSummary> {
    let started = Instant::now();
    let mut summary = RunSummary::default();
    if let Delivery::Now(sink) = delivery {
        summary.delivered = drain(store, run.subscription, sink).await?;
    }
    let own_cursor = run.cursor_key == run.subscription;
    // Entries delivered but not yet acknowledged: acknowledged together with the next batch
    // (one durable commit per batch), and at the end of the run.
    let mut delivered: Vec<i64> = Vec::new();
    let result: HostResult<()> = async {
        loop {
            let limits = &run.limits;
            if summary.batches >= limits.max_batches {
                return Err(limit_error(
                    run.trigger,
                    format!("{} batches", summary.batches),
                ));
            }
            if summary.added >= limits.max_events {
                return Err(limit_error(
                    run.trigger,
                    format!("{} events", summary.added),
                ));
            }
            if summary.batches > 0 && started.elapsed() >= limits.deadline {
                return Err(limit_error(
                    run.trigger,
                    format!("its run deadline of {} ms", limits.deadline.as_millis()),
                ));
            }
            let key = run.cursor_key.to_string();
            let cursor = store.run(move |s| s.cursor(&key)).await?;
            let t = Instant::now();
            let polled = run
                .connector
                .poll(run.trigger, run.input, cursor.as_deref())
                .await;
            observer.polled(t.elapsed());
            let batch = polled?;
            summary.batches += 1;
            let enqueued = store
                .enqueue(EnqueueBatch {
                    subscription: run.subscription.to_string(),
                    events: batch.events,
                    cursor: own_cursor.then(|| batch.cursor.clone()),
                    acked: std::mem::take(&mut delivered),
                })
                .await?;
            if !own_cursor {
                // Set only after the events are safely in the outbox (a crash in between
                // re-fetches them, and their keys drop them).
                store
                    .enqueue_events(run.cursor_key, Vec::new(), Some(batch.cursor))
                    .await?;
            }
            summary.added += enqueued.added;
            summary.duplicates_skipped += enqueued.duplicates;
            if enqueued.added > 0 {
                observer.added(enqueued.added);
            }
            if let Delivery::Now(sink) = delivery {
                // Only this batch's entries are pending now (earlier ones are acknowledged).
                let sub = run.subscription.to_string();
                let entries = store
                    .run(move |s| s.pending(Some(&sub), usize::MAX))
                    .await?;
                let before = delivered.len();
                let handed = hand_over(sink, &entries, &mut delivered).await;
                summary.delivered += delivered.len() - before;
                handed?;
            }
            if !batch.more {
                return Ok(());
            }
        }
    }
    .await;
    if !delivered.is_empty() {
        store.run(move |s| s.ack(&delivered)).await?;
    }
    result.map(|()| summary)
}

/// `poll --state` as a library call: one run of `trigger` with `input` for `subscription`
/// (its cursor under the same name), each new event handed to `deliver` (see the module docs).
pub async fn run_poll(
    connector: &Connector,
    trigger: &str,
    input: &Value,
    store: &Store,
    subscription: &str,
    limits: RunLimits,
    deliver: &mut Deliver<'_>,
) -> HostResult<RunSummary> {
    let sink = Callback::new(deliver);
    let run = Run {
        connector,
        trigger,
        input,
        subscription,
        cursor_key: subscription,
        limits,
    };
    poll_run(store, &run, Delivery::Now(&sink), &()).await
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use crate::connector::Event;
    use crate::state::{SqliteStore, StateStore};
    use serde_json::json;

    fn event(key: &str) -> Event {
        Event {
            key: key.into(),
            payload: json!({ "id": key }),
        }
    }

    #[tokio::test]
    async fn events_enter_the_outbox_once_and_leave_after_ack() {
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
        let facade = Store::new(Box::new(store)).unwrap();
        let e = drain(&facade, "t", &Callback::new(&mut fail_on_b))
            .await
            .unwrap_err();
        assert!(e.message.contains("sink down"), "{}", e.message);
        assert_eq!(seen, ["a@1"]);
        // a@1 was acknowledged; b@1 stays in the outbox, and survives reopening.
        drop(facade);
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let pending = store.pending(Some("t"), 10).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].key, "b@1");
        assert_eq!(pending[0].payload, json!({ "id": "b@1" }));
        let facade = Store::new(Box::new(store)).unwrap();
        let mut ok = |_: &OutboxEntry| Ok(());
        assert_eq!(
            drain(&facade, "t", &Callback::new(&mut ok)).await.unwrap(),
            1
        );
        let left = facade.run(|s| s.pending(Some("t"), 10)).await.unwrap();
        assert!(left.is_empty());
        assert!(facade.run(|s| s.knows_key("t", "b@1")).await.unwrap());
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
