//! The credential store through the CLI: permanent tokens, named connections, `connections
//! list/remove`, file permissions and a corrupt store.

use super::connect_support::*;
use e2e_tests::CliRun;
use fake_wrike::FakeWrike;
use std::fs;

#[test]
fn a_permanent_token_is_stored_and_used_at_its_host() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fake.add_token("perm-token-1", &["Default", "wsReadOnly"]);
    let host = fake.origin().trim_start_matches("http://").to_string();
    let run = connect_token(
        &fake,
        dir.path(),
        "default",
        "  perm-token-1\n",
        &["--api-host", &host],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["kind"], "token");
    assert_eq!(summary["api_base_url"], fake.base_url());
    assert!(!run.stdout.contains("perm-token-1"));
    assert_eq!(
        stored(dir.path(), "default", "access_token"),
        "perm-token-1"
    );

    let run = CliRun::of(host_cli(&fake, dir.path()).args(["test"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(api_bearers(&fake), ["perm-token-1"]);

    // A rejected permanent token is not refreshed: unauthorized, exit 3.
    fake.revoke_token("perm-token-1");
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["test"]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(fake.token_requests().is_empty());

    // Empty stdin, a bad host, OAuth flags: invalid input, nothing stored.
    let run = connect_token(&fake, dir.path(), "other", " \n", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "token");
    let run = connect_token(
        &fake,
        dir.path(),
        "other",
        "t",
        &["--api-host", "https://x/y"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "api_host");
    let run = connect_token(&fake, dir.path(), "other", "t", &["--scopes", "wsReadOnly"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(store_json(dir.path())["connections"].get("other").is_none());
}

#[test]
fn named_connections_list_and_remove() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = connect(&fake, dir.path(), &["--scopes", "wsReadOnly"]);
    let (run, _) = connect(&fake, dir.path(), &["--for-actions", "create_task"]);
    assert_eq!(
        run.json()["name"],
        "default",
        "reconnecting replaces `default`"
    );
    let mut cmd = connect_cmd(&fake, dir.path(), &[]);
    cmd.args(["--connection", "eu-2.prod"]);
    let pending = PendingConnect::start(&mut cmd);
    let (email, password) = fake.login();
    let location = log_in(&fake, &pending.url, &email, &password);
    assert_eq!(follow(&location), 200);
    let run = pending.finish();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["name"], "eu-2.prod");
    fake.add_token("perm-2", &["Default"]);
    assert_eq!(
        connect_token(&fake, dir.path(), "perm", "perm-2", &[]).code,
        0
    );

    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connections", "list"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = run.json();
    let items = list["connections"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "eu-2.prod", "perm"]);
    assert_eq!(items[0]["kind"], "oauth2");
    assert_eq!(
        items[0]["scopes"],
        serde_json::json!(["wsReadWrite", "Default"])
    );
    assert_eq!(
        items[0]["api_host"],
        fake.origin().trim_start_matches("http://")
    );
    assert!(items[0]["expires_at"].is_string());
    assert_eq!(items[2]["kind"], "token");
    assert!(items[2]["expires_at"].is_null());
    // Never a secret.
    let store = store_json(dir.path());
    for (_, c) in store["connections"].as_object().unwrap() {
        for field in ["access_token", "refresh_token"] {
            if let Some(s) = c[field].as_str() {
                assert!(!run.stdout.contains(s), "{field} leaked");
            }
        }
    }
    assert!(!run.stdout.contains(&fake.oauth_client().1));

    // Use a named one.
    fake.clear_requests();
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["--connection", "eu-2.prod", "test"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let eu_token = stored(dir.path(), "eu-2.prod", "access_token");
    assert_eq!(api_bearers(&fake), [eu_token.as_str().unwrap().to_string()]);

    // Remove.
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connections", "remove", "eu-2.prod"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connections", "remove", "eu-2.prod"]));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "not_found");
    // An unknown name asked for explicitly: not found; a bad name: invalid input.
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["--connection", "eu-2.prod", "test"]));
    assert_eq!(run.code, 4, "{}", run.stderr);
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["--connection", "../etc", "test"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "connection");
    let long = "x".repeat(65);
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connections", "remove", &long]));
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn no_stored_default_means_no_credential() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["test"]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "unauthorized");
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connections", "list"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["connections"], serde_json::json!([]));
    assert!(!store_path(dir.path()).exists(), "listing creates nothing");
}

#[cfg(unix)]
#[test]
fn the_store_is_private_and_a_readable_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeWrike::start().unwrap();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("config");
    assert_eq!(
        connect_token(&fake, &dir, "default", fake_wrike::TEST_TOKEN, &[]).code,
        0
    );
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store_path(&dir)), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    fs::set_permissions(store_path(&dir), fs::Permissions::from_mode(0o644)).unwrap();
    let before = fs::read(store_path(&dir)).unwrap();
    for args in [&["test"][..], &["connections", "list"][..]] {
        let run = CliRun::of(
            host_cli(&fake, &dir)
                .env("CONNECTOR_BASE_URL", fake.base_url())
                .args(args),
        );
        assert_eq!(run.code, 3, "{args:?}: {}", run.stderr);
        let e = run.error();
        assert_eq!(e["kind"], "forbidden");
        assert!(e["message"].as_str().unwrap().contains("0644"), "{e}");
        assert!(e["hint"].as_str().unwrap().contains("chmod 600"), "{e}");
    }
    // Storing is refused too; the file is untouched.
    assert_eq!(connect_token(&fake, &dir, "x", "t", &[]).code, 3);
    assert_eq!(fs::read(store_path(&dir)).unwrap(), before);
    assert!(fake.requests().is_empty());
}

#[test]
fn a_corrupt_store_is_a_clear_error_and_left_untouched() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        connect_token(&fake, dir.path(), "default", "tok", &[]).code,
        0
    );
    let path = store_path(dir.path());
    let garbage = b"{\"version\": 1, \"connections\": {\"default\": {\"kind\": \"oauth2\",";
    fs::write(&path, garbage).unwrap();
    for args in [
        &["test"][..],
        &["connections", "list"][..],
        &["connections", "remove", "default"][..],
    ] {
        let run = CliRun::of(host_cli(&fake, dir.path()).args(args));
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let e = run.error();
        assert_eq!(e["kind"], "invalid_input");
        assert_eq!(e["field"], "credential_store");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("corrupt") && message.contains("connections.json"),
            "{message}"
        );
        assert!(e["hint"].as_str().unwrap().contains("left as it is"));
    }
    assert_eq!(connect_token(&fake, dir.path(), "other", "t", &[]).code, 2);
    assert_eq!(fs::read(&path).unwrap(), garbage, "the file is untouched");
    assert!(fake.requests().is_empty());
}
