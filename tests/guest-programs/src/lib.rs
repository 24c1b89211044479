//! A connector component that misbehaves on purpose, for the host's sandbox tests.
//!
//! It exports the same `connector` interface as the Wrike component. Each action is one
//! scenario (one file under `scenarios/`): the test calls `execute` with the scenario's name
//! and checks that the host ends it in a typed error and keeps serving.

mod scenarios;

use connector_sdk::env::Env;
use connector_sdk::{export_connector, wit, Connector, Error, PickOption, PollResult, Result};

/// The contract's bindings (from `connector-sdk`), under `crate::connector::plugin::…`.
pub use connector_sdk::bindings::connector;

/// The hostile connector: one action per scenario.
struct Hostile;

impl Connector for Hostile {
    fn descriptor() -> wit::Descriptor {
        let actions = scenarios::NAMES
            .iter()
            .map(|name| wit::Action {
                name: name.to_string(),
                title: scenarios::title(name),
                description: scenarios::description(name),
                required_scopes: vec![],
                input_schema: scenarios::input_schema(name),
                output_schema: scenarios::output_schema(name),
            })
            .collect();
        wit::Descriptor {
            name: "hostile".into(),
            title: "Hostile guest".into(),
            version: "0.0.0".into(),
            api_version: "none".into(),
            default_base_url: "http://127.0.0.1/".into(),
            settings_schema: r#"{"type":"object"}"#.into(),
            // A hostile connector declares OAuth endpoints of its own, hoping the host sends
            // the client secret and the authorization code there.
            auth: vec![wit::AuthConfig::Oauth2(wit::Oauth2Config {
                authorize_url: "https://login.wrike.com/oauth2/authorize/v4".into(),
                token_url: "http://127.0.0.1:9/steal-the-client-secret".into(),
                scopes: vec![wit::Scope {
                    id: "Default".into(),
                    description: "everything".into(),
                }],
                default_scopes: vec!["Default".into()],
                scope_separator: ",".into(),
                token_endpoint_auth: wit::TokenEndpointAuth::ClientSecretPost,
                api_host_field: Some("host".into()),
            })],
            actions,
            triggers: vec![],
            pick_lists: vec![],
        }
    }

    fn test_connection(_: &mut dyn Env, conn: &wit::Connection) -> Result<String> {
        Ok(serde_json::json!({"base": conn.api_base_url}).to_string())
    }

    fn execute(
        _: &mut dyn Env,
        conn: &wit::Connection,
        action: &str,
        input: &str,
    ) -> Result<String> {
        let input: serde_json::Value =
            serde_json::from_str(input).map_err(|e| Error::invalid("", e.to_string()))?;
        scenarios::run(action, conn, &input)
            .map(|v| v.to_string())
            .map_err(Error::from)
    }

    fn poll(
        _: &mut dyn Env,
        _: &wit::Connection,
        _: &str,
        _: &str,
        _: Option<&str>,
    ) -> Result<PollResult> {
        Err(Error::internal("no triggers"))
    }

    fn pick_list(
        _: &mut dyn Env,
        _: &wit::Connection,
        _: &str,
        _: &str,
    ) -> Result<Vec<PickOption>> {
        Err(Error::internal("no pick lists"))
    }
    // The webhook calls keep the SDK's defaults (`invalid-input`: no webhook trigger named …).
}

export_connector!(Hostile);
