//! Contacts and users (API.md §11.7): `list_users`, `modify_user`, and the "who am I" call of
//! `test-connection`.

use serde_json::{Map, Value};

use super::req_str;
use crate::catalog::{Action, R};
use crate::error::Result;
use crate::wrike::{path, Client, Params};

/// Members of a Wrike contact object schema (API.md §12).
#[macro_export]
#[doc(hidden)]
macro_rules! s_contact_body {
    () => {
        r#""type":"object","required":["id","firstName","lastName","type"],"properties":{"id":{"type":"string"},"firstName":{"type":"string"},"lastName":{"type":"string"},"type":{"type":"string","enum":["Person","Group"]},"profiles":{"type":"array","items":{"type":"object","properties":{"accountId":{"type":"string"},"email":{"type":"string"},"role":{"type":"string","enum":["User","Collaborator"]},"external":{"type":"boolean"},"admin":{"type":"boolean"},"owner":{"type":"boolean"},"active":{"type":"boolean"}}}},"avatarUrl":{"type":"string"},"timezone":{"type":"string"},"locale":{"type":"string"},"deleted":{"type":"boolean"},"me":{"type":"boolean"},"memberIds":{"type":"array","items":{"type":"string"}},"metadata":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"value":{"type":["string","null"]}}}},"myTeam":{"type":"boolean"},"title":{"type":"string"},"companyName":{"type":"string"},"phone":{"type":"string"},"location":{"type":"string"},"workScheduleId":{"type":"string"},"primaryEmail":{"type":"string"}}"#
    };
}

/// A Wrike contact object schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_contact {
    () => {
        concat!("{", $crate::s_contact_body!(), "}")
    };
}

const LIST_INPUT: &str = crate::s_input!(
    [""],
    r#""me":{"type":"boolean","description":"Only the requesting user"},"deleted":{"type":"boolean","description":"Deleted (true) or active (false) contacts only"},"metadata":"#,
    crate::s_metadata_filter!(),
    r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["metadata","workScheduleId"]}}"#
);

const MODIFY_INPUT: &str = crate::s_input!(
    [r#""userId","profile""#],
    r#""userId":"#,
    crate::s_id!(),
    r#","profile":{"type":"object","additionalProperties":false,"required":["accountId","role"],"properties":{"accountId":"#,
    crate::s_id!(),
    r#","role":{"type":"string","enum":["User","Collaborator"]},"external":{"type":"boolean"}}}"#
);

/// The contact and user actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "list_users",
        title: "List users",
        description: "List the account's users and groups (GET /contacts).",
        scopes: R,
        input_schema: LIST_INPUT,
        output_schema: crate::s_list!(crate::s_contact!()),
        run: list_users,
    },
    Action {
        name: "modify_user",
        title: "Update user",
        description: "Change a user's role or external flag in an account (PUT /users/{userId}); admins only.",
        scopes: &["amReadWriteUser"],
        input_schema: MODIFY_INPUT,
        output_schema: crate::s_output!(crate::s_contact_body!()),
        run: modify_user,
    },
];

/// The requesting user: `GET /contacts?me=true` → `data[0]`.
pub fn me(client: &mut Client<'_>) -> Result<Value> {
    let mut q = Params::new();
    q.text("me", "true");
    client.get("/contacts", &q)?.first()
}

fn list_users(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let mut q = Params::from_input(input, &["me"]);
    // `me` is a presence flag: any value selects only the requesting user, so send it only
    // when true.
    if input.get("me").and_then(Value::as_bool) == Some(true) {
        q.text("me", "true");
    }
    Ok(client.get("/contacts", &q)?.into_list())
}

fn modify_user(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "userId")?;
    client
        .put(
            &path(&["users", id]),
            Params::from_input(input, &["userId"]),
        )?
        .first()
}

#[cfg(test)]
mod tests {
    use crate::catalog::{execute, test_connection};
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, status, wrike_error, MockEnv, BASE};
    use serde_json::json;

    const ME: &str = r#"{"kind":"contacts","data":[{"id":"KUAAAAAQ","firstName":"A","lastName":"S","type":"Person","me":true,"profiles":[{"accountId":"IEAAAAAQ","email":"user@example.com","role":"User","external":false,"admin":false,"owner":true}]}]}"#;

    #[test]
    fn test_connection_returns_the_user() {
        let mut env = MockEnv::new(vec![ok(ME)]);
        let out: serde_json::Value =
            serde_json::from_str(&test_connection(&mut env, BASE).unwrap()).unwrap();
        assert_eq!(out["id"], "KUAAAAAQ");
        assert_eq!(env.requests[0].path_with_query, "/api/v4/contacts?me=true");
    }

    #[test]
    fn test_connection_errors() {
        let mut env = MockEnv::new(vec![wrike_error(
            401,
            "not_authorized",
            "Access token is unknown or invalid",
        )]);
        assert_eq!(
            test_connection(&mut env, BASE),
            Err(Error::Unauthorized(
                "Access token is unknown or invalid".into()
            ))
        );
        let mut env = MockEnv::new(vec![ok(r#"{"kind":"contacts","data":[]}"#)]);
        assert!(matches!(
            test_connection(&mut env, BASE),
            Err(Error::Upstream { .. })
        ));
        let mut env = MockEnv::new(vec![status(502, "<html>bad gateway</html>")]);
        assert!(matches!(
            test_connection(&mut env, BASE),
            Err(Error::Upstream { status: 502, .. })
        ));
        let mut env = MockEnv::new(vec![]);
        assert!(matches!(
            test_connection(&mut env, BASE),
            Err(Error::Transport(_))
        ));
        assert!(matches!(
            test_connection(&mut env, "not a url"),
            Err(Error::InvalidInput { .. })
        ));
    }

    #[test]
    fn lists_users() {
        let mut env = MockEnv::new(vec![ok(ME), ok(ME)]);
        let out: serde_json::Value = serde_json::from_str(
            &execute(
                &mut env,
                BASE,
                "list_users",
                r#"{"deleted":false,"fields":["metadata"],"me":false}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(out["items"][0]["id"], "KUAAAAAQ");
        assert_eq!(
            env.query(0),
            vec![
                ("deleted".into(), "false".into()),
                ("fields".into(), r#"["metadata"]"#.into())
            ]
        );
        execute(&mut env, BASE, "list_users", "").unwrap();
        assert_eq!(env.requests[1].path_with_query, "/api/v4/contacts");
    }

    #[test]
    fn modifies_users() {
        let mut env = MockEnv::new(vec![ok(ME)]);
        execute(&mut env, BASE, "modify_user", &json!({"userId": "KUAAAAAQ", "profile": {"accountId": "IEAAAAAQ", "role": "Collaborator"}}).to_string()).unwrap();
        assert_eq!(env.requests[0].method, Method::Put);
        assert_eq!(env.path(0), "/api/v4/users/KUAAAAAQ");
        assert_eq!(
            env.form_param(0, "profile").as_deref(),
            Some(r#"{"accountId":"IEAAAAAQ","role":"Collaborator"}"#)
        );
    }
}
