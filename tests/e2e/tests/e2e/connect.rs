//! `connector-host connect`: the OAuth2 authorization-code flow against the fake Wrike — login
//! form submitted by an HTTP client, loopback redirect, code exchange, stored connection used by
//! `call` — and scope selection, wrong state, denial and timeout.

use super::connect_support::*;
use e2e_tests::CliRun;
use fake_wrike::FakeWrike;

#[test]
fn full_flow_then_call_uses_the_stored_connection_and_host() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (run, query) = connect(&fake, dir.path(), &["--scopes", "wsReadWrite"]);

    // The authorization URL is the component's, with the origin replaced by the fake's.
    assert_eq!(query["client_id"], fake.oauth_client().0);
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "wsReadWrite,Default");
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(query["redirect_uri"].ends_with("/callback"));
    assert!(query["state"].len() >= 16, "a random state: {query:?}");

    // The summary printed on stdout, never a secret.
    let summary = run.json();
    let host = fake.origin().trim_start_matches("http://").to_string();
    assert_eq!(summary["name"], "default");
    assert_eq!(summary["kind"], "oauth2");
    assert_eq!(summary["api_host"], host.as_str());
    assert_eq!(summary["api_base_url"], fake.base_url());
    assert_eq!(
        summary["scopes"],
        serde_json::json!(["wsReadWrite", "Default"])
    );
    assert!(summary["expires_at"].as_str().unwrap().ends_with('Z'));

    // One code exchange, with the code the fake issued and the same redirect URI.
    let grants = token_grants(&fake);
    assert_eq!(grants, ["authorization_code"]);

    // The store holds the tokens, the client and the host.
    let access = stored(dir.path(), "default", "access_token");
    let access = access.as_str().unwrap().to_string();
    assert!(stored(dir.path(), "default", "refresh_token").is_string());
    assert_eq!(stored(dir.path(), "default", "api_host"), host.as_str());
    let client = stored(dir.path(), "default", "oauth_client");
    assert_eq!(client["client_id"], fake.oauth_client().0);
    assert_eq!(client["token_url"], fake.token_url());
    for secret in [&access, &fake.oauth_client().1] {
        assert!(!run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()));
    }

    // `call` with no CONNECTOR_TOKEN and no --base-url: the stored token, at the stored host.
    fake.clear_requests();
    let folder = fake.folder_ids()[0].0.clone();
    let run = CliRun::of(host_cli(&fake, dir.path()).args([
        "call",
        "create_task",
        "--input",
        &serde_json::json!({"folderId": folder, "title": "Made over OAuth"}).to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["title"], "Made over OAuth");
    assert_eq!(api_bearers(&fake), std::slice::from_ref(&access));
    assert!(token_grants(&fake).is_empty(), "no refresh needed");

    // The connection's scopes are enforced by the host: modify_user needs amReadWriteUser.
    fake.clear_requests();
    let run = CliRun::of(host_cli(&fake, dir.path()).args([
        "call",
        "modify_user",
        "--input",
        &serde_json::json!({"userId": fake.me_id(), "profile": {"role": "User"}}).to_string(),
    ]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.error()["kind"], "forbidden");
    assert!(fake.requests().is_empty(), "refused before any request");

    // CONNECTOR_TOKEN still wins over the stored connection.
    fake.clear_requests();
    let run = CliRun::of(
        host_cli(&fake, dir.path())
            .env("CONNECTOR_TOKEN", fake_wrike::TEST_TOKEN)
            .env("CONNECTOR_BASE_URL", fake.base_url())
            .args(["test"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(api_bearers(&fake), [fake_wrike::TEST_TOKEN.to_string()]);
}

#[test]
fn for_actions_requests_the_fewest_scopes() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Completed flow: the scope reaches the fake's authorize endpoint and the token carries it.
    let (run, _) = connect(
        &fake,
        dir.path(),
        &["--for-actions", "create_task,search_task"],
    );
    let authorize = fake.authorize_requests();
    let sent = url_query(&format!(
        "?{}",
        authorize[0].query.clone().unwrap_or_default()
    ));
    assert_eq!(sent["scope"], "wsReadWrite,Default");
    assert_eq!(
        run.json()["scopes"],
        serde_json::json!(["wsReadWrite", "Default"])
    );

    // Other choices: check the printed URL, then give up on the flow.
    let cases: [(&[&str], &str); 5] = [
        (&["--for-actions", "search_task"], "wsReadOnly,Default"),
        (
            &["--for-actions", "modify_user,list_users"],
            "wsReadOnly,amReadWriteUser,Default",
        ),
        (
            &["--scopes", "amReadOnlyUser,wsReadOnly"],
            "wsReadOnly,amReadOnlyUser,Default",
        ),
        (&[], "Default"),
        (&["--scopes", "Default"], "Default"),
    ];
    for (args, expected) in cases {
        let pending = PendingConnect::start(&mut connect_cmd(&fake, dir.path(), args));
        assert_eq!(pending.query()["scope"], expected, "{args:?}");
        pending.abandon();
    }
    let pending = PendingConnect::start(&mut connect_cmd(&fake, dir.path(), &["--all-scopes"]));
    let all = pending.query()["scope"].clone();
    pending.abandon();
    let all: Vec<&str> = all.split(',').collect();
    assert!(all.len() >= 10 && all.last() == Some(&"Default"), "{all:?}");
    assert!(all.contains(&"wsReadWrite") && all.contains(&"amReadOnlyAuditLog"));
}

#[test]
fn unknown_scopes_and_actions_are_named() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = CliRun::of(&mut connect_cmd(
        &fake,
        dir.path(),
        &["--scopes", "wsReadWrite,wsEverything"],
    ));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(e["field"], "scopes");
    assert!(e["message"].as_str().unwrap().contains("`wsEverything`"));

    let run = CliRun::of(&mut connect_cmd(
        &fake,
        dir.path(),
        &["--for-actions", "create_task,make_coffee"],
    ));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["field"], "for_actions");
    assert!(e["message"].as_str().unwrap().contains("`make_coffee`"));

    let run = CliRun::of(&mut connect_cmd(
        &fake,
        dir.path(),
        &["--scopes", "wsReadOnly", "--all-scopes"],
    ));
    assert_eq!(run.code, 2, "{}", run.stderr);

    // No client id; no client secret (and no terminal to prompt on).
    let run = CliRun::of(host_cli(&fake, dir.path()).args(["connect", "--no-browser"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "client_id");
    let run = CliRun::of(connect_cmd(&fake, dir.path(), &[]).env_remove("CONNECTOR_CLIENT_SECRET"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "client_secret");
    assert!(run.stderr.contains("CONNECTOR_CLIENT_SECRET"));

    assert!(fake.requests().is_empty(), "nothing reached the fake");
    assert!(!store_path(dir.path()).exists(), "nothing was stored");
}

#[test]
fn a_wrong_state_is_rejected_without_a_token_exchange() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pending = PendingConnect::start(&mut connect_cmd(&fake, dir.path(), &[]));
    let (email, password) = fake.login();
    let location = log_in(&fake, &pending.url, &email, &password);
    let state = url_query(&location)["state"].clone();
    let forged = location.replace(&format!("state={state}"), "state=forged-state");
    assert_ne!(forged, location);
    assert_eq!(follow(&forged), 400);
    let run = pending.finish();
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = last_error(&run);
    assert_eq!(e["kind"], "unauthorized");
    assert!(
        e["message"].as_str().unwrap().contains("wrong `state`"),
        "{e}"
    );
    assert!(
        fake.token_requests().is_empty(),
        "the code was not exchanged"
    );
    assert!(!store_path(dir.path()).exists());
}

#[test]
fn wrong_password_shows_the_form_again() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pending = PendingConnect::start(&mut connect_cmd(&fake, dir.path(), &[]));
    let http = browser();
    let html = http.get(&pending.url).send().unwrap().text().unwrap();
    let mut form = hidden_fields(&html);
    form.push(("email".into(), fake.login().0));
    form.push(("password".into(), "not-the-password".into()));
    let resp = http.post(fake.authorize_url()).form(&form).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().unwrap().contains("Incorrect email or password"));
    // The user tries again, correctly.
    let (email, password) = fake.login();
    let location = log_in(&fake, &pending.url, &email, &password);
    assert_eq!(follow(&location), 200);
    let run = pending.finish();
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn denied_authorization_and_timeout_are_clear_errors() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fake.deny_next_authorization();
    let pending = PendingConnect::start(&mut connect_cmd(&fake, dir.path(), &[]));
    let (email, password) = fake.login();
    let location = log_in(&fake, &pending.url, &email, &password);
    assert!(location.contains("error=access_denied"));
    assert_eq!(follow(&location), 400);
    let run = pending.finish();
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = last_error(&run);
    assert!(
        e["message"].as_str().unwrap().contains("access_denied"),
        "{e}"
    );

    let pending = PendingConnect::start(&mut connect_cmd(
        &fake,
        dir.path(),
        &["--timeout-secs", "1"],
    ));
    let run = pending.finish();
    assert_eq!(run.code, 3, "{}", run.stderr);
    let e = last_error(&run);
    assert!(e["message"].as_str().unwrap().contains("within 1 s"), "{e}");
    assert!(fake.token_requests().is_empty());
    assert!(!store_path(dir.path()).exists());
}

#[test]
fn a_fixed_redirect_port_is_used() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Find a free port, then ask for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, query) = connect(&fake, dir.path(), &["--redirect-port", &port.to_string()]);
    assert_eq!(
        query["redirect_uri"],
        format!("http://127.0.0.1:{port}/callback")
    );
    // A port in use is a clear error.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port().to_string();
    let run = CliRun::of(&mut connect_cmd(
        &fake,
        dir.path(),
        &["--redirect-port", &busy_port],
    ));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "redirect_port");
}
