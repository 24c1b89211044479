//! Refreshing a stored OAuth2 connection: before expiry, once after a 401 (with the call
//! retried), single-flight across concurrent calls, rotated refresh tokens persisted, and a
//! revoked refresh token reported as "run connect again".

use super::connect_support::*;
use connector_host::credentials::{CredentialStore, OAuthTokenSource};
use connector_host::{ConnectionConfig, Connector, Limits};
use e2e_tests::{runtime, wrike_component, CliRun};
use fake_wrike::FakeWrike;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn search(fake: &FakeWrike, dir: &Path) -> CliRun {
    CliRun::of(host_cli(fake, dir).args(["call", "search_task", "--input", "{}"]))
}

fn access(dir: &Path) -> String {
    stored(dir, "default", "access_token")
        .as_str()
        .unwrap()
        .to_string()
}

fn refresh_token(dir: &Path) -> String {
    stored(dir, "default", "refresh_token")
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Tokens that live 30 s: within the 60 s margin from the start.
    fake.set_access_token_lifetime(Some(Duration::from_secs(30)));
    connect(&fake, dir.path(), &["--scopes", "wsReadOnly"]);
    let old = access(dir.path());
    let old_refresh = refresh_token(dir.path());
    fake.clear_requests();
    fake.set_access_token_lifetime(None);

    let run = search(&fake, dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(token_grants(&fake), ["refresh_token"]);
    let new = access(dir.path());
    assert_ne!(new, old);
    // The call went out once, with the new token only: no 401 was needed.
    assert_eq!(api_bearers(&fake), std::slice::from_ref(&new));
    // The refresh POST carried the stored client and refresh token in the form.
    let req = &fake.token_requests()[0];
    let form: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], old_refresh);
    assert_eq!(form["client_id"], fake.oauth_client().0);
    assert_eq!(form["client_secret"], fake.oauth_client().1);
    // The new expiry (one hour) is stored: the next call does not refresh.
    fake.clear_requests();
    let run = search(&fake, dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(token_grants(&fake).is_empty());
    assert_eq!(api_bearers(&fake), [new]);
}

#[test]
fn a_401_mid_call_refreshes_once_and_retries() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    connect(&fake, dir.path(), &[]);
    let old = access(dir.path());
    // The server stops accepting the token although the host thinks it has an hour left.
    fake.expire_token(&old);
    fake.clear_requests();

    let run = search(&fake, dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let new = access(dir.path());
    assert_ne!(new, old);
    assert_eq!(token_grants(&fake), ["refresh_token"]);
    assert_eq!(
        api_bearers(&fake),
        [old, new],
        "rejected once, retried once"
    );
}

#[test]
fn a_rotated_refresh_token_is_persisted() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    connect(&fake, dir.path(), &[]);
    let first = refresh_token(dir.path());

    // Two refreshes in two processes: each must find the refresh token the previous rotated.
    for round in 0..2 {
        fake.expire_token(&access(dir.path()));
        let before = refresh_token(dir.path());
        let run = search(&fake, dir.path());
        assert_eq!(run.code, 0, "round {round}: {}", run.stderr);
        let after = refresh_token(dir.path());
        assert_ne!(after, before, "round {round}: the rotated token was saved");
    }
    assert_ne!(refresh_token(dir.path()), first);
    assert_eq!(
        token_grants(&fake),
        ["authorization_code", "refresh_token", "refresh_token"]
    );

    // Without rotation the refresh token stays as it was.
    fake.set_rotate_refresh_tokens(false);
    let kept = refresh_token(dir.path());
    fake.expire_token(&access(dir.path()));
    let run = search(&fake, dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(refresh_token(dir.path()), kept);

    // The store stays private after the rewrites.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_revoked_refresh_token_says_to_connect_again() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    connect(&fake, dir.path(), &[]);
    let old = access(dir.path());
    fake.revoke_refresh_tokens();
    fake.expire_token(&old);

    let run = search(&fake, dir.path());
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "unauthorized");
    assert_eq!(e["code"], "invalid_grant");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("run `connector-host connect` again"),
        "{message}"
    );
    assert!(e["hint"]
        .as_str()
        .unwrap()
        .contains("connector-host connect"));
    for secret in [
        old.as_str(),
        &refresh_token(dir.path()),
        &fake.oauth_client().1,
    ] {
        assert!(!run.stderr.contains(secret), "no secret in the error");
    }
    // The stored connection is left as it was.
    assert_eq!(access(dir.path()), old);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    connect(&fake, dir.path(), &[]);
    let store = CredentialStore::at(dir.path());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();

    let run_eight = |source: OAuthTokenSource| {
        let connection = ConnectionConfig::new(&fake.base_url())
            .unwrap()
            .with_credentials(Arc::new(source));
        let connector = Arc::new(
            Connector::new(runtime(&wrike_component()), connection, Limits::default()).unwrap(),
        );
        rt.block_on(async {
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let c = connector.clone();
                    tokio::spawn(async move { c.execute("search_task", &json!({})).await })
                })
                .collect();
            for t in tasks {
                let out = t.await.unwrap().expect("each call succeeds");
                assert!(out["items"].is_array(), "{out}");
            }
        });
    };

    // 1. After a 401: eight calls rejected with the same token, one refresh.
    let source = OAuthTokenSource::load(store.clone(), "default").unwrap();
    let old = access(dir.path());
    fake.expire_token(&old);
    fake.clear_requests();
    run_eight(source);
    assert_eq!(
        token_grants(&fake),
        ["refresh_token"],
        "one refresh for eight calls"
    );
    let new = access(dir.path());
    let bearers = api_bearers(&fake);
    assert_eq!(
        bearers.iter().filter(|b| **b == new).count(),
        8,
        "{bearers:?}"
    );
    assert!(bearers.iter().all(|b| *b == new || *b == old));

    // 2. Before expiry: eight calls find the token expiring (a margin larger than its hour),
    //    one refresh; the refreshed token lives longer than the margin.
    fake.set_access_token_lifetime(Some(Duration::from_secs(3 * 3600)));
    let source = OAuthTokenSource::load(store.clone(), "default")
        .unwrap()
        .with_refresh_margin(Duration::from_secs(2 * 3600));
    fake.clear_requests();
    run_eight(source);
    assert_eq!(token_grants(&fake), ["refresh_token"]);
    let newest = access(dir.path());
    assert_ne!(newest, new);
    assert_eq!(api_bearers(&fake), vec![newest; 8], "no 401 at all");
}
