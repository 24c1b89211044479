//! A fake of the Wrike REST API v4 served over real HTTP.
//!
//! [`FakeWrike::start`] binds `127.0.0.1:0` and serves on a background thread with its own tokio
//! runtime, so it works from synchronous tests, async tests and the `fake-wrike` binary alike.
//! The fake follows `shared/wrike/API.md`: the `{"kind", "data": [...]}` envelope, Wrike's
//! error bodies and codes, scopes per token, form/JSON/query parameters with JSON-encoded
//! values (plus the tolerant `[a,b]` and `{'k':'v'}` forms), `pageSize`/`nextPageToken` paging,
//! the 7-day comment window, Wrike-like IDs and UTC timestamps, and fault injection.
//!
//! Time is `chrono::DateTime<Utc>`: [`FakeWrike::now`] is the fake clock (real time by default,
//! truncated to whole seconds). Every mutation stamps `updatedDate` with the fake time, but
//! strictly after the previous stamp (+1 s when needed), so updates are always distinguishable.
//!
//! ```no_run
//! let wrike = fake_wrike::FakeWrike::start().unwrap();
//! let url = format!("{}/contacts?me=true", wrike.base_url());
//! // GET it with `Authorization: Bearer test-token` (fake_wrike::TEST_TOKEN).
//! # let _ = url;
//! ```

#![warn(missing_docs)]

pub mod api;
pub mod error;
pub mod oauth;
pub mod params;
pub mod reference;
pub mod resources;
pub mod routes;
pub mod seed;
pub mod server;
pub mod store;

mod fake;
mod records;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::seed::SeedIds;
use crate::server::Shared;

pub use crate::records::{RecordedRequest, WebhookDelivery};
pub use crate::reference::Violation;
pub use crate::store::JobPlan;

/// The token registered at start with every scope.
pub const TEST_TOKEN: &str = "test-token";

/// Every scope Wrike knows (`API.md` §3).
pub const ALL_SCOPES: &[&str] = &[
    "Default",
    "wsReadOnly",
    "wsReadWrite",
    "amReadOnlyWorkflow",
    "amReadWriteWorkflow",
    "amReadOnlyInvitation",
    "amReadWriteInvitation",
    "amReadOnlyGroup",
    "amReadWriteGroup",
    "amReadOnlyUser",
    "amReadWriteUser",
    "amReadOnlyTimelogCategory",
    "amReadWriteTimelogCategory",
    "dataExportFull",
    "amReadOnlyAuditLog",
    "amReadOnlyAccessRole",
    "amReadOnlyWorkSchedule",
    "amReadWriteWorkSchedule",
];

/// Wrike's documented limit: 400 requests per minute per token.
pub const DEFAULT_RATE_LIMIT: u32 = 400;

/// A fault answered instead of (or around) normal service; see [`FakeWrike::inject`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `429 too_many_requests`, with `Retry-After: N` when given. Not processed.
    RateLimited {
        /// Value of the `Retry-After` header, if any.
        retry_after_secs: Option<u64>,
    },
    /// `500 server_error`. Not processed.
    ServerError,
    /// `502` with an HTML (non-JSON) body, as a proxy would send. Not processed.
    BadGateway,
    /// `401 not_authorized` (as for an expired token). Not processed.
    Unauthorized,
    /// Sleeps this long, then serves the request normally.
    SlowResponse(std::time::Duration),
    /// Processes the request normally (side effects happen), then sends a `Content-Length`
    /// larger than the body it sends, and closes the connection.
    TruncatedBody,
}

/// The fake Wrike server. Dropping it shuts the server down.
pub struct FakeWrike {
    shared: Arc<Shared>,
    addr: SocketAddr,
    seed: SeedIds,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeWrike {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeWrike")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeWrike {
    /// Shuts the server down; then fails the test (panics) if any request broke Wrike's method
    /// reference and was not taken with [`FakeWrike::take_violations`], naming each request and
    /// the rule it broke. A test that is already failing is not made to panic twice.
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let control = self.shared.control.lock();
        if !control.violations.is_empty() && !control.log_violations {
            let list: Vec<String> = control
                .violations
                .iter()
                .map(|v| format!("  - {v}"))
                .collect();
            if std::thread::panicking() {
                eprintln!(
                    "fake-wrike: {} request(s) broke Wrike's method reference:\n{}",
                    list.len(),
                    list.join("\n")
                );
                return;
            }
            panic!(
                "{} request(s) to the fake Wrike broke Wrike's method reference:\n{}",
                list.len(),
                list.join("\n")
            );
        }
    }
}
