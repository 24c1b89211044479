//! The polling trigger `new_or_updated_issue`: issues of one repository, oldest update first,
//! keyed `{id}@{updated_at}` so each edit is a new event.
//!
//! Each poll asks `GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=asc&since=…`
//! (GitHub's `since` is inclusive). The cursor is JSON text `{"since": <latest updated_at seen>,
//! "seen": [keys updated at exactly that instant]}`, so the next poll starts at that instant
//! and skips what it already emitted. The first poll starts at the input's `since`, or at the
//! beginning of the repository's history.

use connector_sdk::catalog::{Event, PollResult, Trigger};
use connector_sdk::input::parse;
use connector_sdk::schema::Schema;
use connector_sdk::{Error, Result};
use serde_json::{json, Value};

use crate::client::GitHub;
use crate::input::Input;
use crate::issues::{is_pull_request, repo_path};
use crate::types::{Issue, NewOrUpdatedIssue};
use crate::PollFn;

/// Issues per poll (GitHub's maximum page size).
const PAGE: u32 = 100;

/// The triggers.
pub const TRIGGERS: &[Trigger<PollFn>] = &[Trigger {
    name: "new_or_updated_issue",
    title: "New or updated issue",
    description: "Emits an issue of a repository each time it is created or changed (pull requests left out unless asked for), oldest change first.",
    scopes: &[],
    input_schema: Schema::of::<NewOrUpdatedIssue>(),
    event_schema: Schema::of::<Issue>(),
    poll,
}];

/// The parsed cursor.
struct Cursor {
    since: Option<String>,
    seen: Vec<String>,
}

fn parse_cursor(text: Option<&str>, input: &NewOrUpdatedIssue) -> Result<Cursor> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Cursor {
            since: input.since.clone(),
            seen: Vec::new(),
        });
    };
    let bad = || Error::invalid("cursor", "not a cursor of this trigger");
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let since = v["since"].as_str().ok_or_else(bad)?.to_string();
    let seen = v["seen"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|k| k.as_str().map(str::to_string).ok_or_else(bad))
        .collect::<Result<_>>()?;
    Ok(Cursor {
        since: Some(since),
        seen,
    })
}

/// The deduplication key of an issue.
pub fn key(issue: &Value) -> Result<(String, String)> {
    let id = issue["id"]
        .as_u64()
        .ok_or_else(|| Error::internal("an issue without a numeric `id`"))?;
    let updated = issue["updated_at"]
        .as_str()
        .ok_or_else(|| Error::internal("an issue without `updated_at`"))?;
    Ok((format!("{id}@{updated}"), updated.to_string()))
}

fn poll(gh: &mut GitHub<'_>, input: &Input, cursor: Option<&str>) -> Result<PollResult> {
    let input: NewOrUpdatedIssue = parse(input)?;
    let cursor = parse_cursor(cursor, &input)?;
    let with_prs = input.include_pull_requests.unwrap_or(false);
    let path = format!(
        "{}/issues",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    let mut query = vec![
        ("state", "all".to_string()),
        ("sort", "updated".to_string()),
        ("direction", "asc".to_string()),
        ("per_page", PAGE.to_string()),
    ];
    if let Some(labels) = &input.labels {
        query.push(("labels", labels.join(",")));
    }
    if let Some(since) = &cursor.since {
        query.push(("since", since.clone()));
    }
    let page = gh.get_page(&path, &query)?;
    let mut since = cursor.since.clone();
    let mut seen = cursor.seen.clone();
    let mut events = Vec::new();
    for issue in &page.items {
        let (key, updated) = key(issue)?;
        if since.as_deref() != Some(updated.as_str()) {
            since = Some(updated);
            seen.clear();
        }
        if !seen.contains(&key) {
            seen.push(key.clone());
        }
        if cursor.seen.contains(&key) || (!with_prs && is_pull_request(issue)) {
            continue;
        }
        events.push(Event {
            key,
            payload: issue.to_string(),
        });
    }
    let next = match since {
        Some(since) => json!({"since": since, "seen": seen}).to_string(),
        None => String::new(),
    };
    Ok(PollResult {
        more: page.next.is_some() && !events.is_empty(),
        events,
        cursor: next,
    })
}
