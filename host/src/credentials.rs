//! Where the access token comes from: a [`TokenSource`] the connector asks before each call,
//! and tells when the API rejected the token so it can refresh once.
//!
//! [`StaticToken`] serves a token given by the user (`CONNECTOR_TOKEN`, a Wrike permanent
//! token). Refreshing sources (OAuth2 connections) implement the same trait.

use crate::config::Secret;
use crate::error::HostResult;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future, as returned by [`TokenSource`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the access token for a connection.
pub trait TokenSource: Send + Sync + 'static {
    /// A token that is valid now; a refreshing source renews it first when it is about to expire.
    fn token(&self) -> BoxFuture<'_, HostResult<Secret>>;

    /// The API answered 401 to `rejected`. Refresh (once, even when many calls ask at the same
    /// time) and return the token to retry with, or `None` when this source cannot refresh.
    fn refresh_rejected<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, HostResult<Option<Secret>>>;

    /// What to tell the user in an error: e.g. "token from CONNECTOR_TOKEN".
    fn describe(&self) -> String;
}

/// A fixed token that is never refreshed.
pub struct StaticToken {
    token: Secret,
    origin: String,
}

impl StaticToken {
    /// A static `token`; `origin` says where it came from, for error messages.
    pub fn new(token: Secret, origin: impl Into<String>) -> Self {
        StaticToken {
            token,
            origin: origin.into(),
        }
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, HostResult<Secret>> {
        Box::pin(async { Ok(self.token.clone()) })
    }

    fn refresh_rejected<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, HostResult<Option<Secret>>> {
        Box::pin(async { Ok(None) })
    }

    fn describe(&self) -> String {
        self.origin.clone()
    }
}
