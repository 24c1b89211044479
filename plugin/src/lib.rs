//! Wrike API v4 connector as a WebAssembly component (`wasm32-wasip2`).
//!
//! This file is only the export glue: it generates the bindings for `wit/connector.wit`,
//! converts between the generated types and the crate's own, and hands each call to
//! [`catalog`]. The connector reaches the network only through `wasi:http/outgoing-handler`
//! ([`wrike::transport`]); the host adds the credential to every request.

pub mod base64;
pub mod catalog;
pub mod env;
pub mod error;
pub mod picklists;
pub mod resources;
pub mod schema;
#[cfg(test)]
mod testing;
pub mod time;
pub mod triggers;
pub mod wrike;

wit_bindgen::generate!({
    world: "plugin",
    path: "../wit",
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

use crate::connector::plugin::types as wit;
use crate::exports::connector::plugin::connector::Guest;

use crate::error::Error;
use crate::wrike::transport::WasiEnv;

/// The component: implements the exported `connector` interface.
pub struct Component;

fn to_wit(e: Error) -> wit::Error {
    match e {
        Error::InvalidInput { field, message } => {
            wit::Error::InvalidInput(wit::InvalidInput { field, message })
        }
        Error::Unauthorized(m) => wit::Error::Unauthorized(m),
        Error::Forbidden(m) => wit::Error::Forbidden(m),
        Error::NotFound(m) => wit::Error::NotFound(m),
        Error::RateLimited {
            retry_after_ms,
            message,
        } => wit::Error::RateLimited(wit::RateLimited {
            retry_after_ms,
            message,
        }),
        Error::Upstream {
            status,
            code,
            message,
        } => wit::Error::Upstream(wit::UpstreamError {
            status,
            code,
            message,
        }),
        Error::Transport(m) => wit::Error::Transport(m),
        Error::Internal(m) => wit::Error::Internal(m),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Guest for Component {
    fn describe() -> wit::Descriptor {
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
            actions: catalog::actions()
                .map(|a| wit::Action {
                    name: a.name.into(),
                    title: a.title.into(),
                    description: a.description.into(),
                    required_scopes: strings(a.scopes),
                    input_schema: a.input_schema.into(),
                    output_schema: a.output_schema.into(),
                })
                .collect(),
            triggers: catalog::triggers()
                .map(|t| wit::Trigger {
                    name: t.name.into(),
                    title: t.title.into(),
                    description: t.description.into(),
                    kind: wit::TriggerKind::Polling,
                    required_scopes: strings(t.scopes),
                    input_schema: t.input_schema.into(),
                    event_schema: t.event_schema.into(),
                    catch_up_trigger: None,
                })
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
            pick_lists: catalog::pick_lists()
                .map(|p| wit::PickListInfo {
                    name: p.name.into(),
                    description: p.description.into(),
                    params_schema: p.params_schema.into(),
                })
                .collect(),
        }
    }

    fn test_connection(conn: wit::Connection) -> Result<String, wit::Error> {
        catalog::test_connection(&mut WasiEnv, &conn.api_base_url).map_err(to_wit)
    }

    fn execute(conn: wit::Connection, action: String, input: String) -> Result<String, wit::Error> {
        catalog::execute(&mut WasiEnv, &conn.api_base_url, &action, &input).map_err(to_wit)
    }

    fn poll(
        conn: wit::Connection,
        trigger: String,
        input: String,
        cursor: Option<String>,
    ) -> Result<wit::PollResult, wit::Error> {
        catalog::poll(
            &mut WasiEnv,
            &conn.api_base_url,
            &trigger,
            &input,
            cursor.as_deref(),
        )
        .map(|r| wit::PollResult {
            events: r
                .events
                .into_iter()
                .map(|e| wit::Event {
                    key: e.key,
                    payload: e.payload,
                })
                .collect(),
            cursor: r.cursor,
            more: r.more,
        })
        .map_err(to_wit)
    }

    fn pick_list(
        conn: wit::Connection,
        name: String,
        params: String,
    ) -> Result<Vec<wit::PickOption>, wit::Error> {
        catalog::pick_list(&mut WasiEnv, &conn.api_base_url, &name, &params)
            .map(|list| {
                list.into_iter()
                    .map(|o| wit::PickOption {
                        label: o.label,
                        value: o.value,
                    })
                    .collect()
            })
            .map_err(to_wit)
    }

    fn subscribe(
        conn: wit::Connection,
        trigger: String,
        input: String,
        target: wit::WebhookTarget,
    ) -> Result<wit::Subscription, wit::Error> {
        let secret = webhook_secret(&target)?;
        catalog::webhook_subscribe(
            &mut WasiEnv,
            &conn.api_base_url,
            &trigger,
            &input,
            &target.url,
            &secret,
        )
        .map(|id| wit::Subscription {
            id,
            state: "{}".into(),
        })
        .map_err(to_wit)
    }

    fn check_subscription(
        conn: wit::Connection,
        trigger: String,
        sub: wit::Subscription,
    ) -> Result<wit::SubscriptionStatus, wit::Error> {
        use triggers::webhooks::Status;
        catalog::webhook_check(&mut WasiEnv, &conn.api_base_url, &trigger, &sub.id)
            .map(|s| match s {
                Status::Active => wit::SubscriptionStatus::Active,
                Status::Reactivated => wit::SubscriptionStatus::Reactivated,
                Status::Gone => wit::SubscriptionStatus::Gone,
            })
            .map_err(to_wit)
    }

    fn unsubscribe(
        conn: wit::Connection,
        trigger: String,
        sub: wit::Subscription,
    ) -> Result<(), wit::Error> {
        catalog::webhook_unsubscribe(&mut WasiEnv, &conn.api_base_url, &trigger, &sub.id)
            .map_err(to_wit)
    }

    fn handle_delivery(
        conn: wit::Connection,
        trigger: String,
        input: String,
        _sub: wit::Subscription,
        target: wit::WebhookTarget,
        request: wit::HttpRequest,
    ) -> Result<wit::Delivery, wit::Error> {
        let secret = webhook_secret(&target)?;
        let req = triggers::webhooks::Request {
            method: &request.method,
            headers: &request.headers,
            body: &request.body,
        };
        let (response, events) = catalog::webhook_delivery(
            &mut WasiEnv,
            &conn.api_base_url,
            &trigger,
            &input,
            &secret,
            &req,
        )
        .map_err(to_wit)?;
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

/// The signing secret the host holds for a subscription, read through `host.secret`.
fn webhook_secret(target: &wit::WebhookTarget) -> Result<String, wit::Error> {
    connector::plugin::host::secret(&target.secret_name)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            to_wit(Error::internal(format!(
                "the host lent no secret named `{}`",
                target.secret_name
            )))
        })
}

// The component exports exist only on wasm32: native linkers reject the `:`/`@` in the export
// names, and native builds serve unit tests only.
#[cfg(target_arch = "wasm32")]
export!(Component);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_converts_the_catalog() {
        let d = <Component as Guest>::describe();
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
        let task_hook = d
            .triggers
            .iter()
            .find(|t| t.name == "new_or_updated_task_webhook")
            .unwrap();
        assert_eq!(task_hook.kind, wit::TriggerKind::Webhook);
        assert_eq!(
            task_hook.catch_up_trigger.as_deref(),
            Some("new_or_updated_task")
        );
        assert_eq!(d.pick_lists.len(), catalog::pick_lists().count());
    }

    #[test]
    fn errors_convert_case_by_case() {
        assert!(matches!(
            to_wit(Error::invalid("title", "is required")),
            wit::Error::InvalidInput(wit::InvalidInput { ref field, .. }) if field == "title"
        ));
        assert!(matches!(
            to_wit(Error::RateLimited {
                retry_after_ms: Some(5),
                message: String::new()
            }),
            wit::Error::RateLimited(wit::RateLimited {
                retry_after_ms: Some(5),
                ..
            })
        ));
        assert!(matches!(
            to_wit(Error::Upstream {
                status: 502,
                code: None,
                message: String::new()
            }),
            wit::Error::Upstream(wit::UpstreamError { status: 502, .. })
        ));
        assert!(matches!(
            to_wit(Error::Transport("x".into())),
            wit::Error::Transport(_)
        ));
    }
}
