//! Reference data (custom fields, workflows, legacy IDs) and the raw `custom_http` action: inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

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
    pub group: crate::tasks::TaskStatus,
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

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("list_custom_fields.input", generate::<ListCustomFields>()),
        ("list_workflows.input", generate::<ListWorkflows>()),
        ("get_id.input", generate::<GetId>()),
        ("custom_http.input", generate::<CustomHttp>()),
        ("custom_field_list.output", generate::<List<CustomField>>()),
        ("workflow_list.output", generate::<List<Workflow>>()),
        ("id_list.output", generate::<List<Id>>()),
        ("custom_http.output", generate::<CustomHttpOutput>()),
    ]
}
