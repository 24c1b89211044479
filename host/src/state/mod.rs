//! Durable trigger state behind one small trait: cursors, delivered keys (for deduplication),
//! the outbox of events not yet acknowledged by a sink, and webhook subscriptions.
//!
//! The delivery rule every user of a [`StateStore`] follows:
//!
//! 1. [`StateStore::enqueue`] puts a batch of events into the outbox and moves the cursor, in one
//!    transaction. An event whose key the subscription already has (in the outbox, or delivered
//!    and remembered) is dropped there: events enter the outbox **exactly once**.
//! 2. [`StateStore::pending`] reads the outbox in order; the caller hands the events to a sink.
//! 3. [`StateStore::ack`] takes them off the outbox only after the sink acknowledged them:
//!    delivery to the sink is **at least once**, and a crash at any point loses nothing.
//!
//! Two implementations:
//!
//! - [`SqliteStore`]: one embedded database file (WAL mode, one transaction per batch), for one
//!   process.
//! - [`PostgresStore`]: a PostgreSQL database that several `serve` processes share. Each
//!   subscription is worked by the one process holding its **lease**
//!   ([`StateStore::acquire_lease`]); a process that dies stops renewing its leases and the
//!   others take its subscriptions over once they expire.
//!
//! [`open_store`] opens either from a [`StateLocation`]; [`Store`] puts one behind an async
//! façade (its own thread, concurrent enqueues committed together).

mod facade;
#[cfg(feature = "sqlite")]
mod legacy;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use facade::{CommitStats, Store, DEFAULT_GROUP_MAX};
#[cfg(feature = "sqlite")]
pub use legacy::open_poll_state;
#[cfg(feature = "sqlite")]
pub use legacy::{import_legacy_json, LegacyState, LegacyStateFile};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::connector::Event;
use crate::error::HostResult;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// How many delivered (acknowledged) keys a subscription remembers for deduplication; older
/// ones are forgotten, oldest first (checked every 1024 acknowledgements).
pub const DELIVERED_KEYS_KEPT: u64 = 100_000;

/// One event waiting in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// Position in the outbox; pass it to [`StateStore::ack`].
    pub seq: i64,
    /// The subscription the event belongs to.
    pub subscription: String,
    /// The event's deduplication key.
    pub key: String,
    /// The event's payload.
    pub payload: Value,
}

/// A webhook subscription as the host keeps it across restarts. Its `Debug` output leaves the
/// secret out.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRecord {
    /// The subscription's name in the configuration (unique).
    pub name: String,
    /// The webhook trigger it runs.
    pub trigger: String,
    /// The trigger's input, as JSON text.
    pub input: String,
    /// The random path segment the receiver serves this subscription on.
    pub path_token: String,
    /// The signing secret (hex of 32 random bytes). Never printed or logged.
    pub secret: String,
    /// The remote API's id of the subscription, once subscribed.
    pub remote_id: Option<String>,
    /// The component's state for the subscription (JSON text), once subscribed.
    pub remote_state: Option<String>,
    /// The URL the remote subscription delivers to, once subscribed.
    pub target_url: Option<String>,
}

impl std::fmt::Debug for SubscriptionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriptionRecord")
            .field("name", &self.name)
            .field("trigger", &self.trigger)
            .field("input", &self.input)
            .field("path_token", &"<hidden>")
            .field("secret", &"<hidden>")
            .field("remote_id", &self.remote_id)
            .field("remote_state", &self.remote_state)
            .field("target_url", &self.target_url.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// What [`StateStore::enqueue`] did with a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enqueued {
    /// Events added to the outbox.
    pub added: usize,
    /// Events dropped because their key was already known.
    pub duplicates: usize,
}

/// One batch of [`StateStore::enqueue_group`]: what one [`StateStore::enqueue_acking`] call
/// takes, owned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnqueueBatch {
    /// The subscription the events belong to.
    pub subscription: String,
    /// The events, in order.
    pub events: Vec<Event>,
    /// The subscription's new cursor, if it moves.
    pub cursor: Option<String>,
    /// Outbox entries to acknowledge in the same transaction.
    pub acked: Vec<i64>,
}

/// Durable state of triggers and their deliveries. Every method is one transaction.
pub trait StateStore: Send {
    /// The committed cursor of `subscription`, if any.
    fn cursor(&mut self, subscription: &str) -> HostResult<Option<String>>;

    /// Adds the events whose keys `subscription` does not know yet to the outbox, in order, and
    /// sets the cursor to `cursor` when given — all in one transaction.
    fn enqueue(
        &mut self,
        subscription: &str,
        events: &[Event],
        cursor: Option<&str>,
    ) -> HostResult<Enqueued>;

    /// [`StateStore::enqueue`] and [`StateStore::ack`] of `acked` in one transaction: one
    /// durable commit per batch instead of two, for a caller that acknowledges the previous
    /// batch together with the next one (a crash in between only repeats those deliveries).
    fn enqueue_acking(
        &mut self,
        subscription: &str,
        events: &[Event],
        cursor: Option<&str>,
        acked: &[i64],
    ) -> HostResult<Enqueued>;

    /// Every batch of `batches` as by [`StateStore::enqueue_acking`], in order, in **one**
    /// transaction (group commit: one durable commit for many concurrent deliveries), with
    /// one [`Enqueued`] per batch. A later batch sees the keys of the earlier ones. On an
    /// error nothing of the group is committed.
    ///
    /// The default runs the batches one transaction each (correct, not grouped); both stores
    /// of this crate override it.
    fn enqueue_group(&mut self, batches: &[EnqueueBatch]) -> HostResult<Vec<Enqueued>> {
        batches
            .iter()
            .map(|b| self.enqueue_acking(&b.subscription, &b.events, b.cursor.as_deref(), &b.acked))
            .collect()
    }

