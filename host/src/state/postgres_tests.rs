//! The PostgreSQL store against a throwaway server: the same delivery rules as SQLite, the
//! claim that makes starting processes agree on one record, and leases.

use super::*;
use serde_json::json;
use std::sync::OnceLock;
use temp_postgres::TempPostgres;

/// One server for the whole test binary, one database per test.
fn server() -> &'static TempPostgres {
    static PG: OnceLock<TempPostgres> = OnceLock::new();
    PG.get_or_init(|| TempPostgres::start().unwrap_or_else(|e| panic!("{e}")))
}

fn store(db: &str) -> PostgresStore {
    let url = server().create_database(db).unwrap();
    PostgresStore::connect(&url).unwrap()
}

fn ev(key: &str) -> Event {
    Event {
        key: key.into(),
        payload: json!({ "id": key }),
    }
}

fn record(name: &str, input: &str, token: &str) -> SubscriptionRecord {
    SubscriptionRecord {
        name: name.into(),
        trigger: "t".into(),
        input: input.into(),
        path_token: token.into(),
        secret: format!("secret-{token}"),
        remote_id: None,
        remote_state: None,
        target_url: None,
    }
}

#[test]
fn events_enter_once_in_order_and_leave_when_acknowledged() {
    let mut s = store("pg_outbox");
    let e = s
        .enqueue("a", &[ev("k1"), ev("k2"), ev("k1")], Some("c1"))
        .unwrap();
    assert_eq!((e.added, e.duplicates), (2, 1));
    let e = s.enqueue("a", &[ev("k2"), ev("k3")], Some("c2")).unwrap();
    assert_eq!((e.added, e.duplicates), (1, 1));
    assert_eq!(s.cursor("a").unwrap().as_deref(), Some("c2"));
    assert_eq!(s.cursor("b").unwrap(), None);
    s.enqueue("b", &[ev("k1")], None).unwrap();

    let all = s.pending(None, 10).unwrap();
    let keys: Vec<_> = all
        .iter()
        .map(|e| (e.subscription.as_str(), e.key.as_str()))
        .collect();
    assert_eq!(keys, [("a", "k1"), ("a", "k2"), ("a", "k3"), ("b", "k1")]);
    assert_eq!(all[0].payload, json!({ "id": "k1" }));
    assert_eq!(s.pending(Some("b"), 10).unwrap().len(), 1);
    assert_eq!(s.pending_of(&["b".into()], 10).unwrap().len(), 1);
    assert_eq!(s.pending_of(&[], 10).unwrap().len(), 0);

    // Acknowledged with the next batch, in one transaction; the key stays known.
    let seqs: Vec<i64> = all[..2].iter().map(|e| e.seq).collect();
    let e = s
        .enqueue_acking("a", &[ev("k1"), ev("k4")], None, &seqs)
        .unwrap();
    assert_eq!((e.added, e.duplicates), (1, 1));
    let left: Vec<_> = s
        .pending(Some("a"), 10)
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert_eq!(left, ["k3", "k4"]);
    assert!(s.knows_key("a", "k1").unwrap());
    assert!(!s.knows_key("a", "k9").unwrap());
}

#[test]
fn subscriptions_are_claimed_once_and_replaced_when_their_input_changes() {
    let mut a = store("pg_claim");
    let url = server().url("pg_claim");
    let mut b = PostgresStore::connect(&url).unwrap();
    // Two processes starting together: the first record stored wins for both.
    let first = a.claim_subscription(&record("hook", "{}", "tokA")).unwrap();
    let second = b.claim_subscription(&record("hook", "{}", "tokB")).unwrap();
    assert_eq!(first.path_token, "tokA");
    assert_eq!(second, first);
    // A changed input replaces it.
    let changed = b
        .claim_subscription(&record("hook", "{\"x\":1}", "tokC"))
        .unwrap();
    assert_eq!(changed.path_token, "tokC");
    let mut saved = changed.clone();
    saved.remote_id = Some("R1".into());
    a.save_subscription(&saved).unwrap();
    assert_eq!(b.subscriptions().unwrap(), vec![saved]);
    b.remove_subscription("hook").unwrap();
    assert!(a.subscriptions().unwrap().is_empty());
}

