//! Where the access token comes from: a [`TokenSource`] the connector asks before each call,
//! and tells when the API rejected the token so it can refresh once.
//!
//! [`StaticToken`] serves a token given by the user (`CONNECTOR_TOKEN`, a Wrike permanent
//! token). Stored connections live in the [`store`] (a 0600 file written atomically); OAuth2
//! connections are made by the [`flow`] (authorization code with a loopback redirect, on the
//! [`oauth`] protocol parts) with the scopes [`scopes`] selects, and served by
//! [`refresh::OAuthTokenSource`], which refreshes before expiry and once after a 401.

pub mod connection;
#[cfg(feature = "oauth-connect")]
pub mod flow;
pub mod oauth;
pub mod refresh;
pub mod scopes;
pub mod secret;
pub mod store;
pub mod trust;

pub use refresh::OAuthTokenSource;
pub use store::{CredentialStore, StoredConnection};

use crate::error::{ErrorKind, HostError, HostResult};
pub use secret::Secret;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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

/// A stored connection made ready for use.
pub struct ResolvedConnection {
    /// Serves its token (refreshing an OAuth2 one).
    pub source: Arc<dyn TokenSource>,
    /// Its stored API host, if any (combine it with the component's default base URL through
    /// [`store::api_base_url`]).
    pub api_host: Option<String>,
    /// The scopes it was granted, where known.
    pub scopes: Option<Vec<String>>,
}

/// Resolves connection `name` from `store`. When it is missing: `Ok(None)` if the name was not
/// asked for explicitly (the default connection), else a `not_found` error.
pub fn resolve_stored(
    store: &CredentialStore,
    name: &str,
    explicit: bool,
) -> HostResult<Option<ResolvedConnection>> {
    store::validate_connection_name(name)?;
    let Some(conn) = store.get(name)? else {
        if !explicit {
            return Ok(None);
        }
        return Err(HostError::new(
            ErrorKind::NotFound,
            format!(
                "no stored connection named `{name}` in {}",
                store.path().display()
            ),
        )
        .with_hint(format!(
            "run `connector-host connect --connection {name}`, or see `connector-host connections list`"
        )));
    };
    if let Some(host) = &conn.api_host {
        store::validate_api_host(host)?;
    }
    let api_host = conn.api_host.clone();
    let scopes = conn.scopes.clone();
    let source: Arc<dyn TokenSource> = match conn.kind {
        store::ConnectionKind::OAuth2 => {
            Arc::new(OAuthTokenSource::new(store.clone(), name, &conn)?)
        }
        store::ConnectionKind::Token => Arc::new(StaticToken::new(
            conn.access_token.clone(),
            format!("the permanent token of connection `{name}`"),
        )),
    };
    Ok(Some(ResolvedConnection {
        source,
        api_host,
        scopes,
    }))
}
