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

use crate::error::{ErrorKind, HostError, HostResult};
use crate::fsutil::{write_atomic, Durability};
use serde::{Deserialize, Serialize};

use std::fs::{self, File, OpenOptions};

use std::path::{Path, PathBuf};

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

pub use super::connection::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;
    use crate::descriptor::TokenEndpointAuth;

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
