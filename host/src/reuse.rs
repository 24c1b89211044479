//! Instance reuse within one connection: an instance that served a call well may serve the next
//! calls of the *same* [`Connector`](crate::Connector), up to a number of calls, instead of a
//! fresh instantiation each time.
//!
//! What is reused is the store and the instance in it: the guest's statics and linear memory
//! live on. What is set afresh for every call is everything a call is given or limited by: the
//! CPU budget (epoch ticks) and the wall-clock timeout, the token the egress gate adds, the
//! secrets `host.secret` answers (cleared between calls, so an idle instance holds neither a
//! token nor a secret), and the violation log (an instance with a violation is never reused).
//!
//! An instance goes back to its connector's pool only when the whole call succeeded (the guest
//! answered, with no trap, no violation, no timeout, no error, and every host check on the
//! answer passed), when it holds no host resource (no `wasi:http` handle, stream or pollable
//! survives a call), when its store holds no more than the reuse bound (memories, tables and
//! host resources together) and when it has served fewer than [`ReusePolicy::calls`] calls.
//! Anything else drops it. An idle instance is dropped after [`ReusePolicy::idle`]. A pool
//! belongs to one connector, and a connector to one connection: instances never cross
//! connections. Within a connector, a call lent a webhook subscription's signing secret reuses
//! only instances that served that same subscription (see [`Scope`]).

use crate::bindings::Plugin;
use crate::config::{EngineSettings, Limits};
use crate::sandbox::SandboxState;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use wasmtime::Store;

/// Most idle instances one connector keeps (each holds a slot of the pooling allocator).
pub const MAX_IDLE: usize = 32;

/// How a connector reuses its instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReusePolicy {
    /// Calls one instance serves at most; 0 and 1 both mean strict: one instance per call.
    pub calls: u32,
    /// An instance left unused this long is dropped.
    pub idle: Duration,
    /// An instance whose store holds more than this after a call (every linear memory and
    /// table, plus host-side resource bytes) is dropped. At most half the memory cap is used,
    /// so a call on a reused instance always has at least half the cap for itself.
    pub memory_bytes: u64,
}

impl ReusePolicy {
    /// Strict: a fresh instance for every call, dropped afterwards. The library's default.
    pub const STRICT: ReusePolicy = ReusePolicy {
        calls: 1,
        idle: Duration::ZERO,
        memory_bytes: 0,
    };

    /// The resident commands' default (`serve`, `mcp`, `call --batch`): up to 100 calls per
    /// instance, dropped after 30 s idle or past 64 MiB held.
    pub fn resident() -> ReusePolicy {
        ReusePolicy::from_settings(&EngineSettings::default())
    }

    /// The policy the `[engine]` section of the configuration file sets.
    pub fn from_settings(engine: &EngineSettings) -> ReusePolicy {
        ReusePolicy {
            calls: engine.reuse_calls,
            idle: Duration::from_millis(engine.reuse_idle_ms),
            memory_bytes: engine.reuse_memory_bytes,
        }
    }

    /// Whether every call gets a fresh instance.
    pub fn is_strict(&self) -> bool {
        self.calls <= 1 || self.idle.is_zero()
    }
}

/// Which calls of one connector may share an instance: those lent the same webhook
/// subscription's secret (its name), or those lent none (`None`).
pub(crate) type Scope = Option<String>;

/// An instance taken for a call, or made for it.
pub(crate) struct Instance {
    pub(crate) store: Store<SandboxState>,
    pub(crate) plugin: Plugin,
    /// Calls it has served, this one included.
    pub(crate) served: u32,
    pub(crate) scope: Scope,
}

struct Idle {
    instance: Instance,
    since: Instant,
}

#[derive(Default)]
struct State {
    idle: Vec<Idle>,
    /// A sweeper task is running (it stops when nothing is idle).
    sweeping: bool,
}

/// One connector's idle instances.
pub(crate) struct InstancePool {
    policy: ReusePolicy,
    /// Most bytes an instance may hold after a call and still be reused.
    memory_bound: usize,
    state: Mutex<State>,
}

impl InstancePool {
    /// A pool reusing instances under `policy`, for calls limited by `limits`.
    pub(crate) fn new(policy: ReusePolicy, limits: &Limits) -> Arc<InstancePool> {
        let bound = policy.memory_bytes.min(limits.memory_bytes / 2);
        Arc::new(InstancePool {
            policy,
            memory_bound: usize::try_from(bound).unwrap_or(usize::MAX),
            state: Mutex::new(State::default()),
        })
    }

