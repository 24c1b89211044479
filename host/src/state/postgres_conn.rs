//! The PostgreSQL store's connection: opening it (creating the tables under an advisory lock),
//! the statements prepared on it, and error and URL helpers.

use crate::error::{HostError, HostResult};
use crate::state::redact_url as redact;
use postgres::{Client, NoTls, Statement};

/// The schema version this build writes (in `connector_meta`).
const SCHEMA_VERSION: i64 = 1;

/// Any constant: serialises creating the tables when several processes start at once.
const MIGRATION_LOCK: i64 = 0x636f_6e6e_6563_746f;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS connector_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
    subscription TEXT PRIMARY KEY,
    cursor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq BIGSERIAL PRIMARY KEY,
    subscription TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT,
    acked BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (subscription, key)
);
CREATE INDEX IF NOT EXISTS events_outbox ON events (subscription, seq) WHERE NOT acked;
CREATE INDEX IF NOT EXISTS events_outbox_all ON events (seq) WHERE NOT acked;
CREATE INDEX IF NOT EXISTS events_delivered ON events (subscription, seq) WHERE acked;
CREATE TABLE IF NOT EXISTS subscriptions (
    name TEXT PRIMARY KEY,
    trigger TEXT NOT NULL,
    input TEXT NOT NULL,
    path_token TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    remote_id TEXT,
    remote_state TEXT,
    target_url TEXT
);
CREATE TABLE IF NOT EXISTS leases (
    subscription TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
";

pub(super) fn sql(e: postgres::Error) -> HostError {
    HostError::internal(format!("the state database failed: {e}"))
}

/// The connection and the statements prepared on it (the hot ones: each is parsed and planned
/// once per connection instead of once per call, which saves a round trip every time).
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) prepared: std::collections::HashMap<&'static str, Statement>,
}

impl Conn {
    /// `text` prepared on this connection (once).
    pub(super) fn prepared(&mut self, text: &'static str) -> HostResult<Statement> {
        if let Some(s) = self.prepared.get(text) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(text).map_err(sql)?;
        self.prepared.insert(text, s.clone());
        Ok(s)
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// Opens a connection and creates the tables (under an advisory lock) when missing.
pub(super) fn open(url: &str) -> HostResult<Client> {
    let mut client = Client::connect(url, NoTls).map_err(|e| {
        HostError::invalid_input(
            "state",
            format!("cannot connect to the state database {}: {e}", redact(url)),
        )
    })?;
    let mut tx = client.transaction().map_err(sql)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(sql)?;
    tx.batch_execute(SCHEMA).map_err(sql)?;
    let version: Option<String> = tx
        .query_opt(
            "SELECT value FROM connector_meta WHERE key = 'schema_version'",
            &[],
        )
        .map_err(sql)?
        .map(|r| r.get(0));
    if let Some(v) = version.as_deref().and_then(|v| v.parse::<i64>().ok()) {
        if v > SCHEMA_VERSION {
            return Err(HostError::invalid_input(
                "state",
                format!(
                    "the state database {} has schema version {v}, newer than this host's {SCHEMA_VERSION}",
                    redact(url)
                ),
            ));
        }
    }
    tx.execute(
        "INSERT INTO connector_meta (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&SCHEMA_VERSION.to_string()],
    )
    .map_err(sql)?;
    tx.commit().map_err(sql)?;
    Ok(client)
}
