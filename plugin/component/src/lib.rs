//! The Wrike connector as a WebAssembly component (`wasm32-wasip2`): export glue only.
//!
//! [`Wrike`] implements the SDK's [`Connector`] by handing each call to the [`wrike`] crate's
//! catalog, and [`export_connector!`] exports it. The descriptor's typed JSON Schemas are
//! generated from `wrike`'s input and output types by `build.rs` and embedded here, deflated
//! ([`connector_sdk::schema`]); the `schemars` code that generates them never reaches the
//! component. The connector reaches the network only through `wasi:http/outgoing-handler`, and
//! the host adds the credential to every request.

use connector_sdk::{export_connector, wit, Connector, WebhookDelivery};

use wrike::catalog::{self, PickOption, PollResult};
use wrike::env::Env;
use wrike::error::Result;
use wrike::triggers;

connector_sdk::embedded_schemas!();

/// The Wrike connector: implements the SDK's [`Connector`] on top of [`catalog`].
pub struct Wrike;

impl Connector for Wrike {
    fn descriptor() -> wit::Descriptor {
        catalog::descriptor(&SCHEMAS.inflate())
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
            wrike::error::Error::internal(format!(
                "the host lent no secret named `{}`",
                target.secret_name
            ))
        })
}

export_connector!(Wrike);

#[cfg(test)]
mod tests {
    use super::*;
    use connector_sdk::schema::key;

    /// Every typed schema of every table is embedded: none is published as `false`.
    #[test]
    fn every_schema_is_embedded() {
        let schemas = SCHEMAS.inflate();
        let d = Wrike::descriptor();
        let mut checked = 0;
        for a in &d.actions {
            for (role, text) in [("input", &a.input_schema), ("output", &a.output_schema)] {
                assert_ne!(text, "false", "{}", key("action", &a.name, role));
                checked += 1;
            }
        }
        for t in &d.triggers {
            for (role, text) in [("input", &t.input_schema), ("event", &t.event_schema)] {
                assert_ne!(text, "false", "{}", key("trigger", &t.name, role));
                checked += 1;
            }
        }
        for p in &d.pick_lists {
            assert_ne!(
                p.params_schema,
                "false",
                "{}",
                key("pick_list", &p.name, "params")
            );
            checked += 1;
        }
        assert!(checked > 100);
        let input = schemas
            .get(&key("action", "create_task", "input"))
            .expect("create_task's input schema");
        let value: serde_json::Value = serde_json::from_str(input).unwrap();
        assert_eq!(value["properties"]["folderId"]["maxLength"], 256);
    }
}
