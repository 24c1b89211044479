//! `new_comment`: polls `GET /comments`, whose `updatedDate` range must be shorter than 7 days,
//! walking forward from `since` in windows of 6 days and then following the present.
//!
//! Cursor (JSON text):
//!
//! ```json
//! {"v":1,"from":"2024-01-15T11:50:00Z","recent":{"IEAGT6KAIMGALS45":"2024-01-15T11:55:00Z"}}
//! ```
//!
//! `from` is the start of the next query window. `recent` maps the comments already emitted
//! that a later query could still return (updated at or after `from` minus the 5-minute edit
//! window) to their `updatedDate`; a comment is emitted iff its ID is not in `recent`, so an
//! edited comment is not announced again. A window that reaches the present is re-read from
//! `GRACE_SECS` before now on the next poll, which tolerates late-visible comments and clock
//! skew. A window returning `limit` comments (1000, Wrike's default) is halved until it does
//! not, so none is cut off.

use connector_sdk::schema::Schema;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{cursor_object, cursor_ts, start_point};
use crate::env::LogLevel;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::R;
use crate::table::{Event, PollResult, Trigger};
use crate::time::Timestamp;
use crate::wrike::{Client, Params};

/// Window length: 6 days, safely below Wrike's "< 7 days".
pub const WINDOW_SECS: i64 = 6 * 86_400;
/// How far behind "now" a live window restarts.
pub const GRACE_SECS: i64 = 600;
/// Comments can be edited for 5 minutes after creation.
pub const EDIT_SECS: i64 = 300;
/// Wrike's default (and our assumed) maximum number of comments per answer.
pub const LIMIT: usize = 1000;
/// Smallest window that is still halved when saturated.
pub const MIN_SPLIT_SECS: i64 = 60;

/// The comment trigger.
pub const TRIGGERS: &[Trigger] = &[Trigger {
    name: "new_comment",
    title: "New comment",
    description: "Emits each new comment on a task or folder (key: the comment ID), oldest first.",
    scopes: R,
    input_schema: Schema::of::<crate::triggers::types::NewComment>(),
    event_schema: Schema::of::<crate::resources::comments::Comment>(),
    poll,
}];

/// The `new_comment` cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentCursor {
    /// Start of the next query window.
    pub from: Timestamp,
    /// Comment ID → `updatedDate` of recently emitted comments.
    pub recent: BTreeMap<String, Timestamp>,
}

impl CommentCursor {
    /// Parse cursor text; anything malformed is `invalid-input` on `cursor`.
    pub fn parse(text: &str) -> Result<Self> {
        let m = cursor_object(text)?;
        let from = cursor_ts(&m, "from")?;
        let mut recent = BTreeMap::new();
        match m.get("recent") {
            None => {}
            Some(Value::Object(r)) => {
                for (id, ts) in r {
                    let ts = ts.as_str().and_then(Timestamp::parse).ok_or_else(|| {
                        Error::invalid("cursor", "the cursor's `recent` holds a non-timestamp")
                    })?;
                    recent.insert(id.clone(), ts);
                }
            }
            Some(_) => {
                return Err(Error::invalid(
                    "cursor",
                    "the cursor's `recent` is not an object",
                ))
            }
        }
        Ok(CommentCursor { from, recent })
    }

    /// The cursor as JSON text.
    pub fn to_text(&self) -> String {
        let mut m = Map::new();
        m.insert("v".into(), Value::from(super::CURSOR_VERSION));
        m.insert("from".into(), Value::String(self.from.to_rfc3339()));
        // Inserted one by one: collecting into a map would link another sort.
        let mut recent = Map::new();
        for (k, v) in &self.recent {
            recent.insert(k.clone(), Value::String(v.to_rfc3339()));
        }
        m.insert("recent".into(), Value::Object(recent));
        Value::Object(m).to_string()
    }
}

