//! `new_or_updated_timelog`: polls `GET /timelogs` (or a task's or folder's timelogs) with
//! `updatedDate={"start": …}`; not paged, sorted by `updatedDate` client-side.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{poll_unpaged, since_filter};
use crate::error::Result;
use crate::input::parse;
use crate::resources::at_most_one;
use crate::resources::timelogs::timelogs_path;
use crate::scopes::R;
use crate::table::{PollResult, Trigger};
use crate::wrike::{Client, Params};

/// The timelog trigger.
pub const TRIGGERS: &[Trigger] = &[Trigger {
    name: "new_or_updated_timelog",
    title: "New or updated timelog",
    description: "Emits each timelog when it is created or updated (key \"{id}@{updatedDate}\"), oldest first; optionally for one task or folder.",
    scopes: R,
    input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedTimelog>(),
    event_schema: Schema::of::<crate::resources::timelogs::Timelog>(),
    poll,
}];

fn poll(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
) -> Result<PollResult> {
    parse::<crate::triggers::types::NewOrUpdatedTimelog>(input)?;
    at_most_one(input, &["taskId", "folderId"])?;
    let plain = input
        .get("plainText")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    poll_unpaged(client, input, cursor, |client, start| {
        let mut q = Params::new();
        q.value("updatedDate", &since_filter(start));
        q.value("plainText", &Value::Bool(plain));
        Ok(client.get(&timelogs_path(input), &q)?.data)
    })
}

#[cfg(test)]
mod tests {
    use crate::catalog::poll;
    use crate::testing::{ok, MockEnv, BASE};

    #[test]
    fn polls_timelogs() {
        let body = r#"{"kind":"timelogs","data":[{"id":"L2","taskId":"T","updatedDate":"2024-01-15T11:40:00Z"},{"id":"L1","taskId":"T","updatedDate":"2024-01-15T11:30:00Z"}]}"#;
        let mut env = MockEnv::new(vec![ok(body), ok(body)]);
        let r = poll(
            &mut env,
            BASE,
            "new_or_updated_timelog",
            r#"{"taskId":"T"}"#,
            None,
        )
        .unwrap();
        let keys: Vec<&str> = r.events.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["L1@2024-01-15T11:30:00Z", "L2@2024-01-15T11:40:00Z"]);
        assert_eq!(env.path(0), "/api/v4/tasks/T/timelogs");
        assert_eq!(env.query_param(0, "plainText").as_deref(), Some("true"));
        let r2 = poll(
            &mut env,
            BASE,
            "new_or_updated_timelog",
            r#"{"taskId":"T"}"#,
            Some(&r.cursor),
        )
        .unwrap();
        assert!(r2.events.is_empty());
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:40:00Z"}"#)
        );
    }
}
