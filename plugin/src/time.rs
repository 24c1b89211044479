//! Date and time helpers: the SDK's [`connector_sdk::time`], re-exported under the crate's
//! historical path (Wrike's timestamp format is [`Timestamp::to_rfc3339_secs`]).

pub use connector_sdk::time::*;
