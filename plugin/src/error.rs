//! The connector's error type: the SDK's [`connector_sdk::error`], re-exported under the
//! crate's historical path.

pub use connector_sdk::error::*;
