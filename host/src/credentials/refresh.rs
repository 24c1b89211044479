//! [`OAuthTokenSource`]: the token of a stored OAuth2 connection, refreshed when needed.
//!
//! - Before each call, a token that expires within [`REFRESH_MARGIN`] is refreshed first.
//! - After a 401, [`TokenSource::refresh_rejected`] refreshes once; when many calls were
//!   rejected with the same token, the first one refreshes and the others get its result
//!   (single-flight: a `tokio` mutex around the tokens, and the rejected token compared with the
//!   current one).
//! - Across processes, a refresh holds the store's lock and first re-reads the connection: when
//!   another process already refreshed, its tokens are taken instead of refreshing again (with
//!   rotating refresh tokens, a second refresh with the old one would fail).
//! - The new tokens (a rotated refresh token included) are written to the store *before* the
//!   new access token is handed out; when that write fails, the refresh fails.
//! - A refresh the token endpoint refuses (`invalid_grant`: revoked or expired) is an
//!   `unauthorized` error telling to run `connector-host connect` again.

use super::oauth::{self, OAuthApp};
use super::store::{unix_now, ConnectionKind, CredentialStore, StoredConnection};
use super::{BoxFuture, TokenSource};
use crate::credentials::Secret;
use crate::error::{ErrorKind, HostError, HostResult};
use std::time::Duration;
use tokio::sync::Mutex;

/// A token expiring within this margin is refreshed before use.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct Tokens {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Option<u64>,
}

/// The access token of a stored OAuth2 connection; refreshes and saves it as needed.
pub struct OAuthTokenSource {
    store: CredentialStore,
    name: String,
    app: Option<OAuthApp>,
    http: reqwest::Client,
    tokens: Mutex<Tokens>,
    margin: Duration,
}

impl OAuthTokenSource {
    /// The source for connection `name`, as stored (`conn`) in `store`.
    pub fn new(store: CredentialStore, name: &str, conn: &StoredConnection) -> HostResult<Self> {
        if conn.kind != ConnectionKind::OAuth2 {
            return Err(HostError::invalid_input(
                "connection",
                format!("connection `{name}` is not an OAuth2 connection"),
            ));
        }
        let app = conn.oauth_client.as_ref().map(|c| OAuthApp {
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            token_url: c.token_url.clone(),
            auth: c.token_endpoint_auth,
            api_host_field: c.api_host_field.clone(),
        });
        Ok(OAuthTokenSource {
            store,
            name: name.to_string(),
            app,
            http: oauth::http_client()?,
            tokens: Mutex::new(Tokens {
                access: conn.access_token.clone(),
                refresh: conn.refresh_token.clone(),
                expires_at: conn.expires_at,
            }),
            margin: REFRESH_MARGIN,
        })
    }

    /// Loads connection `name` from `store`; `not_found` when there is none.
    pub fn load(store: CredentialStore, name: &str) -> HostResult<Self> {
        let conn = store.get(name)?.ok_or_else(|| not_found(name))?;
        Self::new(store, name, &conn)
    }

