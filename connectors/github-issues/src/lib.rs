//! A GitHub Issues connector (a subset of the GitHub REST API, version 2022-11-28) as a
//! WebAssembly component on `connector-sdk`: the second connector of the `connector:plugin`
//! contract, run by the same `connector-host` as the Wrike one.
//!
//! - Actions: `list_issues`, `get_issue`, `create_issue`, `update_issue`, `add_comment`,
//!   `list_repos`.
//! - Trigger: `new_or_updated_issue` (polling, keyed `id@updated_at`, a `since` cursor).
//! - Pick list: `repositories`.
//! - Auth: an API token (a personal access token), sent by the host as `Authorization: Bearer`.
//! - Settings: `owner`, the default repository owner.

#![warn(missing_docs)]

pub mod client;
pub mod input;
pub mod issues;
pub mod repos;
pub mod settings;
pub mod trigger;

use connector_sdk::catalog::{
    find_action, find_pick_list, find_trigger, parse_object, to_text, Action, PickList, PickOption,
    PollResult, Trigger,
};
use connector_sdk::schema::Schemas;
use connector_sdk::{export_connector, wit, Connector, Env, Result};
use serde_json::Value;

use crate::client::GitHub;
use crate::input::Input;

/// Runs an action.
pub type ActionFn = fn(&mut GitHub<'_>, &Input) -> Result<Value>;
/// Runs one poll of a trigger.
pub type PollFn = fn(&mut GitHub<'_>, &Input, Option<&str>) -> Result<PollResult>;
/// Fetches a pick list.
pub type PickFn = fn(&mut GitHub<'_>, &Input) -> Result<Vec<PickOption>>;

/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// Help text for the API token.
pub const API_TOKEN_INSTRUCTIONS: &str = "Use a GitHub personal access token: in GitHub open \
Settings → Developer settings → Personal access tokens → Fine-grained tokens, generate one for \
the repositories you want with the repository permissions \"Issues: Read and write\" and \
\"Metadata: Read-only\" (a classic token needs the `repo` scope, or `public_repo` for public \
repositories only). It is sent as a bearer token and never refreshed; revoke it on the same page.";

/// All actions.
pub fn actions() -> impl Iterator<Item = &'static Action<ActionFn>> {
    issues::ACTIONS.iter().chain(repos::ACTIONS)
}

/// All triggers.
pub fn triggers() -> impl Iterator<Item = &'static Trigger<PollFn>> {
    trigger::TRIGGERS.iter()
}

/// All pick lists.
pub fn pick_lists() -> impl Iterator<Item = &'static PickList<PickFn>> {
    repos::PICK_LISTS.iter()
}

/// The GitHub Issues connector.
pub struct GitHubIssues;

impl Connector for GitHubIssues {
    fn descriptor() -> wit::Descriptor {
        // Every schema of this connector is hand-written JSON text: nothing is embedded.
        let schemas = Schemas::none();
        wit::Descriptor {
            name: "github-issues".into(),
            title: "GitHub Issues".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            api_version: client::API_VERSION.into(),
            default_base_url: DEFAULT_BASE_URL.into(),
            settings_schema: settings::SCHEMA.into(),
            auth: vec![wit::AuthConfig::ApiToken(wit::ApiTokenConfig {
                instructions: API_TOKEN_INSTRUCTIONS.into(),
            })],
            actions: actions().map(|a| a.describe(&schemas)).collect(),
            triggers: triggers().map(|t| t.describe(&schemas)).collect(),
            pick_lists: pick_lists().map(|p| p.describe(&schemas)).collect(),
        }
    }

    fn test_connection(env: &mut dyn Env, conn: &wit::Connection) -> Result<String> {
        to_text(&GitHub::new(env, conn)?.get("/user", &[])?)
    }

    fn execute(
        env: &mut dyn Env,
        conn: &wit::Connection,
        action: &str,
        input: &str,
    ) -> Result<String> {
        let action = find_action(actions(), action)?;
        let input = parse_object(input)?;
        to_text(&(action.run)(&mut GitHub::new(env, conn)?, &input)?)
    }

    fn poll(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        input: &str,
        cursor: Option<&str>,
    ) -> Result<PollResult> {
        let trigger = find_trigger(triggers(), trigger)?;
        let input = parse_object(input)?;
        (trigger.poll)(&mut GitHub::new(env, conn)?, &input, cursor)
    }

    fn pick_list(
        env: &mut dyn Env,
        conn: &wit::Connection,
        name: &str,
        params: &str,
    ) -> Result<Vec<PickOption>> {
        let list = find_pick_list(pick_lists(), name)?;
        let params = parse_object(params)?;
        (list.fetch)(&mut GitHub::new(env, conn)?, &params)
    }
}

export_connector!(GitHubIssues);

#[cfg(test)]
mod tests;
