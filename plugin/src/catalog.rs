//! The connector's descriptor — identity, authentication, scopes — and the registry of actions,
//! triggers and pick lists, plus the dispatch of `execute`, `poll`, `pick-list` and
//! `test-connection` onto them. Each action is declared next to its code in `resources/`, each
//! trigger in `triggers/`; this file only lists them.

use serde_json::{Map, Value};

use connector_sdk::catalog::{self as sdk, find_action, find_pick_list, find_trigger, to_text};
pub use connector_sdk::schema::{Schema, Schemas};
use connector_sdk::wit;

pub use crate::scopes::{R, SCOPES, TIMELOG_CATEGORIES_READ, W, WORKFLOWS_READ};
pub use crate::table::{
    Action, ActionFn, Event, PickFn, PickList, PickOption, PollFn, PollResult, Trigger,
};

use crate::env::Env;
use crate::error::Result;
use crate::wrike::Client;
use crate::{picklists, resources, triggers};

/// Machine name of the connector.
pub const NAME: &str = "wrike";
/// Human title.
pub const TITLE: &str = "Wrike";
/// The connector's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Wrike API version spoken.
pub const API_VERSION: &str = "v4";
/// Default API base URL (a connection may name another data centre's host).
pub const DEFAULT_BASE_URL: &str = "https://www.wrike.com/api/v4";
/// OAuth2 authorization endpoint.
pub const AUTHORIZE_URL: &str = "https://login.wrike.com/oauth2/authorize/v4";
/// OAuth2 token endpoint.
pub const TOKEN_URL: &str = "https://login.wrike.com/oauth2/token";
/// Scopes requested when none are picked; always added to a selection.
pub const DEFAULT_SCOPES: &[&str] = &["Default"];
/// How scopes are joined in the `scope` parameter.
pub const SCOPE_SEPARATOR: &str = ",";
/// The token-response field naming the API host of the account (`www.wrike.com`,
/// `app-eu.wrike.com`, …); the base URL is `https://{host}/api/v4` (API.md §2, WORKATO.md §1).
pub const TOKEN_HOST_FIELD: &str = "host";
/// JSON Schema of the connection settings: Wrike needs none beyond the credential (Workato's
/// connection has only the OAuth client and the scope picker, which the host owns).
pub const SETTINGS_SCHEMA: &str = r#"{"type":"object","additionalProperties":false}"#;
/// Help text for permanent API tokens.
pub const API_TOKEN_INSTRUCTIONS: &str = "Use a Wrike permanent access token: in Wrike open \
Apps & Integrations → API, create (or open) an app in the App Console and choose \"Obtain token\". \
The token acts with the permissions of the user who created it, is sent like an OAuth access \
token and is never refreshed; revoke it in the App Console. Tokens issued for API v3 must be \
reissued for v4.";

const ACTION_GROUPS: &[&[Action]] = &[
    resources::tasks::ACTIONS,
    resources::comments::ACTIONS,
    resources::contacts::ACTIONS,
    resources::folders::ACTIONS,
    resources::blueprints::ACTIONS,
    resources::custom_item_types::ACTIONS,
    resources::timelogs::ACTIONS,
    resources::approvals::ACTIONS,
    resources::attachments::ACTIONS,
    resources::reference::ACTIONS,
    resources::custom_http::ACTIONS,
];

const TRIGGER_GROUPS: &[&[Trigger]] = &[
    triggers::tasks::TRIGGERS,
    triggers::folders::TRIGGERS,
    triggers::timelogs::TRIGGERS,
    triggers::comments::TRIGGERS,
];

/// All actions.
pub fn actions() -> impl Iterator<Item = &'static Action> {
    ACTION_GROUPS.iter().flat_map(|g| g.iter())
}

/// All triggers.
pub fn triggers() -> impl Iterator<Item = &'static Trigger> {
    TRIGGER_GROUPS.iter().flat_map(|g| g.iter())
}

/// All pick lists.
pub fn pick_lists() -> impl Iterator<Item = &'static PickList> {
    picklists::PICK_LISTS.iter()
}

