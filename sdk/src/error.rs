//! The connector error type: a plain-Rust mirror of the WIT `error` variant with constructors
//! and `Display`, converted to and from the generated [`wit::Error`] at the export boundary.

use core::fmt;

use crate::wit;

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
        /// The API's machine-readable error code, if any.
        code: Option<String>,
        /// The API's error message, or a description of the unexpected answer.
        message: String,
    },
    /// The request could not be sent or its answer not read.
    Transport(String),
    /// A bug or an unexpected state inside the connector.
    Internal(String),
}

/// Result alias used throughout connector crates.
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

impl From<Error> for wit::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidInput { field, message } => {
                wit::Error::InvalidInput(wit::InvalidInput { field, message })
            }
            Error::Unauthorized(m) => wit::Error::Unauthorized(m),
            Error::Forbidden(m) => wit::Error::Forbidden(m),
            Error::NotFound(m) => wit::Error::NotFound(m),
            Error::RateLimited {
                retry_after_ms,
                message,
            } => wit::Error::RateLimited(wit::RateLimited {
                retry_after_ms,
                message,
            }),
            Error::Upstream {
                status,
                code,
                message,
            } => wit::Error::Upstream(wit::UpstreamError {
                status,
                code,
                message,
            }),
            Error::Transport(m) => wit::Error::Transport(m),
            Error::Internal(m) => wit::Error::Internal(m),
        }
    }
}

impl From<wit::Error> for Error {
    fn from(e: wit::Error) -> Self {
        match e {
            wit::Error::InvalidInput(wit::InvalidInput { field, message }) => {
                Error::InvalidInput { field, message }
            }
            wit::Error::Unauthorized(m) => Error::Unauthorized(m),
            wit::Error::Forbidden(m) => Error::Forbidden(m),
            wit::Error::NotFound(m) => Error::NotFound(m),
            wit::Error::RateLimited(wit::RateLimited {
                retry_after_ms,
                message,
            }) => Error::RateLimited {
                retry_after_ms,
                message,
            },
            wit::Error::Upstream(wit::UpstreamError {
                status,
                code,
                message,
            }) => Error::Upstream {
                status,
                code,
                message,
            },
            wit::Error::Transport(m) => Error::Transport(m),
            wit::Error::Internal(m) => Error::Internal(m),
        }
    }
}

/// Converts a connector error into the WIT `error` the exports return.
pub fn to_wit(e: Error) -> wit::Error {
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_convert_case_by_case_and_back() {
        let cases = [
            Error::invalid("title", "is required"),
            Error::Unauthorized("u".into()),
            Error::Forbidden("f".into()),
            Error::NotFound("n".into()),
            Error::RateLimited {
                retry_after_ms: Some(5),
                message: "slow".into(),
            },
            Error::Upstream {
                status: 502,
                code: Some("bad_gateway".into()),
                message: "m".into(),
            },
            Error::Transport("t".into()),
            Error::internal("i"),
        ];
        for e in cases {
            let w = to_wit(e.clone());
            assert_eq!(Error::from(w), e);
        }
        assert!(matches!(
            to_wit(Error::invalid("title", "is required")),
            wit::Error::InvalidInput(wit::InvalidInput { ref field, .. }) if field == "title"
        ));
    }

    #[test]
    fn display_names_the_field() {
        assert_eq!(
            Error::invalid("owner", "is required").to_string(),
            "invalid input `owner`: is required"
        );
        assert_eq!(Error::invalid("", "bad").to_string(), "invalid input: bad");
    }
}
