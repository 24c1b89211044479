//! Two `serve` processes sharing one PostgreSQL state database (a throwaway server started by
//! the test): they split 10 polling subscriptions between them through leases, never poll one
//! subscription at the same time, and when one is killed with SIGKILL the other takes its
//! subscriptions over once the leases expire, delivering everything.
//!
//! The processes use different tokens and each subscription its own page size, so the fake
//! Wrike's request log tells who polled what, and in which order.

use super::serve::{free_port, wait_for, Serve};
use fake_wrike::FakeWrike;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

const SUBS: usize = 10;
const LEASE_SECS: u64 = 3;
const TOKEN_B: &str = "token-of-process-b";

fn config(folder: &str) -> String {
    let mut c = format!("[serve]\nlease_secs = {LEASE_SECS}\n");
    for i in 0..SUBS {
        c.push_str(&format!(
            "\n[[subscription]]\nname = \"s{i}\"\ntrigger = \"new_or_updated_task\"\n\
             input = {{ folderId = \"{folder}\", pageSize = {} }}\ninterval_secs = 1\n",
            100 + i
        ));
    }
    c
}

/// Every poll so far, in the order the fake received them: (subscription, polled by B).
fn polls(fake: &FakeWrike) -> Vec<(usize, bool)> {
    fake.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/tasks"))
        .filter_map(|r| {
            let size = r
                .query
                .as_deref()?
                .split('&')
                .find_map(|kv| kv.strip_prefix("pageSize="))?
                .parse::<usize>()
                .ok()?;
            let by_b = r.header("authorization") == Some(&format!("bearer {TOKEN_B}"))
                || r.header("authorization") == Some(&format!("Bearer {TOKEN_B}"));
            (100..100 + SUBS)
                .contains(&size)
                .then_some((size - 100, by_b))
        })
        .collect()
}

