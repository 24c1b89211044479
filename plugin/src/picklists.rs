//! Pick lists: choices for form fields, fetched live from Wrike.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use crate::common::*;
use crate::error::Result;
use crate::input::parse;
use crate::table::{PickList, PickOption};
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// Most pages a paged pick list follows.
const MAX_PAGES: usize = 20;

/// All pick lists.
pub const PICK_LISTS: &[PickList] = &[
    PickList {
        name: "folders",
        description: "Folders and projects (GET /folders), including Root (the account's root folder, usable as folderId to create at the top level); Recycle Bin entries left out.",
        params_schema: Schema::of::<Folders>(),
        fetch: folders,
    },
    PickList {
        name: "users",
        description: "Active people of the account (GET /contacts, type Person), labelled with name and e-mail.",
        params_schema: Schema::of::<Users>(),
        fetch: users,
    },
    PickList {
        name: "workflows",
        description: "Visible workflows (GET /workflows).",
        params_schema: Schema::of::<Workflows>(),
        fetch: workflows,
    },
    PickList {
        name: "custom_statuses",
        description: "Visible custom statuses of visible workflows (GET /workflows), labelled \"Workflow|Status\".",
        params_schema: Schema::of::<CustomStatuses>(),
        fetch: custom_statuses,
    },
    PickList {
        name: "custom_fields",
        description: "Custom fields (GET /customfields), labelled \"Title (Type)\".",
        params_schema: Schema::of::<CustomFields>(),
        fetch: custom_fields,
    },
    PickList {
        name: "spaces",
        description: "Spaces (GET /spaces).",
        params_schema: Schema::of::<Spaces>(),
        fetch: spaces,
    },
    PickList {
        name: "timelog_categories",
        description: "Visible timelog categories (GET /timelog_categories).",
        params_schema: Schema::of::<TimelogCategories>(),
        fetch: timelog_categories,
    },
    PickList {
        name: "folder_blueprints",
        description: "Folder and project blueprints of the account, or of one space with spaceId (GET /folder_blueprints, /spaces/{spaceId}/folder_blueprints); the blueprint root left out.",
        params_schema: Schema::of::<FolderBlueprints>(),
        fetch: folder_blueprints,
    },
    PickList {
        name: "task_blueprints",
        description: "Task blueprints of the account, or of one space with spaceId (GET /task_blueprints, /spaces/{spaceId}/task_blueprints), every page.",
        params_schema: Schema::of::<TaskBlueprints>(),
        fetch: task_blueprints,
    },
    PickList {
        name: "custom_item_types",
        description: "Custom item types (GET /custom_item_types, or /spaces/{spaceId}/custom_item_types), labelled \"Title (Task)\" or \"Title (Project)\"; type filters by kind.",
        params_schema: Schema::of::<CustomItemTypes>(),
        fetch: custom_item_types,
    },
    PickList {
        name: "task_status",
        description: "The standard task statuses (static).",
        params_schema: Schema::of::<TaskStatus>(),
        fetch: task_status,
    },
];

crate::input! {
    /// Input of `folders`.
    #[schemars(description = "")]
    pub struct Folders {
        /// Only projects (true) or only plain folders (false)
        pub project: Forwarded<Option<bool>>,
    }
}

crate::input! {
    /// Input of `users`.
    #[schemars(description = "")]
    pub struct Users {

    }
}

crate::input! {
    /// Input of `workflows`.
    #[schemars(description = "")]
    pub struct Workflows {

    }
}

crate::input! {
    /// Input of `custom_statuses`.
    #[schemars(description = "")]
    pub struct CustomStatuses {

    }
}

crate::input! {
    /// Input of `custom_fields`.
    #[schemars(description = "")]
    pub struct CustomFields {

    }
}

crate::input! {
    /// Input of `spaces`.
    #[schemars(description = "")]
    pub struct Spaces {

    }
}

crate::input! {
    /// Input of `timelog_categories`.
    #[schemars(description = "")]
    pub struct TimelogCategories {

    }
}

