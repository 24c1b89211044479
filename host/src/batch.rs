//! Bulk runs: `connector-host call <action> --batch FILE.jsonl [--concurrency N]`.
//!
//! One call per non-empty input line, up to `concurrency` at once, each in its own sandbox as
//! always. Exactly one JSON line is written per input line, in input order:
//! `{"line": N, "output": …}` or `{"line": N, "error": {"kind": …, …}}`. A client-side rate
//! limiter spaces call starts to stay under the API's limit (Wrike publishes 400 requests per
//! minute per user), and a `rate_limited` answer pauses every worker for its `Retry-After` (or
//! a backoff when there is none) before that line is tried again. Only a `rate_limited` answer
//! is retried: the API did not process that request, so a retry cannot create anything twice.
//! Any other failure is that line's result.

use crate::connector::Connector;
use crate::error::{ErrorKind, HostError, HostResult};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Settings of a bulk run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Calls in flight at once (at least 1).
    pub concurrency: usize,
    /// Call starts per minute; `0` turns the client-side limiter off.
    pub rate_per_minute: u32,
    /// Tries per line when the API answers `rate_limited` (the first try included).
    pub max_attempts: u32,
    /// Pause after a `rate_limited` answer without `Retry-After`, doubled on each retry.
    pub backoff: Duration,
    /// A progress bar advanced once per written result line (the CLI shows one on stderr when
    /// stderr is a terminal); `None` shows nothing.
    pub progress: Option<indicatif::ProgressBar>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            concurrency: 4,
            rate_per_minute: 400,
            max_attempts: 8,
            backoff: Duration::from_secs(1),
            progress: None,
        }
    }
}

/// What a bulk run did.
#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    /// Input lines run (blank lines are skipped).
    pub lines: usize,
    /// Lines that ended with an error.
    pub failed: usize,
    /// The first failed line and its error, if any.
    pub first_failure: Option<(usize, HostError)>,
    /// `rate_limited` answers that were waited out and retried.
    pub retries: usize,
}

/// Spaces call starts `interval` apart, and holds every start back while paused.
pub struct RateLimiter {
    interval: Option<Duration>,
    state: Mutex<LimiterState>,
}

struct LimiterState {
    next: Instant,
    paused_until: Instant,
}

impl RateLimiter {
    /// A limiter for `per_minute` starts a minute (`0`: no spacing, only pauses).
    pub fn new(per_minute: u32) -> RateLimiter {
        let now = Instant::now();
        RateLimiter {
            interval: (per_minute > 0)
                .then(|| Duration::from_secs_f64(60.0 / f64::from(per_minute))),
            state: Mutex::new(LimiterState {
                next: now,
                paused_until: now,
            }),
        }
    }

    /// Waits for this caller's turn.
    pub async fn acquire(&self) {
        let at = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let at = Instant::now().max(s.next).max(s.paused_until);
            if let Some(i) = self.interval {
                s.next = at + i;
            }
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// Holds every start back for `pause` from now.
    pub fn pause(&self, pause: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.paused_until = s.paused_until.max(Instant::now() + pause);
    }
}

/// Runs `action` once per line of `input`, writing one result line per input line to `out` in
/// input order.
pub async fn run_batch(
    connector: Arc<Connector>,
    action: &str,
    input: impl BufRead,
    out: &mut impl Write,
    options: &BatchOptions,
) -> HostResult<BatchSummary> {
    // Fail fast on an unknown action, before reading anything.
    let descriptor = connector.describe().await?;
    if descriptor.action(action).is_none() {
        return Err(HostError::invalid_input(
            "action",
            format!("unknown action `{action}`"),
        ));
    }
    let limiter = Arc::new(RateLimiter::new(options.rate_per_minute));
    let slots = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Done>();
    let mut summary = BatchSummary::default();
    let mut order: Vec<usize> = Vec::new();
    let mut pending = Pending::new();
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| {
            HostError::invalid_input("batch", format!("cannot read line {number}: {e}"))
        })?;
        if line.trim().is_empty() {
            continue;
        }
        order.push(number);
        let permit = slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HostError::internal("the batch's worker slots closed"))?;
        let (connector, limiter, tx, action, line_options) = (
            connector.clone(),
            limiter.clone(),
            tx.clone(),
            action.to_string(),
            options.clone(),
        );
        tokio::spawn(async move {
            let (result, retries) =
                run_line(&connector, &action, &line, &limiter, &line_options).await;
            let _ = tx.send((number, result, retries));
            drop(permit);
        });
        // Write whatever is ready, in order, while the rest runs.
        while let Ok(done) = rx.try_recv() {
            accept(done, &mut summary, &mut order, out, &mut pending)?;
            show(&options.progress, &summary);
        }
    }
    drop(tx);
    while let Some(done) = rx.recv().await {
        accept(done, &mut summary, &mut order, out, &mut pending)?;
        show(&options.progress, &summary);
    }
    flush_ready(&mut summary, &mut order, out, &mut pending)?;
    if let Some(bar) = &options.progress {
        bar.finish_with_message(progress_message(&summary));
    }
    Ok(summary)
}

