//! The connector's error type: a plain-Rust mirror of the WIT `error` variant, so that every pure
//! module (and its native unit tests) can use it without the generated bindings.

use core::fmt;

/// Every way a connector call can fail (one case per WIT `error` case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The caller's input was invalid; `field` is a dotted path (`dates.type`, `customFields[0].id`)
    /// or empty for the whole input.
    InvalidInput {
        /// Dotted path of the offending field, empty for the whole input.
        field: String,
        /// What was wrong with it.
        message: String,
    },
    /// The credential was rejected (HTTP 401).
    Unauthorized(String),
    /// The credential lacks a permission or scope (HTTP 403).
    Forbidden(String),
    /// The addressed entity does not exist (HTTP 404).
    NotFound(String),
    /// Too many requests (HTTP 429).
    RateLimited {
        /// How long to wait, when the API said so.
        retry_after_ms: Option<u64>,
        /// The API's message.
        message: String,
    },
    /// Any other error answered by the API.
    Upstream {
        /// HTTP status code.
        status: u16,
        /// Wrike's machine-readable `error` code, if any.
        code: Option<String>,
        /// Wrike's `errorDescription`, or a description of the unexpected answer.
        message: String,
    },
    /// The request could not be sent or its answer not read.
    Transport(String),
    /// A bug or an unexpected state inside the connector.
    Internal(String),
}

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// An `invalid-input` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// An `internal` error.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, message } if field.is_empty() => {
                write!(f, "invalid input: {message}")
            }
            Error::InvalidInput { field, message } => {
                write!(f, "invalid input `{field}`: {message}")
            }
            Error::Unauthorized(m) => write!(f, "unauthorized: {m}"),
            Error::Forbidden(m) => write!(f, "forbidden: {m}"),
            Error::NotFound(m) => write!(f, "not found: {m}"),
            Error::RateLimited { message, .. } => write!(f, "rate limited: {message}"),
            Error::Upstream {
                status,
                code,
                message,
            } => match code {
                Some(c) => write!(f, "upstream HTTP {status} {c}: {message}"),
                None => write!(f, "upstream HTTP {status}: {message}"),
            },
            Error::Transport(m) => write!(f, "transport: {m}"),
            Error::Internal(m) => write!(f, "internal: {m}"),
        }
    }
}