    /// The policy the pool follows.
    pub(crate) fn policy(&self) -> ReusePolicy {
        self.policy
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Idle instances now.
    pub(crate) fn idle(&self) -> usize {
        self.lock().idle.len()
    }

    /// The most recently used idle instance of `scope`, if one is ready (not expired, with
    /// nothing recorded against it since its last call).
    pub(crate) fn take(&self, scope: &Scope) -> Option<Instance> {
        let mut state = self.lock();
        let now = Instant::now();
        while let Some(i) = state.idle.iter().rposition(|i| &i.instance.scope == scope) {
            let Idle { instance, since } = state.idle.remove(i);
            if now.duration_since(since) < self.policy.idle
                && instance.store.data().violations.first().is_none()
            {
                return Some(instance);
            }
            drop_later(instance.store);
        }
        None
    }

    /// Takes `instance` back after a call that succeeded, or drops it when it may not serve
    /// another call: it has served its calls, it holds a host resource or more than the
    /// reuse bound, something was recorded against it, or the pool is full.
    pub(crate) fn give_back(self: &Arc<Self>, mut instance: Instance) {
        let held = instance.store.data_mut().end_call();
        let reusable = instance.served < self.policy.calls
            && !self.policy.is_strict()
            && !held.holds_resources
            && held.bytes <= self.memory_bound
            && instance.store.data().violations.first().is_none();
        if !reusable {
            return drop_later(instance.store);
        }
        let mut state = self.lock();
        if state.idle.len() >= MAX_IDLE {
            drop(state);
            return drop_later(instance.store);
        }
        state.idle.push(Idle {
            instance,
            since: Instant::now(),
        });
        if !state.sweeping {
            state.sweeping = self.start_sweeper();
        }
    }

    /// Drops every idle instance that expired; how long until the next one expires, or
    /// `None` (the sweeper stops) when nothing is idle.
    fn sweep(&self) -> Option<Duration> {
        let mut state = self.lock();
        let now = Instant::now();
        let (expired, kept): (Vec<Idle>, Vec<Idle>) = std::mem::take(&mut state.idle)
            .into_iter()
            .partition(|i| now.duration_since(i.since) >= self.policy.idle);
        state.idle = kept;
        let next = state
            .idle
            .iter()
            .map(|i| self.policy.idle.saturating_sub(now.duration_since(i.since)))
            .min();
        state.sweeping = next.is_some();
        drop(state);
        for i in expired {
            drop_later(i.instance.store);
        }
        next
    }

    /// Starts the task that drops idle instances once they expire; false outside a tokio
    /// runtime (a later call then finds them expired).
    fn start_sweeper(self: &Arc<Self>) -> bool {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let pool: Weak<InstancePool> = Arc::downgrade(self);
        let mut wait = self.policy.idle;
        handle.spawn(async move {
            loop {
                tokio::time::sleep(wait).await;
                let Some(pool) = pool.upgrade() else { return };
                match pool.sweep() {
                    Some(next) => wait = next.max(Duration::from_millis(1)),
                    None => return,
                }
            }
        });
        true
    }
}

/// What an instance holds once its call is over.
pub(crate) struct Held {
    /// Bytes of every memory and table of the store, plus host-side resource bytes.
    pub(crate) bytes: usize,
    /// Whether a host resource (a handle) is still in its table.
    pub(crate) holds_resources: bool,
}

/// The instance of a call in progress of being finished: given back to its pool with
/// [`Lease::keep`] once everything about the call succeeded, dropped otherwise.
pub(crate) struct Lease {
    pool: Arc<InstancePool>,
    instance: Option<Instance>,
}

impl Lease {
    /// `instance`, which just served a call, to go back to `pool` or be dropped.
    pub(crate) fn new(pool: Arc<InstancePool>, instance: Instance) -> Lease {
        Lease {
            pool,
            instance: Some(instance),
        }
    }

    /// The call succeeded: the instance may serve another.
    pub(crate) fn keep(mut self) {
        if let Some(instance) = self.instance.take() {
            self.pool.give_back(instance);
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(instance) = self.instance.take() {
            drop_later(instance.store);
        }
    }
}

/// Drops a used store off the caller's path (on the blocking pool when inside a runtime):
/// unmapping its memory takes tens of microseconds.
pub(crate) fn drop_later(store: Store<SandboxState>) {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn_blocking(move || drop(store));
        }
        Err(_) => drop(store),
    }
}
