//! The outbox worker of `serve`: drains the outbox into the sink, fairly, with the one
//! delivery loop ([`deliver_entries`]).

use super::sink::{deliver_entries, Retry, Sink, CHUNK};
use super::Shared;
use crate::state::OutboxEntry;
use std::sync::Arc;
use std::time::Duration;

/// Drains the outbox into `sink` until shutdown, fairly: in rounds over the subscriptions
/// (those this process delivers), taking at most [`CHUNK`] entries of each per round. However
/// many events one subscription piles up, another's wait behind them for at most one chunk.
/// Entries of subscriptions no longer configured are delivered when the round found nothing
/// else. On shutdown the event in flight is finished (or left in the outbox if the sink is
/// failing) and the worker returns.
pub async fn run_worker(shared: Arc<Shared>, sink: Arc<dyn Sink>) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let leased = shared.delivering();
        let names = leased.clone().unwrap_or_else(|| shared.names.clone());
        let mut delivered_any = false;
        for name in &names {
            let of = vec![name.clone()];
            let entries = shared.store.run(move |s| s.pending_of(&of, CHUNK)).await;
            match drain_chunk(&shared, &*sink, entries, &mut shutdown).await {
                Chunk::Stopped => return,
                Chunk::Delivered => delivered_any = true,
                Chunk::Empty => {}
            }
        }
        if !delivered_any && leased.is_none() {
            // What subscriptions removed from the configuration left behind — only theirs:
            // a configured subscription's events that arrived since its turn wait for the
            // next round, so that they cannot take another's place in it. (Orphans behind a
            // whole chunk of configured events go once the outbox is quieter.)
            let configured = names.clone();
            let entries = shared
                .store
                .run(move |s| {
                    let mut e = s.pending(None, CHUNK)?;
                    e.retain(|e| !configured.contains(&e.subscription));
                    Ok(e)
                })
                .await;
            match drain_chunk(&shared, &*sink, entries, &mut shutdown).await {
                Chunk::Stopped => return,
                Chunk::Delivered => delivered_any = true,
                Chunk::Empty => {}
            }
        }
        if !delivered_any {
            tokio::select! {
                _ = shared.wake_sink.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// What [`drain_chunk`] did.
enum Chunk {
    /// Nothing was pending (or the outbox could not be read).
    Empty,
    /// The entries were delivered and acknowledged.
    Delivered,
    /// Shutdown interrupted it.
    Stopped,
}

/// Delivers one chunk read from the outbox and acknowledges it in one transaction (a crash
/// repeats at most this chunk).
async fn drain_chunk(
    shared: &Shared,
    sink: &dyn Sink,
    entries: crate::error::HostResult<Vec<OutboxEntry>>,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> Chunk {
    let entries = match entries {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e.message, "cannot read the outbox");
            return Chunk::Empty;
        }
    };
    if entries.is_empty() {
        return Chunk::Empty;
    }
    let mut done = Vec::with_capacity(entries.len());
    let on_try = |ok| shared.metrics.sink(ok);
    let stopped = deliver_entries(
        sink,
        &entries,
        &mut done,
        Retry::UntilShutdown,
        &on_try,
        shutdown,
    )
    .await
    .unwrap_or(true);
    if let Err(e) = shared.store.run(move |s| s.ack(&done)).await {
        tracing::error!(error = %e.message, "cannot acknowledge outbox entries");
    }
    if stopped {
        Chunk::Stopped
    } else {
        Chunk::Delivered
    }
}
