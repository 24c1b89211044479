//! Issue actions: list, get, create, update and comment (GitHub REST "Issues" and "Issue
//! comments"). Every action names its repository with `repo` (`name` or `owner/name`) and an
//! optional `owner` (default: the connection's `owner` setting, else the authenticated user).

use connector_sdk::catalog::Action;
use connector_sdk::env::Method;
use connector_sdk::schema::Schema;
use connector_sdk::url::encode;
use connector_sdk::{Error, Result};
use serde_json::{json, Map, Value};

use crate::client::GitHub;
use crate::input::{
    opt_bool, opt_enum, opt_str, opt_str_list, opt_u64, req_number, req_str, Input,
};
use crate::ActionFn;

/// The repository fields every issue input has, as JSON Schema properties.
macro_rules! repo_props {
    () => {
        r#""owner":{"type":"string","minLength":1,"description":"Repository owner; default: the connection's `owner` setting, else the authenticated user"},"repo":{"type":"string","minLength":1,"description":"Repository name, or `owner/name`"}"#
    };
}
pub(crate) use repo_props;

/// JSON Schema of an issue as this connector returns it (GitHub's full issue object; only the
/// fields every issue has are required).
macro_rules! issue_schema {
    () => {
        r#"{"type":"object","required":["id","number","title","state","html_url","updated_at"],"properties":{"id":{"type":"integer"},"number":{"type":"integer"},"title":{"type":"string"},"body":{"type":["string","null"]},"state":{"enum":["open","closed"]},"html_url":{"type":"string"},"labels":{"type":"array"},"assignees":{"type":"array"},"comments":{"type":"integer"},"created_at":{"type":"string"},"updated_at":{"type":"string"},"closed_at":{"type":["string","null"]}}}"#
    };
}
pub(crate) use issue_schema;

/// The issue actions.
pub const ACTIONS: &[Action<ActionFn>] = &[
    Action {
        name: "list_issues",
        title: "List issues",
        description: "Lists a repository's issues (pull requests left out unless asked for), newest first, following GitHub's pages up to `max_pages`.",
        scopes: &[],
        read_only: true,
        input_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["repo"],"properties":{"#,
            repo_props!(),
            r#","state":{"enum":["open","closed","all"],"default":"open"},"labels":{"type":"array","items":{"type":"string"}},"since":{"type":"string","format":"date-time","description":"Only issues updated at or after this time"},"per_page":{"type":"integer","minimum":1,"maximum":100,"default":30},"max_pages":{"type":"integer","minimum":1,"maximum":10,"default":1},"include_pull_requests":{"type":"boolean","default":false}}}"#
        )),
        output_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["issues"],"properties":{"issues":{"type":"array","items":"#,
            issue_schema!(),
            r#"},"more":{"type":"boolean","description":"True when GitHub has further pages"}}}"#
        )),
        run: list_issues,
    },
    Action {
        name: "get_issue",
        title: "Get issue",
        description: "Gets one issue by its number.",
        scopes: &[],
        read_only: true,
        input_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["repo","issue_number"],"properties":{"#,
            repo_props!(),
            r#","issue_number":{"type":"integer","minimum":1}}}"#
        )),
        output_schema: Schema::json(issue_schema!()),
        run: get_issue,
    },
    Action {
        name: "create_issue",
        title: "Create issue",
        description: "Opens an issue with a title and, optionally, a body, labels and assignees.",
        scopes: &[],
        read_only: false,
        input_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["repo","title"],"properties":{"#,
            repo_props!(),
            r#","title":{"type":"string","minLength":1},"body":{"type":"string"},"labels":{"type":"array","items":{"type":"string"}},"assignees":{"type":"array","items":{"type":"string"}}}}"#
        )),
        output_schema: Schema::json(issue_schema!()),
        run: create_issue,
    },
    Action {
        name: "update_issue",
        title: "Update issue",
        description: "Changes an issue's title, body, state, labels or assignees (only the fields given).",
        scopes: &[],
        read_only: false,
        input_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["repo","issue_number"],"properties":{"#,
            repo_props!(),
            r#","issue_number":{"type":"integer","minimum":1},"title":{"type":"string","minLength":1},"body":{"type":"string"},"state":{"enum":["open","closed"]},"state_reason":{"enum":["completed","not_planned","reopened"]},"labels":{"type":"array","items":{"type":"string"}},"assignees":{"type":"array","items":{"type":"string"}}}}"#
        )),
        output_schema: Schema::json(issue_schema!()),
        run: update_issue,
    },
    Action {
        name: "add_comment",
        title: "Add comment",
        description: "Adds a comment to an issue.",
        scopes: &[],
        read_only: false,
        input_schema: Schema::json(concat!(
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["repo","issue_number","body"],"properties":{"#,
            repo_props!(),
            r#","issue_number":{"type":"integer","minimum":1},"body":{"type":"string","minLength":1}}}"#
        )),
        output_schema: Schema::json(r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["id","body","html_url"],"properties":{"id":{"type":"integer"},"body":{"type":"string"},"html_url":{"type":"string"},"created_at":{"type":"string"}}}"#),
        run: add_comment,
    },
];

