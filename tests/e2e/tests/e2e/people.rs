//! People through the host against the fake Wrike: `list_users` with its filters, and
//! `modify_user`, which needs the admin scope `amReadWriteUser`.

use connector_host::{Connector, ErrorKind, HostError, Limits};
use e2e_tests::{cli, wrike, wrike_with, CliRun};
use fake_wrike::FakeWrike;
use serde_json::{json, Value};

async fn ok(c: &Connector, action: &str, input: Value) -> Value {
    c.execute(action, &input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"))
}

async fn err(c: &Connector, action: &str, input: Value) -> HostError {
    match c.execute(action, &input).await {
        Ok(v) => panic!("{action} should fail, returned {v}"),
        Err(e) => e,
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

fn contact(fake: &FakeWrike, id: &str) -> Value {
    fake.call_direct("GET", &format!("/contacts/{id}"), json!({}))
        .unwrap()
        .remove(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn list_users_filters_deleted_people_and_metadata() {
    let fake = FakeWrike::start().unwrap();
    let c = wrike(&fake);
    let others = fake.other_user_ids();
    let dan = others.last().unwrap().clone();

    let all = ok(&c, "list_users", json!({})).await;
    let all_ids = ids(&all);
    assert!(
        all_ids.contains(&fake.group_id()),
        "groups are contacts too"
    );
    assert!(all_ids.contains(&dan));
    let jane = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == others[0])
        .unwrap();
    assert_eq!(jane["firstName"], "Jane");
    assert_eq!(jane["profiles"][0]["email"], "jane.smith@example.com");

    let deleted = ok(&c, "list_users", json!({"deleted": true})).await;
    assert_eq!(ids(&deleted), vec![dan.clone()]);
    let active = ok(&c, "list_users", json!({"deleted": false})).await;
    assert!(!ids(&active).contains(&dan));
    assert!(ids(&active).contains(&others[0]));

    fake.call_direct(
        "PUT",
        &format!("/contacts/{}", fake.me_id()),
        json!({"metadata": [{"key": "team", "value": "ops"}]}),
    )
    .unwrap();
    let tagged = ok(
        &c,
        "list_users",
        json!({"metadata": {"key": "team", "value": "ops"}, "fields": ["metadata"]}),
    )
    .await;
    assert_eq!(ids(&tagged), vec![fake.me_id()]);
    assert_eq!(
        tagged["items"][0]["metadata"],
        json!([{"key": "team", "value": "ops"}])
    );

    // A token holding only a user-admin scope cannot read workspace contacts.
    fake.add_token("users-only", &["amReadOnlyUser"]);
    let e = err(
        &wrike_with(&fake, "users-only", Limits::default()),
        "list_users",
        json!({}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    let e = err(&c, "list_users", json!({"me": "yes"})).await;
    assert_eq!(e.field.as_deref(), Some("me"));
}

#[tokio::test(flavor = "multi_thread")]
async fn modify_user_changes_the_role_with_the_admin_scope_only() {
    let fake = FakeWrike::start().unwrap();
    let jack = fake.other_user_ids()[1].clone();
    let account = fake.account_id();

    let out = ok(
        &wrike(&fake),
        "modify_user",
        json!({"userId": jack, "profile": {"accountId": account, "role": "Collaborator", "external": true}}),
    )
    .await;
    assert_eq!(out["id"], jack.as_str());
    let stored = contact(&fake, &jack);
    assert_eq!(stored["profiles"][0]["role"], "Collaborator");
    assert_eq!(stored["profiles"][0]["external"], true);
    let put = fake.requests().last().unwrap().clone();
    assert_eq!(put.method, "PUT");
    assert_eq!(put.path, format!("/api/v4/users/{jack}"));

    // wsReadWrite is not enough: Wrike answers 403.
    fake.add_token("rw", &["Default", "wsReadWrite"]);
    let e = err(
        &wrike_with(&fake, "rw", Limits::default()),
        "modify_user",
        json!({"userId": jack, "profile": {"accountId": account, "role": "User"}}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    assert_eq!(contact(&fake, &jack)["profiles"][0]["role"], "Collaborator");

    // With the granted scopes known, the host refuses before sending and names the scope.
    fake.clear_requests();
    let run = CliRun::of(
        cli(&fake)
            .env("CONNECTOR_TOKEN", "rw")
            .env("CONNECTOR_GRANTED_SCOPES", "Default,wsReadWrite")
            .args([
                "call",
                "modify_user",
                "--input",
                &json!({"userId": jack, "profile": {"accountId": account, "role": "User"}})
                    .to_string(),
            ]),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.error()["message"]
        .as_str()
        .unwrap()
        .contains("amReadWriteUser"));
    assert!(fake.requests().is_empty());

    let e = err(
        &wrike(&fake),
        "modify_user",
        json!({"userId": jack, "profile": {"role": "User"}}),
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("profile.accountId"));
    let e = err(
        &wrike(&fake),
        "modify_user",
        json!({"userId": fake.group_id(), "profile": {"accountId": account, "role": "User"}}),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::NotFound, "a group is not a user: {e}");
}
