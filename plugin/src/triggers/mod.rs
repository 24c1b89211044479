//! Polling triggers and their shared cursor scheme.
//!
//! Every `new_or_updated_*` trigger keeps a **high-water mark**: the greatest `updatedDate`
//! emitted so far, plus the set of event keys already emitted *at exactly that instant*. An
//! item is emitted iff its `updatedDate` is later than the mark, or equal to it and its key is
//! not in the set. Queries restart at the mark (inclusive, rounded down to the second), so an
//! item updated in the same second as the last emitted one is neither lost nor repeated.
//!
//! Cursor format (JSON text, opaque to the host):
//!
//! ```json
//! {"v":1,"hw":"2024-01-15T11:00:00Z","seen":["IEAAAAAQKQAB5BG5@2024-01-15T11:00:00Z"],
//!  "page":{"start":"2024-01-15T10:00:00Z","token":"…"}}
//! ```
//!
//! `page` is present only while a paged result is being walked: `start` is the query start of
//! that paging sequence and `token` Wrike's `nextPageToken` for the next page.

pub mod comments;
pub mod folders;
pub mod tasks;
pub mod timelogs;
pub mod types;
pub mod webhooks;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::table::{Event, PollResult};
use crate::time::Timestamp;
use crate::wrike::Client;

/// Current cursor format version.
pub const CURSOR_VERSION: u64 = 1;

/// Default look-back of a trigger without `since`: one hour.
pub const DEFAULT_LOOKBACK_SECS: i64 = 3600;

/// The high-water mark and the keys emitted at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// Greatest `updatedDate` emitted so far (or the starting point).
    pub hw: Timestamp,
    /// Keys already emitted whose `updatedDate` equals `hw`.
    pub seen: BTreeSet<String>,
}

impl Watermark {
    /// A mark at `start` with nothing seen.
    pub fn at(start: Timestamp) -> Self {
        Watermark {
            hw: start,
            seen: BTreeSet::new(),
        }
    }

    /// Decide whether the item (`updated`, `key`) is new, and record it if so.
    pub fn admit(&mut self, updated: Timestamp, key: &str) -> bool {
        if updated > self.hw {
            self.hw = updated;
            self.seen.clear();
            self.seen.insert(key.to_string());
            true
        } else if updated == self.hw {
            self.seen.insert(key.to_string())
        } else {
            false
        }
    }
}

/// An in-progress paging sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Query start of the sequence.
    pub start: Timestamp,
    /// `nextPageToken` for the next page.
    pub token: String,
}

/// The cursor of the `new_or_updated_*` triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// High-water mark.
    pub mark: Watermark,
    /// Paging sequence in progress, if any.
    pub page: Option<Page>,
}

fn bad_cursor(why: &str) -> Error {
    Error::invalid(
        "cursor",
        format!("the cursor is not one this connector wrote: {why}"),
    )
}

/// A timestamp field of a cursor object.
pub fn cursor_ts(m: &Map<String, Value>, name: &str) -> Result<Timestamp> {
    m.get(name)
        .and_then(Value::as_str)
        .and_then(Timestamp::parse)
        .ok_or_else(|| bad_cursor(&format!("`{name}` is missing or not a timestamp")))
}

/// Parse cursor text into a JSON object of the current version.
pub fn cursor_object(text: &str) -> Result<Map<String, Value>> {
    let v: Value = serde_json::from_str(text).map_err(|_| bad_cursor("not JSON"))?;
    let Value::Object(m) = v else {
        return Err(bad_cursor("not a JSON object"));
    };
    if m.get("v").and_then(Value::as_u64) != Some(CURSOR_VERSION) {
        return Err(bad_cursor("unknown version"));
    }
    Ok(m)
}

/// A list of strings field of a cursor object (absent → empty).
pub fn cursor_strings(m: &Map<String, Value>, name: &str) -> Result<BTreeSet<String>> {
    match m.get(name) {
        None => Ok(BTreeSet::new()),
        Some(Value::Array(a)) => {
            // Inserted one by one: collecting into a set would link another sort.
            let mut set = BTreeSet::new();
            for v in a {
                let s = v
                    .as_str()
                    .ok_or_else(|| bad_cursor(&format!("`{name}` holds a non-string")))?;
                set.insert(s.to_string());
            }
            Ok(set)
        }
        Some(_) => Err(bad_cursor(&format!("`{name}` is not a list"))),
    }
}

impl Cursor {
    /// A fresh cursor starting at `start`.
    pub fn fresh(start: Timestamp) -> Self {
        Cursor {
            mark: Watermark::at(start),
            page: None,
        }
    }

