//! Sharing subscriptions between `serve` processes on one shared state database.
//!
//! Each subscription is worked (polled, or its hook subscribed and checked, and its outbox
//! delivered) only by the process holding its lease in the store. A keeper renews this
//! process's leases every third of the lease time and takes free or expired ones, up to a fair
//! share: the subscriptions divided by the live processes (each process also holds a lease on
//! itself, `#instance/{owner}`, which is how the others count it). A process holding more than
//! its share gives the surplus up, so a process that joins gets work at its next round; a
//! process that dies stops renewing, and its subscriptions move to the others once its leases
//! expire.
//!
//! A lease is trusted for two thirds of its time after the renewal that granted it, measured
//! from before the renewal was sent, so this process stops starting work on it before the
//! database lets another take it. A subscription whose run is in progress is never given up
//! by the keeper (it is given up at the next round after the run), so two processes never poll
//! one subscription at once while both are healthy. (A process that cannot reach the database
//! for a whole lease time may finish a run it had started; the outbox still stores each event
//! once, by key.)
//!
//! With a store used by one process only ([`crate::state::StateStore::is_shared`] false)
//! there are no leases and this process works everything.

use super::Shared;
use crate::state::StateStore;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Prefix of the lease every process holds on itself.
const INSTANCE_PREFIX: &str = "#instance/";

#[derive(Default)]
struct Held {
    /// Subscriptions held, with the instant until which this process trusts the lease.
    until: HashMap<String, Instant>,
    /// Subscriptions with a run in progress.
    busy: HashSet<String>,
}

/// This process's leases.
pub struct Leases {
    owner: String,
    ttl: Duration,
    names: Vec<String>,
    held: Mutex<Held>,
}

/// Work on a leased subscription: the keeper does not give the lease up while it lives.
pub struct Work<'a> {
    leases: Option<&'a Leases>,
    name: String,
}

impl Drop for Work<'_> {
    fn drop(&mut self) {
        if let Some(l) = self.leases {
            l.lock().busy.remove(&self.name);
        }
    }
}