#[test]
fn a_lease_belongs_to_one_owner_until_it_expires_or_is_released() {
    let mut s = store("pg_leases");
    let long = Duration::from_secs(600);
    assert!(s.is_shared());
    assert!(s.acquire_lease("sub", "p1", long).unwrap());
    assert!(s.acquire_lease("sub", "p1", long).unwrap(), "renewal");
    assert!(!s.acquire_lease("sub", "p2", long).unwrap(), "held by p1");
    s.release_lease("sub", "p2").unwrap();
    assert!(
        !s.acquire_lease("sub", "p2", long).unwrap(),
        "only the owner releases"
    );
    s.release_lease("sub", "p1").unwrap();
    assert!(s.acquire_lease("sub", "p2", long).unwrap(), "released");
    // A lease of no time has expired as soon as it is granted: anyone may take it.
    assert!(s.acquire_lease("other", "p1", Duration::ZERO).unwrap());
    assert!(s.acquire_lease("other", "p2", long).unwrap(), "expired");

    assert!(s.acquire_lease("#instance/p1", "p1", long).unwrap());
    assert!(s.acquire_lease("#instance/p2", "p2", long).unwrap());
    assert!(s
        .acquire_lease("#instance/p3", "p3", Duration::ZERO)
        .unwrap());
    assert_eq!(s.live_owners("#instance/").unwrap(), 2, "p3 has expired");
    s.release_leases("p2").unwrap();
    assert_eq!(s.live_owners("#instance/").unwrap(), 1);
    assert!(
        s.acquire_lease("sub", "p1", long).unwrap(),
        "p2 gave everything up"
    );
}

#[test]
fn a_bad_url_or_an_unreachable_server_is_a_clear_error() {
    let e = PostgresStore::connect("postgres://nobody:hunter2@127.0.0.1:1/none")
        .err()
        .unwrap();
    assert!(
        e.message.contains("cannot connect to the state database"),
        "{}",
        e.message
    );
    assert!(
        !e.message.contains("hunter2"),
        "the password is not shown: {}",
        e.message
    );
    assert_eq!(
        super::super::StateLocation::parse(std::ffi::OsStr::new("postgres://u:pw@h/db"))
            .to_string(),
        "postgres://u:***@h/db"
    );
}

/// A group is one transaction: the batches in order, later ones seeing earlier keys, and
/// acknowledgements and cursors of every batch; a failing group commits nothing.
#[test]
fn a_group_of_enqueues_commits_together_or_not_at_all() {
    let mut s = store("pg_group");
    s.enqueue("a", &[ev("old")], None).unwrap();
    let old = s.pending(Some("a"), 10).unwrap()[0].seq;
    let batch = |sub: &str, keys: &[&str], cursor: Option<&str>, acked: Vec<i64>| EnqueueBatch {
        subscription: sub.into(),
        events: keys.iter().map(|k| ev(k)).collect(),
        cursor: cursor.map(str::to_string),
        acked,
    };
    let out = s
        .enqueue_group(&[
            batch("a", &["k1", "k2"], Some("c1"), vec![old]),
            batch("b", &["k1"], None, vec![]),
            batch("a", &["k2", "k3"], Some("c2"), vec![]),
        ])
        .unwrap();
    let counts: Vec<_> = out.iter().map(|e| (e.added, e.duplicates)).collect();
    assert_eq!(counts, [(2, 0), (1, 0), (1, 1)]);
    assert_eq!(s.cursor("a").unwrap().as_deref(), Some("c2"));
    let keys: Vec<_> = s
        .pending(None, 10)
        .unwrap()
        .into_iter()
        .map(|e| format!("{}/{}", e.subscription, e.key))
        .collect();
    assert_eq!(keys, ["a/k1", "a/k2", "b/k1", "a/k3"]);
    // A cursor PostgreSQL refuses (a NUL in text) fails the whole group.
    let poisoned = batch("c", &["x"], Some("c\u{0}x"), vec![]);
    assert!(s
        .enqueue_group(&[batch("c", &["ok"], None, vec![]), poisoned])
        .is_err());
    assert!(s.pending(Some("c"), 10).unwrap().is_empty());
    assert_eq!(s.cursor("c").unwrap(), None);
}
