//! `connector-sdk`: what every connector component for the `connector:plugin` contract
//! (`wit/connector.wit`) needs besides its own API.
//!
//! - [`bindings`]: the wit-bindgen bindings of the `plugin` world (the contract's types are
//!   re-exported as [`wit`]);
//! - [`Connector`] and [`export_connector!`]: implement the trait, export the type, and the
//!   component exports the `connector` interface (webhook calls have defaults, so a connector
//!   without webhooks writes none);
//! - [`env::Env`]: every side effect (HTTP, log, clock, sleep, secrets) behind one trait, with
//!   the real [`transport::WasiEnv`] over `wasi:http` and, with feature `testing`, a scripted
//!   `testing::MockEnv` for native unit tests;
//! - [`Error`]: the plain-Rust mirror of the WIT `error` variant;
//! - [`catalog`]: action, trigger and pick-list tables, the name lookups and input parsing;
//! - [`schema`]: the tables' JSON Schemas, hand-written or generated from Rust types at build
//!   time and embedded deflated (feature `schemas` for the build script);
//! - [`url`]: URLs from the connection's base URL, percent-encoding and `Link` paging;
//! - [`time`]: RFC 3339 and HTTP-date helpers without dependencies.
//!
//! ```ignore
//! use connector_sdk::{export_connector, wit, Connector, Env, Result};
//!
//! struct Echo;
//! impl Connector for Echo {
//!     fn descriptor() -> wit::Descriptor { /* … */ }
//!     fn test_connection(env: &mut dyn Env, conn: &wit::Connection) -> Result<String> { /* … */ }
//!     fn execute(env: &mut dyn Env, conn: &wit::Connection, action: &str, input: &str)
//!         -> Result<String> { /* … */ }
//! }
//! export_connector!(Echo);
//! ```

#![warn(missing_docs)]

pub mod catalog;
pub mod connector;
pub mod env;
pub mod error;
pub mod input;
pub mod schema;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;
pub mod transport;
pub mod url;

/// The generated bindings of the `plugin` world of `wit/connector.wit`.
///
/// The WASI interfaces are those of the `wasip2` crate, so a connector that needs WASI directly
/// uses `wasip2` and passes values across freely.
#[allow(missing_docs)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "plugin",
        path: "../wit",
        pub_export_macro: true,
        default_bindings_module: "connector_sdk::bindings",
        with: {
            "wasi:http/types@0.2.12": wasip2::http::types,
            "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
            "wasi:io/poll@0.2.12": wasip2::io::poll,
            "wasi:io/error@0.2.12": wasip2::io::error,
            "wasi:io/streams@0.2.12": wasip2::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
            "wasi:clocks/wall-clock@0.2.12": wasip2::clocks::wall_clock,
        },
    });
}

/// The host interface the component imports (`log`, `secret`).
pub use bindings::connector::plugin::host;
/// The contract's data types (`connector:plugin/types`): descriptor, connection, error, events,
/// webhook records.
pub use bindings::connector::plugin::types as wit;

pub use catalog::{Event, PickOption, PollResult};
pub use connector::{Connector, Export, WebhookDelivery};
pub use env::Env;
pub use error::{Error, Result};

/// Exports connector type `$ty` (implementing [`Connector`]) as the component's `connector`
/// interface. Use it once, in the connector crate's `lib.rs`.
///
/// The exports exist only on `wasm32` (native linkers reject the `:` and `@` in export names,
/// and native builds serve unit tests only), so the same crate builds for both.
#[macro_export]
macro_rules! export_connector {
    ($ty:ty) => {
        /// The generated `Guest` implementation of this crate's connector.
        #[doc(hidden)]
        #[allow(dead_code)]
        type __ConnectorSdkExport = $crate::Export<$ty>;
        #[cfg(target_arch = "wasm32")]
        $crate::__export_plugin_impl!(__ConnectorSdkExport with_types_in $crate::bindings);
    };
}
