//! One stored connection: its record (kind, API host, scopes, tokens, OAuth client), how it
//! is written in the store file (secrets as plain strings, only in the 0600 file), and the
//! checks of connection names and API hosts.

use crate::credentials::Secret;
use crate::descriptor::TokenEndpointAuth;
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Checks a connection name: 1 to 64 characters from `A-Z a-z 0-9 _ . -`.
pub fn validate_connection_name(name: &str) -> HostResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(HostError::invalid_input(
            "connection",
            format!(
                "connection name `{}` is not valid: use 1 to 64 characters from A-Z, a-z, 0-9, `_`, `.` and `-`",
                name.escape_debug()
            ),
        ))
    }
}

/// Checks an API host as Wrike returns it in the token response (`www.wrike.com`,
/// `app-eu.wrike.com`, or `127.0.0.1:PORT` for the fake Wrike): a host name or IP address with
/// an optional port, nothing else.
pub fn validate_api_host(host: &str) -> HostResult<()> {
    let bad = |why: &str| {
        HostError::invalid_input(
            "api_host",
            format!(
                "API host `{}` is not valid: {why}; expected e.g. `www.wrike.com` or `app-eu.wrike.com`",
                host.escape_debug()
            ),
        )
    };
    if host.is_empty() {
        return Err(bad("it is empty"));
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@' | '\\'))
    {
        return Err(bad(
            "it must be a host name with an optional port, no scheme or path",
        ));
    }
    let url = url::Url::parse(&format!("https://{host}/"))
        .map_err(|e| bad(&format!("it does not parse as a host ({e})")))?;
    if url.host_str().is_none_or(str::is_empty) || url.path() != "/" {
        return Err(bad("it must be a host name with an optional port"));
    }
    Ok(())
}

/// The API base URL for a stored API host: `https://{host}` followed by the path of the
/// component's `default_base_url` (for Wrike `https://{host}/api/v4`), except that a loopback
/// IP address (`127.0.0.1:PORT`, `[::1]:PORT`, as the fake Wrike answers) gets `http://` — a
/// loopback address cannot be reached over TLS in tests, and traffic to it never leaves the
/// machine. Every other host, including any other IP address, uses `https://`.
pub fn api_base_url(host: &str, default_base_url: &str) -> HostResult<String> {
    validate_api_host(host)?;
    let scheme = if is_loopback_ip(host) {
        "http"
    } else {
        "https"
    };
    let path = url::Url::parse(default_base_url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    Ok(format!("{scheme}://{host}{path}"))
}

fn is_loopback_ip(host: &str) -> bool {
    let bare = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if host.matches(':').count() == 1 {
        host.split(':').next().unwrap_or_default()
    } else {
        host
    };
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats Unix seconds as an RFC 3339 UTC timestamp, e.g. `2025-01-31T12:00:00Z`.
pub fn format_unix_time(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// How a stored connection authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionKind {
    /// OAuth2 authorization code: an access token that expires and a refresh token.
    #[serde(rename = "oauth2")]
    OAuth2,
    /// A Wrike permanent access token, never refreshed.
    #[serde(rename = "token")]
    Token,
}

impl ConnectionKind {
    /// `oauth2` or `token`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::OAuth2 => "oauth2",
            ConnectionKind::Token => "token",
        }
    }
}

/// The OAuth client a connection refreshes its tokens with.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClientInfo {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret (stored only in the 0600 file, never printed).
    #[serde(with = "secret_serde")]
    pub client_secret: Secret,
    /// The token endpoint the tokens came from (after any `--oauth-base-url`).
    pub token_url: String,
    /// How the client authenticates at the token endpoint (from the descriptor at connect).
    #[serde(default)]
    pub token_endpoint_auth: TokenEndpointAuth,
    /// The token-response field naming the API host (from the descriptor at connect). Stores
    /// written before the field existed held only Wrike connections, whose field is `host`.
    #[serde(default = "legacy_api_host_field")]
    pub api_host_field: Option<String>,
}

