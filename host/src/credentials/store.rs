//! The credential store: named connections in one JSON file only the user can read.
//!
//! Location: `$CONNECTOR_CONFIG_DIR/connections.json` when that variable is set, else
//! `connections.json` in `connector-host` under the user's config directory (the `dirs` crate:
//! `~/.config/connector-host` on Linux, `~/Library/Application Support/connector-host` on macOS,
//! `%APPDATA%\connector-host` on Windows).
//!
//! Guarantees (on Unix; elsewhere the file is written the same way, without the mode checks):
//! - the directory is created with mode 0700 and the file with mode 0600;
//! - every write is atomic: a temporary file in the same directory is written, flushed to disk
//!   (`fsync`) and renamed over the store, then the directory is synced — a crash leaves either
//!   the old or the new store, never a mix;
//! - read-modify-write cycles hold an advisory lock on `connections.lock` in the same directory,
//!   so two `connector-host` processes do not lose each other's updates;
//! - a store that other users may read or write (any group or world permission bit) is refused
//!   with an error telling to `chmod 600` it;
//! - a store that is not valid is refused with an error naming the file and the problem, and is
//!   left untouched (nothing is written until it is fixed or removed).

use crate::credentials::Secret;
use crate::descriptor::TokenEndpointAuth;
use crate::error::{ErrorKind, HostError, HostResult};
use crate::fsutil::{write_atomic, Durability};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable that overrides the directory of the store.
pub const CONFIG_DIR_ENV: &str = "CONNECTOR_CONFIG_DIR";

/// The store's file name inside its directory.
pub const STORE_FILE: &str = "connections.json";

/// The lock file taken around read-modify-write cycles.
pub const LOCK_FILE: &str = "connections.lock";

/// The connection used when none is named.
pub const DEFAULT_CONNECTION: &str = "default";

/// The store format this build reads and writes.
pub const STORE_VERSION: u32 = 1;

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

    fn check(&self, name: &str, path: &Path) -> HostResult<()> {
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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    version: u32,
    #[serde(default)]
    connections: Connections,
}

/// The credential store on disk (see the module documentation for its guarantees).
#[derive(Debug, Clone)]
pub struct CredentialStore {
    dir: PathBuf,
}

