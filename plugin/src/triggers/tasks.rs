//! `new_or_updated_task`: polls `GET /tasks` (or `/folders/{folderId}/tasks`, `/spaces/{spaceId}/tasks`) sorted by
//! `updatedDate` ascending from the high-water mark, one page per poll (WORKATO.md §3).

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{emit_new, is_stale_token, since_filter, start_point, Cursor, Page};
use crate::env::LogLevel;
use crate::error::Result;
use crate::input::parse;
use crate::resources::tasks::{tasks_path, TRIGGER_FIELDS};
use crate::scopes::R;
use crate::table::{PollResult, Trigger};
use crate::time::Timestamp;
use crate::wrike::{Client, Envelope, Params};

/// Page size when the input names none.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// The task triggers.
pub const TRIGGERS: &[Trigger] = &[Trigger {
    name: "new_or_updated_task",
    title: "New or updated task",
    description: "Emits each task when it is created or updated (key \"{id}@{updatedDate}\"), oldest first, optionally limited to a folder, statuses or custom statuses.",
    scopes: R,
    input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedTask>(),
    event_schema: Schema::of::<crate::resources::tasks::Task>(),
    poll,
}];

fn fetch(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    start: Timestamp,
    token: Option<&str>,
) -> Result<Envelope> {
    let mut q = Params::new();
    q.value("updatedDate", &since_filter(start));
    q.text("sortField", "UpdatedDate");
    q.text("sortOrder", "Asc");
    let size = input
        .get("pageSize")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_PAGE_SIZE);
    q.text("pageSize", size.to_string());
    for filter in ["status", "customStatuses"] {
        if let Some(v) = input.get(filter) {
            q.value(filter, v);
        }
    }
    q.value(
        "fields",
        &Value::Array(TRIGGER_FIELDS.iter().map(|f| Value::from(*f)).collect()),
    );
    if let Some(t) = token {
        q.text("nextPageToken", t);
    }
    let id = |k: &str| {
        input
            .get(k)
            .and_then(Value::as_str)
            .map(|s| crate::common::WrikeId(s.to_string()))
    };
    client.get(
        &tasks_path(id("folderId").as_ref(), id("spaceId").as_ref()),
        &q,
    )
}

fn poll(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
) -> Result<PollResult> {
    parse::<crate::triggers::types::NewOrUpdatedTask>(input)?;
    crate::resources::at_most_one(input, &["folderId", "spaceId"])?;
    let mut cur = match cursor {
        Some(text) => Cursor::parse(text)?,
        None => Cursor::fresh(start_point(input, client.now())?),
    };
    let (mut start, mut token) = match cur.page.take() {
        Some(p) => (p.start, Some(p.token)),
        None => (cur.mark.hw, None),
    };
    let envelope = loop {
        match fetch(client, input, start, token.as_deref()) {
            Err(e) if token.is_some() && is_stale_token(&e) => {
                client.log(
                    LogLevel::Warn,
                    "Wrike rejected the saved nextPageToken; restarting from the high-water mark",
                );
                start = cur.mark.hw;
                token = None;
            }
            other => break other?,
        }
    };
    let events = emit_new(&mut cur.mark, envelope.data)?;
    cur.page = envelope.next_page_token.map(|token| Page { start, token });
    Ok(PollResult {
        events,
        more: cur.page.is_some(),
        cursor: cur.to_text(),
    })
}

#[cfg(test)]
mod tests {
    use crate::catalog::{poll, PollResult};
    use crate::error::Error;
    use crate::testing::{ok, wrike_error, MockEnv, BASE};
    use serde_json::{json, Value};

    fn task(id: &str, updated: &str) -> Value {
        json!({"id": id, "title": id, "updatedDate": updated, "status": "Active"})
    }

    fn page(items: &[Value], token: Option<&str>) -> crate::env::HttpResponse {
        let mut v = json!({"kind": "tasks", "data": items});
        if let Some(t) = token {
            v["nextPageToken"] = json!(t);
            v["responseSize"] = json!(999);
        }
        ok(&v.to_string())
    }

    fn keys(r: &PollResult) -> Vec<String> {
        r.events.iter().map(|e| e.key.clone()).collect()
    }

    fn cursor_json(r: &PollResult) -> Value {
        serde_json::from_str(&r.cursor).unwrap()
    }