impl Leases {
    /// Leases of `names` for a process called `owner`, each held `ttl` per renewal.
    pub fn new(owner: String, ttl: Duration, names: Vec<String>) -> Leases {
        Leases {
            owner,
            ttl,
            names,
            held: Mutex::new(Held::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This process's name in the store.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// How often the keeper renews: a third of the lease.
    pub fn period(&self) -> Duration {
        self.ttl / 3
    }

    /// The subscriptions this process holds now.
    pub fn held(&self) -> Vec<String> {
        let now = Instant::now();
        let mut v: Vec<String> = self
            .lock()
            .until
            .iter()
            .filter(|(_, until)| **until > now)
            .map(|(name, _)| name.clone())
            .collect();
        v.sort();
        v
    }

    fn begin(&self, name: &str) -> Option<Work<'_>> {
        let mut held = self.lock();
        let valid = held.until.get(name).is_some_and(|u| *u > Instant::now());
        if !valid || !held.busy.insert(name.to_string()) {
            return None;
        }
        Some(Work {
            leases: Some(self),
            name: name.to_string(),
        })
    }

    /// One round of the keeper on `store`: the heartbeat, then renewals, the surplus given up,
    /// and free leases taken up to the fair share. Returns the subscriptions newly taken.
    fn renew_in(&self, store: &mut dyn StateStore) -> Vec<String> {
        let instance = format!("{INSTANCE_PREFIX}{}", self.owner);
        if let Err(e) = store.acquire_lease(&instance, &self.owner, self.ttl) {
            tracing::warn!(error = %e.message, "cannot renew this process's lease; will retry");
            return Vec::new();
        }
        let live = match store.live_owners(INSTANCE_PREFIX) {
            Ok(n) => n.max(1),
            Err(e) => {
                tracing::warn!(error = %e.message, "cannot count the serve processes");
                return Vec::new();
            }
        };
        let share = self.names.len().div_ceil(live);
        let (mine, busy): (Vec<String>, HashSet<String>) = {
            let h = self.lock();
            let now = Instant::now();
            let mut mine: Vec<String> = self
                .names
                .iter()
                .filter(|n| h.until.get(*n).is_some_and(|u| *u > now))
                .cloned()
                .collect();
            // Busy ones are kept first: they cannot be given up this round.
            mine.sort_by_key(|n| !h.busy.contains(n));
            (mine, h.busy.clone())
        };
        let mut kept = 0usize;
        let mut taken = Vec::new();
        for name in &mine {
            if kept >= share && !busy.contains(name) {
                // The surplus: given up so that another process takes it.
                self.lock().until.remove(name);
                if let Err(e) = store.release_lease(name, &self.owner) {
                    tracing::warn!(subscription = %name, error = %e.message, "cannot give a lease up");
                }
                tracing::info!(subscription = %name, "handed over to another serve process");
                continue;
            }
            self.try_lease(store, name, &mut kept, None);
        }
        for name in self.names.iter().filter(|n| !mine.contains(n)) {
            if kept >= share {
                break;
            }
            self.try_lease(store, name, &mut kept, Some(&mut taken));
        }
        taken
    }

    fn try_lease(
        &self,
        store: &mut dyn StateStore,
        name: &str,
        kept: &mut usize,
        taken: Option<&mut Vec<String>>,
    ) {
        let asked = Instant::now();
        match store.acquire_lease(name, &self.owner, self.ttl) {
            Ok(true) => {
                *kept += 1;
                self.lock()
                    .until
                    .insert(name.to_string(), asked + self.ttl * 2 / 3);
                if let Some(taken) = taken {
                    tracing::info!(subscription = %name, "took the subscription over");
                    taken.push(name.to_string());
                }
            }
            Ok(false) => {
                self.lock().until.remove(name);
            }
            Err(e) => {
                // Kept until it expires on its own.
                tracing::warn!(subscription = %name, error = %e.message, "cannot renew a lease");
            }
        }
    }

    /// Gives every lease up (on a clean shutdown).
    pub async fn release_all(&self, shared: &Shared) {
        self.lock().until.clear();
        let owner = self.owner.clone();
        if let Err(e) = shared.store.run(move |s| s.release_leases(&owner)).await {
            tracing::warn!(error = %e.message, "cannot give the leases up; they expire on their own");
        }
    }
}

impl Shared {
    /// Starts work on `name` when this process may work it now (it holds the lease, or there
    /// are no leases); None when another process works it.
    pub fn begin_work(&self, name: &str) -> Option<Work<'_>> {
        match &self.leases {
            None => Some(Work {
                leases: None,
                name: name.to_string(),
            }),
            Some(l) => l.begin(name),
        }
    }

    /// The subscriptions whose outbox this process delivers: the leased ones, or all (None).
    pub fn delivering(&self) -> Option<Vec<String>> {
        self.leases.as_ref().map(|l| l.held())
    }

    /// How long a subscription waits at most before asking again whether it may run: at most
    /// `usual`, and a third of the lease when there are leases.
    pub fn lease_tick(&self, usual: Duration) -> Duration {
        self.leases
            .as_ref()
            .map_or(usual, |l| l.period().min(usual))
    }
}

/// `{hostname}-{random}`: this process's name in the store.
pub fn owner_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let mut b = [0u8; 6];
    let _ = getrandom::fill(&mut b);
    format!("{host}-{}-{}", std::process::id(), hex::encode(b))
}

/// One round of the keeper ([`Leases`]), on the store's thread. Returns the subscriptions
/// newly taken.
pub async fn renew(shared: &Shared) -> Vec<String> {
    let Some(leases) = shared.leases.clone() else {
        return Vec::new();
    };
    match shared.store.run(move |s| Ok(leases.renew_in(s))).await {
        Ok(taken) => taken,
        Err(e) => {
            tracing::warn!(error = %e.message, "cannot renew the leases; will retry");
            Vec::new()
        }
    }
}

/// The keeper: renews every [`Leases::period`] until shutdown, waking the subscriptions it
/// took over; gives every lease up on the way out.
pub async fn run_keeper(shared: std::sync::Arc<Shared>) {
    let Some(leases) = &shared.leases else {
        return;
    };
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(leases.period()) => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
        if !renew(&shared).await.is_empty() {
            shared.wake_sink.notify_one();
        }
    }
}
