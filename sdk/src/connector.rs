//! The [`Connector`] trait a connector crate implements, and [`Export`], the adapter that turns
//! it into the generated `Guest` implementation of the `connector` interface (what
//! [`export_connector!`](crate::export_connector) exports).
//!
//! Every call receives the environment (`&mut dyn Env`: the real [`WasiEnv`] in a component, a
//! `MockEnv` in unit tests), so a connector's logic is testable natively through the same
//! entry points the host calls.

use crate::bindings::exports::connector::plugin::connector::Guest;
use crate::catalog::{PickOption, PollResult};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::transport::WasiEnv;
use crate::wit;

/// The error of a webhook call naming a trigger the connector does not offer as a webhook
/// (`invalid-input` on field `trigger`: "no webhook trigger named `…`").
pub fn no_webhook_trigger(trigger: &str) -> Error {
    Error::invalid("trigger", format!("no webhook trigger named `{trigger}`"))
}

/// A connector: what it declares and how it runs each call of the `connector` interface.
///
/// `describe`, `test-connection` and `execute` are required. The polling, pick-list and webhook
/// calls have defaults that answer `invalid-input` for any name, so a connector implements only
/// what it offers.
pub trait Connector {
    /// The descriptor: identity, default base URL, settings schema, auth, actions, triggers,
    /// pick lists (`describe`).
    fn descriptor() -> wit::Descriptor;

    /// Checks the connection; returns the authenticated user as JSON text (`test-connection`).
    fn test_connection(env: &mut dyn Env, conn: &wit::Connection) -> Result<String>;

    /// Runs action `action` on `input` (JSON text); returns its output as JSON text
    /// (`execute`).
    fn execute(
        env: &mut dyn Env,
        conn: &wit::Connection,
        action: &str,
        input: &str,
    ) -> Result<String>;

    /// One poll of trigger `trigger` (`poll`). Default: "unknown trigger `…`".
    fn poll(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        input: &str,
        cursor: Option<&str>,
    ) -> Result<PollResult> {
        let _ = (env, conn, input, cursor);
        Err(Error::invalid(
            "trigger",
            format!("unknown trigger `{trigger}`"),
        ))
    }

    /// The choices of pick list `name` (`pick-list`). Default: "unknown pick list `…`".
    fn pick_list(
        env: &mut dyn Env,
        conn: &wit::Connection,
        name: &str,
        params: &str,
    ) -> Result<Vec<PickOption>> {
        let _ = (env, conn, params);
        Err(Error::invalid(
            "name",
            format!("unknown pick list `{name}`"),
        ))
    }

    /// Registers webhook trigger `trigger` (`subscribe`). Default: [`no_webhook_trigger`].
    fn subscribe(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        input: &str,
        target: &wit::WebhookTarget,
    ) -> Result<wit::Subscription> {
        let _ = (env, conn, input, target);
        Err(no_webhook_trigger(trigger))
    }

    /// Checks (and re-activates) a subscription (`check-subscription`). Default:
    /// [`no_webhook_trigger`].
    fn check_subscription(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        sub: &wit::Subscription,
    ) -> Result<wit::SubscriptionStatus> {
        let _ = (env, conn, sub);
        Err(no_webhook_trigger(trigger))
    }

    /// Removes a subscription (`unsubscribe`). Default: [`no_webhook_trigger`].
    fn unsubscribe(
        env: &mut dyn Env,
        conn: &wit::Connection,
        trigger: &str,
        sub: &wit::Subscription,
    ) -> Result<()> {
        let _ = (env, conn, sub);
        Err(no_webhook_trigger(trigger))
    }

    /// Handles one received webhook request (`handle-delivery`). Default:
    /// [`no_webhook_trigger`].
    fn handle_delivery(
        env: &mut dyn Env,
        conn: &wit::Connection,
        delivery: WebhookDelivery<'_>,
    ) -> Result<wit::Delivery> {
        let _ = (env, conn);
        Err(no_webhook_trigger(delivery.trigger))
    }
}

/// The arguments of one `handle-delivery` call besides the connection.
#[derive(Debug, Clone, Copy)]
pub struct WebhookDelivery<'a> {
    /// The webhook trigger's name.
    pub trigger: &'a str,
    /// The trigger's input (JSON text), as given to `subscribe`.
    pub input: &'a str,
    /// The subscription the request arrived for.
    pub sub: &'a wit::Subscription,
    /// Where it arrived and the name of its signing secret.
    pub target: &'a wit::WebhookTarget,
    /// The received request.
    pub request: &'a wit::HttpRequest,
}

/// The generated `Guest` implementation for connector `C`: runs each call with [`WasiEnv`] and
/// converts the SDK's types to the generated ones. [`export_connector!`](crate::export_connector)
/// exports it; tests may call it natively (outside a component only calls that send nothing
/// work, e.g. `describe` or an unknown name).
pub struct Export<C>(core::marker::PhantomData<C>);

impl<C: Connector> Guest for Export<C> {
    fn describe() -> wit::Descriptor {
        C::descriptor()
    }

    fn test_connection(conn: wit::Connection) -> core::result::Result<String, wit::Error> {
        Ok(C::test_connection(&mut WasiEnv, &conn)?)
    }

