//! The webhook half of [`Connector`]: `subscribe`, `check-subscription`, `unsubscribe` and
//! `handle-delivery`, each a [`GuestCall`] run in the same limited sandbox as every other call.

use super::calls::GuestCall;
use super::{bounds, from_wit_error, wit, Connector};
use crate::bindings::exports::connector::plugin::connector::Guest;
use crate::credentials::Secret;
use crate::error::{HostError, HostResult};
use crate::sandbox::SandboxState;
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use wasmtime::Store;

/// Where the remote API delivers a subscription's requests, and the name of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The public URL of the subscription (with its unguessable path).
    pub url: String,
    /// The name under which the secret is lent to the component, during this subscription's
    /// calls only (see [`Connector::with_subscription_secrets`]).
    pub secret_name: String,
}

/// A subscription as the component registered it; stored and passed back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSubscription {
    /// The remote API's id of the subscription.
    pub id: String,
    /// The component's own state (JSON text).
    pub state: String,
}

/// What `check-subscription` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// Active; nothing to do.
    Active,
    /// Was suspended and is re-activated: run the catch-up trigger.
    Reactivated,
    /// Gone: subscribe again and run the catch-up trigger.
    Gone,
}

/// One received HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingRequest {
    /// The method.
    pub method: String,
    /// Lower-case header names and raw values, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The raw body.
    pub body: Vec<u8>,
}

/// What to answer a received request, and the events it carried, as the host checked them:
/// the status is in 200..=599, the headers are among the few a component may set
/// ([`ANSWER_HEADERS`](super::ANSWER_HEADERS), names in lower case, values short visible
/// ASCII) and the body is within `answer_body_bytes`. The framing is the host's.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The status code.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Response body.
    pub body: Vec<u8>,
    /// Events, oldest first (validated against the trigger's event schema).
    pub events: Vec<super::Event>,
}

/// `subscribe`.
struct Subscribe {
    trigger: String,
    input: String,
    target: wit::WebhookTarget,
}

impl GuestCall for Subscribe {
    type Out = Result<wit::Subscription, wit::Error>;

    fn target(&self) -> Option<&wit::WebhookTarget> {
        Some(&self.target)
    }

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_subscribe(store, conn, &self.trigger, &self.input, &self.target)
    }
}

/// `check-subscription`.
struct Check {
    trigger: String,
    sub: wit::Subscription,
}

impl GuestCall for Check {
    type Out = Result<wit::SubscriptionStatus, wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_check_subscription(store, conn, &self.trigger, &self.sub)
    }
}

/// `unsubscribe`.
struct Unsubscribe {
    trigger: String,
    sub: wit::Subscription,
}

impl GuestCall for Unsubscribe {
    type Out = Result<(), wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_unsubscribe(store, conn, &self.trigger, &self.sub)
    }
}

/// `handle-delivery` of one received request.
struct Deliver {
    trigger: String,
    input: String,
    sub: wit::Subscription,
    target: wit::WebhookTarget,
    request: wit::HttpRequest,
}

impl GuestCall for Deliver {
    type Out = Result<wit::Delivery, wit::Error>;

    fn target(&self) -> Option<&wit::WebhookTarget> {
        Some(&self.target)
    }

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_handle_delivery(
            store,
            conn,
            &self.trigger,
            &self.input,
            &self.sub,
            &self.target,
            &self.request,
        )
    }
}

/// The secrets a call for `target` may read: the connector's own, and for `subscribe` or
/// `handle-delivery` (the calls with a target) the signing secret its target names (no other
/// subscription's); and the scope of the instances it may reuse: that subscription's, else the
/// connector's plain calls'.
pub(super) fn secrets_for(
    target: Option<&wit::WebhookTarget>,
    own: &Arc<BTreeMap<String, Secret>>,
    subscriptions: &BTreeMap<String, Secret>,
) -> (crate::reuse::Scope, Arc<BTreeMap<String, Secret>>) {
    let Some(target) = target else {
        return (None, own.clone());
    };
    match subscriptions.get(&target.secret_name) {
        Some(secret) => {
            let mut lent = (**own).clone();
            lent.insert(target.secret_name.clone(), secret.clone());
            (Some(target.secret_name.clone()), Arc::new(lent))
        }
        None => (None, own.clone()),
    }
}

fn wit_target(t: &WebhookTarget) -> wit::WebhookTarget {
    wit::WebhookTarget {
        url: t.url.clone(),
        secret_name: t.secret_name.clone(),
    }
}

