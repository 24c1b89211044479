//! Timelogs (API.md §11.4): `create_timelog`, `update_timelog`, `search_timelog`.

use serde_json::{Map, Value};

use super::{at_most_one, normalize_ts_range, owner, req_str};
use crate::catalog::{Action, R, W};
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::wrike::{path, Client, Params};

/// Members of a Wrike timelog object schema (API.md §12).
#[macro_export]
#[doc(hidden)]
macro_rules! s_timelog_body {
    () => {
        r#""type":"object","required":["id","taskId","userId","hours","trackedDate"],"properties":{"id":{"type":"string"},"taskId":{"type":"string"},"userId":{"type":"string"},"categoryId":{"type":"string"},"billingType":{"type":"string"},"hours":{"type":"number","minimum":0,"maximum":24},"createdDate":{"type":"string","format":"date-time"},"updatedDate":{"type":"string","format":"date-time"},"trackedDate":{"type":"string","format":"date"},"comment":{"type":"string"}}"#
    };
}

/// A Wrike timelog object schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_timelog {
    () => {
        concat!("{", $crate::s_timelog_body!(), "}")
    };
}

macro_rules! write_props {
    () => {
        concat!(
            r#""comment":{"type":"string","description":"HTML unless plainText is true"},"hours":{"type":"number","exclusiveMinimum":0,"maximum":24},"trackedDate":"#,
            crate::s_date!(),
            r#","plainText":{"type":"boolean","default":false},"categoryId":"#,
            crate::s_id!(),
            r#","fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["billingType"]}}"#
        )
    };
}

const CREATE_INPUT: &str = crate::s_input!(
    [r#""taskId","comment","hours","trackedDate""#],
    r#""taskId":"#,
    crate::s_id!(),
    ",",
    write_props!()
);

const UPDATE_INPUT: &str = crate::s_input!(
    [r#""timelogId""#],
    r#""timelogId":"#,
    crate::s_id!(),
    ",",
    write_props!()
);

macro_rules! day_or_ts {
    () => {
        r#"{"type":"string","anyOf":[{"format":"date"},{"format":"date-time"}]}"#
    };
}

const SEARCH_INPUT: &str = crate::s_input!(
    [""],
    r#""taskId":"#,
    crate::s_id!(),
    r#","folderId":"#,
    crate::s_id!(),
    r#","contactId":"#,
    crate::s_id!(),
    r#","timelogCategoryId":"#,
    crate::s_id!(),
    r#","createdDate":"#,
    crate::s_ts_range!(),
    r#","updatedDate":"#,
    crate::s_ts_range!(),
    r#","trackedDate":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"start":"#,
    day_or_ts!(),
    r#","end":"#,
    day_or_ts!(),
    r#"}},"me":{"type":"boolean","description":"Only the requesting user's timelogs"},"descendants":{"type":"boolean","default":true},"subTasks":{"type":"boolean","default":true},"plainText":{"type":"boolean","default":false},"timelogCategories":"#,
    crate::s_ids!(),
    r#","billingTypes":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["Billable","NonBillable"]}},"fields":{"type":"array","uniqueItems":true,"items":{"type":"string","enum":["billingType"]}}"#
);

/// The timelog actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_timelog",
        title: "Create timelog",
        description: "Log time on a task (POST /tasks/{taskId}/timelogs).",
        scopes: W,
        input_schema: CREATE_INPUT,
        output_schema: crate::s_output!(crate::s_timelog_body!()),
        run: create,
    },
    Action {
        name: "update_timelog",
        title: "Update timelog",
        description: "Change a timelog's hours, date, comment or category (PUT /timelogs/{timelogId}).",
        scopes: W,
        input_schema: UPDATE_INPUT,
        output_schema: crate::s_output!(crate::s_timelog_body!()),
        run: update,
    },
    Action {
        name: "search_timelog",
        title: "Search timelogs",
        description: "Search timelogs of the account, a task, a folder, a user or a timelog category (GET /timelogs and the scoped variants). Not paged.",
        scopes: R,
        input_schema: SEARCH_INPUT,
        output_schema: crate::s_list!(crate::s_timelog!()),
        run: search,
    },
];

fn create(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "taskId")?;
    client
        .post(
            &path(&["tasks", id, "timelogs"]),
            Params::from_input(input, &["taskId"]),
        )?
        .first()
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "timelogId")?;
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
    at_most_one(input, &OWNERS.map(|(f, _)| f))?;
    let mut q = Params::from_input(input, &OWNERS.map(|(f, _)| f));
    normalize_ts_range(&mut q, input, "createdDate")?;
    normalize_ts_range(&mut q, input, "updatedDate")?;
    if let Some(Value::Object(range)) = input.get("trackedDate") {
        // Dates pass as they are; date-times become Wrike's UTC format.
        let mut out = Map::new();
        for (k, v) in range {
            let text = v.as_str().unwrap_or_default();
            let norm = match Timestamp::parse(text) {
                Some(ts) if text.len() > 10 => ts.to_rfc3339_secs(),
                _ if crate::time::parse_date(text).is_some() => text.to_string(),
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
    use crate::testing::{ok, MockEnv, BASE};
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
            match run(&mut env, "create_timelog", input) {
                Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
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
            Some(r#"{"end":"2024-01-31T11:00:00Z","start":"2024-01-01"}"#)
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
        match run(
            &mut env,
            "search_timelog",
            json!({"taskId": "T", "folderId": "F"}),
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "folderId"),
            other => panic!("{other:?}"),
        }
    }
}
