//! `new_or_updated_folder` and `new_or_updated_project`: poll `GET /folders` (or a folder's or
//! space's subtree) with `updatedDate={"start": …}`; the list is not paged, so items are sorted
//! by `updatedDate` client-side (WORKATO.md §3).

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{poll_unpaged, since_filter};
use crate::error::Result;
use crate::input::parse;
use crate::resources::at_most_one;
use crate::resources::folders::{default_fields, folders_path};
use crate::scopes::R;
use crate::table::{PollResult, Trigger};
use crate::wrike::{Client, Params};

/// The folder and project triggers.
pub const TRIGGERS: &[Trigger] = &[
    Trigger {
        name: "new_or_updated_folder",
        title: "New or updated folder",
        description: "Emits each folder (and, unless project is false, project) when it is created or updated (key \"{id}@{updatedDate}\"), oldest first; optionally within a folder's or space's subtree.",
        scopes: R,
        input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedFolder>(),
        event_schema: Schema::of::<crate::resources::folders::Folder>(),
        poll: poll_folders,
    },
    Trigger {
        name: "new_or_updated_project",
        title: "New or updated project",
        description: "Emits each project when it is created or updated (key \"{id}@{updatedDate}\"), oldest first; optionally within a folder's or space's subtree.",
        scopes: R,
        input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedProject>(),
        event_schema: Schema::of::<crate::resources::folders::Folder>(),
        poll: poll_projects,
    },
];

fn poll_with(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
    project: Option<bool>,
) -> Result<PollResult> {
    at_most_one(input, &["folderId", "spaceId"])?;
    poll_unpaged(client, input, cursor, |client, start| {
        let mut q = Params::new();
        q.value("updatedDate", &since_filter(start));
        if let Some(p) = project {
            q.value("project", &Value::Bool(p));
        }
        q.value("fields", &default_fields());
        Ok(client.get(&folders_path(input), &q)?.data)
    })
}

fn poll_folders(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
) -> Result<PollResult> {
    parse::<crate::triggers::types::NewOrUpdatedFolder>(input)?;
    let project = input.get("project").and_then(Value::as_bool);
    poll_with(client, input, cursor, project)
}

fn poll_projects(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
) -> Result<PollResult> {
    parse::<crate::triggers::types::NewOrUpdatedProject>(input)?;
    poll_with(client, input, cursor, Some(true))
}

#[cfg(test)]
mod tests {
    use crate::catalog::poll;
    use crate::error::Error;
    use crate::testing::{ok, MockEnv, BASE};
    use serde_json::{json, Value};

    fn list(items: Value) -> crate::env::HttpResponse {
        ok(&json!({"kind": "folders", "data": items}).to_string())
    }

    #[test]
    fn folders_are_sorted_client_side_and_deduplicated() {
        let mut env = MockEnv::new(vec![
            list(json!([
                {"id": "B", "title": "B", "updatedDate": "2024-01-15T11:50:00Z"},
                {"id": "A", "title": "A", "updatedDate": "2024-01-15T11:20:00Z"}
            ])),
            list(json!([
                {"id": "B", "title": "B", "updatedDate": "2024-01-15T11:50:00Z"},
                {"id": "C", "title": "C", "updatedDate": "2024-01-15T11:50:00Z"}
            ])),
        ]);
        let r1 = poll(&mut env, BASE, "new_or_updated_folder", "{}", None).unwrap();
        let keys: Vec<&str> = r1.events.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A@2024-01-15T11:20:00Z", "B@2024-01-15T11:50:00Z"]);
        assert!(!r1.more);
        assert_eq!(env.path(0), "/api/v4/folders");
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:00:00Z"}"#)
        );
        assert!(env
            .query_param(0, "fields")
            .unwrap()
            .contains("customFields"));
        assert_eq!(env.query_param(0, "project"), None);
        let r2 = poll(
            &mut env,
            BASE,
            "new_or_updated_folder",
            "{}",
            Some(&r1.cursor),
        )
        .unwrap();
        let keys: Vec<&str> = r2.events.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["C@2024-01-15T11:50:00Z"]);
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:50:00Z"}"#)
        );
    }

    #[test]
    fn projects_and_scopes() {
        let mut env = MockEnv::new(vec![list(json!([])), list(json!([]))]);
        poll(
            &mut env,
            BASE,
            "new_or_updated_project",
            r#"{"spaceId":"S","since":"2024-01-01T00:00:00Z"}"#,
            None,
        )
        .unwrap();
        assert_eq!(env.path(0), "/api/v4/spaces/S/folders");
        assert_eq!(env.query_param(0, "project").as_deref(), Some("true"));
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-01T00:00:00Z"}"#)
        );
        poll(
            &mut env,
            BASE,
            "new_or_updated_folder",
            r#"{"folderId":"F","project":false}"#,
            None,
        )
        .unwrap();
        assert_eq!(env.path(1), "/api/v4/folders/F/folders");
        assert_eq!(env.query_param(1, "project").as_deref(), Some("false"));
        match poll(
            &mut env,
            BASE,
            "new_or_updated_project",
            r#"{"folderId":"F","spaceId":"S"}"#,
            None,
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "spaceId"),
            other => panic!("{other:?}"),
        }
        match poll(
            &mut env,
            BASE,
            "new_or_updated_folder",
            "{}",
            Some(r#"{"v":1}"#),
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "cursor"),
            other => panic!("{other:?}"),
        }
    }
}