    /// Parse a cursor; anything malformed is `invalid-input` on field `cursor`.
    pub fn parse(text: &str) -> Result<Self> {
        let m = cursor_object(text)?;
        let hw = cursor_ts(&m, "hw")?;
        let seen = cursor_strings(&m, "seen")?;
        let page = match m.get("page") {
            None | Some(Value::Null) => None,
            Some(Value::Object(p)) => Some(Page {
                start: cursor_ts(p, "start")?,
                token: p
                    .get("token")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| bad_cursor("`page.token` is missing"))?
                    .to_string(),
            }),
            Some(_) => return Err(bad_cursor("`page` is not an object")),
        };
        Ok(Cursor {
            mark: Watermark { hw, seen },
            page,
        })
    }

    /// The cursor as JSON text.
    pub fn to_text(&self) -> String {
        let mut m = Map::new();
        m.insert("v".into(), Value::from(CURSOR_VERSION));
        m.insert("hw".into(), Value::String(self.mark.hw.to_rfc3339()));
        m.insert(
            "seen".into(),
            Value::Array(self.mark.seen.iter().cloned().map(Value::String).collect()),
        );
        if let Some(p) = &self.page {
            let mut pm = Map::new();
            pm.insert("start".into(), Value::String(p.start.to_rfc3339()));
            pm.insert("token".into(), Value::String(p.token.clone()));
            m.insert("page".into(), Value::Object(pm));
        }
        Value::Object(m).to_string()
    }
}

/// Where a trigger without a cursor starts: its `since` input, else an hour before `now`.
pub fn start_point(input: &Map<String, Value>, now: Timestamp) -> Result<Timestamp> {
    match input.get("since").and_then(Value::as_str) {
        Some(s) => Timestamp::parse(s)
            .ok_or_else(|| Error::invalid("since", "must be an RFC 3339 date-time")),
        None => Ok(now.add_secs(-DEFAULT_LOOKBACK_SECS)),
    }
}

/// The `updatedDate` of an item, parsed; an item without one is an unexpected answer.
pub fn updated_of(item: &Value) -> Result<(Timestamp, &str)> {
    let raw = item
        .get("updatedDate")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ts = Timestamp::parse(raw).ok_or_else(|| Error::Upstream {
        status: 200,
        code: None,
        message: format!(
            "unexpected answer from Wrike: item {} has no valid updatedDate ({raw:?})",
            item.get("id").and_then(Value::as_str).unwrap_or("?")
        ),
    })?;
    Ok((ts, raw))
}

/// The event key `"{id}@{updatedDate}"` of an item.
pub fn id_at_updated(item: &Value, raw_updated: &str) -> String {
    format!(
        "{}@{}",
        item.get("id").and_then(Value::as_str).unwrap_or(""),
        raw_updated
    )
}

/// `items` in order of `time`, ties in their given order. Every trigger sorts through here, so
/// the component holds one instance of the standard sort (on `(Timestamp, usize)` pairs) rather
/// than one per element type: each instance is about 3 KB of code.
pub fn sorted_by_time<T>(items: Vec<T>, time: impl Fn(&T) -> Timestamp) -> Vec<T> {
    let mut order: Vec<(Timestamp, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (time(item), i))
        .collect();
    // The pairs are distinct (the index), so the unstable sort keeps ties in their order.
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, i)| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Sort `items` by `updatedDate` (stable) and emit those the mark admits, keyed
/// `"{id}@{updatedDate}"`, oldest first.
pub fn emit_new(mark: &mut Watermark, items: Vec<Value>) -> Result<Vec<Event>> {
    let mut dated = Vec::with_capacity(items.len());
    for item in items {
        let (ts, raw) = updated_of(&item)?;
        let key = id_at_updated(&item, raw);
        dated.push((ts, key, item));
    }
    let mut events = Vec::new();
    for (ts, key, item) in sorted_by_time(dated, |(ts, _, _)| *ts) {
        if mark.admit(ts, &key) {
            events.push(Event {
                key,
                payload: item.to_string(),
            });
        }
    }
    Ok(events)
}