/// `/repos/{owner}/{repo}` for `input`'s `repo` (`name` or `owner/name`) and `owner`.
pub fn repo_path(gh: &mut GitHub<'_>, input: &Input) -> Result<String> {
    let repo = req_str(input, "repo")?;
    let given_owner = opt_str(input, "owner")?;
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

fn list_issues(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let path = format!("{}/issues", repo_path(gh, input)?);
    let mut query = vec![(
        "state",
        opt_enum(input, "state", &["open", "closed", "all"])?
            .unwrap_or("open")
            .to_string(),
    )];
    if let Some(labels) = opt_str_list(input, "labels")? {
        query.push(("labels", labels.join(",")));
    }
    if let Some(since) = opt_str(input, "since")? {
        query.push(("since", since.to_string()));
    }
    query.push((
        "per_page",
        opt_u64(input, "per_page", 1, 100)?
            .unwrap_or(30)
            .to_string(),
    ));
    let max_pages = opt_u64(input, "max_pages", 1, 10)?.unwrap_or(1);
    let with_prs = opt_bool(input, "include_pull_requests")?.unwrap_or(false);
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
    let path = format!(
        "{}/issues/{}",
        repo_path(gh, input)?,
        req_number(input, "issue_number")?
    );
    gh.get(&path, &[])
}

/// Copies the given optional fields of `input` into a request body.
fn body_of(input: &Input, strings: &[&str], lists: &[&str]) -> Result<Map<String, Value>> {
    let mut body = Map::new();
    for &name in strings {
        if let Some(v) = opt_str(input, name)? {
            body.insert(name.into(), v.into());
        }
    }
    for &name in lists {
        if let Some(v) = opt_str_list(input, name)? {
            body.insert(name.into(), v.into());
        }
    }
    Ok(body)
}

fn create_issue(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    req_str(input, "title")?;
    let body = body_of(input, &["title", "body"], &["labels", "assignees"])?;
    let path = format!("{}/issues", repo_path(gh, input)?);
    gh.send_json(Method::Post, &path, &Value::Object(body))
}

fn update_issue(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let number = req_number(input, "issue_number")?;
    opt_enum(input, "state", &["open", "closed"])?;
    opt_enum(
        input,
        "state_reason",
        &["completed", "not_planned", "reopened"],
    )?;
    let body = body_of(
        input,
        &["title", "body", "state", "state_reason"],
        &["labels", "assignees"],
    )?;
    if body.is_empty() {
        return Err(Error::invalid(
            "",
            "nothing to update: give at least one of title, body, state, state_reason, labels, assignees",
        ));
    }
    let path = format!("{}/issues/{number}", repo_path(gh, input)?);
    gh.send_json(Method::Patch, &path, &Value::Object(body))
}

fn add_comment(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let number = req_number(input, "issue_number")?;
    let text = req_str(input, "body")?;
    let path = format!("{}/issues/{number}/comments", repo_path(gh, input)?);
    gh.send_json(Method::Post, &path, &json!({ "body": text }))
}
