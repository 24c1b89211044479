//! [`Store`]: a [`StateStore`] behind an async façade.
//!
//! The store lives on a thread of its own; async callers send it work and await the answer, so
//! an SQLite commit (an fsync) or a PostgreSQL round trip never blocks an async worker thread.
//! The thread takes the work in order, with one exception that keeps order too: **group
//! commit**. An enqueue taken off the queue brings along every enqueue queued behind it (the
//! deliveries that arrived while the previous commit was running, up to the group bound), and
//! all of them are committed in one transaction ([`StateStore::enqueue_group`]). Each caller
//! is answered only after that commit: an answer still means "durably in the outbox".
//!
//! A group whose transaction fails is retried one batch at a time, so that one bad batch
//! fails only its own caller.

use super::{EnqueueBatch, Enqueued, StateStore};
use crate::connector::Event;
use crate::error::{HostError, HostResult};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use tokio::sync::oneshot;

/// The most enqueues committed in one transaction by default.
pub const DEFAULT_GROUP_MAX: usize = 256;

type Work = Box<dyn FnOnce(&mut dyn StateStore) + Send>;

enum Job {
    /// Any work on the store.
    Run(Work),
    /// An enqueue that may share a transaction with the ones queued behind it.
    Enqueue(EnqueueBatch, oneshot::Sender<HostResult<Enqueued>>),
}

/// A [`StateStore`] on its own thread, for async callers. Cheap to clone (every clone talks to
/// the same thread); the thread and the store end when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    shared: bool,
    stats: Arc<Counters>,
}

/// What the store's thread counts.
#[derive(Default)]
struct Counters {
    enqueues: AtomicU64,
    commits: AtomicU64,
}

/// How many enqueues the store took and in how many commits ([`Store::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Enqueues (a webhook delivery's events, a poll batch).
    pub enqueues: u64,
    /// Transactions they were committed in (fewer when grouped).
    pub commits: u64,
}

fn stopped() -> HostError {
    HostError::internal("the state store's thread stopped")
}

fn unanswered() -> HostError {
    HostError::internal("the state store gave no answer: the operation failed inside it")
}

impl Store {
    /// Moves `store` onto a thread of its own, grouping up to [`DEFAULT_GROUP_MAX`] enqueues
    /// per commit.
    pub fn new(store: Box<dyn StateStore>) -> HostResult<Store> {
        Store::with_group_max(store, DEFAULT_GROUP_MAX)
    }

    /// As [`Store::new`], grouping up to `group_max` enqueues per commit (1: one commit per
    /// enqueue, as without a façade).
    pub fn with_group_max(mut store: Box<dyn StateStore>, group_max: usize) -> HostResult<Store> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let shared = store.is_shared();
        let group_max = group_max.max(1);
        let stats = Arc::new(Counters::default());
        let counters = stats.clone();
        std::thread::Builder::new()
            .name("state-store".into())
            .spawn(move || serve_jobs(&mut *store, &rx, group_max, &counters))
            .map_err(|e| HostError::internal(format!("cannot start a thread: {e}")))?;
        Ok(Store {
            jobs,
            shared,
            stats,
        })
    }

    /// Enqueues taken and commits made so far.
    pub fn stats(&self) -> CommitStats {
        CommitStats {
            enqueues: self.stats.enqueues.load(Ordering::Relaxed),
            commits: self.stats.commits.load(Ordering::Relaxed),
        }
    }

    /// Whether several processes may share the store ([`StateStore::is_shared`]).
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Runs `f` on the store's thread, after the work queued before it, and returns its result.
    /// The work is queued when this is called, before the future is first polled.
    pub fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn StateStore) -> HostResult<R> + Send + 'static,
    ) -> impl std::future::Future<Output = HostResult<R>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        let work: Work = Box::new(move |store| {
            let _ = tx.send(f(store));
        });
        let sent = self.jobs.send(Job::Run(work));
        async move {
            sent.map_err(|_| stopped())?;
            rx.await.map_err(|_| unanswered())?
        }
    }

    /// [`StateStore::enqueue_acking`], group-committed with the enqueues queued at the same
    /// time. The work is queued when this is called, before the future is first polled.
    pub fn enqueue(
        &self,
        batch: EnqueueBatch,
    ) -> impl std::future::Future<Output = HostResult<Enqueued>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        let sent = self.jobs.send(Job::Enqueue(batch, tx));
        async move {
            sent.map_err(|_| stopped())?;
            rx.await.map_err(|_| unanswered())?
        }
    }

    /// [`StateStore::enqueue`] of `events` into `subscription`'s outbox, setting its cursor
    /// when given (group-committed, as [`Store::enqueue`]).
    pub async fn enqueue_events(
        &self,
        subscription: &str,
        events: Vec<Event>,
        cursor: Option<String>,
    ) -> HostResult<Enqueued> {
        self.enqueue(EnqueueBatch {
            subscription: subscription.to_string(),
            events,
            cursor,
            acked: Vec::new(),
        })
        .await
    }
}

