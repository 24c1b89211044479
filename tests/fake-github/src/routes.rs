//! The endpoints, routed by hand on the path segments: authentication (`Authorization: Bearer`
//! or `token`, and a `User-Agent`, as GitHub requires), paging with `Link` headers, and
//! GitHub's error bodies (`{"message", "documentation_url"}`, 422 with `errors`).

// Early exits carry the finished error response; its size does not matter in a test fake.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::store::{Issue, Repo, Store, LOGIN};
use crate::{Shared, TEST_TOKEN};

const DOCS: &str = "https://docs.github.com/rest";

/// A JSON answer.
fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// GitHub's error body.
fn error(status: StatusCode, message: &str) -> Response {
    answer(
        status,
        json!({"message": message, "documentation_url": DOCS}),
    )
}

/// GitHub's 422 with one failing field.
fn validation(field: &str, code: &str) -> Response {
    answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"message": "Validation Failed", "documentation_url": DOCS,
            "errors": [{"resource": "Issue", "field": field, "code": code}]}),
    )
}

/// Handles one request.
pub fn handle(
    shared: &Shared,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    shared.log.lock().push(format!(
        "{method} {}",
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    ));
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("token "));
    if token != Some(TEST_TOKEN) {
        return error(StatusCode::UNAUTHORIZED, "Bad credentials");
    }
    if !headers.contains_key("user-agent") {
        return error(
            StatusCode::FORBIDDEN,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
        );
    }
    let query: Map<String, Value> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let json_body = || -> Result<Map<String, Value>, Response> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(error(StatusCode::BAD_REQUEST, "Problems parsing JSON")),
        }
    };
    let ctx = Ctx {
        origin: shared
            .link_origin
            .lock()
            .clone()
            .unwrap_or_else(|| shared.origin.clone()),
        own_origin: shared.origin.clone(),
        path: uri.path().to_string(),
        query,
    };
    let mut store = shared.store.lock();
    let result = match (&method, segments.as_slice()) {
        (&Method::GET, ["user"]) => Ok(answer(
            StatusCode::OK,
            json!({"login": LOGIN, "id": 1, "type": "User", "name": "The Octocat"}),
        )),
        (&Method::GET, ["user", "repos"]) => Ok(list_repos(&store, &ctx)),
        (_, ["repos", owner, name, rest @ ..]) => {
            let Some(repo) = store.repo(owner, name).map(|r| r.id) else {
                return error(StatusCode::NOT_FOUND, "Not Found");
            };
            let repo = store
                .repos
                .iter()
                .position(|r| r.id == repo)
                .unwrap_or_default();
            if !store.repos[repo].has_issues && rest.first() == Some(&"issues") {
                return error(StatusCode::GONE, "Issues are disabled for this repo");
            }
            match (&method, rest) {
                (&Method::GET, ["issues"]) => Ok(list_issues(&store.repos[repo], &ctx)),
                (&Method::POST, ["issues"]) => {
                    json_body().map(|b| create_issue(&mut store, repo, &b, &ctx))
                }
                (&Method::GET, ["issues", n]) => {
                    Ok(with_issue(&mut store, repo, n, &ctx, |_, _| None))
                }
                (&Method::PATCH, ["issues", n]) => json_body().map(|b| {
                    with_issue(&mut store, repo, n, &ctx, |store, issue| {
                        update(store, issue, &b)
                    })
                }),
                (&Method::POST, ["issues", n, "comments"]) => {
                    json_body().map(|b| comment(&mut store, repo, n, &b))
                }
                _ => Err(error(StatusCode::NOT_FOUND, "Not Found")),
            }
        }
        _ => Err(error(StatusCode::NOT_FOUND, "Not Found")),
    };
    result.unwrap_or_else(|e| e)
}

/// What a handler needs of the request.
struct Ctx {
    /// The origin written into `Link` headers (the fake's own unless redirected).
    origin: String,
    /// The fake's own origin, for `url` fields.
    own_origin: String,
    path: String,
    query: Map<String, Value>,
}

impl Ctx {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).and_then(Value::as_str)
    }

    fn number(&self, name: &str, default: usize, max: usize) -> usize {
        self.param(name)
            .and_then(|v| v.parse().ok())
            .filter(|n| (1..=max).contains(n))
            .unwrap_or(default)
    }

    /// One page of `items` with GitHub's `Link` header (`next` and `last` when there are more).
    fn page(&self, items: Vec<Value>) -> Response {
        let per_page = self.number("per_page", 30, 100);
        let page = self.number("page", 1, usize::MAX);
        let last = items.len().div_ceil(per_page).max(1);
        let chunk: Vec<Value> = items
            .into_iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        let mut response = answer(StatusCode::OK, Value::Array(chunk));
        if page < last {
            let link = |n: usize| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &self.query {
                    if k != "page" {
                        q.append_pair(k, v.as_str().unwrap_or_default());
                    }
                }
                q.append_pair("page", &n.to_string());
                format!("<{}{}?{}>", self.origin, self.path, q.finish())
            };
            let value = format!(
                r#"{}; rel="next", {}; rel="last""#,
                link(page + 1),
                link(last)
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert("link", v);
            }
        }
        response
    }
}

fn list_repos(store: &Store, ctx: &Ctx) -> Response {
    let visibility = ctx.param("visibility").unwrap_or("all");
    let mut repos: Vec<&Repo> = store
        .repos
        .iter()
        .filter(|r| match visibility {
            "public" => !r.private,
            "private" => r.private,
            _ => true,
        })
        .collect();
    if ctx.param("sort").unwrap_or("full_name") == "full_name" {
        repos.sort_by_key(|r| r.full_name().to_lowercase());
    }
    ctx.page(repos.iter().map(|r| r.to_json(&ctx.own_origin)).collect())
}

