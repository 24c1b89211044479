//! Wrike API v4 connector as a WebAssembly component (`wasm32-wasip2`).
//!
//! This file is only the export glue: [`Wrike`] implements the SDK's [`Connector`] by handing
//! each call to [`catalog`], and [`export_connector!`] exports it. The bindings, the transport
//! over `wasi:http`, the error type and the catalog plumbing live in `connector-sdk`; the
//! connector reaches the network only through `wasi:http/outgoing-handler`, and the host adds
//! the credential to every request.

pub mod base64;
pub mod catalog;
pub mod env;
pub mod error;
pub mod input;
pub mod picklists;
pub mod resources;
pub mod scopes;
pub mod table;
#[cfg(test)]
mod testing;
pub mod time;
pub mod triggers;
pub mod wrike;

use connector_sdk::{export_connector, wit, Connector, WebhookDelivery};

use crate::catalog::{PickOption, PollResult};
use crate::env::Env;
use crate::error::Result;

/// The generated bindings of the contract (from `connector-sdk`), under the crate's historical
/// path `crate::connector::plugin::…`.
pub use connector_sdk::bindings::connector;

/// The Wrike connector: implements the SDK's [`Connector`] on top of [`catalog`].
pub struct Wrike;

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Connector for Wrike {
    fn descriptor() -> wit::Descriptor {
        wit::Descriptor {
            name: catalog::NAME.into(),
            title: catalog::TITLE.into(),
            version: catalog::VERSION.into(),
            api_version: catalog::API_VERSION.into(),
            default_base_url: catalog::DEFAULT_BASE_URL.into(),
            settings_schema: catalog::SETTINGS_SCHEMA.into(),
            auth: vec![
                wit::AuthConfig::Oauth2(wit::Oauth2Config {
                    authorize_url: catalog::AUTHORIZE_URL.into(),
                    token_url: catalog::TOKEN_URL.into(),
                    scopes: catalog::SCOPES
                        .iter()
                        .map(|(id, description)| wit::Scope {
                            id: id.to_string(),
                            description: description.to_string(),
                        })
                        .collect(),
                    default_scopes: strings(catalog::DEFAULT_SCOPES),
                    scope_separator: catalog::SCOPE_SEPARATOR.into(),
                    token_endpoint_auth: wit::TokenEndpointAuth::ClientSecretPost,
                    api_host_field: Some(catalog::TOKEN_HOST_FIELD.into()),
                }),
                wit::AuthConfig::ApiToken(wit::ApiTokenConfig {
                    instructions: catalog::API_TOKEN_INSTRUCTIONS.into(),
                }),
            ],
            actions: catalog::actions().map(wit::Action::from).collect(),
            triggers: catalog::triggers()
                .map(wit::Trigger::from)
                .chain(triggers::webhooks::TRIGGERS.iter().map(|t| wit::Trigger {
                    name: t.name.into(),
                    title: t.title.into(),
                    description: t.description.into(),
                    kind: wit::TriggerKind::Webhook,
                    required_scopes: strings(t.scopes),
                    input_schema: t.input_schema.into(),
                    event_schema: t.event_schema.into(),
                    catch_up_trigger: t.catch_up.map(str::to_string),
                }))
                .collect(),
            pick_lists: catalog::pick_lists().map(wit::PickListInfo::from).collect(),
        }
    }

    fn test_connection(env: &mut dyn Env, conn: &wit::Connection) -> Result<String> {
        catalog::test_connection(env, &conn.api_base_url)
    }

    fn execute(
        env: &mut dyn Env,
        conn: &wit::Connection,
        action: &str,
        input: &str,
    ) -> Result<String> {
        catalog::execute(env, &conn.api_base_url, action, input)
    }

    fn poll(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        input: &str,
        cursor: Option<&str>,
    ) -> Result<PollResult> {
        catalog::poll(env, &conn.api_base_url, trigger, input, cursor)
    }

    fn pick_list(
        env: &mut dyn Env,
        conn: &wit::Connection,
        name: &str,
        params: &str,
    ) -> Result<Vec<PickOption>> {
        catalog::pick_list(env, &conn.api_base_url, name, params)
    }

    fn subscribe(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        input: &str,
        target: &wit::WebhookTarget,
    ) -> Result<wit::Subscription> {
        let secret = webhook_secret(env, target)?;
        let id = catalog::webhook_subscribe(
            env,
            &conn.api_base_url,
            trigger,
            input,
            &target.url,
            &secret,
        )?;
        Ok(wit::Subscription {
            id,
            state: "{}".into(),
        })
    }

    fn check_subscription(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        sub: &wit::Subscription,
    ) -> Result<wit::SubscriptionStatus> {
        use triggers::webhooks::Status;
        Ok(
            match catalog::webhook_check(env, &conn.api_base_url, trigger, &sub.id)? {
                Status::Active => wit::SubscriptionStatus::Active,
                Status::Reactivated => wit::SubscriptionStatus::Reactivated,
                Status::Gone => wit::SubscriptionStatus::Gone,
            },
        )
    }

    fn unsubscribe(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        sub: &wit::Subscription,
    ) -> Result<()> {
        catalog::webhook_unsubscribe(env, &conn.api_base_url, trigger, &sub.id)
    }

    fn handle_delivery(
        env: &mut dyn Env,
        conn: &wit::Connection,
        delivery: WebhookDelivery<'_>,
    ) -> Result<wit::Delivery> {
        let secret = webhook_secret(env, delivery.target)?;
        let request = triggers::webhooks::Request {
            method: &delivery.request.method,
            headers: &delivery.request.headers,
            body: &delivery.request.body,
        };
        let (response, events) = catalog::webhook_delivery(
            env,
            &conn.api_base_url,
            delivery.trigger,
            delivery.input,
            &secret,
            &request,
        )?;
        Ok(wit::Delivery {
            response: wit::HttpResponse {
                status: response.status,
                headers: response.headers,
                body: response.body,
            },
            events: events
                .into_iter()
                .map(|e| wit::Event {
                    key: e.key,
                    payload: e.payload,
                })
                .collect(),
        })
    }
}

