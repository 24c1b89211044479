//! Timelogs (API.md §11.4): `create_timelog`, `update_timelog`, `search_timelog`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{at_most_one, normalize_ts_range, owner};
use crate::common::*;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The timelog actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_timelog",
        title: "Create timelog",
        description: "Log time on a task (POST /tasks/{taskId}/timelogs).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateTimelog>(),
        output_schema: Schema::of::<Timelog>(),
        run: create,
    },
    Action {
        name: "update_timelog",
        title: "Update timelog",
        description: "Change a timelog's hours, date, comment or category (PUT /timelogs/{timelogId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateTimelog>(),
        output_schema: Schema::of::<Timelog>(),
        run: update,
    },
    Action {
        name: "search_timelog",
        title: "Search timelogs",
        description: "Search timelogs of the account, a task, a folder, a user or a timelog category (GET /timelogs and the scoped variants). Not paged.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchTimelog>(),
        output_schema: Schema::of::<List<Timelog>>(),
        run: search,
    },
];

/// Optional fields of a timelog answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum TimelogField {
    #[serde(rename = "billingType")]
    #[default]
    BillingType,
}

crate::input! {
    /// Input of `create_timelog`.
    #[schemars(description = "")]
    pub struct CreateTimelog {
        pub category_id: Forwarded<Option<WrikeId>>,
        /// HTML unless plainText is true
        pub comment: Forwarded<String>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<TimelogField>>>,
        #[schemars(range(max = 24), extend("exclusiveMinimum" = 0))]
        pub hours: Forwarded<f64>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub task_id: WrikeId,
        pub tracked_date: Forwarded<Date>,
    }
}

crate::input! {
    /// Input of `update_timelog`.
    #[schemars(description = "")]
    pub struct UpdateTimelog {
        pub category_id: Forwarded<Option<WrikeId>>,
        /// HTML unless plainText is true
        pub comment: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::resources::timelogs::TimelogField>>>,
        #[schemars(range(max = 24), extend("exclusiveMinimum" = 0))]
        pub hours: Forwarded<Option<f64>>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub timelog_id: WrikeId,
        pub tracked_date: Forwarded<Option<Date>>,
    }
}

/// `TrackedDate` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
#[schemars(extend("minProperties" = 1))]
pub struct TrackedDate {
    #[schemars(extend("anyOf" = [{"format": "date"}, {"format": "date-time"}]))]
    pub end: Option<String>,
    #[schemars(extend("anyOf" = [{"format": "date"}, {"format": "date-time"}]))]
    pub start: Option<String>,
}

