//! Repositories of the authenticated user (`GET /user/repos`): the `list_repos` action and the
//! `repositories` pick list (values are `owner/name`, which every `repo` input accepts).

use connector_sdk::catalog::{Action, PickList, PickOption};
use connector_sdk::schema::Schema;
use connector_sdk::{Error, Result};
use serde_json::{json, Value};

use crate::client::GitHub;
use crate::input::{opt_enum, opt_u64, Input};
use crate::{ActionFn, PickFn};

/// The repository actions.
pub const ACTIONS: &[Action<ActionFn>] = &[Action {
    name: "list_repos",
    title: "List repositories",
    description: "Lists the repositories the authenticated user can access (owned, collaborator, organisation member).",
    scopes: &[],
    read_only: true,
    input_schema: Schema::json(r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"visibility":{"enum":["all","public","private"],"default":"all"},"sort":{"enum":["created","updated","pushed","full_name"],"default":"full_name"},"per_page":{"type":"integer","minimum":1,"maximum":100,"default":30}}}"#),
    output_schema: Schema::json(r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["repositories"],"properties":{"repositories":{"type":"array","items":{"type":"object","required":["id","name","full_name"],"properties":{"id":{"type":"integer"},"name":{"type":"string"},"full_name":{"type":"string"},"private":{"type":"boolean"},"html_url":{"type":"string"}}}},"more":{"type":"boolean"}}}"#),
    run: list_repos,
}];

/// The pick lists.
pub const PICK_LISTS: &[PickList<PickFn>] = &[PickList {
    name: "repositories",
    description: "Repositories the authenticated user can access (first 100, by full name); values are `owner/name`.",
    params_schema: Schema::json(r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"visibility":{"enum":["all","public","private"],"default":"all"}}}"#),
    fetch: repositories,
}];

fn list_repos(gh: &mut GitHub<'_>, input: &Input) -> Result<Value> {
    let query = [
        (
            "visibility",
            opt_enum(input, "visibility", &["all", "public", "private"])?
                .unwrap_or("all")
                .to_string(),
        ),
        (
            "sort",
            opt_enum(
                input,
                "sort",
                &["created", "updated", "pushed", "full_name"],
            )?
            .unwrap_or("full_name")
            .to_string(),
        ),
        (
            "per_page",
            opt_u64(input, "per_page", 1, 100)?
                .unwrap_or(30)
                .to_string(),
        ),
    ];
    let page = gh.get_page("/user/repos", &query)?;
    Ok(json!({"repositories": page.items, "more": page.next.is_some()}))
}

fn repositories(gh: &mut GitHub<'_>, params: &Input) -> Result<Vec<PickOption>> {
    let visibility =
        opt_enum(params, "visibility", &["all", "public", "private"])?.unwrap_or("all");
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