/// The subscription's signing secret, which the host lends by the name in `target`.
fn webhook_secret(env: &mut dyn Env, target: &wit::WebhookTarget) -> Result<String> {
    env.secret(&target.secret_name)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            crate::error::Error::internal(format!(
                "the host lent no secret named `{}`",
                target.secret_name
            ))
        })
}

export_connector!(Wrike);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_converts_the_catalog() {
        let d = Wrike::descriptor();
        assert_eq!(
            (d.name.as_str(), d.title.as_str(), d.api_version.as_str()),
            ("wrike", "Wrike", "v4")
        );
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.default_base_url, "https://www.wrike.com/api/v4");
        match &d.auth[0] {
            wit::AuthConfig::Oauth2(o) => {
                assert_eq!(
                    o.authorize_url,
                    "https://login.wrike.com/oauth2/authorize/v4"
                );
                assert_eq!(o.token_url, "https://login.wrike.com/oauth2/token");
                assert_eq!(o.scopes.len(), 18);
                assert_eq!(o.default_scopes, ["Default"]);
                assert_eq!(o.scope_separator, ",");
            }
            _ => panic!("OAuth2 must come first"),
        }
        assert!(
            matches!(&d.auth[1], wit::AuthConfig::ApiToken(t) if t.instructions.contains("App Console"))
        );
        assert_eq!(d.actions.len(), catalog::actions().count());
        assert_eq!(
            d.triggers.len(),
            catalog::triggers().count() + triggers::webhooks::TRIGGERS.len()
        );
        assert_eq!(d.pick_lists.len(), catalog::pick_lists().count());
    }
}