/// The store thread: the jobs in order until every [`Store`] is gone.
fn serve_jobs(
    store: &mut dyn StateStore,
    rx: &mpsc::Receiver<Job>,
    group_max: usize,
    counters: &Counters,
) {
    let mut next = rx.recv().ok();
    while let Some(job) = next.take() {
        match job {
            Job::Run(work) => {
                // A panic in the work fails its caller only (its answer is dropped: "stopped"
                // for it), and the store goes on serving the others; an open transaction was
                // rolled back when the panic dropped it.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(store)));
                if ran.is_err() {
                    tracing::error!("a state store operation panicked; it failed alone");
                }
            }
            Job::Enqueue(batch, reply) => {
                let mut batches = vec![batch];
                let mut replies = vec![reply];
                // Every enqueue already queued joins the group; other work waits for it.
                while batches.len() < group_max {
                    match rx.try_recv() {
                        Ok(Job::Enqueue(b, r)) => {
                            batches.push(b);
                            replies.push(r);
                        }
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                counters
                    .enqueues
                    .fetch_add(batches.len() as u64, Ordering::Relaxed);
                counters.commits.fetch_add(1, Ordering::Relaxed);
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    commit_group(store, &batches, replies)
                }));
                if ran.is_err() {
                    tracing::error!("a state store commit panicked; its callers failed");
                }
            }
        }
        if next.is_none() {
            next = rx.recv().ok();
        }
    }
}

