//! [`SqliteStore`]: the [`StateStore`] on an embedded SQLite database in WAL mode.
//!
//! Durability: `synchronous = FULL`, so a committed transaction survives a power cut, not only
//! a crash of the process. Throughput comes from batching — one transaction per `poll` batch
//! and per acknowledged chunk of the outbox — not from weakening the sync.

use super::{
    EnqueueBatch, Enqueued, OutboxEntry, StateStore, SubscriptionRecord, DELIVERED_KEYS_KEPT,
};
use crate::connector::Event;
use crate::error::{HostError, HostResult};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::time::Duration;

/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cursors (
    subscription TEXT PRIMARY KEY,
    cursor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT,
    acked INTEGER NOT NULL DEFAULT 0,
    UNIQUE (subscription, key)
);
CREATE INDEX IF NOT EXISTS events_outbox ON events (acked, seq);
CREATE INDEX IF NOT EXISTS events_by_subscription ON events (subscription, acked, seq);
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
";

/// Old delivered keys are forgotten when an acknowledged entry's position is a multiple of this.
const PRUNE_EVERY: i64 = 1024;

/// SQLite's file header, to tell a database from a legacy JSON state file.
pub(super) const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// A [`StateStore`] in one SQLite database file.
pub struct SqliteStore {
    conn: Connection,
}

fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> HostError + '_ {
    move |e| {
        HostError::internal(format!(
            "the state database `{}` failed: {e}",
            path.display()
        ))
    }
}