crate::input! {
    /// Input of `folder_blueprints`.
    #[schemars(description = "")]
    pub struct FolderBlueprints {
        pub space_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `task_blueprints`.
    #[schemars(description = "")]
    pub struct TaskBlueprints {
        pub space_id: Option<WrikeId>,
    }
}

/// Project-based or task-based custom item types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum CustomItemTypeKind {
    #[default]
    Project,
    Task,
}

crate::input! {
    /// Input of `custom_item_types`.
    #[schemars(description = "")]
    pub struct CustomItemTypes {
        pub space_id: Option<WrikeId>,
        /// Only project-based or only task-based types
        pub r#type: Forwarded<Option<CustomItemTypeKind>>,
    }
}

crate::input! {
    /// Input of `task_status`.
    #[schemars(description = "")]
    pub struct TaskStatus {

    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

fn opt(label: impl Into<String>, value: &str) -> PickOption {
    PickOption {
        label: label.into(),
        value: value.to_string(),
    }
}

fn simple(
    client: &mut Client<'_>,
    path: &str,
    label: &str,
    hidden_key: Option<&str>,
) -> Result<Vec<PickOption>> {
    let data = client.get(path, &Params::new())?.data;
    Ok(data
        .iter()
        .filter(|v| !hidden_key.is_some_and(|k| flag(v, k)))
        .filter(|v| !s(v, "id").is_empty())
        .map(|v| opt(s(v, label), s(v, "id")))
        .collect())
}

fn folders(client: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<Folders>(params)?;
    let q = Params::from_input(params, &[]);
    let data = client.get("/folders", &q)?.data;
    Ok(data
        .iter()
        .filter(|f| !s(f, "scope").starts_with("Rb") && !s(f, "id").is_empty())
        .map(|f| opt(s(f, "title"), s(f, "id")))
        .collect())
}

fn users(client: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<Users>(params)?;
    let data = client.get("/contacts", &Params::new())?.data;
    Ok(data
        .iter()
        .filter(|c| s(c, "type") == "Person" && !flag(c, "deleted"))
        .map(|c| {
            let name = format!("{} {}", s(c, "firstName"), s(c, "lastName"));
            let email = c
                .get("primaryEmail")
                .and_then(Value::as_str)
                .or_else(|| c.pointer("/profiles/0/email").and_then(Value::as_str));
            let label = match email {
                Some(e) => format!("{} ({e})", name.trim()),
                None => name.trim().to_string(),
            };
            opt(label, s(c, "id"))
        })
        .collect())
}

fn workflows(client: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<Workflows>(params)?;
    simple(client, "/workflows", "name", Some("hidden"))
}

fn custom_statuses(
    client: &mut Client<'_>,
    params: &Map<String, Value>,
) -> Result<Vec<PickOption>> {
    parse::<CustomStatuses>(params)?;
    let data = client.get("/workflows", &Params::new())?.data;
    let mut out = Vec::new();
    for wf in data.iter().filter(|w| !flag(w, "hidden")) {
        let statuses = wf.get("customStatuses").and_then(Value::as_array);
        for st in statuses
            .into_iter()
            .flatten()
            .filter(|s| !flag(s, "hidden"))
        {
            out.push(opt(
                format!("{}|{}", s(wf, "name"), s(st, "name")),
                s(st, "id"),
            ));
        }
    }
    Ok(out)
}

fn custom_fields(client: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<CustomFields>(params)?;
    let data = client.get("/customfields", &Params::new())?.data;
    Ok(data
        .iter()
        .map(|f| opt(format!("{} ({})", s(f, "title"), s(f, "type")), s(f, "id")))
        .collect())
}

fn spaces(client: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<Spaces>(params)?;
    simple(client, "/spaces", "title", None)
}

fn timelog_categories(
    client: &mut Client<'_>,
    params: &Map<String, Value>,
) -> Result<Vec<PickOption>> {
    parse::<TimelogCategories>(params)?;
    simple(client, "/timelog_categories", "name", Some("hidden"))
}

/// `/{what}` or `/spaces/{spaceId}/{what}`.
fn account_or_space(params: &Map<String, Value>, what: &str) -> String {
    match params.get("spaceId").and_then(Value::as_str) {
        Some(space) => path(&["spaces", space, what]),
        None => format!("/{what}"),
    }
}

/// Blueprints of one kind (`FolderBp` or `TaskBp`). The list also holds the blueprint root
/// (`BpRoot`), and may hold the other kind ([I] from the `scope` enum): both are left out; an
/// entry without a scope is kept.
fn blueprints(items: &[Value], scope: &str) -> Vec<PickOption> {
    items
        .iter()
        .filter(|b| {
            let sc = s(b, "scope");
            sc.is_empty() || sc == scope
        })
        .filter(|b| !s(b, "id").is_empty())
        .map(|b| opt(s(b, "title"), s(b, "id")))
        .collect()
}

fn folder_blueprints(
    client: &mut Client<'_>,
    params: &Map<String, Value>,
) -> Result<Vec<PickOption>> {
    parse::<FolderBlueprints>(params)?;
    let data = client
        .get(
            &account_or_space(params, "folder_blueprints"),
            &Params::new(),
        )?
        .data;
    Ok(blueprints(&data, "FolderBp"))
}

fn task_blueprints(
    client: &mut Client<'_>,
    params: &Map<String, Value>,
) -> Result<Vec<PickOption>> {
    parse::<TaskBlueprints>(params)?;
    // Task blueprint lists page (MODERN.md §2.2): follow `nextPageToken`.
    let list_path = account_or_space(params, "task_blueprints");
    let mut all = Vec::new();
    let mut q = Params::new();
    for _ in 0..MAX_PAGES {
        let env = client.get(&list_path, &q)?;
        all.extend(env.data);
        match env.next_page_token {
            Some(t) => {
                q = Params::new();
                q.text("nextPageToken", t);
            }
            None => break,
        }
    }
    Ok(blueprints(&all, "TaskBp"))
}

fn custom_item_types(
    client: &mut Client<'_>,
    params: &Map<String, Value>,
) -> Result<Vec<PickOption>> {
    parse::<CustomItemTypes>(params)?;
    let mut q = Params::new();
    if let Some(t) = params.get("type") {
        q.value("type", t);
    }
    let data = client
        .get(&account_or_space(params, "custom_item_types"), &q)?
        .data;
    Ok(data
        .iter()
        .filter(|c| !flag(c, "isDeleted") && !s(c, "id").is_empty())
        .map(|c| {
            let label = match s(c, "relatedType") {
                "" => s(c, "title").to_string(),
                kind => format!("{} ({kind})", s(c, "title")),
            };
            opt(label, s(c, "id"))
        })
        .collect())
}

fn task_status(_: &mut Client<'_>, params: &Map<String, Value>) -> Result<Vec<PickOption>> {
    parse::<TaskStatus>(params)?;
    Ok(["Active", "Completed", "Deferred", "Cancelled"]
        .iter()
        .map(|s| opt(*s, s))
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::catalog::{pick_list, PickOption};
    use crate::error::Error;
    use crate::testing::{ok, MockEnv, BASE};

    fn labels(v: &[PickOption]) -> Vec<(String, String)> {
        v.iter()
            .map(|o| (o.label.clone(), o.value.clone()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn folders_skip_the_recycle_bin() {
        let mut env = MockEnv::new(vec![ok(
            r#"{"kind":"folderTree","data":[{"id":"IEAAAAAQI7777777","title":"Root","scope":"WsRoot"},{"id":"IEAAAAAQI7777776","title":"Recycle Bin","scope":"RbRoot"},{"id":"F1","title":"Marketing","scope":"WsFolder"},{"id":"F2","title":"Old","scope":"RbFolder"}]}"#,
        )]);
        let out = pick_list(&mut env, BASE, "folders", "{}").unwrap();
        assert_eq!(
            labels(&out),
            pairs(&[("Root", "IEAAAAAQI7777777"), ("Marketing", "F1")])
        );
        assert_eq!(env.requests[0].path_with_query, "/api/v4/folders");
    }

    #[test]
    fn users_are_people_only() {
        let mut env = MockEnv::new(vec![ok(
            r#"{"kind":"contacts","data":[{"id":"U1","firstName":"Ann","lastName":"Lee","type":"Person","profiles":[{"email":"ann@example.com"}]},{"id":"G1","firstName":"My Team","lastName":"","type":"Group"},{"id":"U2","firstName":"Bob","lastName":"","type":"Person","deleted":true}]}"#,
        )]);
        let out = pick_list(&mut env, BASE, "users", "").unwrap();
        assert_eq!(labels(&out), pairs(&[("Ann Lee (ann@example.com)", "U1")]));
    }

    #[test]
    fn workflows_and_statuses() {
        let wf = r#"{"kind":"workflows","data":[{"id":"W1","name":"Default Workflow","hidden":false,"customStatuses":[{"id":"S1","name":"New","hidden":false},{"id":"S2","name":"Secret","hidden":true}]},{"id":"W2","name":"Hidden","hidden":true,"customStatuses":[{"id":"S3","name":"X"}]}]}"#;
        let mut env = MockEnv::new(vec![ok(wf), ok(wf)]);
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "custom_statuses", "{}").unwrap()),
            pairs(&[("Default Workflow|New", "S1")])
        );
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "workflows", "{}").unwrap()),
            pairs(&[("Default Workflow", "W1")])
        );
    }

    #[test]
    fn blueprints_and_custom_item_types() {
        let mut env = MockEnv::new(vec![
            ok(
                r#"{"kind":"folderBlueprints","data":[{"id":"R","title":"Root","scope":"BpRoot","childIds":["B1"]},{"id":"B1","title":"Campaign kit","scope":"FolderBp","childIds":[]},{"id":"TB0","title":"Inside","scope":"TaskBp"}]}"#,
            ),
            ok(
                r#"{"kind":"taskBlueprints","nextPageToken":"N1","data":[{"id":"TB1","title":"Onboarding","scope":"TaskBp"}]}"#,
            ),
            ok(
                r#"{"kind":"taskBlueprints","data":[{"id":"TB2","title":"Offboarding","scope":"TaskBp"}]}"#,
            ),
            ok(
                r#"{"kind":"customItemTypes","data":[{"id":"C1","title":"Bug","relatedType":"Task"},{"id":"C2","title":"Old","relatedType":"Task","isDeleted":true}]}"#,
            ),
        ]);
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "folder_blueprints", "{}").unwrap()),
            pairs(&[("Campaign kit", "B1")])
        );
        assert_eq!(env.path(0), "/api/v4/folder_blueprints");
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "task_blueprints", r#"{"spaceId":"S1"}"#).unwrap()),
            pairs(&[("Onboarding", "TB1"), ("Offboarding", "TB2")])
        );
        assert_eq!(env.path(1), "/api/v4/spaces/S1/task_blueprints");
        assert_eq!(env.query_param(2, "nextPageToken").as_deref(), Some("N1"));
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "custom_item_types", r#"{"type":"Task"}"#).unwrap()),
            pairs(&[("Bug (Task)", "C1")])
        );
        assert_eq!(
            env.requests[3].path_with_query,
            "/api/v4/custom_item_types?type=Task"
        );
    }

    #[test]
    fn other_lists() {
        let mut env = MockEnv::new(vec![
            ok(
                r#"{"kind":"customfields","data":[{"id":"C1","title":"Budget","type":"Currency"}]}"#,
            ),
            ok(r#"{"kind":"spaces","data":[{"id":"SP","title":"Personal"}]}"#),
            ok(
                r#"{"kind":"timelog_categories","data":[{"id":"TC","name":"Dev","hidden":false},{"id":"TH","name":"Old","hidden":true}]}"#,
            ),
        ]);
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "custom_fields", "{}").unwrap()),
            pairs(&[("Budget (Currency)", "C1")])
        );
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "spaces", "{}").unwrap()),
            pairs(&[("Personal", "SP")])
        );
        assert_eq!(
            labels(&pick_list(&mut env, BASE, "timelog_categories", "{}").unwrap()),
            pairs(&[("Dev", "TC")])
        );
        assert_eq!(env.path(2), "/api/v4/timelog_categories");
        assert_eq!(
            pick_list(&mut env, BASE, "task_status", "{}")
                .unwrap()
                .len(),
            4
        );
        match pick_list(&mut env, BASE, "colours", "{}") {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "name"),
            other => panic!("{other:?}"),
        }
    }
}