    fn execute(
        conn: wit::Connection,
        action: String,
        input: String,
    ) -> core::result::Result<String, wit::Error> {
        Ok(C::execute(&mut WasiEnv, &conn, &action, &input)?)
    }

    fn poll(
        conn: wit::Connection,
        trigger: String,
        input: String,
        cursor: Option<String>,
    ) -> core::result::Result<wit::PollResult, wit::Error> {
        Ok(C::poll(&mut WasiEnv, &conn, &trigger, &input, cursor.as_deref())?.into())
    }

    fn pick_list(
        conn: wit::Connection,
        name: String,
        params: String,
    ) -> core::result::Result<Vec<wit::PickOption>, wit::Error> {
        let list = C::pick_list(&mut WasiEnv, &conn, &name, &params)?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    fn subscribe(
        conn: wit::Connection,
        trigger: String,
        input: String,
        target: wit::WebhookTarget,
    ) -> core::result::Result<wit::Subscription, wit::Error> {
        Ok(C::subscribe(
            &mut WasiEnv,
            &conn,
            &trigger,
            &input,
            &target,
        )?)
    }

    fn check_subscription(
        conn: wit::Connection,
        trigger: String,
        sub: wit::Subscription,
    ) -> core::result::Result<wit::SubscriptionStatus, wit::Error> {
        Ok(C::check_subscription(&mut WasiEnv, &conn, &trigger, &sub)?)
    }

    fn unsubscribe(
        conn: wit::Connection,
        trigger: String,
        sub: wit::Subscription,
    ) -> core::result::Result<(), wit::Error> {
        Ok(C::unsubscribe(&mut WasiEnv, &conn, &trigger, &sub)?)
    }

    fn handle_delivery(
        conn: wit::Connection,
        trigger: String,
        input: String,
        sub: wit::Subscription,
        target: wit::WebhookTarget,
        request: wit::HttpRequest,
    ) -> core::result::Result<wit::Delivery, wit::Error> {
        let delivery = WebhookDelivery {
            trigger: &trigger,
            input: &input,
            sub: &sub,
            target: &target,
            request: &request,
        };
        Ok(C::handle_delivery(&mut WasiEnv, &conn, delivery)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Minimal;

    impl Connector for Minimal {
        fn descriptor() -> wit::Descriptor {
            wit::Descriptor {
                name: "minimal".into(),
                title: "Minimal".into(),
                version: "0.0.0".into(),
                api_version: "v1".into(),
                default_base_url: "https://api.example.com".into(),
                settings_schema: r#"{"type":"object","additionalProperties":false}"#.into(),
                auth: vec![],
                actions: vec![],
                triggers: vec![],
                pick_lists: vec![],
            }
        }

        fn test_connection(_: &mut dyn Env, _: &wit::Connection) -> Result<String> {
            Ok("{}".into())
        }

        fn execute(_: &mut dyn Env, _: &wit::Connection, action: &str, _: &str) -> Result<String> {
            Err(Error::invalid(
                "action",
                format!("unknown action `{action}`"),
            ))
        }
    }

    fn conn() -> wit::Connection {
        wit::Connection {
            api_base_url: "https://api.example.com".into(),
            granted_scopes: None,
            account_id: None,
            settings: "{}".into(),
        }
    }

    fn invalid(e: wit::Error) -> (String, String) {
        match e {
            wit::Error::InvalidInput(wit::InvalidInput { field, message }) => (field, message),
            other => panic!("not invalid-input: {other:?}"),
        }
    }

    #[test]
    fn webhook_calls_default_to_invalid_input_naming_the_trigger() {
        type G = Export<Minimal>;
        let target = wit::WebhookTarget {
            url: "https://h/x".into(),
            secret_name: "s".into(),
        };
        let sub = wit::Subscription {
            id: "1".into(),
            state: "{}".into(),
        };
        let expected = (
            "trigger".to_string(),
            "no webhook trigger named `hook`".to_string(),
        );
        let e = G::subscribe(conn(), "hook".into(), "{}".into(), target.clone()).unwrap_err();
        assert_eq!(invalid(e), expected);
        let e = G::check_subscription(conn(), "hook".into(), sub.clone()).unwrap_err();
        assert_eq!(invalid(e), expected);
        let e = G::unsubscribe(conn(), "hook".into(), sub.clone()).unwrap_err();
        assert_eq!(invalid(e), expected);
        let request = wit::HttpRequest {
            method: "POST".into(),
            headers: vec![],
            body: vec![],
        };
        let e = G::handle_delivery(conn(), "hook".into(), "{}".into(), sub, target, request)
            .unwrap_err();
        assert_eq!(invalid(e), expected);
    }

    #[test]
    fn polls_and_pick_lists_default_to_unknown_names() {
        type G = Export<Minimal>;
        let e = G::poll(conn(), "t".into(), "{}".into(), None).unwrap_err();
        assert_eq!(invalid(e), ("trigger".into(), "unknown trigger `t`".into()));
        let e = G::pick_list(conn(), "p".into(), "{}".into()).unwrap_err();
        assert_eq!(invalid(e), ("name".into(), "unknown pick list `p`".into()));
        assert_eq!(G::describe().name, "minimal");
        assert_eq!(G::test_connection(conn()).unwrap(), "{}");
    }
}
