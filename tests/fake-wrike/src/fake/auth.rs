//! Tokens and OAuth: registering, expiring and revoking tokens, the OAuth client, login and
//! token settings, and what the OAuth endpoints received.

use chrono::{DateTime, Utc};

use crate::server::TokenInfo;
use crate::{oauth, FakeWrike, RecordedRequest};

impl FakeWrike {
    /// Registers a bearer token with the given scopes (e.g. `&["Default", "wsReadWrite"]`).
    /// Every token acts as the seeded current user ([`FakeWrike::me_id`]).
    pub fn add_token(&self, token: &str, scopes: &[&str]) {
        self.shared.control.lock().tokens.insert(
            token.to_string(),
            TokenInfo {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires: None,
            },
        );
    }

    /// Registers a token that expires at `expires` (fake time); afterwards requests with it get
    /// `401 not_authorized`, as for an expired OAuth access token.
    pub fn add_expiring_token(&self, token: &str, scopes: &[&str], expires: DateTime<Utc>) {
        self.shared.control.lock().tokens.insert(
            token.to_string(),
            TokenInfo {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires: Some(expires),
            },
        );
    }

    /// Makes a token expire now (later requests: `401 not_authorized`); unlike
    /// [`FakeWrike::revoke_token`] the token stays known.
    pub fn expire_token(&self, token: &str) {
        let now = self.now();
        if let Some(t) = self.shared.control.lock().tokens.get_mut(token) {
            t.expires = Some(now);
        }
    }

    /// `http://127.0.0.1:PORT/oauth2/authorize/v4` — `GET` shows a login form; `POST`ing it with
    /// [`FakeWrike::login`] redirects (302) to `redirect_uri?code=…&state=…`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize/v4", self.origin())
    }

    /// `http://127.0.0.1:PORT/oauth2/token` — `authorization_code` and `refresh_token` grants;
    /// access tokens live one hour of fake time; refresh tokens rotate.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.origin())
    }

    /// The OAuth client registered at start: `(client_id, client_secret)`.
    pub fn oauth_client(&self) -> (String, String) {
        (
            oauth::DEFAULT_CLIENT_ID.to_string(),
            oauth::DEFAULT_CLIENT_SECRET.to_string(),
        )
    }

    /// Registers another OAuth client.
    pub fn add_oauth_client(&self, client_id: &str, client_secret: &str) {
        self.shared
            .control
            .lock()
            .oauth
            .clients
            .insert(client_id.to_string(), client_secret.to_string());
    }

    /// The credentials the login form accepts: `(email, password)` — the seeded current user's
    /// email and [`oauth::LOGIN_PASSWORD`].
    pub fn login(&self) -> (String, String) {
        (
            oauth::login_email(&self.shared).unwrap_or_default(),
            oauth::LOGIN_PASSWORD.to_string(),
        )
    }

    /// Sets the lifetime of access tokens issued from now on (`expires_in`, in fake time);
    /// `None` restores the default of one hour.
    pub fn set_access_token_lifetime(&self, lifetime: Option<std::time::Duration>) {
        self.shared.control.lock().oauth.access_token_secs =
            lifetime.map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    }

    /// Whether a refresh returns a new refresh token and invalidates the old one (the default)
    /// or keeps answering with the same refresh token.
    pub fn set_rotate_refresh_tokens(&self, rotate: bool) {
        self.shared.control.lock().oauth.keep_refresh_tokens = !rotate;
    }

    /// The requests received at `POST /oauth2/token`, in order (both grants).
    pub fn token_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/oauth2/token")
            .collect()
    }

    /// The requests received at `/oauth2/authorize/v4` (form shown and form submitted), in order.
    pub fn authorize_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/oauth2/authorize"))
            .collect()
    }

    /// Makes the next authorization answer `error=access_denied` (the user said no).
    pub fn deny_next_authorization(&self) {
        self.shared.control.lock().oauth.deny_next = true;
    }

    /// Forgets every refresh token (the next refresh fails with `invalid_grant`).
    pub fn revoke_refresh_tokens(&self) {
        self.shared.control.lock().oauth.refresh.clear();
    }

    /// Forgets a token: later requests with it get `401 not_authorized`.
    pub fn revoke_token(&self, token: &str) {
        self.shared.control.lock().tokens.remove(token);
    }
}
