//! `connector-host serve`: a resident host that keeps webhook subscriptions alive, receives
//! their deliveries, polls polling triggers on a schedule and delivers every event to a sink.
//!
//! - [`config`]: the `[serve]` section, `[[subscription]]` entries and flags.
//! - [`sink`]: the sinks (stdout or any writer, HTTP, command) and the one delivery loop.
//! - With the cargo feature `serve` (on by default): `server` ([`Server`], [`run`]: the
//!   process), `receiver` (the HTTP server: `/hooks/{token}`, `/healthz`, `/metrics`),
//!   `scheduler` (pollers, subscription checks and catch-up polls), `outbox` (the worker
//!   draining the outbox into the sink), `metrics` (Prometheus counters) and `leases` (sharing
//!   subscriptions between processes on one PostgreSQL state database).
//!
//! Events enter the durable outbox ([`crate::state`]) exactly once (deduplicated by key per
//! subscription, in the transaction that stores them) and leave it only after the sink
//! acknowledged them.
//!
//! Without the feature `serve` the configuration types and the sinks stay (the trigger engine
//! and `ConfigFile` use them); axum and the resident process do not.

pub mod config;
#[cfg(feature = "serve")]
pub mod leases;
#[cfg(feature = "serve")]
pub mod metrics;
#[cfg(feature = "serve")]
pub mod outbox;
#[cfg(feature = "serve")]
pub mod receiver;
#[cfg(feature = "serve")]
pub mod scheduler;
#[cfg(feature = "serve")]
mod server;
pub mod sink;

pub use config::{ServeArgs, ServeConfig, SinkConfig, SubscriptionConfig};
#[cfg(feature = "serve")]
pub use server::*;