fn legacy_api_host_field() -> Option<String> {
    Some("host".into())
}

impl fmt::Debug for OAuthClientInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientInfo")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("token_endpoint_auth", &self.token_endpoint_auth)
            .field("api_host_field", &self.api_host_field)
            .finish()
    }
}

/// One named connection as stored. Its `Debug` output redacts every secret.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredConnection {
    /// How it authenticates.
    pub kind: ConnectionKind,
    /// The API host (`www.wrike.com`, `app-eu.wrike.com`, …); `None`: the default API base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
    /// The scopes requested and granted, where known (OAuth2 connections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// The access token.
    #[serde(with = "secret_serde")]
    pub access_token: Secret,
    /// The refresh token (OAuth2).
    #[serde(
        default,
        with = "opt_secret_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in Unix seconds (OAuth2); `None`: never or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The OAuth client used to refresh (OAuth2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_client: Option<OAuthClientInfo>,
    /// When the connection was made, in Unix seconds.
    #[serde(default)]
    pub created_at: u64,
    /// When its tokens were last written, in Unix seconds.
    #[serde(default)]
    pub updated_at: u64,
}

impl fmt::Debug for StoredConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredConnection")
            .field("kind", &self.kind)
            .field("api_host", &self.api_host)
            .field("scopes", &self.scopes)
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("oauth_client", &self.oauth_client)
            .finish_non_exhaustive()
    }
}

impl StoredConnection {
    /// A permanent-token connection, optionally on `api_host`.
    pub fn permanent_token(token: Secret, api_host: Option<String>) -> Self {
        let now = unix_now();
        StoredConnection {
            kind: ConnectionKind::Token,
            api_host,
            scopes: None,
            access_token: token,
            refresh_token: None,
            expires_at: None,
            oauth_client: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The API base URL for this connection's host, or `None` when it has none.
    pub fn api_base_url(&self, default_base_url: &str) -> HostResult<Option<String>> {
        self.api_host
            .as_deref()
            .map(|h| api_base_url(h, default_base_url))
            .transpose()
    }

    /// What `connections list` shows: name, kind, scopes, API host and expiry, never a secret.
    pub fn summary(&self, name: &str) -> serde_json::Value {
        serde_json::json!({
            "name": name,
            "kind": self.kind.as_str(),
            "scopes": self.scopes,
            "api_host": self.api_host,
            "expires_at": self.expires_at.map(format_unix_time),
            "refreshable": self.refresh_token.is_some(),
        })
    }

    pub(super) fn check(&self, name: &str, path: &Path) -> HostResult<()> {
        let bad = |why: &str| {
            HostError::invalid_input(
                "credential_store",
                format!(
                    "connection `{name}` in the credential store {} is not valid: {why}",
                    path.display()
                ),
            )
            .with_hint(format!(
                "run `connector-host connect --connection {name}` again, or fix the file by hand"
            ))
        };
        validate_connection_name(name).map_err(|e| bad(&e.message))?;
        if self.access_token.expose().is_empty() {
            return Err(bad("its access token is empty"));
        }
        if let Some(host) = &self.api_host {
            validate_api_host(host).map_err(|e| bad(&e.message))?;
        }
        if self.kind == ConnectionKind::OAuth2
            && self.refresh_token.is_some()
            && self.oauth_client.is_none()
        {
            return Err(bad(
                "it has a refresh token but no `oauth_client` to refresh with",
            ));
        }
        Ok(())
    }
}

/// The connections in the store, by name.
pub type Connections = BTreeMap<String, StoredConnection>;

mod secret_serde {
    use super::*;

    pub fn serialize<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

mod opt_secret_serde {
    use super::*;

    pub fn serialize<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
        match secret {
            Some(v) => s.serialize_some(v.expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Option::<String>::deserialize(d).map(|o| o.map(Secret::new))
    }
}