crate::input! {
    /// Input of `search_timelog`.
    #[schemars(description = "")]
    pub struct SearchTimelog {
        #[schemars(extend("uniqueItems" = true))]
        pub billing_types: Forwarded<Option<Vec<crate::resources::tasks::BillingType>>>,
        pub contact_id: Forwarded<Option<WrikeId>>,
        pub created_date: Forwarded<Option<TsRange>>,
        #[schemars(extend("default" = true))]
        pub descendants: Forwarded<Option<bool>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::resources::timelogs::TimelogField>>>,
        pub folder_id: Option<WrikeId>,
        /// Only the requesting user's timelogs
        pub me: Forwarded<Option<bool>>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub sub_tasks: Forwarded<Option<bool>>,
        pub task_id: Option<WrikeId>,
        pub timelog_categories: Forwarded<Option<Ids>>,
        pub timelog_category_id: Forwarded<Option<WrikeId>>,
        pub tracked_date: Forwarded<Option<TrackedDate>>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

/// `Timelog` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Timelog {
    pub billing_type: Option<String>,
    pub category_id: Option<String>,
    pub comment: Option<String>,
    pub created_date: Option<DateTime>,
    #[schemars(range(min = 0, max = 24))]
    pub hours: f64,
    pub id: String,
    pub task_id: String,
    pub tracked_date: Date,
    pub updated_date: Option<DateTime>,
    pub user_id: String,
}

fn create(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateTimelog = parse(input)?;
    let id = typed.task_id.as_str();
    client
        .post(
            &path(&["tasks", id, "timelogs"]),
            Params::from_input(input, &["taskId"]),
        )?
        .first()
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateTimelog = parse(input)?;
    let id = typed.timelog_id.as_str();
    client
        .put(
            &path(&["timelogs", id]),
            Params::from_input(input, &["timelogId"]),
        )?
        .first()
}

const OWNERS: [(&str, &str); 4] = [
    ("taskId", "tasks"),
    ("folderId", "folders"),
    ("contactId", "contacts"),
    ("timelogCategoryId", "timelog_categories"),
];

/// The list path of a timelog search.
pub fn timelogs_path(input: &Map<String, Value>) -> String {
    match owner(input, &OWNERS) {
        Some((seg, id)) => path(&[seg, id, "timelogs"]),
        None => "/timelogs".to_string(),
    }
}

fn search(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<SearchTimelog>(input)?;
    at_most_one(input, &OWNERS.map(|(f, _)| f))?;
    let mut q = Params::from_input(input, &OWNERS.map(|(f, _)| f));
    normalize_ts_range(&mut q, input, "createdDate")?;
    normalize_ts_range(&mut q, input, "updatedDate")?;
    if let Some(Value::Object(range)) = input.get("trackedDate") {
        // Wrike's reference types the bounds as timestamps (model "Timestamp semi-open
        // interval", `yyyy-MM-dd'T'HH:mm:ss'Z'`): a date becomes its midnight UTC, a
        // date-time Wrike's UTC format.
        let mut out = Map::new();
        for (k, v) in range {
            let text = v.as_str().unwrap_or_default();
            let norm = match Timestamp::parse(text) {
                Some(ts) if text.len() > 10 => ts.to_rfc3339_secs(),
                _ if crate::time::parse_date(text).is_some() => format!("{text}T00:00:00Z"),
                _ => {
                    return Err(Error::invalid(
                        format!("trackedDate.{k}"),
                        "must be a date or a date-time",
                    ))
                }
            };
            out.insert(k.clone(), Value::String(norm));
        }
        q.set("trackedDate", &Value::Object(out));
    }
    if input.get("me").and_then(Value::as_bool) == Some(false) {
        q.remove("me");
    }
    Ok(client.get(&timelogs_path(input), &q)?.into_list())
}

#[cfg(test)]
mod tests {
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, refusal, MockEnv, BASE};
    use serde_json::{json, Value};

    const TIMELOG: &str = r#"{"kind":"timelogs","data":[{"id":"TL","taskId":"T","userId":"U","hours":1.5,"trackedDate":"2024-01-02","comment":"c","createdDate":"2024-01-02T10:00:00Z","updatedDate":"2024-01-02T10:00:00Z"}]}"#;

    fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
        execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn creates_and_updates() {
        let mut env = MockEnv::new(vec![ok(TIMELOG), ok(TIMELOG)]);
        let out = run(&mut env, "create_timelog", json!({"taskId": "T", "comment": "c", "hours": 1.5, "trackedDate": "2024-01-02", "categoryId": "TC"})).unwrap();
        assert_eq!(out["id"], "TL");
        assert_eq!(env.requests[0].method, Method::Post);
        assert_eq!(env.path(0), "/api/v4/tasks/T/timelogs");
        assert_eq!(env.form_param(0, "hours").as_deref(), Some("1.5"));
        assert_eq!(
            env.form_param(0, "trackedDate").as_deref(),
            Some("2024-01-02")
        );
        run(
            &mut env,
            "update_timelog",
            json!({"timelogId": "TL", "hours": 2}),
        )
        .unwrap();
        assert_eq!(env.requests[1].method, Method::Put);
        assert_eq!(env.path(1), "/api/v4/timelogs/TL");
        assert_eq!(env.form(1), vec![("hours".into(), "2".into())]);
        for (input, field) in [
            (
                json!({"taskId": "T", "comment": "c", "hours": 25, "trackedDate": "2024-01-02"}),
                "hours",
            ),
            (
                json!({"taskId": "T", "comment": "c", "hours": 0, "trackedDate": "2024-01-02"}),
                "hours",
            ),
            (
                json!({"taskId": "T", "comment": "c", "hours": 1, "trackedDate": "2024-01-32"}),
                "trackedDate",
            ),
            (
                json!({"taskId": "T", "hours": 1, "trackedDate": "2024-01-02"}),
                "comment",
            ),
        ] {
            assert_eq!(refusal(&mut env, "create_timelog", input), field);
        }
    }

    #[test]
    fn searches() {
        let mut env = MockEnv::new(vec![ok(TIMELOG), ok(TIMELOG)]);
        let out = run(&mut env, "search_timelog", json!({"trackedDate": {"start": "2024-01-01", "end": "2024-01-31T12:00:00+01:00"}, "timelogCategories": ["TC"], "me": false})).unwrap();
        assert_eq!(out["items"][0]["id"], "TL");
        assert_eq!(env.path(0), "/api/v4/timelogs");
        assert_eq!(
            env.query_param(0, "trackedDate").as_deref(),
            Some(r#"{"end":"2024-01-31T11:00:00Z","start":"2024-01-01T00:00:00Z"}"#)
        );
        assert_eq!(env.query_param(0, "me"), None);
        run(
            &mut env,
            "search_timelog",
            json!({"timelogCategoryId": "TC", "me": true}),
        )
        .unwrap();
        assert_eq!(env.path(1), "/api/v4/timelog_categories/TC/timelogs");
        assert_eq!(env.query_param(1, "me").as_deref(), Some("true"));
        assert_eq!(
            refusal(
                &mut env,
                "search_timelog",
                json!({"taskId": "T", "folderId": "F"})
            ),
            "folderId"
        );
    }
}