/// The descriptor: identity, authentication, and every action, trigger and pick list, whose
/// typed schemas come from `schemas` (the component's embedded ones, [`connector_sdk::schema`]).
pub fn descriptor(schemas: &Schemas) -> wit::Descriptor {
    wit::Descriptor {
        name: NAME.into(),
        title: TITLE.into(),
        version: VERSION.into(),
        api_version: API_VERSION.into(),
        default_base_url: DEFAULT_BASE_URL.into(),
        settings_schema: SETTINGS_SCHEMA.into(),
        auth: vec![
            wit::AuthConfig::Oauth2(wit::Oauth2Config {
                authorize_url: AUTHORIZE_URL.into(),
                token_url: TOKEN_URL.into(),
                scopes: SCOPES
                    .iter()
                    .map(|(id, description)| wit::Scope {
                        id: id.to_string(),
                        description: description.to_string(),
                    })
                    .collect(),
                default_scopes: strings(DEFAULT_SCOPES),
                scope_separator: SCOPE_SEPARATOR.into(),
                token_endpoint_auth: wit::TokenEndpointAuth::ClientSecretPost,
                api_host_field: Some(TOKEN_HOST_FIELD.into()),
            }),
            wit::AuthConfig::ApiToken(wit::ApiTokenConfig {
                instructions: API_TOKEN_INSTRUCTIONS.into(),
            }),
        ],
        actions: actions().map(|a| a.describe(schemas)).collect(),
        triggers: triggers()
            .map(|t| t.describe(schemas))
            .chain(
                triggers::webhooks::TRIGGERS
                    .iter()
                    .map(|t| t.describe(schemas)),
            )
            .collect(),
        pick_lists: pick_lists().map(|p| p.describe(schemas)).collect(),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Parse `text` as a JSON object (empty text counts as `{}`). The host has validated it against
/// the published schema; each action parses it into its type ([`crate::input::parse`]).
pub fn parse_input(text: &str) -> Result<Map<String, Value>> {
    sdk::parse_object(text)
}

/// `test-connection`: `GET /contacts?me=true`, returning the user.
pub fn test_connection(env: &mut dyn Env, base_url: &str) -> Result<String> {
    let mut client = Client::new(base_url, env)?;
    to_text(&resources::contacts::me(&mut client)?)
}

/// `execute`: run action `name` with `input` (JSON text).
pub fn execute(env: &mut dyn Env, base_url: &str, name: &str, input: &str) -> Result<String> {
    let action = find_action(actions(), name)?;
    let input = parse_input(input)?;
    let mut client = Client::new(base_url, env)?;
    to_text(&(action.run)(&mut client, &input)?)
}

/// `poll`: one poll of trigger `name`.
pub fn poll(
    env: &mut dyn Env,
    base_url: &str,
    name: &str,
    input: &str,
    cursor: Option<&str>,
) -> Result<PollResult> {
    let trigger = find_trigger(triggers(), name)?;
    let input = parse_input(input)?;
    let mut client = Client::new(base_url, env)?;
    (trigger.poll)(&mut client, &input, cursor)
}

/// `pick-list`: fetch pick list `name`.
pub fn pick_list(
    env: &mut dyn Env,
    base_url: &str,
    name: &str,
    params: &str,
) -> Result<Vec<PickOption>> {
    let list = find_pick_list(pick_lists(), name)?;
    let params = parse_input(params)?;
    let mut client = Client::new(base_url, env)?;
    (list.fetch)(&mut client, &params)
}

/// `subscribe`: registers webhook trigger `name` for `input`, delivering to `url` signed with
/// `secret`; returns the hook id.
pub fn webhook_subscribe(
    env: &mut dyn Env,
    base_url: &str,
    name: &str,
    input: &str,
    url: &str,
    secret: &str,
) -> Result<String> {
    triggers::webhooks::find(name)?;
    let input = parse_input(input)?;
    let mut client = Client::new(base_url, env)?;
    triggers::webhooks::subscribe(&mut client, &input, url, secret)
}

/// `check-subscription` of webhook trigger `name`'s hook `id`.
pub fn webhook_check(
    env: &mut dyn Env,
    base_url: &str,
    name: &str,
    id: &str,
) -> Result<triggers::webhooks::Status> {
    triggers::webhooks::find(name)?;
    let mut client = Client::new(base_url, env)?;
    triggers::webhooks::check(&mut client, id)
}

/// `unsubscribe` of webhook trigger `name`'s hook `id`.
pub fn webhook_unsubscribe(env: &mut dyn Env, base_url: &str, name: &str, id: &str) -> Result<()> {
    triggers::webhooks::find(name)?;
    let mut client = Client::new(base_url, env)?;
    triggers::webhooks::unsubscribe(&mut client, id)
}

/// `handle-delivery`: one received request for webhook trigger `name`.
pub fn webhook_delivery(
    env: &mut dyn Env,
    base_url: &str,
    name: &str,
    input: &str,
    secret: &str,
    request: &triggers::webhooks::Request<'_>,
) -> Result<(triggers::webhooks::Response, Vec<Event>)> {
    let trigger = triggers::webhooks::find(name)?;
    let input = parse_input(input)?;
    let mut client = Client::new(base_url, env)?;
    triggers::webhooks::handle(&mut client, trigger, &input, secret, request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The schema as the component's build script generates it (feature `schemas` of the SDK
    /// is on for tests).
    fn parse(name: &str, schema: Schema) -> Value {
        schema
            .generated()
            .unwrap_or_else(|| panic!("{name}: a hand-written schema"))
    }

    #[test]
    fn every_scope_is_declared_once_with_a_description() {
        // The list itself is checked against the fake Wrike's (tests/e2e contract.rs).
        let ids: Vec<&str> = SCOPES.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), 18);
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 18);
        assert!(SCOPES
            .iter()
            .all(|(_, d)| !d.is_empty() && !d.contains('\n')));
        assert_eq!(DEFAULT_SCOPES, ["Default"]);
    }

    fn check_input_schema(name: &str, schema: Schema) {
        let s = parse(name, schema);
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(s["type"], "object", "{name}");
        assert_eq!(s["additionalProperties"], false, "{name}");
        // schemars leaves `properties` out of an input without members.
        let props = s["properties"].as_object().cloned().unwrap_or_default();
        for r in s["required"].as_array().into_iter().flatten() {
            assert!(
                props.contains_key(r.as_str().unwrap()),
                "{name}: required {r} not a property"
            );
        }
        // The host accepts an empty object exactly when nothing is required.
        let empty_ok = host_validator(&s).is_valid(&Value::Object(Map::new()));
        let requires =
            s["required"].as_array().is_some_and(|r| !r.is_empty()) || s.get("oneOf").is_some();
        assert_eq!(empty_ok, !requires, "{name}");
    }

    #[test]
    fn actions_are_well_formed() {
        let mut names = BTreeSet::new();
        for a in actions() {
            assert!(names.insert(a.name), "duplicate action {}", a.name);
            assert!(
                !a.title.is_empty() && !a.description.is_empty(),
                "{}",
                a.name
            );
            assert!(!a.scopes.is_empty(), "{} has no scopes", a.name);
            for s in a.scopes {
                assert!(
                    SCOPES.iter().any(|(id, _)| id == s),
                    "{}: unknown scope {s}",
                    a.name
                );
            }
            check_input_schema(a.name, a.input_schema);
            let out = parse(a.name, a.output_schema);
            assert_eq!(
                out["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{}",
                a.name
            );
        }
        for n in [
            "create_task",
            "get_task_by_id",
            "update_task",
            "search_task",
            "create_comment_in_task",
            "list_users",
        ] {
            assert!(names.contains(n), "{n} missing");
        }
    }

    #[test]
    fn triggers_and_pick_lists_are_well_formed() {
        let mut names = BTreeSet::new();
        for t in triggers() {
            assert!(names.insert(t.name), "duplicate trigger {}", t.name);
            assert!(!t.scopes.is_empty(), "{}", t.name);
            check_input_schema(t.name, t.input_schema);
            parse(t.name, t.event_schema);
        }
        assert!(names.contains("new_or_updated_task"));
        let mut lists = BTreeSet::new();
        for p in pick_lists() {
            assert!(lists.insert(p.name), "duplicate pick list {}", p.name);
            check_input_schema(p.name, p.params_schema);
        }
        for n in [
            "folders",
            "users",
            "workflows",
            "custom_statuses",
            "custom_fields",
            "spaces",
            "timelog_categories",
        ] {
            assert!(lists.contains(n), "{n} missing");
        }
    }

    fn host_validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema)
            .expect("schema compiles")
    }

    #[test]
    fn write_actions_need_write_scopes() {
        for a in actions() {
            let writes = [
                "create_", "update_", "delete_", "modify_", "copy_", "upload_", "cancel_",
            ]
            .iter()
            .any(|p| a.name.starts_with(p));
            if writes {
                assert!(
                    !a.scopes.contains(&"wsReadOnly"),
                    "{} accepts a read-only scope",
                    a.name
                );
            }
        }
    }
}
