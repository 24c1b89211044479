//! [`Connector`]: a loaded component bound to one connection, with every call run in a limited
//! sandbox: a fresh instance, or one reused from the same connector's earlier calls
//! ([`crate::reuse`]).

use crate::bindings::connector::plugin::types as wit;
use crate::cassette::{BodyMatch, Cassette, Tape};
use crate::config::{ConnectionConfig, Limits};
use crate::credentials::Secret;
use crate::descriptor::Descriptor;
use crate::egress::EgressPolicy;
use crate::engine::Runtime;
use crate::error::{ErrorKind, HostError, HostResult};
use crate::reuse::{InstancePool, ReusePolicy};
use crate::schema::InputSchema;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

#[path = "connector_bounds.rs"]
mod bounds;
#[path = "connector_calls.rs"]
mod calls;
#[path = "connector_invoke.rs"]
mod invoke;
#[path = "connector_store.rs"]
mod store;
#[path = "connector_traps.rs"]
mod traps;
#[path = "connector_webhooks.rs"]
mod webhooks;

pub use bounds::{ANSWER_HEADERS, ANSWER_HEADER_VALUE_BYTES, ANSWER_STATUSES};
use store::StoreRecipe;
pub use traps::from_wit_error;
use traps::parse_output;
pub use webhooks::{
    Delivery, IncomingRequest, RemoteSubscription, SubscriptionStatus, WebhookTarget,
};

/// One event emitted by a polling trigger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Deduplication key, unique per distinct event.
    pub key: String,
    /// The event's payload.
    pub payload: Value,
}

/// The outcome of one `poll` call into the guest.
#[derive(Debug, Clone, PartialEq)]
pub struct PollBatch {
    /// New events, oldest first.
    pub events: Vec<Event>,
    /// The cursor to pass next time, once the events are delivered.
    pub cursor: String,
    /// More events are ready now.
    pub more: bool,
}

/// One choice of a pick list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickOption {
    /// What a person sees.
    pub label: String,
    /// What goes into an input.
    pub value: String,
}

/// A connector component bound to one connection.
///
/// By default (strict) each call instantiates the component in a new
/// [`Store`](wasmtime::Store) with its own memory cap, CPU budget, wall-clock timeout and
/// egress gate. With [`Connector::with_reuse`], an instance that served a call well may serve
/// later calls of this connector (never another's), each with its own CPU budget, timeout,
/// token and secrets; a call that fails or misbehaves always drops its instance.
pub struct Connector {
    runtime: Arc<Runtime>,
    connection: ConnectionConfig,
    limits: Limits,
    policy: Arc<EgressPolicy>,
    secrets: Arc<BTreeMap<String, Secret>>,
    /// Lent only to the webhook call whose target names them (see `with_subscription_secrets`).
    subscription_secrets: Arc<BTreeMap<String, Secret>>,
    descriptor: tokio::sync::OnceCell<Arc<Descriptor>>,
    schemas: Mutex<HashMap<String, Arc<InputSchema>>>,
    tape: Option<Tape>,
    /// This connector's idle instances (strict: never any).
    instances: Arc<InstancePool>,
}

impl Connector {
    /// Binds `runtime` to `connection` under `limits`.
    pub fn new(
        runtime: Arc<Runtime>,
        connection: ConnectionConfig,
        limits: Limits,
    ) -> HostResult<Connector> {
        limits.validate()?;
        let policy = Arc::new(EgressPolicy::for_base_url(
            &connection.base_url,
            connection.allow_private_addresses,
        ));
        let instances = InstancePool::new(ReusePolicy::STRICT, &limits);
        Ok(Connector {
            runtime,
            connection,
            limits,
            policy,
            secrets: Arc::new(BTreeMap::new()),
            subscription_secrets: Arc::new(BTreeMap::new()),
            descriptor: tokio::sync::OnceCell::new(),
            schemas: Mutex::new(HashMap::new()),
            tape: None,
            instances,
        })
    }

    /// The component alone, bound to no connection: for [`Connector::describe`] (which needs
    /// none) before the connection is known. The egress gate allows no origin at all, so any
    /// other call fails at the gate.
    pub fn unbound(runtime: Arc<Runtime>, limits: Limits) -> HostResult<Connector> {
        let connection = ConnectionConfig::new("http://unbound.invalid/")?;
        let mut connector = Connector::new(runtime, connection, limits)?;
        let mut policy = (*connector.policy).clone();
        policy.allowed.clear();
        connector.policy = Arc::new(policy);
        Ok(connector)
    }

    /// Records every HTTP exchange of every later call into `cassette` (credentials removed;
    /// see [`crate::cassette`]). Save it with [`Cassette::save`].
    pub fn recording(mut self, cassette: Cassette) -> Self {
        self.tape = Some(Tape::Record(cassette));
        self.instances = InstancePool::new(ReusePolicy::STRICT, &self.limits);
        self
    }