impl CredentialStore {
    /// The store in directory `dir` (created on first write).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        CredentialStore { dir: dir.into() }
    }

    /// The store in `$CONNECTOR_CONFIG_DIR`, else in `connector-host` under the user's config
    /// directory.
    pub fn default_location() -> HostResult<Self> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Self::at(dir));
        }
        let base = dirs::config_dir().ok_or_else(|| {
            HostError::invalid_input(
                "credential_store",
                "cannot find the user's config directory for the credential store",
            )
            .with_hint(format!("set {CONFIG_DIR_ENV} to a directory of your own"))
        })?;
        Ok(Self::at(base.join("connector-host")))
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store's file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    /// Every connection; an empty map when the store does not exist yet.
    pub fn load(&self) -> HostResult<Connections> {
        let path = self.path();
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Connections::new()),
            Err(e) => return Err(io_error("read", &path, &e)),
        };
        check_private(&path, &file)?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text)
            .map_err(|e| io_error("read", &path, &e))?;
        let corrupt = |why: String| {
            HostError::invalid_input(
                "credential_store",
                format!("the credential store {} is corrupt: {why}", path.display()),
            )
            .with_hint(format!(
                "the file was left as it is; fix it, or move it away and run `connector-host connect` again ({})",
                path.display()
            ))
        };
        let parsed: StoreFile = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        if parsed.version != STORE_VERSION {
            return Err(corrupt(format!(
                "format version {} is not supported (this connector-host reads version {STORE_VERSION})",
                parsed.version
            )));
        }
        for (name, conn) in &parsed.connections {
            conn.check(name, &path)?;
        }
        Ok(parsed.connections)
    }

    /// The connection called `name`, if stored.
    pub fn get(&self, name: &str) -> HostResult<Option<StoredConnection>> {
        validate_connection_name(name)?;
        Ok(self.load()?.remove(name))
    }

    /// Stores `conn` as `name`, replacing any connection of that name.
    pub fn put(&self, name: &str, conn: StoredConnection) -> HostResult<()> {
        validate_connection_name(name)?;
        conn.check(name, &self.path())?;
        self.update(|all| {
            all.insert(name.to_string(), conn);
            Ok(())
        })
    }

    /// Removes the connection called `name`; `false` when there was none.
    pub fn remove(&self, name: &str) -> HostResult<bool> {
        validate_connection_name(name)?;
        if !self.path().exists() {
            return Ok(false);
        }
        let lock = self.lock()?;
        let mut all = self.load()?;
        if all.remove(name).is_none() {
            return Ok(false);
        }
        self.write(&all)?;
        drop(lock);
        Ok(true)
    }

    /// Locked read-modify-write: loads the store, lets `change` edit it and writes it back
    /// atomically (only when `change` succeeds).
    pub fn update<R>(
        &self,
        change: impl FnOnce(&mut Connections) -> HostResult<R>,
    ) -> HostResult<R> {
        let lock = self.lock()?;
        self.update_locked(&lock, change)
    }

    /// [`CredentialStore::update`] for a caller that already holds the store's lock.
    pub fn update_locked<R>(
        &self,
        _lock: &StoreLock,
        change: impl FnOnce(&mut Connections) -> HostResult<R>,
    ) -> HostResult<R> {
        let mut all = self.load()?;
        let result = change(&mut all)?;
        self.write(&all)?;
        Ok(result)
    }

    /// Takes the store's advisory lock (blocking until other processes release it); it is held
    /// until the returned guard is dropped.
    pub fn lock(&self) -> HostResult<StoreLock> {
        self.ensure_dir()?;
        let path = self.dir.join(LOCK_FILE);
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_error("create the lock file", &path, &e))?;
        file.lock().map_err(|e| io_error("lock", &path, &e))?;
        Ok(StoreLock { _file: file })
    }

    /// Writes `all` atomically. Callers should hold [`CredentialStore::lock`].
    pub fn write(&self, all: &Connections) -> HostResult<()> {
        self.ensure_dir()?;
        let path = self.path();
        let body = serde_json::to_vec_pretty(&StoreFile {
            version: STORE_VERSION,
            connections: all.clone(),
        })
        .map_err(|e| HostError::internal(format!("cannot encode the credential store: {e}")))?;
        let mut bytes = body;
        bytes.push(b'\n');
        // A 0600 temporary file, synced, renamed over the store, then the directory synced.
        write_atomic(&path, &bytes, Durability::Durable).map_err(|e| io_error("write", &path, &e))
    }

    fn ensure_dir(&self) -> HostResult<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&self.dir)
            .map_err(|e| io_error("create the directory", &self.dir, &e))
    }
}

/// The store's advisory lock; released on drop.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> HostError {
    HostError::new(
        ErrorKind::Internal,
        format!(
            "cannot {what} for the credential store ({}): {e}",
            path.display()
        ),
    )
    .with_hint(format!(
        "check the permissions of {}, or set {CONFIG_DIR_ENV} to another directory",
        path.parent().unwrap_or(path).display()
    ))
}

fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn check_private(path: &Path, file: &File) -> HostResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file
        .metadata()
        .map_err(|e| io_error("inspect", path, &e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(HostError::new(
            ErrorKind::Forbidden,
            format!(
                "the credential store {} can be read or written by other users (mode {:04o}); refusing to use it",
                path.display(),
                mode & 0o7777
            ),
        )
        .with_hint(format!("run `chmod 600 {}`", path.display())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _file: &File) -> HostResult<()> {
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth_conn() -> StoredConnection {
        StoredConnection {
            kind: ConnectionKind::OAuth2,
            api_host: Some("app-eu.wrike.com".into()),
            scopes: Some(vec!["wsReadOnly".into(), "Default".into()]),
            access_token: Secret::new("access-1"),
            refresh_token: Some(Secret::new("refresh-1")),
            expires_at: Some(1_700_000_000),
            oauth_client: Some(OAuthClientInfo {
                client_id: "cid".into(),
                client_secret: Secret::new("csecret"),
                token_url: "https://login.wrike.com/oauth2/token".into(),
                token_endpoint_auth: TokenEndpointAuth::ClientSecretPost,
                api_host_field: Some("host".into()),
            }),
            created_at: 1,
            updated_at: 2,
        }
    }

    #[test]
    fn names_are_checked() {
        for ok in ["default", "a", "EU_prod-2.x", &"x".repeat(64)] {
            validate_connection_name(ok).unwrap();
        }
        for bad in ["", "a b", "../x", "é", "a/b", &"x".repeat(65)] {
            let e = validate_connection_name(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("connection"), "{bad}");
        }
    }

    const W: &str = "https://www.wrike.com/api/v4";

    #[test]
    fn hosts_and_base_urls() {
        assert_eq!(
            api_base_url("app-eu.wrike.com", W).unwrap(),
            "https://app-eu.wrike.com/api/v4"
        );
        assert_eq!(
            api_base_url("127.0.0.1:8080", W).unwrap(),
            "http://127.0.0.1:8080/api/v4"
        );
        assert_eq!(api_base_url("[::1]:9", W).unwrap(), "http://[::1]:9/api/v4");
        assert_eq!(
            api_base_url("10.0.0.1:443", W).unwrap(),
            "https://10.0.0.1:443/api/v4"
        );
        for bad in ["", "https://x", "x/y", "a@b", "x y", "x?q", "x:notaport"] {
            assert!(api_base_url(bad, W).is_err(), "{bad}");
        }
        // The path comes from the component's default base URL.
        assert_eq!(
            api_base_url("api.eu.example.com", "https://api.example.com/").unwrap(),
            "https://api.eu.example.com"
        );
        assert_eq!(
            api_base_url("x.example.com", "https://example.com/rest/v2/").unwrap(),
            "https://x.example.com/rest/v2"
        );
    }

    #[test]
    fn stores_from_before_the_descriptor_fields_read_as_wrike() {
        let old = r#"{"client_id":"c","client_secret":"s","token_url":"https://login.wrike.com/oauth2/token"}"#;
        let info: OAuthClientInfo = serde_json::from_str(old).unwrap();
        assert_eq!(
            info.token_endpoint_auth,
            TokenEndpointAuth::ClientSecretPost
        );
        assert_eq!(info.api_host_field.as_deref(), Some("host"));
    }

    #[test]
    fn time_formatting() {
        assert_eq!(format_unix_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix_time(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(format_unix_time(951_825_600), "2000-02-29T12:00:00Z");
    }

    #[test]
    fn round_trip_and_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::at(dir.path().join("sub"));
        assert!(store.load().unwrap().is_empty(), "no file yet: empty");
        store.put("default", oauth_conn()).unwrap();
        store
            .put(
                "perm",
                StoredConnection::permanent_token(Secret::new("perm-token"), None),
            )
            .unwrap();
        let all = store.load().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all["default"], oauth_conn());
        assert_eq!(all["perm"].kind, ConnectionKind::Token);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&store.path()), 0o600);
            assert_eq!(mode(store.dir()), 0o700);
        }
        // No temporary files are left behind.
        let names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert!(store.remove("perm").unwrap());
        assert!(!store.remove("perm").unwrap());
        assert_eq!(store.load().unwrap().len(), 1);
    }

    #[test]
    fn debug_and_summary_never_show_secrets() {
        let c = oauth_conn();
        let debug = format!("{c:?}");
        let summary = c.summary("default").to_string();
        for secret in ["access-1", "refresh-1", "csecret"] {
            assert!(!debug.contains(secret), "{debug}");
            assert!(!summary.contains(secret), "{summary}");
        }
        assert!(summary.contains("2023-11-14T22:13:20Z"), "{summary}");
    }

    #[cfg(unix)]
    #[test]
    fn readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::at(dir.path());
        store.put("default", oauth_conn()).unwrap();
        fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();
        let e = store.load().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Forbidden);
        assert!(e.message.contains("0644"), "{}", e.message);
        assert!(e.hint.unwrap().contains("chmod 600"));
        // Writing is refused too, and the file keeps its content.
        let before = fs::read(store.path()).unwrap();
        assert!(store.remove("default").is_err());
        assert_eq!(fs::read(store.path()).unwrap(), before);
    }

    #[test]
    fn corrupt_store_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::at(dir.path());
        let path = store.path();
        let cases: [&[u8]; 4] = [
            b"{ not json",
            br#"{"version": 99, "connections": {}}"#,
            br#"{"version": 1, "connections": {"bad name": {"kind": "token", "access_token": "x"}}}"#,
            br#"{"version": 1, "connections": {"a": {"kind": "token", "access_token": ""}}}"#,
        ];
        for body in cases {
            fs::write(&path, body).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            }
            let e = store.load().unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(
                e.message.contains(&path.display().to_string()),
                "{}",
                e.message
            );
            assert!(store
                .put(
                    "x",
                    StoredConnection::permanent_token(Secret::new("t"), None)
                )
                .is_err());
            assert_eq!(fs::read(&path).unwrap(), body, "the file is untouched");
        }
    }
}
