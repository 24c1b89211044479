//! The input and output types of the catalog: the connector parses each input into its type
//! ([`connector_sdk::input::parse`]), and the build script (which includes this file as a
//! module) generates the published schemas from them. Only `serde`, `schemars`, `serde_json`
//! and `connector_sdk` may be named here.
//!
//! A `///` comment on a field is its published `description` (a `//` one is not); the types
//! themselves have none (the table entries have their own). Output types only describe the
//! answer (the connector passes GitHub's JSON through): they are never built.

#![allow(dead_code)]

use connector_sdk::schema::Schema;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Declares an input struct whose members start with the repository fields every issue input
/// has (`owner`, `repo`), refusing members it does not declare.
macro_rules! repo_input {
    ($name:ident { $($body:tt)* }) => {
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Repository owner; default: the connection's `owner` setting, else the authenticated user
            #[schemars(length(min = 1))]
            pub owner: Option<String>,
            /// Repository name, or `owner/name`
            #[schemars(length(min = 1))]
            pub repo: String,
            $($body)*
        }
    };
}

// `list_issues`' `state`.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListState {
    #[default]
    Open,
    Closed,
    All,
}

// An issue's state.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Closed,
}

// Why an issue's state changed.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateReason {
    Completed,
    NotPlanned,
    Reopened,
}

// Which repositories `list_repos` and `repositories` list.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    All,
    Public,
    Private,
}

// The order of `list_repos`.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepoSort {
    Created,
    Updated,
    Pushed,
    #[default]
    FullName,
}

repo_input!(ListIssues {
    #[schemars(extend("default" = "open"))]
    pub state: Option<ListState>,
    pub labels: Option<Vec<String>>,
    /// Only issues updated at or after this time
    #[schemars(extend("format" = "date-time"))]
    pub since: Option<String>,
    #[schemars(range(min = 1, max = 100), extend("default" = 30))]
    pub per_page: Option<u32>,
    #[schemars(range(min = 1, max = 10), extend("default" = 1))]
    pub max_pages: Option<u32>,
    #[schemars(extend("default" = false))]
    pub include_pull_requests: Option<bool>,
});

repo_input!(GetIssue {
    #[schemars(range(min = 1))]
    pub issue_number: u64,
});

repo_input!(CreateIssue {
    #[schemars(length(min = 1))]
    pub title: String,
    pub body: Option<String>,
    pub labels: Option<Vec<String>>,
    pub assignees: Option<Vec<String>>,
});

repo_input!(UpdateIssue {
    #[schemars(range(min = 1))]
    pub issue_number: u64,
    #[schemars(length(min = 1))]
    pub title: Option<String>,
    pub body: Option<String>,
    pub state: Option<State>,
    pub state_reason: Option<StateReason>,
    pub labels: Option<Vec<String>>,
    pub assignees: Option<Vec<String>>,
});

repo_input!(AddComment {
    #[schemars(range(min = 1))]
    pub issue_number: u64,
    #[schemars(length(min = 1))]
    pub body: String,
});

repo_input!(NewOrUpdatedIssue {
    /// Where the first poll starts; default: the repository's first issue
    #[schemars(extend("format" = "date-time"))]
    pub since: Option<String>,
    pub labels: Option<Vec<String>>,
    #[schemars(extend("default" = false))]
    pub include_pull_requests: Option<bool>,
});

// `list_repos`' input.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRepos {
    #[schemars(extend("default" = "all"))]
    pub visibility: Option<Visibility>,
    #[schemars(extend("default" = "full_name"))]
    pub sort: Option<RepoSort>,
    #[schemars(range(min = 1, max = 100), extend("default" = 30))]
    pub per_page: Option<u32>,
}

// The `repositories` pick list's parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoriesParams {
    #[schemars(extend("default" = "all"))]
    pub visibility: Option<Visibility>,
}

// An issue as this connector returns it (GitHub's full issue object; only the fields every
// issue has are required).
#[derive(JsonSchema)]
pub struct Issue {
    pub id: i64,
    pub number: i64,
    pub title: String,
    #[schemars(extend("x-nullable" = true))]
    pub body: Option<String>,
    pub state: State,
    pub html_url: String,
    pub labels: Option<Vec<Value>>,
    pub assignees: Option<Vec<Value>>,
    pub comments: Option<i64>,
    pub created_at: Option<String>,
    pub updated_at: String,
    #[schemars(extend("x-nullable" = true))]
    pub closed_at: Option<String>,
}

// `list_issues`' output.
#[derive(JsonSchema)]
pub struct IssueList {
    pub issues: Vec<Issue>,
    /// True when GitHub has further pages
    pub more: Option<bool>,
}

// A comment as `add_comment` returns it.
#[derive(JsonSchema)]
pub struct Comment {
    pub id: i64,
    pub body: String,
    pub html_url: String,
    pub created_at: Option<String>,
}

// A repository of `list_repos`.
#[derive(JsonSchema)]
pub struct Repository {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub private: Option<bool>,
    pub html_url: Option<String>,
}

// `list_repos`' output.
#[derive(JsonSchema)]
pub struct RepositoryList {
    pub repositories: Vec<Repository>,
    pub more: Option<bool>,
}

/// Every typed schema of the tables, by key (`kind/name/role`, see
/// [`connector_sdk::schema::key`]): the build script generates and embeds these, the tables
/// name the same types, and the tests check that every schema the descriptor publishes was
/// embedded.
pub const SCHEMAS: &[(&str, Schema)] = &[
    ("action/list_issues/input", Schema::of::<ListIssues>()),
    ("action/list_issues/output", Schema::of::<IssueList>()),
    ("action/get_issue/input", Schema::of::<GetIssue>()),
    ("action/get_issue/output", Schema::of::<Issue>()),
    ("action/create_issue/input", Schema::of::<CreateIssue>()),
    ("action/create_issue/output", Schema::of::<Issue>()),
    ("action/update_issue/input", Schema::of::<UpdateIssue>()),
    ("action/update_issue/output", Schema::of::<Issue>()),
    ("action/add_comment/input", Schema::of::<AddComment>()),
    ("action/add_comment/output", Schema::of::<Comment>()),
    ("action/list_repos/input", Schema::of::<ListRepos>()),
    ("action/list_repos/output", Schema::of::<RepositoryList>()),
    (
        "trigger/new_or_updated_issue/input",
        Schema::of::<NewOrUpdatedIssue>(),
    ),
    ("trigger/new_or_updated_issue/event", Schema::of::<Issue>()),
    (
        "pick_list/repositories/params",
        Schema::of::<RepositoriesParams>(),
    ),
];