/// Moves the progress bar to the lines written so far.
fn show(progress: &Option<indicatif::ProgressBar>, summary: &BatchSummary) {
    if let Some(bar) = progress {
        bar.set_position(summary.lines as u64);
        bar.set_message(progress_message(summary));
    }
}

fn progress_message(summary: &BatchSummary) -> String {
    format!(
        "{} failed, {} rate-limited retries",
        summary.failed, summary.retries
    )
}

type Done = (usize, Result<Value, HostError>, usize);
type Pending = BTreeMap<usize, (Result<Value, HostError>, usize)>;

fn accept(
    done: Done,
    summary: &mut BatchSummary,
    order: &mut Vec<usize>,
    out: &mut impl Write,
    pending: &mut Pending,
) -> HostResult<()> {
    pending.insert(done.0, (done.1, done.2));
    flush_ready(summary, order, out, pending)
}

/// Writes the results whose turn has come: `order` holds the line numbers not yet written.
fn flush_ready(
    summary: &mut BatchSummary,
    order: &mut Vec<usize>,
    out: &mut impl Write,
    pending: &mut Pending,
) -> HostResult<()> {
    let mut written = 0;
    for &number in order.iter() {
        let Some((result, retries)) = pending.remove(&number) else {
            break;
        };
        summary.lines += 1;
        summary.retries += retries;
        let line = match result {
            Ok(output) => json!({ "line": number, "output": output }),
            Err(e) => {
                summary.failed += 1;
                if summary.first_failure.is_none() {
                    summary.first_failure = Some((number, e.clone()));
                }
                json!({ "line": number, "error": e })
            }
        };
        serde_json::to_writer(&mut *out, &line)
            .map_err(std::io::Error::from)
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| HostError::internal(format!("cannot write a batch result: {e}")))?;
        written += 1;
    }
    order.drain(..written);
    out.flush()
        .map_err(|e| HostError::internal(format!("cannot write a batch result: {e}")))?;
    Ok(())
}

/// Runs one line; returns its result and how many `rate_limited` answers were retried.
async fn run_line(
    connector: &Connector,
    action: &str,
    line: &str,
    limiter: &RateLimiter,
    options: &BatchOptions,
) -> (Result<Value, HostError>, usize) {
    let input: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return (
                Err(HostError::invalid_input(
                    "input",
                    format!("the line is not valid JSON: {e}"),
                )),
                0,
            )
        }
    };
    let mut retries = 0;
    let mut backoff = options.backoff;
    loop {
        limiter.acquire().await;
        match connector.execute(action, &input).await {
            Err(e)
                if e.kind == ErrorKind::RateLimited
                    && (retries as u32) + 1 < options.max_attempts.max(1) =>
            {
                let pause = e
                    .retry_after_ms
                    .map(Duration::from_millis)
                    .unwrap_or(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(60));
                limiter.pause(pause);
                retries += 1;
            }
            other => return (other, retries),
        }
    }
}
