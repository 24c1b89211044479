//! Durable events/s of trigger state: the SQLite store (`connector_host::state::SqliteStore`,
//! WAL, `synchronous = FULL`, one transaction per batch) and the PostgreSQL store
//! (`PostgresStore`, on a throwaway local server with its default `fsync = on` and
//! `synchronous_commit = on`) against the JSON state file of earlier versions (rewritten and
//! fsynced after every event), measured in the same run.
//!
//! One "event" is the whole durable path of `poll --state`: enqueued into the outbox with the
//! batch's cursor (deduplicated by key), read back, handed to a sink (here: nothing), and
//! acknowledged in the next batch's transaction. Run with `cargo bench -p connector-host --bench state_store`.

use connector_host::state::{LegacyStateFile, PostgresStore, SqliteStore, StateStore};
use connector_host::Event;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Events per `poll` batch, as the Wrike triggers return them (a page).
const BATCH: usize = 100;
/// Batches per measured SQLite iteration.
const BATCHES: usize = 20;
/// Events per measured iteration of the JSON baseline (it is ~100× slower).
const JSON_EVENTS: usize = 50;

static NEXT: AtomicU64 = AtomicU64::new(0);

fn events(n: usize) -> Vec<Event> {
    (0..n)
        .map(|_| {
            let i = NEXT.fetch_add(1, Ordering::Relaxed);
            Event {
                key: format!("IEAAAAAQKQ{i:08}@2026-11-29T03:00:00Z"),
                payload: json!({
                    "id": format!("IEAAAAAQKQ{i:08}"),
                    "title": "A task with an ordinary title",
                    "status": "Active",
                    "importance": "Normal",
                    "updatedDate": "2026-11-29T03:00:00Z",
                    "parentIds": ["IEAAAAAQI4AAAAAB"],
                }),
            }
        })
        .collect()
}

/// The durable path of one batch through a store, as `poll --state` and `serve` take it: the
/// batch and its cursor are committed together with the acknowledgement of the previous batch
/// (one commit per batch), then read back and handed to the sink.
fn store_batch(store: &mut dyn StateStore, batch: &[Event], cursor: &str, acked: &mut Vec<i64>) {
    store
        .enqueue_acking("bench", batch, Some(cursor), acked)
        .unwrap();
    let pending = store.pending(Some("bench"), BATCH).unwrap();
    *acked = pending.iter().map(|e| e.seq).collect();
}

/// The durable path of one batch through the legacy JSON file: one rewrite per event, then
/// one for the cursor.
fn json_batch(file: &mut LegacyStateFile, batch: &[Event], cursor: &str) {
    for event in batch {
        file.mark_delivered(&event.key).unwrap();
    }
    file.commit_cursor(cursor.to_string()).unwrap();
}

/// `BATCHES` batches through `store`; returns (events, seconds).
fn timed_run(store: &mut dyn StateStore, round: usize) -> (usize, f64) {
    let batches: Vec<Vec<Event>> = (0..BATCHES).map(|_| events(BATCH)).collect();
    let t = Instant::now();
    let mut acked = Vec::new();
    for (i, b) in batches.iter().enumerate() {
        store_batch(store, b, &format!("c{round}.{i}"), &mut acked);
    }
    store.ack(&acked).unwrap();
    (BATCH * BATCHES, t.elapsed().as_secs_f64())
}

/// A throwaway PostgreSQL server and a store on it, when the machine has PostgreSQL.
fn postgres() -> Option<(temp_postgres::TempPostgres, PostgresStore)> {
    let pg = match temp_postgres::TempPostgres::start() {
        Ok(pg) => pg,
        Err(e) => {
            println!("PostgreSQL store not measured: {e}");
            return None;
        }
    };
    let url = pg.create_database("bench").unwrap();
    let store = PostgresStore::connect(&url).unwrap();
    Some((pg, store))
}

/// A one-shot ratio report, printed before criterion's groups: every store, interleaved.
fn report() {
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = SqliteStore::open(&dir.path().join("state.db")).unwrap();
    let mut pg = postgres();
    let mut legacy = LegacyStateFile::open(&dir.path().join("state.json"), "bench").unwrap();
    let (mut sqlite_n, mut sqlite_t) = (0usize, 0f64);
    let (mut pg_n, mut pg_t) = (0usize, 0f64);
    let (mut json_n, mut json_t) = (0usize, 0f64);
    for round in 0..5 {
        let (n, t) = timed_run(&mut sqlite, round);
        sqlite_n += n;
        sqlite_t += t;
        if let Some((_, store)) = pg.as_mut() {
            let (n, t) = timed_run(store, round);
            pg_n += n;
            pg_t += t;
        }
        let batch = events(JSON_EVENTS);
        let t = Instant::now();
        json_batch(&mut legacy, &batch, &format!("c{round}"));
        json_t += t.elapsed().as_secs_f64();
        json_n += JSON_EVENTS;
    }
    let s = sqlite_n as f64 / sqlite_t;
    let j = json_n as f64 / json_t;
    println!("durable events/s — SQLite store: {s:.0}; legacy JSON file: {j:.0}; ratio {:.1}x (target: SQLite >= 20000)", s / j);
    if pg_t > 0.0 {
        let p = pg_n as f64 / pg_t;
        println!(
            "durable events/s — PostgreSQL store: {p:.0}; ratio {:.1}x the JSON file, {:.2}x SQLite",
            p / j,
            p / s
        );
    }
}

fn bench(c: &mut Criterion) {
    report();
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("durable_events");
    group.sample_size(10);

    let mut sqlite = SqliteStore::open(&dir.path().join("state.db")).unwrap();
    group.throughput(Throughput::Elements((BATCH * BATCHES) as u64));
    group.bench_function("sqlite_store", |b| {
        b.iter_batched(
            || (0..BATCHES).map(|_| events(BATCH)).collect::<Vec<_>>(),
            |batches| {
                let mut acked = Vec::new();
                for (i, batch) in batches.iter().enumerate() {
                    store_batch(&mut sqlite, batch, &format!("c{i}"), &mut acked);
                }
                sqlite.ack(&acked).unwrap();
            },
            BatchSize::PerIteration,
        )
    });

    if let Some((_pg, mut store)) = postgres() {
        group.bench_function("postgres_store", |b| {
            b.iter_batched(
                || (0..BATCHES).map(|_| events(BATCH)).collect::<Vec<_>>(),
                |batches| {
                    let mut acked = Vec::new();
                    for (i, batch) in batches.iter().enumerate() {
                        store_batch(&mut store, batch, &format!("c{i}"), &mut acked);
                    }
                    store.ack(&acked).unwrap();
                },
                BatchSize::PerIteration,
            )
        });
    }

    let mut legacy = LegacyStateFile::open(&dir.path().join("state.json"), "bench").unwrap();
    group.throughput(Throughput::Elements(JSON_EVENTS as u64));
    group.bench_function("legacy_json_file", |b| {
        b.iter_batched(
            || events(JSON_EVENTS),
            |batch| json_batch(&mut legacy, &batch, "c"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
