//! Where events go, and the worker that drains the outbox into it.
//!
//! A sink is anything that implements [`Sink`]; each kind is one file ([`writer`] for stdout,
//! [`http`], [`command`]) and one variant of [`SinkConfig`], turned into its sink by
//! [`from_config`]. [`deliver_entries`] is the one delivery loop: `serve`'s outbox worker
//! ([`super::outbox::run_worker`], with the `serve` feature) and `poll --state` ([`crate::triggers`]) both hand entries over with it.
//!
//! An entry leaves the outbox only after the sink acknowledged it: delivery is at least once.
//! Transient failures (a transport error, 408, 429, 5xx, a command failing) are retried with
//! jittered exponential backoff, honouring `Retry-After`; a permanent refusal (any other 4xx)
//! is logged and the event dropped, so one poisoned event cannot stall every other.

mod command;
mod http;
mod writer;

pub use writer::{Callback, Deliver, Lines, Writer};

use super::config::{split_state_key, SinkConfig};
use crate::state::OutboxEntry;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// First backoff step.
const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// Outbox entries of one subscription read (and acknowledged) at once: the most another
/// subscription's events wait behind it.
pub const CHUNK: usize = 100;

/// Why one try failed.
#[derive(Debug)]
pub struct SinkError {
    /// What happened.
    pub message: String,
    /// The sink asked to wait this long (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// Retrying cannot help.
    pub permanent: bool,
}

/// A failure worth retrying.
pub(crate) fn transient(message: String) -> SinkError {
    SinkError {
        message,
        retry_after: None,
        permanent: false,
    }
}

/// What one try to hand an event to a sink returns.
pub type Delivering<'a> = Pin<Box<dyn Future<Output = Result<(), SinkError>> + Send + 'a>>;

/// Where the outbox's events go.
pub trait Sink: Send + Sync {
    /// One try to hand `entry` (its [`envelope`]) to the sink: `Ok` acknowledges it.
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a>;

    /// The longest wait between two tries.
    fn max_backoff(&self) -> Duration {
        Duration::from_secs(30)
    }

    /// How many events [`deliver_entries`] may hand over at once (each retried on its own);
    /// 1, the default, hands them over one at a time in outbox order.
    fn in_flight(&self) -> usize {
        1
    }
}

/// The sink `config` describes.
pub fn from_config(config: &SinkConfig) -> Arc<dyn Sink> {
    match config {
        SinkConfig::Stdout => Arc::new(Writer::stdout(Lines::Envelope)),
        SinkConfig::Http {
            url,
            max_backoff_ms,
            in_flight,
        } => Arc::new(http::Http::new(url.clone(), *max_backoff_ms, *in_flight)),
        SinkConfig::Command { argv } => Arc::new(command::Command::new(argv.clone())),
    }
}

/// The JSON document a sink receives for one event: `{"subscription", "key", "event"}`, and
/// `"connector"` when the subscription runs on a `[[connector]]`.
pub fn envelope(entry: &OutboxEntry) -> serde_json::Value {
    match split_state_key(&entry.subscription) {
        (Some(connector), name) => {
            json!({"connector": connector, "subscription": name, "key": entry.key, "event": entry.payload})
        }
        (None, name) => json!({"subscription": name, "key": entry.key, "event": entry.payload}),
    }
}

/// A random number in `0..=n` from the OS's CSPRNG (0 if it is unavailable).
fn random_up_to(n: u64) -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() || n == 0 {
        return 0;
    }
    u64::from_le_bytes(b) % (n + 1)
}

/// The wait before try `attempt + 1`: exponential, capped, with "equal jitter" (half fixed,
/// half random) so that many retrying processes spread out.
pub fn backoff(attempt: u32, cap: Duration) -> Duration {
    let exp = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(attempt.min(20)))
        .min(cap);
    let half = exp.as_millis() as u64 / 2;
    Duration::from_millis(half + random_up_to(half))
}

/// What [`deliver_entries`] does when a try fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Transient failures are retried with backoff until shutdown; a permanent refusal drops
    /// the event (logged). `serve`.
    UntilShutdown,
    /// The first failure ends the delivery with that failure. `poll --state`.
    Never,
}

