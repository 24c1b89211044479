//! Issue actions: list, get, create, update and comment (GitHub REST "Issues" and "Issue
//! comments"). Every action names its repository with `repo` (`name` or `owner/name`) and an
//! optional `owner` (default: the connection's `owner` setting, else the authenticated user).

use connector_sdk::catalog::Action;
use connector_sdk::env::Method;
use connector_sdk::input::parse;
use connector_sdk::schema::Schema;
use connector_sdk::url::encode;
use connector_sdk::{Error, Result};
use serde_json::{json, Map, Value};

use crate::client::GitHub;
use crate::input::{in_range, issue_number, non_empty, Input};
use crate::types::{
    AddComment, Comment, CreateIssue, GetIssue, Issue, IssueList, ListIssues, ListState, State,
    StateReason, UpdateIssue,
};
use crate::ActionFn;

/// The issue actions.
pub const ACTIONS: &[Action<ActionFn>] = &[
    Action {
        name: "list_issues",
        title: "List issues",
        description: "Lists a repository's issues (pull requests left out unless asked for), newest first, following GitHub's pages up to `max_pages`.",
        scopes: &[],
        read_only: true,
        input_schema: Schema::of::<ListIssues>(),
        output_schema: Schema::of::<IssueList>(),
        run: list_issues,
    },
    Action {
        name: "get_issue",
        title: "Get issue",
        description: "Gets one issue by its number.",
        scopes: &[],
        read_only: true,
        input_schema: Schema::of::<GetIssue>(),
        output_schema: Schema::of::<Issue>(),
        run: get_issue,
    },
    Action {
        name: "create_issue",
        title: "Create issue",
        description: "Opens an issue with a title and, optionally, a body, labels and assignees.",
        scopes: &[],
        read_only: false,
        input_schema: Schema::of::<CreateIssue>(),
        output_schema: Schema::of::<Issue>(),
        run: create_issue,
    },
    Action {
        name: "update_issue",
        title: "Update issue",
        description: "Changes an issue's title, body, state, labels or assignees (only the fields given).",
        scopes: &[],
        read_only: false,
        input_schema: Schema::of::<UpdateIssue>(),
        output_schema: Schema::of::<Issue>(),
        run: update_issue,
    },
    Action {
        name: "add_comment",
        title: "Add comment",
        description: "Adds a comment to an issue.",
        scopes: &[],
        read_only: false,
        input_schema: Schema::of::<AddComment>(),
        output_schema: Schema::of::<Comment>(),
        run: add_comment,
    },
];

/// `/repos/{owner}/{repo}` for an input's `repo` (`name` or `owner/name`) and `owner`.
pub fn repo_path(gh: &mut GitHub<'_>, repo: &str, given_owner: Option<&str>) -> Result<String> {
    let repo = non_empty("repo", repo)?;
    if given_owner.is_some_and(str::is_empty) {
        return Err(Error::invalid("owner", "must not be empty"));
    }
    let (owner, name) = match repo.split_once('/') {
        Some((o, n)) if !o.is_empty() && !n.is_empty() && !n.contains('/') => {
            if given_owner.is_some_and(|g| g != o) {
                return Err(Error::invalid(
                    "owner",
                    format!("`repo` names owner `{o}`, `owner` says otherwise"),
                ));
            }
            (o.to_string(), n)
        }
        Some(_) => return Err(Error::invalid("repo", "must be `name` or `owner/name`")),
        None => (gh.owner(given_owner)?, repo),
    };
    Ok(format!("/repos/{}/{}", encode(&owner), encode(name)))
}

/// Whether a list item is a pull request (GitHub's issue lists include them).
pub fn is_pull_request(item: &Value) -> bool {
    item.get("pull_request").is_some()
}

impl ListState {
    fn as_str(self) -> &'static str {
        match self {
            ListState::Open => "open",
            ListState::Closed => "closed",
            ListState::All => "all",
        }
    }
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
        }
    }
}

impl StateReason {
    fn as_str(self) -> &'static str {
        match self {
            StateReason::Completed => "completed",
            StateReason::NotPlanned => "not_planned",
            StateReason::Reopened => "reopened",
        }
    }
}

fn list_issues(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: ListIssues = parse(input)?;
    let per_page = in_range("per_page", input.per_page, 30, 1, 100)?;
    let max_pages = in_range("max_pages", input.max_pages, 1, 1, 10)?;
    let path = format!(
        "{}/issues",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    let mut query = vec![(
        "state",
        input.state.unwrap_or_default().as_str().to_string(),
    )];
    if let Some(labels) = &input.labels {
        query.push(("labels", labels.join(",")));
    }
    if let Some(since) = input.since {
        query.push(("since", since));
    }
    query.push(("per_page", per_page.to_string()));
    let with_prs = input.include_pull_requests.unwrap_or(false);
    let mut page = gh.get_page(&path, &query)?;
    let mut issues = Vec::new();
    for n in 1..=max_pages {
        issues.extend(
            page.items
                .drain(..)
                .filter(|i| with_prs || !is_pull_request(i)),
        );
        match (&page.next, n < max_pages) {
            (Some(next), true) => {
                let next = next.clone();
                page = gh.get_next(&next)?;
            }
            _ => break,
        }
    }
    Ok(json!({"issues": issues, "more": page.next.is_some()}))
}

fn get_issue(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: GetIssue = parse(input)?;
    let number = issue_number(input.issue_number)?;
    let path = format!(
        "{}/issues/{number}",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    gh.get(&path, &[])
}

/// A request body of the given fields (`None`s left out).
fn body_of(
    strings: &[(&str, Option<&str>)],
    lists: &[(&str, &Option<Vec<String>>)],
) -> Map<String, Value> {
    let mut body = Map::new();
    for &(name, value) in strings {
        if let Some(v) = value {
            body.insert(name.into(), v.into());
        }
    }
    for &(name, value) in lists {
        if let Some(v) = value {
            body.insert(name.into(), v.clone().into());
        }
    }
    body
}

fn create_issue(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: CreateIssue = parse(input)?;
    let title = non_empty("title", &input.title)?;
    let body = body_of(
        &[("title", Some(title)), ("body", input.body.as_deref())],
        &[("labels", &input.labels), ("assignees", &input.assignees)],
    );
    let path = format!(
        "{}/issues",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    gh.send_json(Method::Post, &path, &Value::Object(body))
}

fn update_issue(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: UpdateIssue = parse(input)?;
    let number = issue_number(input.issue_number)?;
    let body = body_of(
        &[
            ("title", input.title.as_deref()),
            ("body", input.body.as_deref()),
            ("state", input.state.map(State::as_str)),
            ("state_reason", input.state_reason.map(StateReason::as_str)),
        ],
        &[("labels", &input.labels), ("assignees", &input.assignees)],
    );
    if body.is_empty() {
        return Err(Error::invalid(
            "",
            "nothing to update: give at least one of title, body, state, state_reason, labels, assignees",
        ));
    }
    let path = format!(
        "{}/issues/{number}",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    gh.send_json(Method::Patch, &path, &Value::Object(body))
}

fn add_comment(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: AddComment = parse(input)?;
    let number = issue_number(input.issue_number)?;
    let text = non_empty("body", &input.body)?;
    let path = format!(
        "{}/issues/{number}/comments",
        repo_path(gh, &input.repo, input.owner.as_deref())?
    );
    gh.send_json(Method::Post, &path, &json!({ "body": text }))
}
