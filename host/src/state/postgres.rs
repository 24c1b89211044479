//! [`PostgresStore`]: the [`StateStore`] in a PostgreSQL database that several `serve`
//! processes share.
//!
//! The tables mirror [`super::SqliteStore`]'s, plus `leases`: one row per subscription naming
//! the process working it and until when (on the database's clock, so the processes' clocks
//! need not agree). Durability is PostgreSQL's own (`synchronous_commit` as the server is
//! configured); every method is one transaction, one per `poll` batch as with SQLite.
//!
//! The `postgres` client drives its connection on a runtime of its own, which must not run
//! inside the host's async tasks. The store therefore owns one thread holding the connection;
//! each call is sent to it as a closure and waited for, exactly as a call into SQLite blocks
//! its caller. A broken connection is opened again on the next call.
//!
//! TLS is not offered: connect over a Unix socket, loopback, or a TLS-terminating proxy. A URL
//! asking for `sslmode=require` is refused by the connector library with a clear error.

#[path = "postgres_conn.rs"]
mod conn;

use super::{
    EnqueueBatch, Enqueued, OutboxEntry, StateStore, SubscriptionRecord, DELIVERED_KEYS_KEPT,
};
use crate::connector::Event;
use crate::error::{HostError, HostResult};
use conn::{open, sql, Conn};
use postgres::{Client, Row};
use std::sync::mpsc;
use std::time::Duration;

/// Old delivered keys are forgotten when an acknowledged entry's position is a multiple of this.
const PRUNE_EVERY: i64 = 1024;

const SUBSCRIPTION_COLUMNS: &str =
    "name, trigger, input, path_token, secret, remote_id, remote_state, target_url";

type Job = Box<dyn FnOnce(HostResult<&mut Conn>) + Send>;