    /// Up to `limit` outbox entries, oldest first; only `subscription`'s when given.
    fn pending(&mut self, subscription: Option<&str>, limit: usize)
        -> HostResult<Vec<OutboxEntry>>;

    /// Takes the entries `seqs` off the outbox (their keys stay remembered for deduplication).
    fn ack(&mut self, seqs: &[i64]) -> HostResult<()>;

    /// Whether `subscription` has ever seen `key` (in the outbox or delivered and remembered).
    fn knows_key(&mut self, subscription: &str, key: &str) -> HostResult<bool>;

    /// Inserts or replaces a webhook subscription.
    fn save_subscription(&mut self, record: &SubscriptionRecord) -> HostResult<()>;

    /// Every stored webhook subscription, by name.
    fn subscriptions(&mut self) -> HostResult<Vec<SubscriptionRecord>>;

    /// Removes a webhook subscription and its cursor (its outbox entries stay until delivered).
    fn remove_subscription(&mut self, name: &str) -> HostResult<()>;

    /// Stores `record` unless a record of the same name, trigger and input is stored already,
    /// and returns the stored one. Processes that start together with one configuration thus
    /// agree on one path and one secret per subscription (the first one stored wins); a
    /// changed trigger or input replaces the record.
    fn claim_subscription(&mut self, record: &SubscriptionRecord)
        -> HostResult<SubscriptionRecord>;

    /// Up to `limit` outbox entries of the given subscriptions, oldest first.
    fn pending_of(
        &mut self,
        subscriptions: &[String],
        limit: usize,
    ) -> HostResult<Vec<OutboxEntry>>;

    /// Whether several processes may share this store, so that each subscription must be
    /// worked by the holder of its lease only.
    fn is_shared(&self) -> bool {
        false
    }

    /// Takes or renews the lease of `subscription` for `owner` for `ttl`, measured on the
    /// store's clock: true when `owner` holds it now (it was free, expired, or already
    /// `owner`'s). A store used by one process only ([`StateStore::is_shared`] false) grants
    /// every lease.
    fn acquire_lease(
        &mut self,
        subscription: &str,
        owner: &str,
        ttl: Duration,
    ) -> HostResult<bool> {
        let _ = (subscription, owner, ttl);
        Ok(true)
    }

    /// Gives up the lease of `subscription` if `owner` holds it, so that another process can
    /// take it at once.
    fn release_lease(&mut self, subscription: &str, owner: &str) -> HostResult<()> {
        let _ = (subscription, owner);
        Ok(())
    }

    /// Gives up every lease `owner` holds (on a clean shutdown).
    fn release_leases(&mut self, owner: &str) -> HostResult<()> {
        let _ = owner;
        Ok(())
    }

    /// How many distinct owners hold an unexpired lease whose name starts with `prefix` (the
    /// live processes, when each holds a lease on itself). 1 for a store of one process.
    fn live_owners(&mut self, prefix: &str) -> HostResult<usize> {
        let _ = prefix;
        Ok(1)
    }
}

/// Where the state lives: a file path is an SQLite database, a `postgres://` or
/// `postgresql://` URL a PostgreSQL database.
#[derive(Clone, PartialEq, Eq)]
pub enum StateLocation {
    /// An SQLite database file.
    File(PathBuf),
    /// A PostgreSQL connection URL (it may hold a password: never printed whole).
    Postgres(String),
}

impl StateLocation {
    /// Reads a `--state` value or a `state =` setting.
    pub fn parse(text: &std::ffi::OsStr) -> StateLocation {
        match text.to_str() {
            Some(s) if s.starts_with("postgres://") || s.starts_with("postgresql://") => {
                StateLocation::Postgres(s.to_string())
            }
            _ => StateLocation::File(PathBuf::from(text)),
        }
    }
}

impl std::fmt::Debug for StateLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateLocation::File(p) => f.debug_tuple("File").field(p).finish(),
            StateLocation::Postgres(url) => {
                f.debug_tuple("Postgres").field(&redact_url(url)).finish()
            }
        }
    }
}

impl std::fmt::Display for StateLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateLocation::File(p) => write!(f, "{}", p.display()),
            StateLocation::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

/// `url` with its password replaced by `***`, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "a postgres:// URL".into(),
    }
}

/// Opens the store at `location`, creating its tables when missing. A file needs the cargo
/// feature `sqlite`, a `postgres://` location the feature `postgres` (both on by default).
pub fn open_store(location: &StateLocation) -> HostResult<Box<dyn StateStore>> {
    #[allow(unused_variables)]
    let missing = |what: String, feature: &str| -> HostResult<Box<dyn StateStore>> {
        Err(crate::error::HostError::invalid_input(
            "state",
            format!("{what}, and this build has no support for it (cargo feature `{feature}`)"),
        ))
    };
    match location {
        #[cfg(feature = "sqlite")]
        StateLocation::File(path) => Ok(Box::new(SqliteStore::open(path)?)),
        #[cfg(not(feature = "sqlite"))]
        StateLocation::File(path) => missing(
            format!("`{}` is an SQLite state file", path.display()),
            "sqlite",
        ),
        #[cfg(feature = "postgres")]
        StateLocation::Postgres(url) => Ok(Box::new(PostgresStore::connect(url)?)),
        #[cfg(not(feature = "postgres"))]
        StateLocation::Postgres(url) => missing(
            format!("{} is a PostgreSQL database", redact_url(url)),
            "postgres",
        ),
    }
}