    /// Lets an instance serve up to `policy.calls` calls of this connector (see
    /// [`crate::reuse`]) instead of one; [`ReusePolicy::STRICT`] (the default) keeps one
    /// instance per call. For resident hosts (`serve`, `mcp`, batches); a connector with a
    /// cassette stays strict.
    pub fn with_reuse(mut self, policy: ReusePolicy) -> Self {
        if self.tape.is_none() {
            self.instances = InstancePool::new(policy, &self.limits);
        }
        self
    }

    /// How this connector reuses its instances.
    pub fn reuse_policy(&self) -> ReusePolicy {
        self.instances.policy()
    }

    /// Instances idle in this connector's pool now, ready for its next calls.
    pub fn idle_instances(&self) -> usize {
        self.instances.idle()
    }

    /// Empties the pool after the recipe of a call's store changed (its instances were made
    /// by the old one).
    fn reset_pool(&mut self) {
        self.instances = InstancePool::new(self.instances.policy(), &self.limits);
    }

    /// Answers every HTTP request of every later call from `cassette` and never opens a
    /// socket; every egress check still applies. A request the cassette has no unused match
    /// for fails the call with [`ErrorKind::CassetteMismatch`]. No credential is needed.
    pub fn replaying(mut self, cassette: Cassette, body: BodyMatch) -> Self {
        self.tape = Some(Tape::Replay(cassette, body));
        self.instances = InstancePool::new(ReusePolicy::STRICT, &self.limits);
        self
    }

    /// Lets only `GET` and `HEAD` requests leave the egress gate, whatever the guest asks.
    pub fn read_only_http(mut self) -> Self {
        let mut policy = (*self.policy).clone();
        policy.read_only = true;
        self.policy = Arc::new(policy);
        self.reset_pool();
        self
    }

    /// Whether the connection's granted scopes cover an action or trigger that needs one of
    /// `required` (always true when the granted scopes are unknown or nothing is required).
    pub fn scopes_cover(&self, required: &[String]) -> bool {
        match &self.connection.granted_scopes {
            None => true,
            Some(granted) => required.is_empty() || required.iter().any(|r| granted.contains(r)),
        }
    }

    /// Lets the guest read these secrets by name through `host.secret` in every call (never
    /// the API token).
    pub fn with_secrets(mut self, secrets: BTreeMap<String, Secret>) -> Self {
        self.secrets = Arc::new(secrets);
        self.reset_pool();
        self
    }

    /// Webhook subscriptions' signing secrets, by [`WebhookTarget::secret_name`]: each is lent
    /// only to the `subscribe` and `handle-delivery` calls whose target names it, never to a
    /// call for another subscription or to any other call.
    pub fn with_subscription_secrets(mut self, secrets: BTreeMap<String, Secret>) -> Self {
        self.subscription_secrets = Arc::new(secrets);
        self.reset_pool();
        self
    }

    /// The loaded component this connector runs.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The connection this connector runs against.
    pub fn connection(&self) -> &ConnectionConfig {
        &self.connection
    }

    /// The limits applied to each call.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The connector's descriptor (fetched from the guest once, then cached).
    pub async fn describe(&self) -> HostResult<Arc<Descriptor>> {
        self.descriptor
            .get_or_try_init(|| async {
                // The descriptor depends on the component alone: the runtime remembers it, and
                // keeps it on disk next to the compiled component.
                if let Some(d) = self.runtime.cached_descriptor() {
                    return Ok(d);
                }
                let d = self
                    .invoke(calls::Describe, None, |d| {
                        Ok(Arc::new(Descriptor::from_wit(d)?))
                    })
                    .await?;
                self.runtime.store_descriptor(&d);
                Ok(d)
            })
            .await
            .cloned()
    }

    /// Runs the connection test; returns the authenticated user.
    pub async fn test_connection(&self) -> HostResult<Value> {
        self.invoke_authorized(calls::Test, |r| parse_output("test-connection", r))
            .await
    }

    /// Validates `input` against the action's schema and scopes, then runs the action.
    pub async fn execute(&self, action: &str, input: &Value) -> HostResult<Value> {
        let descriptor = self.describe().await?;
        let Some(decl) = descriptor.action(action) else {
            let names: Vec<&str> = descriptor.actions.iter().map(|a| a.name.as_str()).collect();
            return Err(HostError::invalid_input(
                "action",
                format!(
                    "unknown action `{action}`; the connector offers: {}",
                    names.join(", ")
                ),
            ));
        };
        self.check_scopes(action, &decl.required_scopes)?;
        self.schema_for(action, "input", &decl.input_schema)?
            .validate(input)?;
        let output_schema = self.schema_for(action, "output", &decl.output_schema)?;
        let call = calls::Execute {
            action: action.to_string(),
            input: input.to_string(),
        };
        self.invoke_authorized(call, |r| {
            let output = parse_output(action, r)?;
            output_schema.validate_output(&format!("action `{action}`"), &output)?;
            Ok(output)
        })
        .await
    }