/// A [`StateStore`] in a PostgreSQL database, shareable by several processes.
pub struct PostgresStore {
    jobs: mpsc::Sender<Job>,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/db`) and
    /// creates the tables when missing. The connection lives on a thread of its own.
    pub fn connect(url: &str) -> HostResult<PostgresStore> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready, first) = mpsc::sync_channel(1);
        let url = url.to_string();
        std::thread::Builder::new()
            .name("state-postgres".into())
            .spawn(move || {
                // Connected here too: the client may not block inside the caller's runtime.
                let conn = |client| Conn {
                    client,
                    prepared: Default::default(),
                };
                let mut client = match open(&url) {
                    Ok(c) => {
                        let _ = ready.send(Ok(()));
                        Some(conn(c))
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                for job in rx {
                    if client.as_ref().is_none_or(|c| c.is_closed()) {
                        client = None;
                        match open(&url) {
                            Ok(c) => client = Some(conn(c)),
                            Err(e) => {
                                job(Err(e));
                                continue;
                            }
                        }
                    }
                    match client.as_mut() {
                        Some(c) => job(Ok(c)),
                        None => job(Err(HostError::internal("no state database connection"))),
                    }
                }
            })
            .map_err(|e| HostError::internal(format!("cannot start a thread: {e}")))?;
        first
            .recv()
            .map_err(|_| HostError::internal("the state database connection thread stopped"))??;
        Ok(PostgresStore { jobs })
    }

    /// Runs `f` on the connection's thread and waits for its result.
    fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Conn) -> HostResult<R> + Send + 'static,
    ) -> HostResult<R> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |client| {
            let _ = tx.send(client.and_then(f));
        });
        let stopped = || HostError::internal("the state database connection thread stopped");
        self.jobs.send(job).map_err(|_| stopped())?;
        rx.recv().map_err(|_| stopped())?
    }
}

fn subscription_row(r: &Row) -> SubscriptionRecord {
    SubscriptionRecord {
        name: r.get(0),
        trigger: r.get(1),
        input: r.get(2),
        path_token: r.get(3),
        secret: r.get(4),
        remote_id: r.get(5),
        remote_state: r.get(6),
        target_url: r.get(7),
    }
}

fn entries(rows: Vec<Row>) -> HostResult<Vec<OutboxEntry>> {
    rows.into_iter()
        .map(|r| {
            let seq: i64 = r.get(0);
            let payload: Option<String> = r.get(3);
            let payload =
                serde_json::from_str(payload.as_deref().unwrap_or("null")).map_err(|e| {
                    HostError::internal(format!("outbox entry {seq} has a corrupt payload: {e}"))
                })?;
            Ok(OutboxEntry {
                seq,
                subscription: r.get(1),
                key: r.get(2),
                payload,
            })
        })
        .collect()
}

/// Marks the entries `seqs` acknowledged (dropping their payloads); returns the subscriptions
/// they belonged to.
fn ack_in(tx: &mut postgres::Transaction<'_>, seqs: &[i64]) -> HostResult<Vec<String>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let rows = tx
        .query(
            "UPDATE events SET acked = TRUE, payload = NULL WHERE seq = ANY($1) AND NOT acked
             RETURNING subscription",
            &[&seqs],
        )
        .map_err(sql)?;
    let mut subs: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    subs.sort();
    subs.dedup();
    Ok(subs)
}

/// Forgets acknowledged keys of `subs` beyond the newest [`DELIVERED_KEYS_KEPT`], when one of
/// the acknowledged positions is a multiple of [`PRUNE_EVERY`].
fn maybe_prune(client: &mut Client, seqs: &[i64], subs: &[String]) -> HostResult<()> {
    if !seqs.iter().any(|s| s % PRUNE_EVERY == 0) {
        return Ok(());
    }
    let kept = DELIVERED_KEYS_KEPT as i64;
    for sub in subs {
        client
            .execute(
                "DELETE FROM events WHERE subscription = $1 AND acked AND seq <= (
                   SELECT seq FROM events WHERE subscription = $1 AND acked
                   ORDER BY seq DESC LIMIT 1 OFFSET $2)",
                &[sub, &kept],
            )
            .map_err(sql)?;
    }
    Ok(())
}

/// One enqueue as one statement: the acknowledgement, the events (positions follow the
/// batch's order; a key already known, or repeated within the batch, is dropped by the unique
/// constraint) and the cursor. Returns the number added and the acknowledged subscriptions.
const ENQUEUE: &str = "WITH acked AS (
       UPDATE events SET acked = TRUE, payload = NULL
       WHERE seq = ANY($4) AND NOT acked RETURNING subscription),
     cursor AS (
       INSERT INTO cursors (subscription, cursor)
       SELECT $1, $5::text WHERE $5::text IS NOT NULL
       ON CONFLICT (subscription) DO UPDATE SET cursor = excluded.cursor),
     added AS (
       INSERT INTO events (subscription, key, payload)
       SELECT $1, k, p FROM unnest($2::text[], $3::text[])
         WITH ORDINALITY AS t(k, p, i)
       ORDER BY i
       ON CONFLICT (subscription, key) DO NOTHING RETURNING 1)
     SELECT (SELECT COUNT(*) FROM added),
            ARRAY(SELECT DISTINCT subscription FROM acked)";

/// One batch's parameters of [`ENQUEUE`], owned (they go to the connection's thread).
struct Owned {
    subscription: String,
    keys: Vec<String>,
    payloads: Vec<String>,
    cursor: Option<String>,
    acked: Vec<i64>,
}

impl Owned {
    fn of(
        subscription: &str,
        events: &[Event],
        cursor: Option<&str>,
        acked: &[i64],
    ) -> HostResult<Owned> {
        Ok(Owned {
            subscription: subscription.to_string(),
            keys: events.iter().map(|e| e.key.clone()).collect(),
            payloads: events
                .iter()
                .map(|e| serde_json::to_string(&e.payload))
                .collect::<Result<Vec<String>, _>>()
                .map_err(|e| HostError::internal(e.to_string()))?,
            cursor: cursor.map(str::to_string),
            acked: acked.to_vec(),
        })
    }

    /// Runs [`ENQUEUE`] (prepared as `st`) on `client` (a connection or a transaction).
    fn run(
        &self,
        client: &mut impl postgres::GenericClient,
        st: &postgres::Statement,
    ) -> HostResult<(Enqueued, Vec<String>)> {
        let row = client
            .query_one(
                st,
                &[
                    &self.subscription,
                    &self.keys,
                    &self.payloads,
                    &self.acked,
                    &self.cursor,
                ],
            )
            .map_err(sql)?;
        let added = usize::try_from(row.get::<_, i64>(0)).unwrap_or(0);
        Ok((
            Enqueued {
                added,
                duplicates: self.keys.len() - added,
            },
            row.get(1),
        ))
    }
}

impl StateStore for PostgresStore {
    fn cursor(&mut self, subscription: &str) -> HostResult<Option<String>> {
        let subscription = subscription.to_string();
        self.run(move |c| {
            let st = c.prepared("SELECT cursor FROM cursors WHERE subscription = $1")?;
            Ok(c.query_opt(&st, &[&subscription])
                .map_err(sql)?
                .map(|r| r.get(0)))
        })
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
        let batch = Owned::of(subscription, events, cursor, acked)?;
        self.run(move |c| {
            // One statement, so one round trip and one commit per batch.
            let st = c.prepared(ENQUEUE)?;
            let (added, acked_subs) = batch.run(&mut c.client, &st)?;
            maybe_prune(c, &batch.acked, &acked_subs)?;
            Ok(added)
        })
    }

    fn enqueue_group(&mut self, batches: &[EnqueueBatch]) -> HostResult<Vec<Enqueued>> {
        let owned = batches
            .iter()
            .map(|b| Owned::of(&b.subscription, &b.events, b.cursor.as_deref(), &b.acked))
            .collect::<HostResult<Vec<_>>>()?;
        self.run(move |c| {
            let st = c.prepared(ENQUEUE)?;
            let mut tx = c.client.transaction().map_err(sql)?;
            let mut out = Vec::with_capacity(owned.len());
            let mut acked_subs = Vec::new();
            for b in &owned {
                let (added, subs) = b.run(&mut tx, &st)?;
                out.push(added);
                acked_subs.extend(subs);
            }
            tx.commit().map_err(sql)?;
            acked_subs.sort();
            acked_subs.dedup();
            let acked: Vec<i64> = owned.iter().flat_map(|b| b.acked.iter().copied()).collect();
            maybe_prune(c, &acked, &acked_subs)?;
            Ok(out)
        })
    }

    fn pending(
        &mut self,
        subscription: Option<&str>,
        limit: usize,
    ) -> HostResult<Vec<OutboxEntry>> {
        let subscription = subscription.map(str::to_string);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Two statements rather than `$1 IS NULL OR subscription = $1`: a prepared statement
        // gets a generic plan, and that one cannot use either index.
        self.run(move |c| {
            let rows = match &subscription {
                Some(sub) => {
                    let st = c.prepared(
                        "SELECT seq, subscription, key, payload FROM events
                         WHERE NOT acked AND subscription = $1 ORDER BY seq LIMIT $2",
                    )?;
                    c.query(&st, &[sub, &limit])
                }
                None => {
                    let st = c.prepared(
                        "SELECT seq, subscription, key, payload FROM events
                         WHERE NOT acked ORDER BY seq LIMIT $1",
                    )?;
                    c.query(&st, &[&limit])
                }
            };
            entries(rows.map_err(sql)?)
        })
    }

    fn pending_of(
        &mut self,
        subscriptions: &[String],
        limit: usize,
    ) -> HostResult<Vec<OutboxEntry>> {
        let subscriptions = subscriptions.to_vec();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |c| {
            let st = c.prepared(
                "SELECT seq, subscription, key, payload FROM events
                 WHERE NOT acked AND subscription = ANY($1)
                 ORDER BY seq LIMIT $2",
            )?;
            entries(c.query(&st, &[&subscriptions, &limit]).map_err(sql)?)
        })
    }

    fn ack(&mut self, seqs: &[i64]) -> HostResult<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        let seqs = seqs.to_vec();
        self.run(move |c| {
            let mut tx = c.transaction().map_err(sql)?;
            let subs = ack_in(&mut tx, &seqs)?;
            tx.commit().map_err(sql)?;
            maybe_prune(c, &seqs, &subs)
        })
    }

    fn knows_key(&mut self, subscription: &str, key: &str) -> HostResult<bool> {
        let (subscription, key) = (subscription.to_string(), key.to_string());
        self.run(move |c| {
            Ok(c.query_opt(
                "SELECT 1 FROM events WHERE subscription = $1 AND key = $2",
                &[&subscription, &key],
            )
            .map_err(sql)?
            .is_some())
        })
    }

    fn save_subscription(&mut self, record: &SubscriptionRecord) -> HostResult<()> {
        let s = record.clone();
        self.run(move |c| {
            c.execute(
                &format!(
                    "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS})
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (name) DO UPDATE SET trigger = excluded.trigger,
                       input = excluded.input, path_token = excluded.path_token,
                       secret = excluded.secret, remote_id = excluded.remote_id,
                       remote_state = excluded.remote_state, target_url = excluded.target_url"
                ),
                &[
                    &s.name,
                    &s.trigger,
                    &s.input,
                    &s.path_token,
                    &s.secret,
                    &s.remote_id,
                    &s.remote_state,
                    &s.target_url,
                ],
            )
            .map(|_| ())
            .map_err(sql)
        })
    }

    fn subscriptions(&mut self) -> HostResult<Vec<SubscriptionRecord>> {
        self.run(|c| {
            Ok(c.query(
                &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY name"),
                &[],
            )
            .map_err(sql)?
            .iter()
            .map(subscription_row)
            .collect())
        })
    }

    fn remove_subscription(&mut self, name: &str) -> HostResult<()> {
        let name = name.to_string();
        self.run(move |c| {
            let mut tx = c.transaction().map_err(sql)?;
            tx.execute("DELETE FROM subscriptions WHERE name = $1", &[&name])
                .map_err(sql)?;
            tx.execute("DELETE FROM cursors WHERE subscription = $1", &[&name])
                .map_err(sql)?;
            tx.execute("DELETE FROM leases WHERE subscription = $1", &[&name])
                .map_err(sql)?;
            tx.commit().map_err(sql)
        })
    }

    fn claim_subscription(
        &mut self,
        record: &SubscriptionRecord,
    ) -> HostResult<SubscriptionRecord> {
        let s = record.clone();
        self.run(move |c| {
            let row = c
                .query_one(
                    &format!(
                        "WITH claimed AS (
                           INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS})
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                           ON CONFLICT (name) DO UPDATE SET trigger = excluded.trigger,
                             input = excluded.input, path_token = excluded.path_token,
                             secret = excluded.secret, remote_id = excluded.remote_id,
                             remote_state = excluded.remote_state,
                             target_url = excluded.target_url
                           WHERE subscriptions.trigger <> excluded.trigger
                              OR subscriptions.input <> excluded.input
                           RETURNING {SUBSCRIPTION_COLUMNS})
                         SELECT {SUBSCRIPTION_COLUMNS} FROM claimed
                         UNION ALL
                         SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
                         WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM claimed)"
                    ),
                    &[
                        &s.name,
                        &s.trigger,
                        &s.input,
                        &s.path_token,
                        &s.secret,
                        &s.remote_id,
                        &s.remote_state,
                        &s.target_url,
                    ],
                )
                .map_err(sql)?;
            Ok(subscription_row(&row))
        })
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn acquire_lease(
        &mut self,
        subscription: &str,
        owner: &str,
        ttl: Duration,
    ) -> HostResult<bool> {
        let (subscription, owner) = (subscription.to_string(), owner.to_string());
        let secs = ttl.as_secs_f64();
        self.run(move |c| {
            let st = c.prepared(
                "INSERT INTO leases (subscription, owner, expires_at)
                 VALUES ($1, $2, clock_timestamp() + $3::float8 * interval '1 second')
                 ON CONFLICT (subscription) DO UPDATE
                   SET owner = excluded.owner, expires_at = excluded.expires_at
                 WHERE leases.owner = excluded.owner OR leases.expires_at < clock_timestamp()
                 RETURNING owner",
            )?;
            Ok(c.query_opt(&st, &[&subscription, &owner, &secs])
                .map_err(sql)?
                .is_some())
        })
    }

    fn release_lease(&mut self, subscription: &str, owner: &str) -> HostResult<()> {
        let (subscription, owner) = (subscription.to_string(), owner.to_string());
        self.run(move |c| {
            c.execute(
                "DELETE FROM leases WHERE subscription = $1 AND owner = $2",
                &[&subscription, &owner],
            )
            .map(|_| ())
            .map_err(sql)
        })
    }

    fn live_owners(&mut self, prefix: &str) -> HostResult<usize> {
        let pattern = format!(
            "{}%",
            prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        self.run(move |c| {
            let n: i64 = c
                .query_one(
                    "SELECT COUNT(DISTINCT owner) FROM leases
                     WHERE subscription LIKE $1 AND expires_at > clock_timestamp()",
                    &[&pattern],
                )
                .map_err(sql)?
                .get(0);
            Ok(usize::try_from(n).unwrap_or(1))
        })
    }

    fn release_leases(&mut self, owner: &str) -> HostResult<()> {
        let owner = owner.to_string();
        self.run(move |c| {
            c.execute("DELETE FROM leases WHERE owner = $1", &[&owner])
                .map(|_| ())
                .map_err(sql)
        })
    }
}

#[cfg(test)]
#[path = "postgres_tests.rs"]
mod tests;