fn list_issues(repo: &Repo, ctx: &Ctx) -> Response {
    let state = ctx.param("state").unwrap_or("open");
    let labels: Vec<&str> = ctx
        .param("labels")
        .map(|l| l.split(',').collect())
        .unwrap_or_default();
    let since = match ctx.param("since").map(|s| s.parse::<DateTime<Utc>>()) {
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => return validation("since", "invalid"),
        None => None,
    };
    let mut issues: Vec<&Issue> = repo
        .issues
        .iter()
        .filter(|i| state == "all" || i.state == state)
        .filter(|i| labels.iter().all(|l| i.labels.iter().any(|x| x == l)))
        .filter(|i| since.is_none_or(|s| i.updated_at >= s))
        .collect();
    match ctx.param("sort").unwrap_or("created") {
        "updated" => issues.sort_by_key(|i| (i.updated_at, i.id)),
        "comments" => issues.sort_by_key(|i| (i.comments, i.id)),
        _ => issues.sort_by_key(|i| (i.created_at, i.id)),
    }
    if ctx.param("direction").unwrap_or("desc") != "asc" {
        issues.reverse();
    }
    ctx.page(
        issues
            .iter()
            .map(|i| i.to_json(repo, &ctx.own_origin))
            .collect(),
    )
}

fn strings(body: &Map<String, Value>, field: &str) -> Result<Option<Vec<String>>, Response> {
    match body.get(field) {
        None => Ok(None),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => Ok(Some(
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        )),
        Some(_) => Err(validation(field, "invalid")),
    }
}

fn create_issue(store: &mut Store, repo: usize, body: &Map<String, Value>, ctx: &Ctx) -> Response {
    let title = match body.get("title").and_then(Value::as_str) {
        Some(t) if !t.trim().is_empty() => t.to_string(),
        _ => return validation("title", "missing_field"),
    };
    let (labels, assignees) = match (strings(body, "labels"), strings(body, "assignees")) {
        (Ok(l), Ok(a)) => (l.unwrap_or_default(), a.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let text = body.get("body").and_then(Value::as_str).map(str::to_string);
    let mut issue = store.new_issue(&title, text, labels, assignees, false);
    let r = &mut store.repos[repo];
    issue.number = r.issues.len() as u64 + 1;
    let out = issue.to_json(r, &ctx.own_origin);
    r.issues.push(issue);
    answer(StatusCode::CREATED, out)
}

/// Finds issue `n` of `repo`, applies `change` (an error response aborts) and answers the issue.
fn with_issue(
    store: &mut Store,
    repo: usize,
    n: &str,
    ctx: &Ctx,
    change: impl FnOnce(&mut Store, &mut Issue) -> Option<Response>,
) -> Response {
    let Some(index) = n
        .parse::<u64>()
        .ok()
        .and_then(|n| store.repos[repo].issues.iter().position(|i| i.number == n))
    else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let mut issue = store.repos[repo].issues[index].clone();
    if let Some(e) = change(store, &mut issue) {
        return e;
    }
    let out = issue.to_json(&store.repos[repo], &ctx.own_origin);
    store.repos[repo].issues[index] = issue;
    answer(StatusCode::OK, out)
}

fn update(store: &mut Store, issue: &mut Issue, body: &Map<String, Value>) -> Option<Response> {
    if let Some(v) = body.get("title") {
        match v.as_str() {
            Some(t) if !t.trim().is_empty() => issue.title = t.into(),
            _ => return Some(validation("title", "invalid")),
        }
    }
    if let Some(v) = body.get("body") {
        issue.body = v.as_str().map(str::to_string);
    }
    if let Some(v) = body.get("state") {
        match v.as_str() {
            Some("open") => {
                issue.state = "open".into();
                issue.closed_at = None;
            }
            Some("closed") => {
                issue.state = "closed".into();
                issue.state_reason = Some("completed".into());
            }
            _ => return Some(validation("state", "invalid")),
        }
    }
    if let Some(v) = body.get("state_reason").and_then(Value::as_str) {
        issue.state_reason = Some(v.into());
    }
    match (strings(body, "labels"), strings(body, "assignees")) {
        (Err(e), _) | (_, Err(e)) => return Some(e),
        (Ok(l), Ok(a)) => {
            if let Some(l) = l {
                issue.labels = l;
            }
            if let Some(a) = a {
                issue.assignees = a;
            }
        }
    }
    issue.updated_at = store.stamp();
    if issue.state == "closed" && issue.closed_at.is_none() {
        issue.closed_at = Some(issue.updated_at);
    }
    None
}

fn comment(store: &mut Store, repo: usize, n: &str, body: &Map<String, Value>) -> Response {
    let Some(text) = body
        .get("body")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    else {
        return validation("body", "missing_field");
    };
    let id = store.comment_id();
    let now = store.stamp();
    let r = &mut store.repos[repo];
    let full_name = r.full_name();
    let Some(issue) = n
        .parse::<u64>()
        .ok()
        .and_then(|n| r.issues.iter_mut().find(|i| i.number == n))
    else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    issue.comments += 1;
    issue.updated_at = now;
    answer(
        StatusCode::CREATED,
        json!({"id": id, "body": text, "user": {"login": LOGIN},
            "html_url": format!("https://github.com/{full_name}/issues/{}#issuecomment-{id}", issue.number),
            "created_at": crate::store::format_ts(now)}),
    )
}