fn sql(e: rusqlite::Error) -> HostError {
    HostError::internal(format!("the state database failed: {e}"))
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `path`. A file that is not an SQLite
    /// database is refused and left untouched.
    pub fn open(path: &Path) -> HostResult<SqliteStore> {
        if let Ok(bytes) = std::fs::read(path).map(|b| b.into_iter().take(16).collect::<Vec<_>>()) {
            if !bytes.is_empty() && bytes != SQLITE_MAGIC {
                return Err(HostError::invalid_input(
                    "state",
                    format!(
                        "`{}` is not a state database; it was left untouched",
                        path.display()
                    ),
                ));
            }
        }
        let fail = db_error(path);
        let conn = Connection::open(path).map_err(&fail)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(&fail)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(&fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HostError::internal(format!(
                "the state database `{}` cannot use WAL mode (got `{mode}`)",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(&fail)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&fail)?;
        if version > SCHEMA_VERSION {
            return Err(HostError::invalid_input(
                "state",
                format!(
                    "the state database `{}` has schema version {version}, newer than this host's {SCHEMA_VERSION}",
                    path.display()
                ),
            ));
        }
        conn.execute_batch(SCHEMA).map_err(&fail)?;
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
            .map_err(&fail)?;
        Ok(SqliteStore { conn })
    }

    /// Sets the cursor and remembers `keys` as delivered, in one transaction (for imports).
    pub fn import(
        &mut self,
        subscription: &str,
        cursor: Option<&str>,
        keys: &[String],
    ) -> HostResult<()> {
        let tx = self.conn.transaction().map_err(sql)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO events (subscription, key, payload, acked) VALUES (?1, ?2, NULL, 1)",
                )
                .map_err(sql)?;
            for key in keys {
                insert.execute(params![subscription, key]).map_err(sql)?;
            }
        }
        if let Some(cursor) = cursor {
            set_cursor(&tx, subscription, cursor)?;
        }
        tx.commit().map_err(sql)
    }

    /// Forgetting old keys costs an index walk: done only when one of the acknowledged
    /// positions is a multiple of [`PRUNE_EVERY`].
    fn maybe_prune(&self, seqs: &[i64], subs: Vec<String>) -> HostResult<()> {
        if seqs.iter().any(|s| s % PRUNE_EVERY == 0) {
            for sub in subs {
                self.prune(&sub)?;
            }
        }
        Ok(())
    }

    /// Forgets acknowledged keys of `subscription` beyond the newest [`DELIVERED_KEYS_KEPT`].
    fn prune(&self, subscription: &str) -> HostResult<()> {
        let threshold: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM events WHERE subscription = ?1 AND acked = 1 ORDER BY seq DESC LIMIT 1 OFFSET ?2",
                params![subscription, DELIVERED_KEYS_KEPT as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        if let Some(seq) = threshold {
            self.conn
                .execute(
                    "DELETE FROM events WHERE subscription = ?1 AND acked = 1 AND seq <= ?2",
                    params![subscription, seq],
                )
                .map_err(sql)?;
        }
        Ok(())
    }
}

/// Marks the entries `seqs` acknowledged (dropping their payloads); returns the subscriptions
/// they belonged to.
fn ack_in(tx: &Connection, seqs: &[i64]) -> HostResult<Vec<String>> {
    let mut subs = Vec::new();
    if seqs.is_empty() {
        return Ok(subs);
    }
    let mut update = tx
        .prepare_cached(
            "UPDATE events SET acked = 1, payload = NULL WHERE seq = ?1 RETURNING subscription",
        )
        .map_err(sql)?;
    for seq in seqs {
        let sub: Option<String> = update
            .query_row([seq], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        if let Some(sub) = sub {
            if !subs.contains(&sub) {
                subs.push(sub);
            }
        }
    }
    Ok(subs)
}

fn subscription_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubscriptionRecord> {
    Ok(SubscriptionRecord {
        name: r.get(0)?,
        trigger: r.get(1)?,
        input: r.get(2)?,
        path_token: r.get(3)?,
        secret: r.get(4)?,
        remote_id: r.get(5)?,
        remote_state: r.get(6)?,
        target_url: r.get(7)?,
    })
}

/// One batch of an enqueue inside the transaction `tx`: the acknowledgements, the events whose
/// keys are new, the cursor. Returns what was added and the acknowledged subscriptions.
fn enqueue_in(
    tx: &Connection,
    subscription: &str,
    events: &[Event],
    cursor: Option<&str>,
    acked: &[i64],
) -> HostResult<(Enqueued, Vec<String>)> {
    let mut out = Enqueued::default();
    let acked_subs = ack_in(tx, acked)?;
    let mut insert = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO events (subscription, key, payload, acked) VALUES (?1, ?2, ?3, 0)",
        )
        .map_err(sql)?;
    for event in events {
        let payload = serde_json::to_string(&event.payload)
            .map_err(|e| HostError::internal(e.to_string()))?;
        match insert
            .execute(params![subscription, event.key, payload])
            .map_err(sql)?
        {
            0 => out.duplicates += 1,
            _ => out.added += 1,
        }
    }
    if let Some(cursor) = cursor {
        set_cursor(tx, subscription, cursor)?;
    }
    Ok((out, acked_subs))
}

fn set_cursor(tx: &Connection, subscription: &str, cursor: &str) -> HostResult<()> {
    tx.prepare_cached(
        "INSERT INTO cursors (subscription, cursor) VALUES (?1, ?2)
         ON CONFLICT (subscription) DO UPDATE SET cursor = excluded.cursor",
    )
    .and_then(|mut s| s.execute(params![subscription, cursor]))
    .map(|_| ())
    .map_err(sql)
}

impl StateStore for SqliteStore {
    fn cursor(&mut self, subscription: &str) -> HostResult<Option<String>> {
        self.conn
            .query_row(
                "SELECT cursor FROM cursors WHERE subscription = ?1",
                [subscription],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)
    }

    fn enqueue(
        &mut self,
        subscription: &str,
        events: &[Event],
        cursor: Option<&str>,
    ) -> HostResult<Enqueued> {
        self.enqueue_acking(subscription, events, cursor, &[])
    }

    fn enqueue_acking(
        &mut self,
        subscription: &str,
        events: &[Event],
        cursor: Option<&str>,
        acked: &[i64],
    ) -> HostResult<Enqueued> {
        let tx = self.conn.transaction().map_err(sql)?;
        let (out, acked_subs) = enqueue_in(&tx, subscription, events, cursor, acked)?;
        tx.commit().map_err(sql)?;
        self.maybe_prune(acked, acked_subs)?;
        Ok(out)
    }

    fn enqueue_group(&mut self, batches: &[EnqueueBatch]) -> HostResult<Vec<Enqueued>> {
        let tx = self.conn.transaction().map_err(sql)?;
        let mut out = Vec::with_capacity(batches.len());
        let mut acked_subs = Vec::new();
        for b in batches {
            let (e, subs) = enqueue_in(
                &tx,
                &b.subscription,
                &b.events,
                b.cursor.as_deref(),
                &b.acked,
            )?;
            out.push(e);
            acked_subs.extend(subs);
        }
        tx.commit().map_err(sql)?;
        acked_subs.sort();
        acked_subs.dedup();
        let acked: Vec<i64> = batches
            .iter()
            .flat_map(|b| b.acked.iter().copied())
            .collect();
        self.maybe_prune(&acked, acked_subs)?;
        Ok(out)
    }

    fn pending(
        &mut self,
        subscription: Option<&str>,
        limit: usize,
    ) -> HostResult<Vec<OutboxEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Two statements, so that one subscription's entries are found through its index
        // (`events_by_subscription`), not by scanning every other subscription's backlog.
        let mut stmt = self
            .conn
            .prepare_cached(match subscription {
                Some(_) => {
                    "SELECT seq, subscription, key, payload FROM events
                     WHERE subscription = ?1 AND acked = 0 ORDER BY seq LIMIT ?2"
                }
                None => {
                    "SELECT seq, subscription, key, payload FROM events
                     WHERE acked = 0 AND ?1 IS NULL ORDER BY seq LIMIT ?2"
                }
            })
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![subscription, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, subscription, key, payload) = row.map_err(sql)?;
            let payload =
                serde_json::from_str(payload.as_deref().unwrap_or("null")).map_err(|e| {
                    HostError::internal(format!("outbox entry {seq} has a corrupt payload: {e}"))
                })?;
            out.push(OutboxEntry {
                seq,
                subscription,
                key,
                payload,
            });
        }
        Ok(out)
    }

    fn ack(&mut self, seqs: &[i64]) -> HostResult<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(sql)?;
        let subs = ack_in(&tx, seqs)?;
        tx.commit().map_err(sql)?;
        self.maybe_prune(seqs, subs)
    }

    fn knows_key(&mut self, subscription: &str, key: &str) -> HostResult<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM events WHERE subscription = ?1 AND key = ?2",
                params![subscription, key],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(sql)
    }

    fn save_subscription(&mut self, s: &SubscriptionRecord) -> HostResult<()> {
        self.conn
            .execute(
                "INSERT INTO subscriptions (name, trigger, input, path_token, secret, remote_id, remote_state, target_url)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (name) DO UPDATE SET trigger = excluded.trigger, input = excluded.input,
                   path_token = excluded.path_token, secret = excluded.secret,
                   remote_id = excluded.remote_id, remote_state = excluded.remote_state,
                   target_url = excluded.target_url",
                params![
                    s.name,
                    s.trigger,
                    s.input,
                    s.path_token,
                    s.secret,
                    s.remote_id,
                    s.remote_state,
                    s.target_url
                ],
            )
            .map(|_| ())
            .map_err(sql)
    }

    fn subscriptions(&mut self) -> HostResult<Vec<SubscriptionRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT name, trigger, input, path_token, secret, remote_id, remote_state, target_url
                 FROM subscriptions ORDER BY name",
            )
            .map_err(sql)?;
        let rows = stmt.query_map([], subscription_row).map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    fn claim_subscription(&mut self, s: &SubscriptionRecord) -> HostResult<SubscriptionRecord> {
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO subscriptions (name, trigger, input, path_token, secret, remote_id, remote_state, target_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (name) DO UPDATE SET trigger = excluded.trigger, input = excluded.input,
               path_token = excluded.path_token, secret = excluded.secret,
               remote_id = excluded.remote_id, remote_state = excluded.remote_state,
               target_url = excluded.target_url
             WHERE subscriptions.trigger <> excluded.trigger OR subscriptions.input <> excluded.input",
            params![
                s.name,
                s.trigger,
                s.input,
                s.path_token,
                s.secret,
                s.remote_id,
                s.remote_state,
                s.target_url
            ],
        )
        .map_err(sql)?;
        let stored = tx
            .query_row(
                "SELECT name, trigger, input, path_token, secret, remote_id, remote_state, target_url
                 FROM subscriptions WHERE name = ?1",
                [&s.name],
                subscription_row,
            )
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(stored)
    }

    fn pending_of(
        &mut self,
        subscriptions: &[String],
        limit: usize,
    ) -> HostResult<Vec<OutboxEntry>> {
        // One process per SQLite store: a short list, read one subscription at a time and
        // merged by position.
        let mut out = Vec::new();
        for sub in subscriptions {
            out.extend(self.pending(Some(sub), limit)?);
        }
        out.sort_by_key(|e| e.seq);
        out.truncate(limit);
        Ok(out)
    }

    fn remove_subscription(&mut self, name: &str) -> HostResult<()> {
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM subscriptions WHERE name = ?1", [name])
            .map_err(sql)?;
        tx.execute("DELETE FROM cursors WHERE subscription = ?1", [name])
            .map_err(sql)?;
        tx.commit().map_err(sql)
    }
}
