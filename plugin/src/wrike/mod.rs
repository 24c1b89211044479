//! The one Wrike HTTP client: URL building from the connection's base URL, form/query encoding
//! with JSON-encoded array and object values, the `{kind, data}` envelope, paging fields and
//! the mapping of Wrike's error envelope onto the connector's [`Error`](crate::error::Error).

pub mod client;
pub mod request;
pub mod response;
pub mod transport;

pub use client::{ids_segment, items, path, segment, Body, Client, Envelope, Params};
