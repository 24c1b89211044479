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
}

/// The sink `config` describes.
pub fn from_config(config: &SinkConfig) -> Arc<dyn Sink> {
    match config {
        SinkConfig::Stdout => Arc::new(Writer::stdout(Lines::Envelope)),
        SinkConfig::Http {
            url,
            max_backoff_ms,
        } => Arc::new(http::Http::new(url.clone(), *max_backoff_ms)),
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

/// Delivers `entries` in order, pushing each acknowledged (or, with [`Retry::UntilShutdown`],
/// permanently refused) one onto `done`; `on_try` hears whether each try succeeded. Returns
/// true when shutdown interrupted it, and the failure that ended it with [`Retry::Never`].
pub async fn deliver_entries(
    sink: &dyn Sink,
    entries: &[OutboxEntry],
    done: &mut Vec<i64>,
    retry: Retry,
    on_try: &(dyn Fn(bool) + Sync),
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> Result<bool, SinkError> {
    for entry in entries {
        let mut attempt = 0;
        loop {
            match sink.deliver(entry).await {
                Ok(()) => {
                    on_try(true);
                    break;
                }
                Err(e) if retry == Retry::Never => {
                    on_try(false);
                    return Err(e);
                }
                Err(e) if e.permanent => {
                    on_try(false);
                    tracing::error!(subscription = %entry.subscription, key = %entry.key, error = %e.message, "the sink refused the event; dropped");
                    break;
                }
                Err(e) => {
                    on_try(false);
                    let wait = e
                        .retry_after
                        .unwrap_or_else(|| backoff(attempt, sink.max_backoff()));
                    attempt = attempt.saturating_add(1);
                    tracing::warn!(error = %e.message, retry_in_ms = wait.as_millis() as u64, "delivery to the sink failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = shutdown.changed() => return Ok(true),
                    }
                }
            }
        }
        done.push(entry.seq);
        if *shutdown.borrow() {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

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
