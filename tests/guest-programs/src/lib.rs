//! A connector component that misbehaves on purpose, for the host's sandbox tests.
//!
//! It exports the same `connector` interface as the Wrike component. Each action is one
//! scenario (one file under `scenarios/`): the test calls `execute` with the scenario's name
//! and checks that the host ends it in a typed error and keeps serving.

mod scenarios;

wit_bindgen::generate!({
    world: "plugin",
    path: "../../wit",
    with: {
        "wasi:http/types@0.2.12": wasi::http::types,
        "wasi:http/outgoing-handler@0.2.12": wasi::http::outgoing_handler,
        "wasi:io/poll@0.2.12": wasi::io::poll,
        "wasi:io/error@0.2.12": wasi::io::error,
        "wasi:io/streams@0.2.12": wasi::io::streams,
        "wasi:clocks/monotonic-clock@0.2.12": wasi::clocks::monotonic_clock,
        "wasi:clocks/wall-clock@0.2.12": wasi::clocks::wall_clock,
    },
});

use connector::plugin::types as wit;
use exports::connector::plugin::connector::Guest;

struct Hostile;

impl Guest for Hostile {
    fn describe() -> wit::Descriptor {
        let actions = scenarios::NAMES
            .iter()
            .map(|name| wit::Action {
                name: name.to_string(),
                title: name.to_string(),
                description: format!("hostile scenario `{name}`"),
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

    fn test_connection(conn: wit::Connection) -> Result<String, wit::Error> {
        Ok(serde_json::json!({"base": conn.api_base_url}).to_string())
    }

    fn execute(conn: wit::Connection, action: String, input: String) -> Result<String, wit::Error> {
        let input: serde_json::Value = serde_json::from_str(&input).map_err(|e| {
            wit::Error::InvalidInput(wit::InvalidInput {
                field: String::new(),
                message: e.to_string(),
            })
        })?;
        scenarios::run(&action, &conn, &input).map(|v| v.to_string())
    }

    fn poll(
        _: wit::Connection,
        _: String,
        _: String,
        _: Option<String>,
    ) -> Result<wit::PollResult, wit::Error> {
        Err(wit::Error::Internal("no triggers".into()))
    }

    fn pick_list(
        _: wit::Connection,
        _: String,
        _: String,
    ) -> Result<Vec<wit::PickOption>, wit::Error> {
        Err(wit::Error::Internal("no pick lists".into()))
    }

    fn subscribe(
        _: wit::Connection,
        _: String,
        _: String,
        _: wit::WebhookTarget,
    ) -> Result<wit::Subscription, wit::Error> {
        Err(wit::Error::Internal("no webhook triggers".into()))
    }

    fn check_subscription(
        _: wit::Connection,
        _: String,
        _: wit::Subscription,
    ) -> Result<wit::SubscriptionStatus, wit::Error> {
        Err(wit::Error::Internal("no webhook triggers".into()))
    }

    fn unsubscribe(_: wit::Connection, _: String, _: wit::Subscription) -> Result<(), wit::Error> {
        Err(wit::Error::Internal("no webhook triggers".into()))
    }

    fn handle_delivery(
        _: wit::Connection,
        _: String,
        _: String,
        _: wit::Subscription,
        _: wit::WebhookTarget,
        _: wit::HttpRequest,
    ) -> Result<wit::Delivery, wit::Error> {
        Err(wit::Error::Internal("no webhook triggers".into()))
    }
}

export!(Hostile);