fn fetch(
    client: &mut Client<'_>,
    start: Timestamp,
    end: Option<Timestamp>,
    plain: bool,
) -> Result<Vec<Value>> {
    let mut range = Map::new();
    range.insert("start".into(), Value::String(start.to_rfc3339_secs()));
    if let Some(e) = end {
        range.insert("end".into(), Value::String(e.to_rfc3339_secs()));
    }
    let mut q = Params::new();
    q.value("updatedDate", &Value::Object(range));
    q.value("plainText", &Value::Bool(plain));
    Ok(client.get("/comments", &q)?.data)
}

fn stamp(c: &Value) -> Result<Timestamp> {
    c.get("updatedDate")
        .or_else(|| c.get("createdDate"))
        .and_then(Value::as_str)
        .and_then(Timestamp::parse)
        .ok_or_else(|| Error::Upstream {
            status: 200,
            code: None,
            message: format!(
                "unexpected answer from Wrike: comment {} has no valid updatedDate",
                c.get("id").and_then(Value::as_str).unwrap_or("?")
            ),
        })
}

fn poll(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
) -> Result<PollResult> {
    parse::<crate::triggers::types::NewComment>(input)?;
    let now = client.now();
    let plain = input
        .get("plainText")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut cur = match cursor {
        Some(text) => CommentCursor::parse(text)?,
        None => CommentCursor {
            from: start_point(input, now)?,
            recent: BTreeMap::new(),
        },
    };
    let from = cur.from;
    // `None` = a live window (start only, up to now); `Some(end)` = a closed window.
    let mut end = if from.secs + WINDOW_SECS >= now.secs {
        None
    } else {
        Some(from.add_secs(WINDOW_SECS))
    };
    let items = loop {
        let items = fetch(client, from, end, plain)?;
        let span = end.unwrap_or(now).secs - from.secs;
        if items.len() < LIMIT || span <= MIN_SPLIT_SECS {
            if items.len() >= LIMIT {
                client.log(
                    LogLevel::Warn,
                    "GET /comments returned its limit even for a one-minute window; some comments may be missed",
                );
            }
            break items;
        }
        end = Some(from.add_secs(span / 2));
    };
    let mut dated = Vec::with_capacity(items.len());
    for c in items {
        dated.push((stamp(&c)?, c));
    }
    let mut events = Vec::new();
    for (ts, c) in super::sorted_by_time(dated, |(ts, _)| *ts) {
        let Some(id) = c.get("id").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        if cur.recent.contains_key(&id) {
            continue;
        }
        cur.recent.insert(id.clone(), ts);
        events.push(Event {
            key: id,
            payload: c.to_string(),
        });
    }
    let more = end.is_some();
    cur.from = match end {
        Some(e) => e,
        None => Timestamp::from_secs(from.secs.max(now.secs - GRACE_SECS)),
    };
    let keep_from = cur.from.add_secs(-EDIT_SECS);
    cur.recent.retain(|_, ts| *ts >= keep_from);
    Ok(PollResult {
        events,
        cursor: cur.to_text(),
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::CommentCursor;
    use crate::catalog::{poll, PollResult};
    use crate::error::Error;
    use crate::testing::{ok, MockEnv, BASE, NOW};
    use serde_json::{json, Value};

    fn comments(items: Value) -> crate::env::HttpResponse {
        ok(&json!({"kind": "comments", "data": items}).to_string())
    }

    fn keys(r: &PollResult) -> Vec<String> {
        r.events.iter().map(|e| e.key.clone()).collect()
    }

    #[test]
    fn live_window_dedups_on_id_and_rereads_the_grace_period() {
        let c1 = json!({"id": "C1", "text": "a", "taskId": "T", "createdDate": "2024-01-15T11:58:00Z", "updatedDate": "2024-01-15T11:58:00Z"});
        let c1_edited = json!({"id": "C1", "text": "a!", "taskId": "T", "createdDate": "2024-01-15T11:58:00Z", "updatedDate": "2024-01-15T12:01:00Z"});
        let c2 = json!({"id": "C2", "text": "b", "folderId": "F", "createdDate": "2024-01-15T11:59:00Z", "updatedDate": "2024-01-15T11:59:00Z"});
        let mut env = MockEnv::new(vec![
            comments(json!([c2, c1])),
            comments(json!([c1_edited, c2])),
        ]);
        let r1 = poll(&mut env, BASE, "new_comment", "{}", None).unwrap();
        assert_eq!(keys(&r1), ["C1", "C2"]);
        assert!(!r1.more);
        assert_eq!(env.path(0), "/api/v4/comments");
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:00:00Z"}"#)
        );
        assert_eq!(env.query_param(0, "plainText").as_deref(), Some("true"));
        let cur = CommentCursor::parse(&r1.cursor).unwrap();
        assert_eq!(cur.from.to_rfc3339_secs(), "2024-01-15T11:50:00Z");
        assert_eq!(cur.recent.len(), 2);
        env.now = NOW.add_secs(300);
        let r2 = poll(&mut env, BASE, "new_comment", "{}", Some(&r1.cursor)).unwrap();
        assert!(
            r2.events.is_empty(),
            "edited comment must not be announced again"
        );
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-15T11:50:00Z"}"#)
        );
    }

    #[test]
    fn old_since_is_walked_in_six_day_windows() {
        let mut env = MockEnv::new(vec![
            comments(
                json!([{"id": "OLD", "text": "x", "createdDate": "2024-01-02T00:00:00Z", "updatedDate": "2024-01-02T00:00:00Z"}]),
            ),
            comments(json!([])),
            comments(json!([])),
        ]);
        let input = r#"{"since":"2024-01-01T00:00:00Z","plainText":false}"#;
        let r1 = poll(&mut env, BASE, "new_comment", input, None).unwrap();
        assert_eq!(keys(&r1), ["OLD"]);
        assert!(r1.more);
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"end":"2024-01-07T00:00:00Z","start":"2024-01-01T00:00:00Z"}"#)
        );
        assert_eq!(env.query_param(0, "plainText").as_deref(), Some("false"));
        let r2 = poll(&mut env, BASE, "new_comment", input, Some(&r1.cursor)).unwrap();
        assert!(r2.more);
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"end":"2024-01-13T00:00:00Z","start":"2024-01-07T00:00:00Z"}"#)
        );
        let r3 = poll(&mut env, BASE, "new_comment", input, Some(&r2.cursor)).unwrap();
        assert!(!r3.more, "the third window reaches the present");
        assert_eq!(
            env.query_param(2, "updatedDate").as_deref(),
            Some(r#"{"start":"2024-01-13T00:00:00Z"}"#)
        );
    }

    #[test]
    fn saturated_windows_are_halved() {
        let many: Vec<Value> = (0..1000)
            .map(|i| json!({"id": format!("C{i}"), "text": "x", "updatedDate": "2024-01-02T00:00:00Z"}))
            .collect();
        let mut env = MockEnv::new(vec![
            comments(Value::Array(many)),
            comments(json!([{"id": "A", "text": "x", "updatedDate": "2024-01-01T01:00:00Z"}])),
        ]);
        let r = poll(
            &mut env,
            BASE,
            "new_comment",
            r#"{"since":"2024-01-01T00:00:00Z"}"#,
            None,
        )
        .unwrap();
        assert_eq!(keys(&r), ["A"]);
        assert_eq!(
            env.query_param(1, "updatedDate").as_deref(),
            Some(r#"{"end":"2024-01-04T00:00:00Z","start":"2024-01-01T00:00:00Z"}"#)
        );
        let cur = CommentCursor::parse(&r.cursor).unwrap();
        assert_eq!(cur.from.to_rfc3339_secs(), "2024-01-04T00:00:00Z");
        assert!(r.more);
    }

    #[test]
    fn malformed_cursor() {
        let mut env = MockEnv::new(vec![]);
        for bad in [
            "x",
            r#"{"v":1}"#,
            r#"{"v":1,"from":"2024-01-01T00:00:00Z","recent":{"a":"b"}}"#,
            r#"{"v":1,"from":"2024-01-01T00:00:00Z","recent":[]}"#,
        ] {
            match poll(&mut env, BASE, "new_comment", "{}", Some(bad)) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "cursor", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