    /// Validates `input` and polls `trigger` once from `cursor`.
    pub async fn poll(
        &self,
        trigger: &str,
        input: &Value,
        cursor: Option<&str>,
    ) -> HostResult<PollBatch> {
        let descriptor = self.describe().await?;
        let Some(decl) = descriptor.trigger(trigger) else {
            let names: Vec<&str> = descriptor
                .triggers
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            return Err(HostError::invalid_input(
                "trigger",
                format!(
                    "unknown trigger `{trigger}`; the connector offers: {}",
                    names.join(", ")
                ),
            ));
        };
        self.check_scopes(trigger, &decl.required_scopes)?;
        self.schema_for(trigger, "input", &decl.input_schema)?
            .validate(input)?;
        let event_schema = self.schema_for(trigger, "event", &decl.event_schema)?;
        let call = calls::Poll {
            trigger: trigger.to_string(),
            input: input.to_string(),
            cursor: cursor.map(str::to_string),
        };
        self.invoke_authorized(call, |r| {
            let result = r.map_err(from_wit_error)?;
            let events = bounds::events(&self.limits, trigger, result.events, &event_schema)?;
            bounds::cursor(&self.limits, trigger, &result.cursor)?;
            Ok(PollBatch {
                events,
                cursor: result.cursor,
                more: result.more,
            })
        })
        .await
    }

    /// Fetches the choices of pick list `name`.
    pub async fn pick_list(&self, name: &str, params: &Value) -> HostResult<Vec<PickOption>> {
        let descriptor = self.describe().await?;
        let Some(decl) = descriptor.pick_list(name) else {
            let names: Vec<&str> = descriptor
                .pick_lists
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(HostError::invalid_input(
                "name",
                format!(
                    "unknown pick list `{name}`; the connector offers: {}",
                    names.join(", ")
                ),
            ));
        };
        self.schema_for(name, "params", &decl.params_schema)?
            .validate(params)?;
        let call = calls::Pick {
            name: name.to_string(),
            params: params.to_string(),
        };
        self.invoke_authorized(call, |r| {
            Ok(r.map_err(from_wit_error)?
                .into_iter()
                .map(|o| PickOption {
                    label: o.label,
                    value: o.value,
                })
                .collect())
        })
        .await
    }

    /// Checks the connection's settings against the descriptor's `settings_schema`: a wrong
    /// setting is the caller's error (`invalid_input` naming `settings.<field>`), found before
    /// the guest runs.
    async fn check_settings(&self) -> HostResult<()> {
        let descriptor = self.describe().await?;
        let schema = self.schema_for("connection", "settings", &descriptor.settings_schema)?;
        schema
            .validate(&Value::Object(self.connection.settings.clone()))
            .map_err(|mut e| {
                e.field = Some(match e.field.as_deref() {
                    None | Some("") => "settings".to_string(),
                    Some(f) => format!("settings.{f}"),
                });
                e.message = format!("connection settings: {}", e.message);
                e
            })
    }

    fn check_scopes(&self, what: &str, required: &[String]) -> HostResult<()> {
        if self.scopes_cover(required) {
            return Ok(());
        }
        let granted = self.connection.granted_scopes.clone().unwrap_or_default();
        Err(HostError::new(
            ErrorKind::Forbidden,
            format!(
                "`{what}` needs one of the scopes [{}]; the connection was granted [{}]",
                required.join(", "),
                granted.join(", ")
            ),
        )
        .with_hint(format!(
            "reconnect with --scopes {} (or --for-actions {what})",
            required.last().cloned().unwrap_or_default()
        )))
    }

    /// The compiled `which` schema (`input`, `output`, `event`, `params`) of `owner`, checked
    /// against the schema bounds and compiled once per connector.
    fn schema_for(&self, owner: &str, which: &str, schema: &Value) -> HostResult<Arc<InputSchema>> {
        let key = format!("{which}:{owner}");
        let mut cache = self.schemas.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = cache.get(&key) {
            return Ok(s.clone());
        }
        let compiled = Arc::new(InputSchema::compile_as(owner, which, schema)?);
        cache.insert(key, compiled.clone());
        Ok(compiled)
    }

    fn wit_connection(&self) -> wit::Connection {
        wit::Connection {
            api_base_url: self.connection.base_url_string(),
            granted_scopes: self.connection.granted_scopes.clone(),
            account_id: self.connection.account_id.clone(),
            settings: Value::Object(self.connection.settings.clone()).to_string(),
        }
    }

    /// What a call's store is made from (cheap: reference-counted parts).
    fn recipe(&self) -> StoreRecipe {
        StoreRecipe {
            runtime: self.runtime.clone(),
            policy: self.policy.clone(),
            limits: self.limits.clone(),
            secrets: self.secrets.clone(),
            tape: self.tape.clone(),
        }
    }
}