    #[test]
    fn first_poll_starts_an_hour_ago_with_workato_query() {
        let mut env = MockEnv::new(vec![page(&[task("A", "2024-01-15T11:30:00Z")], None)]);
        let r = poll(&mut env, BASE, "new_or_updated_task", "{}", None).unwrap();
        assert_eq!(keys(&r), ["A@2024-01-15T11:30:00Z"]);
        assert!(!r.more);
        assert_eq!(
            serde_json::from_str::<Value>(&r.events[0].payload).unwrap()["id"],
            "A"
        );
        assert_eq!(env.path(0), "/api/v4/tasks");
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:00:00Z"}"#)
        );
        assert_eq!(
            env.query_param(0, "sortField").as_deref(),
            Some("UpdatedDate")
        );
        assert_eq!(env.query_param(0, "sortOrder").as_deref(), Some("Asc"));
        assert_eq!(env.query_param(0, "pageSize").as_deref(), Some("100"));
        assert!(env
            .query_param(0, "fields")
            .unwrap()
            .contains("\"customFields\""));
        assert_eq!(env.query_param(0, "nextPageToken"), None);
        assert_eq!(
            cursor_json(&r),
            json!({"v":1,"hw":"2024-01-15T11:30:00Z","seen":["A@2024-01-15T11:30:00Z"]})
        );
    }

    #[test]
    fn since_folder_and_filters() {
        let mut env = MockEnv::new(vec![page(&[], None)]);
        let input = json!({"since": "2024-01-01T00:00:00+01:00", "folderId": "F", "status": ["Active"], "customStatuses": ["CS"], "pageSize": 10});
        let r = poll(
            &mut env,
            BASE,
            "new_or_updated_task",
            &input.to_string(),
            None,
        )
        .unwrap();
        assert!(r.events.is_empty());
        assert_eq!(env.path(0), "/api/v4/folders/F/tasks");
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"start":"2023-12-31T23:00:00Z"}"#)
        );
        assert_eq!(
            env.query_param(0, "status").as_deref(),
            Some(r#"["Active"]"#)
        );
        assert_eq!(
            env.query_param(0, "customStatuses").as_deref(),
            Some(r#"["CS"]"#)
        );
        assert_eq!(env.query_param(0, "pageSize").as_deref(), Some("10"));
        assert_eq!(cursor_json(&r)["hw"], "2023-12-31T23:00:00Z");
    }

    #[test]
    fn same_timestamp_items_are_neither_lost_nor_repeated() {
        let t = "2024-01-15T11:30:00Z";
        let mut env = MockEnv::new(vec![
            page(&[task("A", t)], None),
            // B was updated in the same second as A but only became visible now.
            page(&[task("A", t), task("B", t)], None),
            page(
                &[
                    task("A", t),
                    task("B", t),
                    task("A", "2024-01-15T11:31:00Z"),
                ],
                None,
            ),
        ]);
        let r1 = poll(&mut env, BASE, "new_or_updated_task", "{}", None).unwrap();
        assert_eq!(keys(&r1), [format!("A@{t}")]);
        let r2 = poll(
            &mut env,
            BASE,
            "new_or_updated_task",
            "{}",
            Some(&r1.cursor),
        )
        .unwrap();
        assert_eq!(keys(&r2), [format!("B@{t}")]);
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:30:00Z"}"#)
        );
        let r3 = poll(
            &mut env,
            BASE,
            "new_or_updated_task",
            "{}",
            Some(&r2.cursor),
        )
        .unwrap();
        assert_eq!(keys(&r3), ["A@2024-01-15T11:31:00Z"]);
        assert_eq!(cursor_json(&r3)["seen"], json!(["A@2024-01-15T11:31:00Z"]));
    }

    #[test]
    fn pages_are_walked_with_the_same_start() {
        let mut env = MockEnv::new(vec![
            page(
                &[
                    task("A", "2024-01-15T11:10:00Z"),
                    task("B", "2024-01-15T11:20:00Z"),
                ],
                Some("P2"),
            ),
            page(&[task("C", "2024-01-15T11:40:00Z")], None),
        ]);
        let r1 = poll(&mut env, BASE, "new_or_updated_task", "{}", None).unwrap();
        assert_eq!(keys(&r1).len(), 2);
        assert!(r1.more);
        assert_eq!(
            cursor_json(&r1)["page"],
            json!({"start": "2024-01-15T11:00:00Z", "token": "P2"})
        );
        let r2 = poll(
            &mut env,
            BASE,
            "new_or_updated_task",
            "{}",
            Some(&r1.cursor),
        )
        .unwrap();
        assert_eq!(keys(&r2), ["C@2024-01-15T11:40:00Z"]);
        assert!(!r2.more);
        assert_eq!(env.query_param(1, "nextPageToken").as_deref(), Some("P2"));
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:00:00Z"}"#)
        );
        assert_eq!(cursor_json(&r2).get("page"), None);
        assert_eq!(cursor_json(&r2)["hw"], "2024-01-15T11:40:00Z");
    }

    #[test]
    fn stale_token_restarts_from_the_high_water_mark() {
        let mut env = MockEnv::new(vec![
            page(&[task("A", "2024-01-15T11:10:00Z")], Some("P2")),
            wrike_error(
                400,
                "invalid_parameter",
                "Parameter 'nextPageToken' value is invalid",
            ),
            page(
                &[
                    task("A", "2024-01-15T11:10:00Z"),
                    task("B", "2024-01-15T11:50:00Z"),
                ],
                None,
            ),
        ]);
        let r1 = poll(&mut env, BASE, "new_or_updated_task", "{}", None).unwrap();
        let r2 = poll(
            &mut env,
            BASE,
            "new_or_updated_task",
            "{}",
            Some(&r1.cursor),
        )
        .unwrap();
        assert_eq!(keys(&r2), ["B@2024-01-15T11:50:00Z"]);
        assert!(!r2.more);
        assert_eq!(env.requests.len(), 3);
        assert_eq!(env.query_param(2, "nextPageToken"), None);
        assert_eq!(
            env.query_param(2, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:10:00Z"}"#)
        );
        assert!(env.logs.iter().any(|(_, m)| m.contains("nextPageToken")));
    }

    #[test]
    fn other_errors_surface_and_malformed_cursor_is_rejected() {
        let mut env = MockEnv::new(vec![wrike_error(
            400,
            "invalid_parameter",
            "Parameter 'status' value is invalid",
        )]);
        match poll(&mut env, BASE, "new_or_updated_task", "{}", None) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "status"),
            other => panic!("{other:?}"),
        }
        match poll(&mut env, BASE, "new_or_updated_task", "{}", Some("garbage")) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "cursor"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            crate::testing::host_refusal(
                "new_or_updated_task",
                &serde_json::json!({"pageSize": 0})
            )
            .as_deref(),
            Some("pageSize")
        );
        match poll(&mut env, BASE, "no_such_trigger", "{}", None) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "trigger"),
            other => panic!("{other:?}"),
        }
        assert_eq!(env.requests.len(), 1);
    }
}
