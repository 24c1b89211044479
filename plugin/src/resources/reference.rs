//! Reference data (API.md §11.8, §11.9, §11.12): `list_custom_fields`, `list_workflows`,
//! `get_id`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use crate::common::*;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, WORKFLOWS_READ};
use crate::table::Action;
use crate::wrike::{ids_segment, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The reference-data actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "list_custom_fields",
        title: "List custom fields",
        description:
            "List the account's custom fields, or some of them by ID (GET /customfields[/{ids}]).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<ListCustomFields>(),
        output_schema: Schema::of::<List<CustomField>>(),
        run: list_custom_fields,
    },
    Action {
        name: "list_workflows",
        title: "List workflows and statuses",
        description: "List the account's workflows with their custom statuses (GET /workflows).",
        scopes: WORKFLOWS_READ,
        read_only: true,
        input_schema: Schema::of::<ListWorkflows>(),
        output_schema: Schema::of::<List<Workflow>>(),
        run: list_workflows,
    },
    Action {
        name: "get_id",
        title: "Get record ID",
        description:
            "Convert legacy numeric IDs (e.g. from permalinks) into API v4 IDs (GET /ids).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetId>(),
        output_schema: Schema::of::<List<Id>>(),
        run: get_id,
    },
];

crate::input! {
    /// Input of `list_custom_fields`.
    #[schemars(description = "")]
    pub struct ListCustomFields {
        /// Only these custom fields (default: all)
        #[schemars(length(min = 1, max = 100), extend("uniqueItems" = true))]
        pub custom_field_ids: Forwarded<Option<Vec<WrikeId>>>,
    }
}

crate::input! {
    /// Input of `list_workflows`.
    #[schemars(description = "")]
    pub struct ListWorkflows {

    }
}

/// Kinds of legacy (API v2) IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum LegacyIdKind {
    #[default]
    ApiV2Account,
    ApiV2User,
    ApiV2Folder,
    ApiV2Task,
    ApiV2Comment,
    ApiV2Attachment,
    ApiV2Timelog,
}

crate::input! {
    /// Input of `get_id`.
    #[schemars(description = "")]
    pub struct GetId {
        /// Legacy numeric IDs, as numbers, digit strings or permalinks (https://www.wrike.com/open.htm?id=2000093)
        #[schemars(extend("items" = {"anyOf": [{"minimum": 0, "type": "integer"}, {"minLength": 1, "type": "string"}]}), length(min = 1, max = 100))]
        pub ids: Forwarded<Vec<serde_json::Value>>,
        /// Kind of the legacy IDs
        pub r#type: Forwarded<LegacyIdKind>,
    }
}

/// Values of `method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum Method {
    #[default]
    GET,
    POST,
    PUT,
    DELETE,
}

crate::input! {
    /// Input of `custom_http`.
    #[schemars(description = "")]
    pub struct CustomHttp {
        /// Form parameters for POST and PUT; arrays and objects are sent JSON-encoded
        #[schemars(extend("additionalProperties" = {"type": ["string", "number", "boolean", "array", "object", "null"]}), extend("propertyNames" = {"minLength": 1}), extend("type" = "object"))]
        pub body: Forwarded<Option<serde_json::Value>>,
        pub method: Forwarded<Method>,
        /// Path relative to the API base, e.g. /tasks/IEAAAAAQKQAB5BG5/dependencies (no scheme, host, query or dot segments)
        #[schemars(length(min = 2, max = 2000), pattern(r"^/[A-Za-z0-9_.~!$&'()*+,;=:@%/-]+$"))]
        pub path: Forwarded<String>,
        /// Query parameters; arrays and objects are sent JSON-encoded
        #[schemars(extend("additionalProperties" = {"type": ["string", "number", "boolean", "array", "object"]}), extend("propertyNames" = {"minLength": 1}), extend("type" = "object"))]
        pub query: Forwarded<Option<serde_json::Value>>,
    }
}

/// Values of `CustomField.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum CustomFieldType {
    #[default]
    Text,
    DropDown,
    Numeric,
    Currency,
    Percentage,
    Date,
    Duration,
    Checkbox,
    Contacts,
    Multiple,
}

/// `CustomField` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct CustomField {
    pub account_id: Option<String>,
    pub id: String,
    #[schemars(extend("type" = "object"))]
    pub settings: Option<serde_json::Value>,
    pub shared_ids: Option<Vec<String>>,
    pub space_id: Option<String>,
    pub title: String,
    pub r#type: CustomFieldType,
}

/// `WorkflowCustomStatusesItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct WorkflowCustomStatusesItem {
    pub color: Option<String>,
    pub group: crate::resources::tasks::TaskStatus,
    pub hidden: Option<bool>,
    pub id: String,
    pub name: String,
    pub standard: Option<bool>,
    pub standard_name: Option<bool>,
}

