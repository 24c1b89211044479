//! Polling on a schedule, checking webhook subscriptions, and catching up after a gap.
//!
//! Each subscription runs in its own task: a failing one backs off on its own and never stalls
//! the others. A poll run takes batches while the trigger says `more` (draining a backlog at
//! once, within [`RunLimits`]), committing each batch and its cursor to the outbox in one
//! transaction; the sink worker delivers them.

use super::sink::backoff;
use super::{Shared, WebhookSub};
use crate::connector::Connector;
use crate::error::{ErrorKind, HostError, HostResult};
use crate::triggers::{self, Delivery, Run, RunLimits, RunObserver};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest wait between two tries of a failing subscription.
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(300);

/// What a run of `serve` tells: poll timings and new events counted, the sink worker woken.
struct Observed<'a> {
    shared: &'a Shared,
    subscription: &'a str,
}

impl RunObserver for Observed<'_> {
    fn polled(&self, took: Duration) {
        self.shared.metrics.poll(self.subscription, took);
    }
    fn added(&self, n: usize) {
        self.shared.metrics.events(self.subscription, n);
        self.shared.wake_sink.notify_one();
    }
}

/// Polls `trigger` with `input` into the outbox of `subscription`, keeping the cursor under
/// `cursor_key`, with the one trigger engine ([`crate::triggers::poll_run`]); the sink worker
/// delivers. Returns the events added.
pub async fn poll_run(
    shared: &Shared,
    connector: &Connector,
    subscription: &str,
    cursor_key: &str,
    trigger: &str,
    input: &Value,
    limits: RunLimits,
) -> HostResult<usize> {
    let run = Run {
        connector,
        trigger,
        input,
        subscription,
        cursor_key,
        limits,
    };
    let observed = Observed {
        shared,
        subscription,
    };
    let summary = triggers::poll_run(&shared.store, &run, Delivery::Outbox, &observed).await?;
    Ok(summary.added)
}

/// The input of `catch_up` for a webhook input: only the properties the catch-up trigger's
/// input schema declares (a webhook trigger's `events` or `recursive` mean nothing there).
pub async fn catch_up_input(
    connector: &Connector,
    catch_up: &str,
    input: &Value,
) -> HostResult<Value> {
    let descriptor = connector.describe().await?;
    let decl = descriptor.trigger(catch_up).ok_or_else(|| {
        HostError::internal(format!("the catch-up trigger `{catch_up}` does not exist"))
    })?;
    let declared = decl
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    let mut out = serde_json::Map::new();
    if let (Some(declared), Some(given)) = (declared, input.as_object()) {
        for (k, v) in given {
            if declared.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::Object(out))
}

/// One catch-up poll of a webhook subscription's `catch-up-trigger`, into its own outbox (so
/// that events already delivered by the hook are dropped by key).
pub async fn catch_up(shared: &Shared, sub: &WebhookSub) -> HostResult<usize> {
    let Some(catch_up) = &sub.catch_up else {
        return Ok(0);
    };
    let input = catch_up_input(&sub.connector, catch_up, &sub.input).await?;
    let cursor_key = format!("{}#catch-up", sub.name);
    let added = poll_run(
        shared,
        &sub.connector,
        &sub.name,
        &cursor_key,
        catch_up,
        &input,
        RunLimits::default(),
    )
    .await?;
    tracing::info!(subscription = %sub.name, trigger = %catch_up, added, "caught up");
    Ok(added)
}

fn note_failure(shared: &Shared, subscription: &str, e: &HostError) {
    shared.metrics.error(subscription, e);
    let rule = super::metrics::rule_name(e).unwrap_or_default();
    tracing::warn!(subscription, kind = %e.kind, rule, error = %e.message, "call failed");
}

/// The wait after a failure: `Retry-After` for a rate limit, else the jittered backoff.
fn failure_wait(e: &HostError, failures: u32) -> Duration {
    match (e.kind, e.retry_after_ms) {
        (ErrorKind::RateLimited, Some(ms)) => Duration::from_millis(ms),
        _ => backoff(failures, MAX_FAILURE_BACKOFF),
    }
}

/// Sleeps `d` unless shutdown comes first; returns false on shutdown.
async fn pause(shared: &Shared, d: Duration) -> bool {
    let mut shutdown = shared.shutdown.subscribe();
    if *shutdown.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => true,
        _ = shutdown.changed() => false,
    }
}

/// Runs a polling subscription until shutdown: a run every `interval`, at once again when a
/// run stopped at a limit, later after a failure. With leases, it runs only while this process
/// holds the subscription's lease, and at once when it takes the lease over.
pub async fn run_poller(
    shared: Arc<Shared>,
    connector: Arc<Connector>,
    name: String,
    trigger: String,
    input: Value,
    interval: Duration,
) {
    let mut failures = 0u32;
    let mut next: Option<Instant> = None;
    loop {
        let tick = shared.lease_tick(interval);
        let wait = match shared.begin_work(&name) {
            None => {
                next = None;
                tick
            }
            Some(_work) if next.is_some_and(|n| Instant::now() < n) => next.map_or(tick, |n| {
                n.saturating_duration_since(Instant::now()).min(tick)
            }),
            Some(_work) => {
                let wait = match poll_run(
                    &shared,
                    &connector,
                    &name,
                    &name,
                    &trigger,
                    &input,
                    RunLimits::default(),
                )
                .await
                {
                    Ok(_) => {
                        failures = 0;
                        interval
                    }
                    Err(e) if e.kind == ErrorKind::RunLimit => Duration::ZERO,
                    Err(e) => {
                        note_failure(&shared, &name, &e);
                        failures = failures.saturating_add(1);
                        failure_wait(&e, failures).min(interval.max(Duration::from_secs(1)) * 10)
                    }
                };
                next = Some(Instant::now() + wait);
                wait.min(tick)
            }
        };
        if !pause(&shared, wait).await {
            return;
        }
    }
}

/// Subscribes or checks a webhook subscription at once, then every `every` until shutdown
/// (sooner after a failure). Catches up (one run of the trigger's `catch-up-trigger`) after a
/// re-activation or a re-subscription, at the first check of the process, when it takes the
/// subscription over, and after a failed check or catch-up: whenever deliveries may have been
/// missed. With leases, only while this process holds the subscription.
pub async fn run_checker(shared: Arc<Shared>, sub: Arc<WebhookSub>, every: Duration) {
    let mut failures = 0u32;
    let mut next: Option<Instant> = None;
    // A gap: nothing has been caught up in this process yet.
    let mut gap = true;
    loop {
        let tick = shared.lease_tick(every);
        let wait = match shared.begin_work(&sub.name) {
            None => {
                next = None;
                gap = true;
                tick
            }
            Some(_work) => {
                if next.is_none_or(|n| Instant::now() >= n) {
                    let wait = match super::ensure_subscribed(&shared, &sub, gap).await {
                        Ok(()) => {
                            failures = 0;
                            gap = false;
                            every
                        }
                        Err(e) => {
                            note_failure(&shared, &sub.name, &e);
                            failures = failures.saturating_add(1);
                            failure_wait(&e, failures).min(every)
                        }
                    };
                    next = Some(Instant::now() + wait);
                }
                next.map_or(tick, |n| {
                    n.saturating_duration_since(Instant::now()).min(tick)
                })
            }
        };
        if !pause(&shared, wait).await {
            return;
        }
    }
}