/// `(subscription, task id)` of every event line.
fn delivered(lines: &[Value]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            Some((
                l["subscription"].as_str()?.to_string(),
                l["event"]["id"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn count(all: &[(String, String)], sub: &str, id: &str) -> usize {
    all.iter().filter(|(s, i)| s == sub && i == id).count()
}

#[test]
fn two_processes_share_subscriptions_and_one_takes_over_when_the_other_dies() {
    let pg = temp_postgres::TempPostgres::start().unwrap_or_else(|e| panic!("{e}"));
    let url = pg.create_database("serve_shared").unwrap();
    let fake = FakeWrike::start().unwrap();
    fake.set_rate_limit(None);
    fake.add_token(TOKEN_B, fake_wrike::ALL_SCOPES);
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let config = config(&folder);

    // A alone works every subscription.
    let a = Serve::start_with(&fake, dir.path(), free_port(), &config, &url, &[]);
    wait_for("A to poll every subscription", || {
        let seen: BTreeSet<usize> = polls(&fake).iter().map(|p| p.0).collect();
        (seen.len() == SUBS).then_some(())
    });

    // B joins: half the subscriptions move to it.
    let b = Serve::start_with(
        &fake,
        dir.path(),
        free_port(),
        &config,
        &url,
        &[("CONNECTOR_TOKEN", TOKEN_B)],
    );
    let moved = wait_for("B to take its share", || {
        let by_b: BTreeSet<usize> = polls(&fake).iter().filter(|p| p.1).map(|p| p.0).collect();
        (by_b.len() == SUBS / 2).then_some(by_b)
    });
    // And A keeps polling the others.
    let mark = polls(&fake).len();
    wait_for("A to keep polling its share", || {
        let by_a: BTreeSet<usize> = polls(&fake)[mark..]
            .iter()
            .filter(|p| !p.1)
            .map(|p| p.0)
            .collect();
        (by_a.len() == SUBS / 2).then_some(())
    });
    let kept_by_a: BTreeSet<usize> = (0..SUBS).filter(|s| !moved.contains(s)).collect();

    // Changes arrive once, through whichever process holds the subscription.
    let before: Vec<String> = (0..3)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("shared-{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let lines_of_both = || [a.lines(), b.lines()].concat();
    wait_for("every subscription to deliver the new tasks", || {
        let all = delivered(&lines_of_both());
        (0..SUBS)
            .all(|s| {
                before
                    .iter()
                    .all(|id| count(&all, &format!("s{s}"), id) > 0)
            })
            .then_some(())
    });
    let all = delivered(&lines_of_both());
    for s in 0..SUBS {
        for id in &before {
            assert_eq!(
                count(&all, &format!("s{s}"), id),
                1,
                "s{s} {id}: delivered once"
            );
        }
    }

    // A dies: B takes A's subscriptions once their leases expire.
    let at_kill = polls(&fake).len();
    a.kill();
    let killed = Instant::now();
    let after: Vec<String> = (0..2)
        .map(|i| {
            fake.create_task_direct(&folder, &format!("after-{i}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    wait_for("B to poll A's subscriptions", || {
        let by_b: BTreeSet<usize> = polls(&fake)[at_kill..]
            .iter()
            .filter(|p| p.1)
            .map(|p| p.0)
            .collect();
        kept_by_a.is_subset(&by_b).then_some(())
    });
    let took = killed.elapsed();
    eprintln!("B took A's subscriptions over {took:?} after the kill (lease {LEASE_SECS} s)");
    // The lease, plus one renewal round of B, plus slack for a loaded machine.
    assert!(
        took < Duration::from_secs(LEASE_SECS * 3),
        "took {took:?} with a {LEASE_SECS} s lease"
    );
    wait_for("B to deliver the tasks made after the kill", || {
        let all = delivered(&b.lines());
        (0..SUBS)
            .all(|s| after.iter().all(|id| count(&all, &format!("s{s}"), id) > 0))
            .then_some(())
    });
    let all_b = delivered(&b.lines());
    for s in 0..SUBS {
        for id in &after {
            assert_eq!(
                count(&all_b, &format!("s{s}"), id),
                1,
                "s{s} {id}: delivered once"
            );
        }
    }

    // Never polled by two processes at once: each subscription's polls are A's, then B's.
    let mut order: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
    for (s, by_b) in polls(&fake) {
        order.entry(s).or_default().push(by_b);
    }
    for (s, seq) in &order {
        let first_b = seq.iter().position(|b| *b).unwrap_or(seq.len());
        assert!(
            seq[first_b..].iter().all(|b| *b),
            "s{s} was polled by A after B had taken it: {seq:?}"
        );
    }
    b.stop();

    // Exactly once into the outbox, everything acknowledged, and B's leases given up.
    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for id in before.iter().chain(&after) {
        let n: i64 = db
            .query_one(
                "SELECT COUNT(*) FROM events WHERE key LIKE $1",
                &[&format!("{id}@%")],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, SUBS as i64, "{id}: one outbox row per subscription");
    }
    let pending: i64 = db
        .query_one("SELECT COUNT(*) FROM events WHERE NOT acked", &[])
        .unwrap()
        .get(0);
    assert_eq!(pending, 0);
    let live: i64 = db
        .query_one(
            "SELECT COUNT(*) FROM leases WHERE expires_at > clock_timestamp()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(live, 0, "B gave its leases up on a clean stop; A's expired");
}

/// Each subscription polls through the stored connection it names; the others through the
/// process's; a connection that does not exist stops `serve` at start, naming the subscription.
#[test]
fn each_subscription_runs_on_the_connection_it_names() {
    use super::connect_support::connect_token;
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("config");
    let host = fake.origin().trim_start_matches("http://").to_string();
    for (name, token) in [("one", "token-of-one"), ("two", "token-of-two")] {
        fake.add_token(token, fake_wrike::ALL_SCOPES);
        let run = connect_token(&fake, &config_dir, name, token, &["--api-host", &host]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let sub = |name: &str, size: usize, connection: &str| {
        format!(
            "\n[[subscription]]\nname = \"{name}\"\ntrigger = \"new_or_updated_task\"\n\
             input = {{ folderId = \"{folder}\", pageSize = {size} }}\ninterval_secs = 3600\n{connection}"
        )
    };
    let config = [
        sub("mine", 101, ""),
        sub("one", 102, "connection = \"one\"\n"),
        sub("two", 103, "connection = \"two\"\n"),
    ]
    .concat();
    let env = [("CONNECTOR_CONFIG_DIR", config_dir.to_str().unwrap())];
    let state = dir.path().join("serve.db");
    let serve = Serve::start_with(
        &fake,
        dir.path(),
        free_port(),
        &config,
        state.to_str().unwrap(),
        &env,
    );
    let bearer_of = |size: usize| {
        fake.requests()
            .iter()
            .find(|r| {
                r.query
                    .as_deref()
                    .is_some_and(|q| q.contains(&format!("pageSize={size}")))
            })
            .and_then(|r| r.header("authorization").map(str::to_string))
    };
    let bearers = wait_for("the three subscriptions to poll", || {
        Some([bearer_of(101)?, bearer_of(102)?, bearer_of(103)?])
    });
    assert_eq!(
        bearers.map(|b| b.to_ascii_lowercase()),
        [
            format!("bearer {}", fake_wrike::TEST_TOKEN),
            "bearer token-of-one".to_string(),
            "bearer token-of-two".to_string()
        ]
    );
    serve.stop();

    let bad = format!("{config}{}", sub("bad", 104, "connection = \"missing\"\n"));
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let run = e2e_tests::CliRun::of(
        e2e_tests::cli(&fake)
            .envs(env)
            .args([
                "--config",
                dir.path().join("bad.toml").to_str().unwrap(),
                "serve",
            ])
            .args([
                "--state",
                state.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ]),
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("subscription `bad`"), "{}", run.stderr);
    assert!(run.stderr.contains("missing"), "{}", run.stderr);
}
