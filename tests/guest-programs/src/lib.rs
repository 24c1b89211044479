//! A connector component that misbehaves on purpose, for the host's sandbox tests.
//!
//! It exports the same `connector` interface as the Wrike component. Each action is one
//! scenario (one file under `scenarios/`): the test calls `execute` with the scenario's name
//! and checks that the host ends it in a typed error and keeps serving. The triggers are the
//! scenarios on the resident host's surface (`serve`): a test subscribes to them.

mod scenarios;

use connector_sdk::connector::no_webhook_trigger;
use connector_sdk::env::Env;
use connector_sdk::{
    export_connector, wit, Connector, Error, PickOption, PollResult, Result, WebhookDelivery,
};

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
                read_only: false,
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
            triggers: scenarios::triggers(),
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
        trigger: &str,
        input: &str,
        cursor: Option<&str>,
    ) -> Result<PollResult> {
        let input: serde_json::Value =
            serde_json::from_str(input).map_err(|e| Error::invalid("", e.to_string()))?;
        scenarios::poll(trigger, &input, cursor).map_err(Error::from)
    }

    fn pick_list(
        _: &mut dyn Env,
        _: &wit::Connection,
        _: &str,
        _: &str,
    ) -> Result<Vec<PickOption>> {
        Err(Error::internal("no pick lists"))
    }

    // The webhook trigger scenarios register nothing anywhere: their subscriptions are always
    // there, and only `handle-delivery` attacks.
    fn subscribe(
        _: &mut dyn Env,
        _: &wit::Connection,
        trigger: &str,
        _: &str,
        _: &wit::WebhookTarget,
    ) -> Result<wit::Subscription> {
        if !scenarios::is_webhook(trigger) {
            return Err(no_webhook_trigger(trigger));
        }
        Ok(wit::Subscription {
            id: format!("hostile-{trigger}"),
            state: "{}".into(),
        })
    }

    fn check_subscription(
        _: &mut dyn Env,
        _: &wit::Connection,
        _: &str,
        _: &wit::Subscription,
    ) -> Result<wit::SubscriptionStatus> {
        Ok(wit::SubscriptionStatus::Active)
    }

    fn unsubscribe(
        _: &mut dyn Env,
        _: &wit::Connection,
        _: &str,
        _: &wit::Subscription,
    ) -> Result<()> {
        Ok(())
    }

    fn handle_delivery(
        _: &mut dyn Env,
        _: &wit::Connection,
        delivery: WebhookDelivery<'_>,
    ) -> Result<wit::Delivery> {
        scenarios::deliver(delivery.trigger, delivery.request, delivery.target).map_err(Error::from)
    }
}

export_connector!(Hostile);
