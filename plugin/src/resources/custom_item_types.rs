//! Custom item types (MODERN.md §4): `create_work` creates a work item from a custom item type
//! (`POST /custom_item_types/{id}/instantiate`) and reads the created task or project back in
//! full (`GET /tasks/{id}` or `GET /folders/{id}`, with `fields=["customItemTypeId"]`).
//!
//! Tolerated unknowns ([U]/[I] in MODERN.md): the answer's `relatedType` (`Task` → a task,
//! `Project` or `Folder` → a folder) may be missing or new, in which case the item is looked up
//! as a task first and as a folder when no such task exists; `title` is required by the
//! connector, as in Wrike's UI (the API's rule is [U]).

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use crate::common::*;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::W;
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;

/// The custom item type action.
pub const ACTIONS: &[Action] = &[Action {
    name: "create_work",
    title: "Create work from custom item type",
    description: "Create a task or project from a custom item type (POST /custom_item_types/{id}/instantiate) in a folder or project, or as a subtask, and return it read back in full (GET /tasks/{id} or /folders/{id}).",
    scopes: W,
    read_only: false,
    input_schema: Schema::of::<CreateWork>(),
    output_schema: Schema::of::<Work>(),
    run: create_work,
}];

crate::input! {
    /// Input of `create_work`.
    #[schemars(description = "")]
    #[schemars(extend("anyOf" = [{"required": ["parentId"]}, {"required": ["superTaskId"]}]), extend("dependentSchemas" = {"parentId": {"properties": {"superTaskId": false}}}))]
    pub struct CreateWork {
        /// The custom item type (the custom_item_types pick list)
        pub custom_item_type_id: WrikeId,
        /// Folder or project to create the item in (exactly one of parentId, superTaskId)
        pub parent_id: Forwarded<Option<WrikeId>>,
        /// Task-based types only: create the item as a subtask of this task
        pub super_task_id: Forwarded<Option<WrikeId>>,
        #[schemars(length(min = 1))]
        pub title: Forwarded<String>,
    }
}

/// The created item as GET /tasks/{id} (task-based types) or GET /folders/{id} (project-based types) answers, with customItemTypeId
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Work {
    // A task-based type's item.
    Task(crate::resources::tasks::Task),
    // A project-based type's item.
    Folder(crate::resources::folders::Folder),
}

fn read_back(client: &mut Client<'_>, segment: &str, id: &str) -> Result<Value> {
    let mut q = Params::new();
    q.value("fields", &Value::from(vec!["customItemTypeId"]));
    client.get(&path(&[segment, id]), &q)?.first()
}

fn create_work(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateWork = parse(input)?;
    let cit = typed.custom_item_type_id.as_str();
    let form = Params::from_input(input, &["customItemTypeId"]);
    let created = client
        .post(&path(&["custom_item_types", cit, "instantiate"]), form)?
        .first()?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty())
        .ok_or_else(|| Error::Upstream {
            status: 200,
            code: None,
            message: format!("unexpected answer from Wrike: the created item has no ID: {created}"),
        })?
        .to_string();
    match created.get("relatedType").and_then(Value::as_str) {
        Some("Task") => read_back(client, "tasks", &id),
        Some("Project" | "Folder") => read_back(client, "folders", &id),
        _ => match read_back(client, "tasks", &id) {
            Err(Error::NotFound(_)) => read_back(client, "folders", &id),
            other => other,
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, refusal, wrike_error, MockEnv, BASE};
    use serde_json::{json, Value};

    const TASK: &str = r#"{"kind":"tasks","data":[{"id":"T9","accountId":"A","title":"Bug: login","status":"Active","importance":"Normal","createdDate":"2024-01-15T11:00:00Z","updatedDate":"2024-01-15T11:00:00Z","dates":{"type":"Backlog"},"scope":"WsTask","customItemTypeId":"CIT1"}]}"#;
    const FOLDER: &str = r#"{"kind":"folders","data":[{"id":"F9","title":"Client X","scope":"WsFolder","project":{"status":"Green"},"customItemTypeId":"CIT2"}]}"#;

    fn run(env: &mut MockEnv, input: Value) -> Result<Value, Error> {
        execute(env, BASE, "create_work", &input.to_string())
            .map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn instantiates_and_reads_the_task_back() {
        let mut env = MockEnv::new(vec![
            ok(r#"{"kind":"customItemTypes","data":[{"id":"T9","relatedType":"Task"}]}"#),
            ok(TASK),
        ]);
        let out = run(
            &mut env,
            json!({"customItemTypeId": "CIT1", "title": "Bug: login", "parentId": "F1"}),
        )
        .unwrap();
        assert_eq!(out["id"], "T9");
        assert_eq!(out["customItemTypeId"], "CIT1");
        assert_eq!(env.requests[0].method, Method::Post);
        assert_eq!(env.path(0), "/api/v4/custom_item_types/CIT1/instantiate");
        assert_eq!(
            env.form(0),
            vec![
                ("parentId".to_string(), "F1".to_string()),
                ("title".to_string(), "Bug: login".to_string())
            ]
        );
        assert_eq!(env.path(1), "/api/v4/tasks/T9");
        assert_eq!(
            env.query_param(1, "fields").as_deref(),
            Some(r#"["customItemTypeId"]"#)
        );
    }

    #[test]
    fn projects_are_read_back_as_folders_and_unknown_types_are_looked_up() {
        let mut env = MockEnv::new(vec![
            ok(r#"{"kind":"customItemTypes","data":[{"id":"F9","relatedType":"Project"}]}"#),
            ok(FOLDER),
            ok(r#"{"kind":"customItemTypes","data":[{"id":"F9"}]}"#),
            wrike_error(404, "resource_not_found", "Task 'F9' not found"),
            ok(FOLDER),
        ]);
        let input = json!({"customItemTypeId": "CIT2", "title": "Client X", "parentId": "F1"});
        assert_eq!(run(&mut env, input.clone()).unwrap()["id"], "F9");
        assert_eq!(env.path(1), "/api/v4/folders/F9");
        assert_eq!(run(&mut env, input).unwrap()["id"], "F9");
        assert_eq!(env.path(3), "/api/v4/tasks/F9");
        assert_eq!(env.path(4), "/api/v4/folders/F9");
    }

    #[test]
    fn exactly_one_place_is_required() {
        let mut env = MockEnv::new(vec![]);
        for (input, field) in [
            (
                json!({"customItemTypeId": "C", "title": "x", "parentId": "F", "superTaskId": "T"}),
                "superTaskId",
            ),
            (json!({"customItemTypeId": "C", "title": "x"}), "parentId"),
            (json!({"customItemTypeId": "C", "parentId": "F"}), "title"),
            (json!({"title": "x", "parentId": "F"}), "customItemTypeId"),
        ] {
            // "" : the host refuses the input as a whole (a oneOf/not rule on the object).
            let got = refusal(&mut env, "create_work", input.clone());
            assert!(got == field || got.is_empty(), "{got} for {field}");
        }
        assert!(env.requests.is_empty());
    }
}