fn wit_sub(s: &RemoteSubscription) -> wit::Subscription {
    wit::Subscription {
        id: s.id.clone(),
        state: s.state.clone(),
    }
}

impl Connector {
    /// Checks that `trigger` is a webhook trigger of the connector, that the connection's
    /// scopes cover it and that `input` matches its schema; the descriptor it looked in.
    async fn webhook_trigger(
        &self,
        trigger: &str,
        input: Option<&Value>,
    ) -> HostResult<Arc<crate::descriptor::Descriptor>> {
        let descriptor = self.describe().await?;
        let decl = descriptor
            .trigger(trigger)
            .filter(|t| t.kind == crate::descriptor::TriggerKind::Webhook)
            .ok_or_else(|| {
                HostError::invalid_input(
                    "trigger",
                    format!("`{trigger}` is not a webhook trigger of this connector"),
                )
            })?;
        self.check_scopes(trigger, &decl.required_scopes)?;
        if let Some(input) = input {
            self.schema_for(trigger, "input", &decl.input_schema)?
                .validate(input)?;
        }
        Ok(descriptor)
    }

    /// Registers webhook trigger `trigger` for `input` with the remote API, delivering to
    /// `target`.
    pub async fn subscribe(
        &self,
        trigger: &str,
        input: &Value,
        target: &WebhookTarget,
    ) -> HostResult<RemoteSubscription> {
        self.webhook_trigger(trigger, Some(input)).await?;
        let call = Subscribe {
            trigger: trigger.to_string(),
            input: input.to_string(),
            target: wit_target(target),
        };
        self.invoke_authorized(call, |r| {
            let s = r.map_err(from_wit_error)?;
            Ok(RemoteSubscription {
                id: s.id,
                state: s.state,
            })
        })
        .await
    }

    /// Checks `sub` remotely, re-activating it when it was suspended.
    pub async fn check_subscription(
        &self,
        trigger: &str,
        sub: &RemoteSubscription,
    ) -> HostResult<SubscriptionStatus> {
        self.webhook_trigger(trigger, None).await?;
        let call = Check {
            trigger: trigger.to_string(),
            sub: wit_sub(sub),
        };
        self.invoke_authorized(call, |r| {
            Ok(match r.map_err(from_wit_error)? {
                wit::SubscriptionStatus::Active => SubscriptionStatus::Active,
                wit::SubscriptionStatus::Reactivated => SubscriptionStatus::Reactivated,
                wit::SubscriptionStatus::Gone => SubscriptionStatus::Gone,
            })
        })
        .await
    }

    /// Removes `sub` from the remote API.
    pub async fn unsubscribe(&self, trigger: &str, sub: &RemoteSubscription) -> HostResult<()> {
        self.webhook_trigger(trigger, None).await?;
        let call = Unsubscribe {
            trigger: trigger.to_string(),
            sub: wit_sub(sub),
        };
        self.invoke_authorized(call, |r| r.map_err(from_wit_error))
            .await
    }

    /// Hands one received request to the component: the answer to send back and the events
    /// (each checked against the trigger's event schema).
    pub async fn handle_delivery(
        &self,
        trigger: &str,
        input: &Value,
        sub: &RemoteSubscription,
        target: &WebhookTarget,
        request: IncomingRequest,
    ) -> HostResult<Delivery> {
        let descriptor = self.webhook_trigger(trigger, None).await?;
        let event_schema = match descriptor.trigger(trigger) {
            Some(decl) => self.schema_for(trigger, "event", &decl.event_schema)?,
            None => return Err(HostError::internal("the trigger disappeared")),
        };
        let call = Deliver {
            trigger: trigger.to_string(),
            input: input.to_string(),
            sub: wit_sub(sub),
            target: wit_target(target),
            request: wit::HttpRequest {
                method: request.method,
                headers: request.headers,
                body: request.body,
            },
        };
        self.invoke_authorized(call, |r| {
            let delivery = r.map_err(from_wit_error)?;
            // The answer first: an answer the host would not send means no event is taken.
            let (status, headers, body) = bounds::answer(&self.limits, trigger, delivery.response)?;
            let events = bounds::events(&self.limits, trigger, delivery.events, &event_schema)?;
            Ok(Delivery {
                status,
                headers,
                body,
                events,
            })
        })
        .await
    }
}
