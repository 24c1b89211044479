//! The real environment over `wasi:http`: the SDK's [`connector_sdk::transport`], re-exported
//! under the crate's historical path.

pub use connector_sdk::transport::*;