/// One poll of an unpaged `new_or_updated_*` trigger: `fetch` returns every item updated at or
/// after the given start; they are sorted client-side and filtered by the high-water mark.
pub fn poll_unpaged<F>(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    cursor: Option<&str>,
    fetch: F,
) -> Result<PollResult>
where
    F: FnOnce(&mut Client<'_>, Timestamp) -> Result<Vec<Value>>,
{
    let mut cur = match cursor {
        Some(text) => Cursor::parse(text)?,
        None => Cursor::fresh(start_point(input, client.now())?),
    };
    // These lists are not paged; a page left by another trigger's cursor means nothing here.
    cur.page = None;
    let items = fetch(client, cur.mark.hw)?;
    let events = emit_new(&mut cur.mark, items)?;
    Ok(PollResult {
        events,
        cursor: cur.to_text(),
        more: false,
    })
}

/// `{"start": "<start>"}` as the JSON value of an `updatedDate` filter.
pub fn since_filter(start: Timestamp) -> Value {
    let mut range = Map::new();
    range.insert("start".into(), Value::String(start.to_rfc3339_secs()));
    Value::Object(range)
}

/// True when `e` is Wrike's answer to a stale or unknown `nextPageToken`.
pub fn is_stale_token(e: &Error) -> bool {
    match e {
        Error::InvalidInput { field, message } => {
            field == "nextPageToken" || message.contains("nextPageToken")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn watermark_admits_newer_and_unseen_equal() {
        let mut m = Watermark::at(ts("2024-01-01T00:00:00Z"));
        assert!(m.admit(ts("2024-01-01T00:00:00Z"), "a@0"));
        assert!(!m.admit(ts("2024-01-01T00:00:00Z"), "a@0"));
        assert!(m.admit(ts("2024-01-01T00:00:00Z"), "b@0"));
        assert!(!m.admit(ts("2023-12-31T23:59:59Z"), "c@-1"));
        assert!(m.admit(ts("2024-01-01T00:00:01Z"), "a@1"));
        assert_eq!(m.seen.len(), 1);
        // Fractional seconds compare correctly.
        assert!(m.admit(ts("2024-01-01T00:00:01.5Z"), "a@1.5"));
        assert!(!m.admit(ts("2024-01-01T00:00:01.25Z"), "b@1.25"));
    }

    #[test]
    fn cursor_round_trips() {
        let mut c = Cursor::fresh(ts("2024-01-01T00:00:00Z"));
        c.mark
            .admit(ts("2024-01-01T00:00:05.5Z"), "X@2024-01-01T00:00:05.5Z");
        c.page = Some(Page {
            start: ts("2024-01-01T00:00:00Z"),
            token: "tok".into(),
        });
        let text = c.to_text();
        assert_eq!(Cursor::parse(&text).unwrap(), c);
        assert!(
            text.starts_with(r#"{"hw":"2024-01-01T00:00:05.5Z""#),
            "{text}"
        );
    }

    #[test]
    fn malformed_cursors_are_invalid_input_on_cursor() {
        for bad in [
            "",
            "nope",
            "[]",
            r#"{"hw":"2024-01-01T00:00:00Z"}"#,
            r#"{"v":2,"hw":"2024-01-01T00:00:00Z"}"#,
            r#"{"v":1}"#,
            r#"{"v":1,"hw":"yesterday"}"#,
            r#"{"v":1,"hw":"2024-01-01T00:00:00Z","seen":"x"}"#,
            r#"{"v":1,"hw":"2024-01-01T00:00:00Z","seen":[1]}"#,
            r#"{"v":1,"hw":"2024-01-01T00:00:00Z","page":{"start":"2024-01-01T00:00:00Z"}}"#,
            r#"{"v":1,"hw":"2024-01-01T00:00:00Z","page":7}"#,
        ] {
            match Cursor::parse(bad) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "cursor", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn sorted_by_time_keeps_ties_in_order() {
        let items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (3, 'f')];
        let sorted = sorted_by_time(items, |(secs, _)| Timestamp::from_secs(*secs));
        let letters: String = sorted.iter().map(|(_, c)| *c).collect();
        assert_eq!(letters, "bedacf");
        assert!(sorted_by_time(Vec::<u8>::new(), |_| Timestamp::from_secs(0)).is_empty());
    }

    #[test]
    fn emit_new_sorts_and_dedups() {
        let mut m = Watermark::at(ts("2024-01-01T00:00:00Z"));
        let items = vec![
            json!({"id":"B","updatedDate":"2024-01-01T00:00:02Z"}),
            json!({"id":"A","updatedDate":"2024-01-01T00:00:01Z"}),
            json!({"id":"Old","updatedDate":"2023-12-01T00:00:00Z"}),
        ];
        let ev = emit_new(&mut m, items).unwrap();
        let keys: Vec<&str> = ev.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A@2024-01-01T00:00:01Z", "B@2024-01-01T00:00:02Z"]);
        let bad = emit_new(&mut m, vec![json!({"id":"X"})]);
        assert!(matches!(bad, Err(Error::Upstream { .. })));
    }
}