    /// Refreshes tokens expiring within `margin` before use (default [`REFRESH_MARGIN`]).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    fn expiring(&self, expires_at: Option<u64>) -> bool {
        expires_at.is_some_and(|at| at <= unix_now().saturating_add(self.margin.as_secs()))
    }

    fn reconnect_hint(&self) -> String {
        if self.name == super::store::DEFAULT_CONNECTION {
            "run `connector-host connect` again".into()
        } else {
            format!(
                "run `connector-host connect --connection {}` again",
                self.name
            )
        }
    }

    /// Refreshes `tokens` in place (the caller holds the mutex); `rejected` is the token the API
    /// refused, if that is why.
    async fn refresh_locked(
        &self,
        tokens: &mut Tokens,
        rejected: Option<&Secret>,
    ) -> HostResult<()> {
        let store = self.store.clone();
        let lock = tokio::task::spawn_blocking(move || store.lock())
            .await
            .map_err(|e| HostError::internal(format!("the store lock task failed: {e}")))??;
        let stored = self
            .store
            .get(&self.name)?
            .ok_or_else(|| {
                HostError::new(
                    ErrorKind::Unauthorized,
                    format!(
                        "connection `{}` was removed from the credential store; cannot refresh its token",
                        self.name
                    ),
                )
                .with_hint(self.reconnect_hint())
            })?;
        // Another process (or an earlier source) refreshed already: use its tokens.
        if stored.access_token != tokens.access
            && rejected != Some(&stored.access_token)
            && !self.expiring(stored.expires_at)
        {
            tracing::info!(connection = %self.name, "using the token another process refreshed");
            *tokens = Tokens {
                access: stored.access_token,
                refresh: stored.refresh_token,
                expires_at: stored.expires_at,
            };
            return Ok(());
        }
        let Some(refresh_token) = stored
            .refresh_token
            .clone()
            .or_else(|| tokens.refresh.clone())
        else {
            return Err(HostError::new(
                ErrorKind::Unauthorized,
                format!(
                    "the access token of connection `{}` expired or was rejected, and it has no refresh token; {}",
                    self.name,
                    self.reconnect_hint()
                ),
            )
            .with_hint(self.reconnect_hint()));
        };
        let Some(app) = &self.app else {
            return Err(HostError::new(
                ErrorKind::Unauthorized,
                format!(
                    "connection `{}` has no OAuth client stored to refresh with; {}",
                    self.name,
                    self.reconnect_hint()
                ),
            )
            .with_hint(self.reconnect_hint()));
        };
        tracing::info!(connection = %self.name, "refreshing the access token");
        let grant = oauth::refresh(&self.http, app, &refresh_token)
            .await
            .map_err(|e| self.refresh_failed(e))?;
        let now = unix_now();
        let fresh = Tokens {
            access: grant.access_token,
            // No new refresh token: the old one stays valid.
            refresh: grant.refresh_token.or(Some(refresh_token)),
            expires_at: grant.expires_in.map(|d| now.saturating_add(d.as_secs())),
        };
        // Save (a rotated refresh token above all) before the new access token is used.
        let updated = StoredConnection {
            access_token: fresh.access.clone(),
            refresh_token: fresh.refresh.clone(),
            expires_at: fresh.expires_at,
            updated_at: now,
            api_host: stored.api_host.clone().or(grant.host),
            ..stored
        };
        let name = self.name.clone();
        self.store
            .update_locked(&lock, move |all| {
                all.insert(name, updated);
                Ok(())
            })
            .map_err(|e| {
                HostError::new(
                    e.kind,
                    format!(
                        "the token was refreshed but could not be saved, so it is not used: {}",
                        e.message
                    ),
                )
                .with_hint(e.hint.unwrap_or_else(|| self.reconnect_hint()))
            })?;
        drop(lock);
        *tokens = fresh;
        Ok(())
    }

    fn refresh_failed(&self, e: HostError) -> HostError {
        let hint = self.reconnect_hint();
        let kind = match e.kind {
            ErrorKind::Transport | ErrorKind::Upstream if e.code.is_none() => e.kind,
            _ => ErrorKind::Unauthorized,
        };
        let mut out = HostError::new(
            kind,
            format!(
                "cannot refresh the access token of connection `{}`: {}; {hint}",
                self.name, e.message
            ),
        )
        .with_hint(hint);
        out.code = e.code;
        out
    }
}

fn not_found(name: &str) -> HostError {
    HostError::new(
        ErrorKind::NotFound,
        format!("no stored connection named `{name}`"),
    )
    .with_hint(format!(
        "run `connector-host connect --connection {name}`, or see `connector-host connections list`"
    ))
}

impl TokenSource for OAuthTokenSource {
    fn token(&self) -> BoxFuture<'_, HostResult<Secret>> {
        Box::pin(async move {
            let mut tokens = self.tokens.lock().await;
            if self.expiring(tokens.expires_at) {
                self.refresh_locked(&mut tokens, None).await?;
            }
            Ok(tokens.access.clone())
        })
    }

    fn refresh_rejected<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, HostResult<Option<Secret>>> {
        Box::pin(async move {
            let mut tokens = self.tokens.lock().await;
            if tokens.access != *rejected {
                // Someone refreshed while this call was in flight.
                return Ok(Some(tokens.access.clone()));
            }
            self.refresh_locked(&mut tokens, Some(rejected)).await?;
            Ok(Some(tokens.access.clone()))
        })
    }

    fn describe(&self) -> String {
        format!(
            "OAuth2 connection `{}` in {}",
            self.name,
            self.store.path().display()
        )
    }
}