/// `Workflow` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Workflow {
    pub custom_statuses: Vec<WorkflowCustomStatusesItem>,
    pub hidden: Option<bool>,
    pub id: String,
    pub name: String,
    pub standard: Option<bool>,
}

/// `Id` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Id {
    #[schemars(extend("type" = ["string", "integer"]))]
    pub api_v2_id: serde_json::Value,
    pub id: String,
}

/// Wrike's parsed JSON answer (usually {kind, data, ...}); a non-JSON success answer comes as {contentType, contentBase64}.
#[derive(JsonSchema)]
pub struct CustomHttpOutput(pub Value);

fn list_custom_fields(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<ListCustomFields>(input)?;
    let ids: Vec<&str> = input
        .get("customFieldIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let p = if ids.is_empty() {
        "/customfields".to_string()
    } else {
        format!("/customfields/{}", ids_segment(&ids))
    };
    Ok(client.get(&p, &Params::new())?.into_list())
}

fn list_workflows(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<ListWorkflows>(input)?;
    Ok(client.get("/workflows", &Params::new())?.into_list())
}

/// A legacy ID from a number, a digit string or a permalink (`…open.htm?id=2000093`).
pub fn legacy_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            let digits = match s.find("id=") {
                Some(i) if !s.bytes().all(|b| b.is_ascii_digit()) => {
                    let rest = &s[i + 3..];
                    &rest[..rest
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(rest.len())]
                }
                _ => s,
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        }
        _ => None,
    }
}

fn get_id(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<GetId>(input)?;
    let mut ids = Vec::new();
    for (i, v) in input
        .get("ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = legacy_id(v).ok_or_else(|| {
            Error::invalid(
                format!("ids[{i}]"),
                "must be a legacy numeric ID or a permalink containing id=<number>",
            )
        })?;
        ids.push(Value::from(id));
    }
    let mut q = Params::new();
    q.value("type", input.get("type").unwrap_or(&Value::Null));
    q.value("ids", &Value::Array(ids));
    Ok(client.get("/ids", &q)?.into_list())
}

#[cfg(test)]
mod tests {
    use super::legacy_id;
    use crate::catalog::execute;
    use crate::error::Error;
    use crate::testing::{ok, refusal, MockEnv, BASE};
    use serde_json::{json, Value};

    fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
        execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn lists_reference_data() {
        let mut env = MockEnv::new(vec![
            ok(r#"{"kind":"customfields","data":[{"id":"C","title":"Budget","type":"Currency"}]}"#),
            ok(r#"{"kind":"customfields","data":[]}"#),
            ok(
                r#"{"kind":"workflows","data":[{"id":"W","name":"Default Workflow","customStatuses":[]}]}"#,
            ),
        ]);
        assert_eq!(
            run(&mut env, "list_custom_fields", json!({})).unwrap()["items"][0]["id"],
            "C"
        );
        assert_eq!(env.path(0), "/api/v4/customfields");
        run(
            &mut env,
            "list_custom_fields",
            json!({"customFieldIds": ["C1", "C2"]}),
        )
        .unwrap();
        assert_eq!(env.path(1), "/api/v4/customfields/C1,C2");
        assert_eq!(
            run(&mut env, "list_workflows", json!({})).unwrap()["items"][0]["id"],
            "W"
        );
        assert_eq!(env.path(2), "/api/v4/workflows");
    }

    #[test]
    fn converts_legacy_ids() {
        let mut env = MockEnv::new(vec![ok(
            r#"{"kind":"ids","data":[{"id":"IEAAAAAQKQAB5BG5","apiV2Id":"2000093"}]}"#,
        )]);
        let out = run(&mut env, "get_id", json!({"type": "ApiV2Task", "ids": [2000093, "17", "https://www.wrike.com/open.htm?id=42"]})).unwrap();
        assert_eq!(out["items"][0]["id"], "IEAAAAAQKQAB5BG5");
        assert_eq!(env.query_param(0, "type").as_deref(), Some("ApiV2Task"));
        assert_eq!(
            env.query_param(0, "ids").as_deref(),
            Some("[2000093,17,42]")
        );
        assert_eq!(
            refusal(
                &mut env,
                "get_id",
                json!({"type": "ApiV2Task", "ids": [1, "abc"]})
            ),
            "ids[1]"
        );
        assert_eq!(
            refusal(&mut env, "get_id", json!({"type": "Task", "ids": [1]})),
            "type"
        );
        assert_eq!(legacy_id(&json!("open.htm?id=5&x=1")), Some(5));
        assert_eq!(legacy_id(&json!(-1)), None);
    }
}