/// Delivers `entries`, pushing each acknowledged (or, with [`Retry::UntilShutdown`],
/// permanently refused) one onto `done`; `on_try` hears whether each try succeeded. Up to
/// [`Sink::in_flight`] entries are handed over at once (windows in outbox order, each entry
/// retried on its own; the next window starts when the whole window is done). Returns true
/// when shutdown interrupted it, and the failure that ended it with [`Retry::Never`].
pub async fn deliver_entries(
    sink: &dyn Sink,
    entries: &[OutboxEntry],
    done: &mut Vec<i64>,
    retry: Retry,
    on_try: &(dyn Fn(bool) + Sync),
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> Result<bool, SinkError> {
    let window = sink.in_flight().max(1);
    for part in entries.chunks(window) {
        let tries = part
            .iter()
            .map(|entry| deliver_one(sink, entry, retry, on_try, shutdown.clone()));
        let outcomes = futures_util::future::join_all(tries).await;
        let mut stopped = false;
        let mut failure = None;
        for (entry, outcome) in part.iter().zip(outcomes) {
            match outcome {
                Outcome::Done => done.push(entry.seq),
                Outcome::Stopped => stopped = true,
                Outcome::Failed(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failure {
            return Err(e);
        }
        if stopped || *shutdown.borrow() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// How handing over one entry ended.
enum Outcome {
    /// Acknowledged, or refused for good and dropped: off the outbox.
    Done,
    /// Shutdown came while it waited to retry: it stays in the outbox.
    Stopped,
    /// It failed, and [`Retry::Never`] ends the delivery.
    Failed(SinkError),
}

/// Hands `entry` to `sink`, retrying as `retry` says.
async fn deliver_one(
    sink: &dyn Sink,
    entry: &OutboxEntry,
    retry: Retry,
    on_try: &(dyn Fn(bool) + Sync),
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> Outcome {
    let mut attempt = 0;
    loop {
        match sink.deliver(entry).await {
            Ok(()) => {
                on_try(true);
                return Outcome::Done;
            }
            Err(e) if retry == Retry::Never => {
                on_try(false);
                return Outcome::Failed(e);
            }
            Err(e) if e.permanent => {
                on_try(false);
                tracing::error!(subscription = %entry.subscription, key = %entry.key, error = %e.message, "the sink refused the event; dropped");
                return Outcome::Done;
            }
            Err(e) => {
                on_try(false);
                let wait = e
                    .retry_after
                    .unwrap_or_else(|| backoff(attempt, sink.max_backoff()));
                attempt = attempt.saturating_add(1);
                tracing::warn!(error = %e.message, retry_in_ms = wait.as_millis() as u64, "delivery to the sink failed; retrying");
                if *shutdown.borrow() {
                    return Outcome::Stopped;
                }
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.changed() => return Outcome::Stopped,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// A sink that holds each delivery a moment, counting how many it holds at once, and fails
    /// the first try of key `k3`.
    #[derive(Default)]
    struct Counting {
        now: AtomicUsize,
        most: AtomicUsize,
        tries: Mutex<Vec<String>>,
    }

    impl Sink for Counting {
        fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
            Box::pin(async move {
                let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
                self.most.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                self.now.fetch_sub(1, Ordering::SeqCst);
                let first = {
                    let mut t = self.tries.lock().unwrap();
                    t.push(entry.key.clone());
                    t.iter().filter(|k| **k == entry.key).count() == 1
                };
                if entry.key == "k3" && first {
                    return Err(transient("once".into()));
                }
                Ok(())
            })
        }
        fn max_backoff(&self) -> Duration {
            Duration::from_millis(10)
        }
        fn in_flight(&self) -> usize {
            4
        }
    }

    #[tokio::test]
    async fn a_window_of_in_flight_deliveries_each_retried_on_its_own() {
        let sink = Counting::default();
        let entries: Vec<OutboxEntry> = (0..10)
            .map(|i| OutboxEntry {
                seq: i,
                subscription: "s".into(),
                key: format!("k{i}"),
                payload: json!(i),
            })
            .collect();
        let (_keep, mut shutdown) = tokio::sync::watch::channel(false);
        let mut done = Vec::new();
        let stopped = deliver_entries(
            &sink,
            &entries,
            &mut done,
            Retry::UntilShutdown,
            &|_| {},
            &mut shutdown,
        )
        .await
        .unwrap();
        assert!(!stopped);
        done.sort();
        assert_eq!(done, (0..10).collect::<Vec<i64>>());
        assert_eq!(
            sink.most.load(Ordering::SeqCst),
            4,
            "at most in_flight at once"
        );
        let tries = sink.tries.lock().unwrap();
        assert_eq!(tries.len(), 11, "only k3 tried twice: {tries:?}");
        // Windows keep outbox order between them: k4.. only after k0..k3 (k3's retry too).
        let k3_again = tries.iter().rposition(|k| k == "k3").unwrap();
        let k4 = tries.iter().position(|k| k == "k4").unwrap();
        assert!(k3_again < k4, "{tries:?}");
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered_within_bounds() {
        let cap = Duration::from_secs(2);
        for attempt in 0..30 {
            let exp = BACKOFF_BASE
                .saturating_mul(2u32.saturating_pow(attempt.min(20)))
                .min(cap);
            let b = backoff(attempt, cap);
            assert!(
                b >= exp / 2 && b <= exp,
                "attempt {attempt}: {b:?} vs {exp:?}"
            );
        }
    }
}
