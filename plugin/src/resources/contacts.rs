//! Contacts and users (API.md §11.7): `list_users`, `modify_user`, and the "who am I" call of
//! `test-connection`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use crate::common::*;
use crate::error::Result;
use crate::input::parse;
use crate::scopes::R;
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The contact and user actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "list_users",
        title: "List users",
        description: "List the account's users and groups (GET /contacts).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<ListUsers>(),
        output_schema: Schema::of::<List<Contact>>(),
        run: list_users,
    },
    Action {
        name: "modify_user",
        title: "Update user",
        description: "Change a user's role or external flag in an account (PUT /users/{userId}); admins only.",
        scopes: &["amReadWriteUser"],
        read_only: false,
        input_schema: Schema::of::<ModifyUser>(),
        output_schema: Schema::of::<User>(),
        run: modify_user,
    },
];

/// Optional fields of `list_users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ContactField {
    #[serde(rename = "metadata")]
    #[default]
    Metadata,
    #[serde(rename = "workScheduleId")]
    WorkScheduleId,
}

crate::input! {
    /// Input of `list_users`.
    #[schemars(description = "")]
    pub struct ListUsers {
        /// Deleted (true) or active (false) contacts only
        pub deleted: Forwarded<Option<bool>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<ContactField>>>,
        /// Only the requesting user
        pub me: Forwarded<Option<bool>>,
        pub metadata: Forwarded<Option<MetadataFilter>>,
    }
}

/// Values of `Profile.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ProfileRole {
    #[default]
    User,
    Collaborator,
}

/// `Profile` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Profile {
    pub account_id: WrikeId,
    pub external: Option<bool>,
    pub role: ProfileRole,
}

crate::input! {
    /// Input of `modify_user`.
    #[schemars(description = "")]
    pub struct ModifyUser {
        pub profile: Forwarded<Profile>,
        pub user_id: WrikeId,
    }
}

/// `ContactMetadataItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ContactMetadataItem {
    pub key: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `ContactProfilesItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ContactProfilesItem {
    pub account_id: Option<String>,
    pub active: Option<bool>,
    pub admin: Option<bool>,
    pub email: Option<String>,
    pub external: Option<bool>,
    pub owner: Option<bool>,
    pub role: Option<crate::resources::contacts::ProfileRole>,
}

/// Values of `Contact.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ContactType {
    #[default]
    Person,
    Group,
}

/// `Contact` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Contact {
    pub avatar_url: Option<String>,
    pub company_name: Option<String>,
    pub deleted: Option<bool>,
    pub first_name: String,
    pub id: String,
    pub last_name: String,
    pub locale: Option<String>,
    pub location: Option<String>,
    pub me: Option<bool>,
    pub member_ids: Option<Vec<String>>,
    pub metadata: Option<Vec<ContactMetadataItem>>,
    pub my_team: Option<bool>,
    pub phone: Option<String>,
    pub primary_email: Option<String>,
    pub profiles: Option<Vec<ContactProfilesItem>>,
    pub timezone: Option<String>,
    pub title: Option<String>,
    pub r#type: ContactType,
    pub work_schedule_id: Option<String>,
}

/// `UserMetadataItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct UserMetadataItem {
    pub key: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `UserProfilesItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct UserProfilesItem {
    pub account_id: Option<String>,
    pub active: Option<bool>,
    pub admin: Option<bool>,
    pub email: Option<String>,
    pub external: Option<bool>,
    pub owner: Option<bool>,
    pub role: Option<crate::resources::contacts::ProfileRole>,
}

/// `User` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct User {
    pub avatar_url: Option<String>,
    pub company_name: Option<String>,
    pub deleted: Option<bool>,
    pub first_name: String,
    pub id: String,
    pub last_name: String,
    pub locale: Option<String>,
    pub location: Option<String>,
    pub me: Option<bool>,
    pub member_ids: Option<Vec<String>>,
    pub metadata: Option<Vec<UserMetadataItem>>,
    pub my_team: Option<bool>,
    pub phone: Option<String>,
    pub primary_email: Option<String>,
    pub profiles: Option<Vec<UserProfilesItem>>,
    pub timezone: Option<String>,
    pub title: Option<String>,
    pub r#type: crate::resources::contacts::ContactType,
    pub work_schedule_id: Option<String>,
}

/// The requesting user: `GET /contacts?me=true` → `data[0]`.
pub fn me(client: &mut Client<'_>) -> Result<Value> {
    let mut q = Params::new();
    q.text("me", "true");
    client.get("/contacts", &q)?.first()
}

fn list_users(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<ListUsers>(input)?;
    let mut q = Params::from_input(input, &["me"]);
    // `me` is a presence flag: any value selects only the requesting user, so send it only
    // when true.
    if input.get("me").and_then(Value::as_bool) == Some(true) {
        q.text("me", "true");
    }
    Ok(client.get("/contacts", &q)?.into_list())
}

fn modify_user(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: ModifyUser = parse(input)?;
    let id = typed.user_id.as_str();
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
