//! Warm instances: a few freshly instantiated, never-used instances of a connector kept ready,
//! so that a call takes one instead of paying instantiation on its critical path.
//!
//! Isolation is unchanged: an instance is made exactly as a call would make it (its own store,
//! memory cap, CPU budget, egress gate and no token), serves exactly one call, and is dropped
//! afterwards; the API token is handed to its egress gate only when a call takes it. Dropping a
//! used store (unmapping its memory) also happens off the caller's path. A refill that fails
//! (a component whose instantiation traps) leaves the pool empty, and the call instantiates
//! inline and reports the error as it always did.

use crate::bindings::Plugin;
use crate::sandbox::SandboxState;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wasmtime::Store;

/// A fresh instance in its own store, never called.
pub struct Fresh {
    /// The store, with its limits and epoch callback set.
    pub store: Store<SandboxState>,
    /// The instantiated component.
    pub plugin: Plugin,
}

/// Up to `target` fresh instances, refilled in the background.
pub struct WarmPool {
    target: usize,
    ready: Mutex<Vec<Fresh>>,
    filling: AtomicUsize,
}

impl WarmPool {
    /// A pool that keeps `target` instances ready (at most 64).
    pub fn new(target: usize) -> Arc<WarmPool> {
        Arc::new(WarmPool {
            target: target.min(64),
            ready: Mutex::new(Vec::new()),
            filling: AtomicUsize::new(0),
        })
    }

    /// How many instances the pool keeps ready.
    pub fn target(&self) -> usize {
        self.target
    }

    /// Instances ready now.
    pub fn ready(&self) -> usize {
        self.ready.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// A ready instance, if there is one.
    pub fn take(&self) -> Option<Fresh> {
        self.ready.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    /// Starts background instantiations until ready + in progress reaches the target. `make`
    /// instantiates one; it runs on the current tokio runtime (nothing happens outside one).
    pub fn refill<F, Fut>(self: &Arc<Self>, make: F)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Option<Fresh>> + Send + 'static,
    {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        loop {
            let in_flight = self.filling.load(Ordering::Acquire);
            if self.ready() + in_flight >= self.target {
                return;
            }
            if self
                .filling
                .compare_exchange(
                    in_flight,
                    in_flight + 1,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_err()
            {
                continue;
            }
            let pool = self.clone();
            let fut = make();
            handle.spawn(async move {
                let fresh = fut.await;
                if let Some(fresh) = fresh {
                    pool.ready
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(fresh);
                }
                pool.filling.fetch_sub(1, Ordering::AcqRel);
            });
        }
    }
}

/// Drops a used store off the caller's path (on the blocking pool when inside a runtime).
pub fn drop_later(store: Store<SandboxState>) {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn_blocking(move || drop(store));
        }
        Err(_) => drop(store),
    }
}