/// Commits `batches` in one transaction and answers each caller; after a failure of the
/// whole group, each batch alone.
fn commit_group(
    store: &mut dyn StateStore,
    batches: &[EnqueueBatch],
    replies: Vec<oneshot::Sender<HostResult<Enqueued>>>,
) {
    let results = match batches {
        [one] => vec![store.enqueue_acking(
            &one.subscription,
            &one.events,
            one.cursor.as_deref(),
            &one.acked,
        )],
        _ => match store.enqueue_group(batches) {
            Ok(all) if all.len() == batches.len() => all.into_iter().map(Ok).collect(),
            _ => batches
                .iter()
                .map(|b| {
                    store.enqueue_acking(&b.subscription, &b.events, b.cursor.as_deref(), &b.acked)
                })
                .collect(),
        },
    };
    for (reply, result) in replies.into_iter().zip(results) {
        let _ = reply.send(result);
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use crate::state::SqliteStore;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    /// A store that counts its transactions, failing batches of subscription `bad`.
    struct Counting {
        inner: SqliteStore,
        groups: Arc<Mutex<Vec<usize>>>,
    }

    impl StateStore for Counting {
        fn cursor(&mut self, s: &str) -> HostResult<Option<String>> {
            self.inner.cursor(s)
        }
        fn enqueue(&mut self, s: &str, e: &[Event], c: Option<&str>) -> HostResult<Enqueued> {
            self.enqueue_acking(s, e, c, &[])
        }
        fn enqueue_acking(
            &mut self,
            s: &str,
            e: &[Event],
            c: Option<&str>,
            a: &[i64],
        ) -> HostResult<Enqueued> {
            self.groups.lock().unwrap().push(1);
            if s == "bad" {
                return Err(HostError::internal("bad batch"));
            }
            self.inner.enqueue_acking(s, e, c, a)
        }
        fn enqueue_group(&mut self, b: &[EnqueueBatch]) -> HostResult<Vec<Enqueued>> {
            self.groups.lock().unwrap().push(b.len());
            if b.iter().any(|b| b.subscription == "bad") {
                return Err(HostError::internal("bad batch"));
            }
            self.inner.enqueue_group(b)
        }
        fn pending(
            &mut self,
            s: Option<&str>,
            l: usize,
        ) -> HostResult<Vec<crate::state::OutboxEntry>> {
            self.inner.pending(s, l)
        }
        fn ack(&mut self, seqs: &[i64]) -> HostResult<()> {
            self.inner.ack(seqs)
        }
        fn knows_key(&mut self, s: &str, k: &str) -> HostResult<bool> {
            self.inner.knows_key(s, k)
        }
        fn save_subscription(&mut self, r: &crate::state::SubscriptionRecord) -> HostResult<()> {
            self.inner.save_subscription(r)
        }
        fn subscriptions(&mut self) -> HostResult<Vec<crate::state::SubscriptionRecord>> {
            self.inner.subscriptions()
        }
        fn remove_subscription(&mut self, n: &str) -> HostResult<()> {
            self.inner.remove_subscription(n)
        }
        fn claim_subscription(
            &mut self,
            r: &crate::state::SubscriptionRecord,
        ) -> HostResult<crate::state::SubscriptionRecord> {
            self.inner.claim_subscription(r)
        }
        fn pending_of(
            &mut self,
            s: &[String],
            l: usize,
        ) -> HostResult<Vec<crate::state::OutboxEntry>> {
            self.inner.pending_of(s, l)
        }
    }

    fn batch(sub: &str, key: &str) -> EnqueueBatch {
        EnqueueBatch {
            subscription: sub.into(),
            events: vec![Event {
                key: key.into(),
                payload: json!({ "k": key }),
            }],
            cursor: None,
            acked: Vec::new(),
        }
    }

    type Held = (
        Store,
        Arc<Mutex<Vec<usize>>>,
        mpsc::Sender<()>,
        tempfile::TempDir,
    );

    /// A store whose thread is busy with a first job until the returned sender is used: what
    /// is queued meanwhile waits, as behind a slow commit.
    fn held(group_max: usize) -> Held {
        let dir = tempfile::tempdir().unwrap();
        let groups = Arc::new(Mutex::new(Vec::new()));
        let inner = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let store = Store::with_group_max(
            Box::new(Counting {
                inner,
                groups: groups.clone(),
            }),
            group_max,
        )
        .unwrap();
        let (release, wait) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        drop(store.run(move |_| {
            let _ = started.send(());
            let _ = wait.recv();
            Ok(())
        }));
        running.recv().unwrap();
        (store, groups, release, dir)
    }

    #[tokio::test]
    async fn enqueues_queued_during_a_commit_share_the_next_one() {
        let (store, groups, release, _dir) = held(DEFAULT_GROUP_MAX);
        let waiting: Vec<_> = (0..10)
            .map(|i| store.enqueue(batch("s", &format!("k{}", i % 8))))
            .collect();
        release.send(()).unwrap();
        let mut added = 0;
        for w in waiting {
            added += w.await.unwrap().added;
        }
        // k0 and k1 came twice: the later copies are duplicates of the same group.
        assert_eq!(added, 8);
        assert_eq!(*groups.lock().unwrap(), [10]);
        let stats = store.stats();
        assert_eq!((stats.enqueues, stats.commits), (10, 1));
        let pending = store.run(|s| s.pending(Some("s"), 100)).await.unwrap();
        assert_eq!(pending.len(), 8);
    }

    #[tokio::test]
    async fn the_group_bound_splits_a_queue_and_other_work_keeps_its_place() {
        let (store, groups, release, _dir) = held(4);
        let first: Vec<_> = (0..6)
            .map(|i| store.enqueue(batch("s", &format!("a{i}"))))
            .collect();
        // Queued after the six enqueues: it sees all of them.
        let count = store.run(|s| Ok(s.pending(Some("s"), 100)?.len()));
        let later = store.enqueue(batch("s", "b"));
        release.send(()).unwrap();
        for f in first {
            f.await.unwrap();
        }
        assert_eq!(count.await.unwrap(), 6);
        later.await.unwrap();
        assert_eq!(*groups.lock().unwrap(), [4, 2, 1]);
    }

    #[tokio::test]
    async fn a_panicking_operation_fails_alone_and_the_store_goes_on() {
        let (store, _groups, release, _dir) = held(DEFAULT_GROUP_MAX);
        release.send(()).unwrap();
        let e = store
            .run(|_| -> HostResult<()> { panic!("boom") })
            .await
            .unwrap_err();
        assert!(e.message.contains("no answer"), "{}", e.message);
        assert_eq!(store.enqueue(batch("s", "after")).await.unwrap().added, 1);
    }

    #[tokio::test]
    async fn a_failing_batch_fails_only_its_own_caller() {
        let (store, groups, release, _dir) = held(DEFAULT_GROUP_MAX);
        let good = store.enqueue(batch("s", "x"));
        let bad = store.enqueue(batch("bad", "y"));
        let good2 = store.enqueue(batch("s", "z"));
        release.send(()).unwrap();
        assert_eq!(good.await.unwrap().added, 1);
        assert!(bad.await.unwrap_err().message.contains("bad batch"));
        assert_eq!(good2.await.unwrap().added, 1);
        // One group, then each batch alone.
        assert_eq!(*groups.lock().unwrap(), [3, 1, 1, 1]);
    }
}
