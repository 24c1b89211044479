//! The side effects the connector needs, behind [`Env`]: the SDK's
//! [`connector_sdk::env`], re-exported under the crate's historical path.

pub use connector_sdk::env::*;
