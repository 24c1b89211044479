//! `connector-host`: loads a connector WebAssembly component, holds its credentials, enforces
//! its sandbox and runs its actions and triggers.
//!
//! The guest decides *what* to ask the remote API and how to map the answer; the host decides
//! *whether* it may ask ([`egress`]), *with which credential* ([`credentials::Secret`], added by the
//! egress gate) and *for how long* ([`config::Limits`]). Start from [`engine::Runtime::load`]
//! and [`connector::Connector`].
#![warn(missing_docs)]

pub mod batch;
pub mod bindings;
pub mod cassette;
mod component_index;
pub mod config;
pub mod connector;
pub mod connectors;
pub mod credentials;
pub mod descriptor;
pub mod egress;
pub mod engine;
pub mod error;
pub mod fsutil;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod oci;
pub mod pool;
pub mod reuse;
pub mod sandbox;
pub mod schema;
pub mod schema_bounds;
pub mod serve;
pub mod state;
pub mod triggers;

/// What connector authors need for host-driven tests without a fake server: record a call's
/// HTTP into a [`Cassette`](testing::Cassette) with [`Connector::recording`], save it, and
/// replay it later with [`Connector::replaying`].
pub mod testing {
    pub use crate::cassette::{
        BodyMatch, Cassette, Exchange, RecordedBody, RecordedRequest, RecordedResponse,
    };
}

pub use config::Allocator;
pub use config::{ConnectionConfig, Limits};
pub use connector::{Connector, Event, PickOption, PollBatch};
pub use credentials::Secret;
pub use descriptor::Descriptor;
pub use engine::{LoadOptions, Runtime};
pub use error::{ErrorKind, HostError, HostResult, SandboxRule};
pub use reuse::ReusePolicy;
