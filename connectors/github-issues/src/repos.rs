//! Repositories of the authenticated user (`GET /user/repos`): the `list_repos` action and the
//! `repositories` pick list (values are `owner/name`, which every `repo` input accepts).

use connector_sdk::catalog::{Action, PickList, PickOption};
use connector_sdk::input::parse;
use connector_sdk::schema::Schema;
use connector_sdk::{Error, Result};
use serde_json::{json, Value};

use crate::client::GitHub;
use crate::input::{in_range, Input};
use crate::types::{ListRepos, RepoSort, RepositoriesParams, RepositoryList, Visibility};
use crate::{ActionFn, PickFn};

/// The repository actions.
pub const ACTIONS: &[Action<ActionFn>] = &[Action {
    name: "list_repos",
    title: "List repositories",
    description: "Lists the repositories the authenticated user can access (owned, collaborator, organisation member).",
    scopes: &[],
    read_only: true,
    input_schema: Schema::of::<ListRepos>(),
    output_schema: Schema::of::<RepositoryList>(),
    run: list_repos,
}];

/// The pick lists.
pub const PICK_LISTS: &[PickList<PickFn>] = &[PickList {
    name: "repositories",
    description: "Repositories the authenticated user can access (first 100, by full name); values are `owner/name`.",
    params_schema: Schema::of::<RepositoriesParams>(),
    fetch: repositories,
}];

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::All => "all",
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }
}

impl RepoSort {
    fn as_str(self) -> &'static str {
        match self {
            RepoSort::Created => "created",
            RepoSort::Updated => "updated",
            RepoSort::Pushed => "pushed",
            RepoSort::FullName => "full_name",
        }
    }
}

fn list_repos(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let input: ListRepos = parse(input)?;
    let query = [
        (
            "visibility",
            input.visibility.unwrap_or_default().as_str().to_string(),
        ),
        ("sort", input.sort.unwrap_or_default().as_str().to_string()),
        (
            "per_page",
            in_range("per_page", input.per_page, 30, 1, 100)?.to_string(),
        ),
    ];
    let page = gh.get_page("/user/repos", &query)?;
    Ok(json!({"repositories": page.items, "more": page.next.is_some()}))
}

fn repositories(gh: &mut GitHub<'_>, params: &Input) -> Result<Vec<PickOption>> {
    let params: RepositoriesParams = parse(params)?;
    let visibility = params.visibility.unwrap_or_default().as_str();
    let query = [
        ("visibility", visibility.to_string()),
        ("sort", "full_name".to_string()),
        ("per_page", "100".to_string()),
    ];
    gh.get_page("/user/repos", &query)?
        .items
        .iter()
        .map(|repo| {
            let full_name = repo["full_name"]
                .as_str()
                .ok_or_else(|| Error::internal("a repository without `full_name`"))?;
            Ok(PickOption {
                label: full_name.to_string(),
                value: full_name.to_string(),
            })
        })
        .collect()
}
