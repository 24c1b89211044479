//! The connector's self-description as the host presents it: the WIT `descriptor` with its
//! JSON Schemas parsed, checked against the descriptor [`rules`] as a whole, ready to print as
//! JSON and to validate inputs with.

use crate::bindings::connector::plugin::types as wit;
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[path = "descriptor_rules.rs"]
pub mod rules;

/// One OAuth2 scope.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scope {
    /// The scope's identifier, e.g. `wsReadWrite`.
    pub id: String,
    /// What it grants.
    pub description: String,
}

/// How a connection authenticates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuthConfig {
    /// OAuth2 authorization code flow.
    Oauth2 {
        /// Authorization endpoint.
        authorize_url: String,
        /// Token endpoint.
        token_url: String,
        /// Every scope the API knows.
        scopes: Vec<Scope>,
        /// Scopes always requested.
        default_scopes: Vec<String>,
        /// Separator used to join scopes.
        scope_separator: String,
        /// How the host authenticates at the token endpoint.
        #[serde(default)]
        token_endpoint_auth: TokenEndpointAuth,
        /// The token-response field naming the account's API host (Wrike: `host`), if any.
        #[serde(default)]
        api_host_field: Option<String>,
    },
    /// A static API token.
    ApiToken {
        /// Where to get one.
        instructions: String,
    },
}

/// How the host authenticates at an OAuth2 token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TokenEndpointAuth {
    /// `client_id` and `client_secret` in the form body.
    #[default]
    ClientSecretPost,
    /// HTTP Basic authentication.
    ClientSecretBasic,
}

/// One action.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Action {
    /// Machine name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Scopes of which the connection needs at least one.
    pub required_scopes: Vec<String>,
    /// JSON Schema of the input.
    pub input_schema: Value,
    /// JSON Schema of the output.
    pub output_schema: Value,
    /// Whether the action only reads (the contract's `read-only`): `mcp --read-only` offers
    /// only these, and scope selection prefers scopes no writing action accepts.
    #[serde(default)]
    pub read_only: bool,
}

/// How a trigger gets its events (`"polling"` or `"webhook"` in JSON).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TriggerKind {
    /// The host calls `poll` with a cursor.
    Polling,
    /// The remote API delivers to a host URL (`subscribe`, `handle-delivery`).
    Webhook,
}

impl TriggerKind {
    /// `polling` or `webhook`.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::Polling => "polling",
            TriggerKind::Webhook => "webhook",
        }
    }
}

impl std::fmt::Display for TriggerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One trigger.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Trigger {
    /// Machine name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Polling or webhook.
    pub kind: TriggerKind,
    /// Scopes of which the connection needs at least one.
    pub required_scopes: Vec<String>,
    /// JSON Schema of the input.
    pub input_schema: Value,
    /// JSON Schema of one event.
    pub event_schema: Value,
    /// For a webhook trigger: the polling trigger that closes a gap in its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up_trigger: Option<String>,
}

/// One pick list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PickList {
    /// Machine name.
    pub name: String,
    /// Description.
    pub description: String,
    /// JSON Schema of the parameters.
    pub params_schema: Value,
}

/// Everything the connector declares about itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Descriptor {
    /// Machine name, e.g. `wrike`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// The connector's version.
    pub version: String,
    /// The remote API version.
    pub api_version: String,
    /// The default API base URL.
    pub default_base_url: String,
    /// JSON Schema of the connection settings.
    #[serde(default = "no_settings")]
    pub settings_schema: Value,
    /// Authentication methods.
    pub auth: Vec<AuthConfig>,
    /// Actions.
    pub actions: Vec<Action>,
    /// Triggers.
    pub triggers: Vec<Trigger>,
    /// Pick lists.
    pub pick_lists: Vec<PickList>,
}

/// The settings schema of a connector that declares none.
fn no_settings() -> Value {
    serde_json::json!({"type": "object", "additionalProperties": false})
}

fn parse_schema(owner: &str, which: &str, text: &str) -> HostResult<Value> {
    serde_json::from_str(text).map_err(|e| {
        HostError::internal(format!(
            "the component's {which} schema for `{owner}` is not valid JSON: {e}"
        ))
    })
}

impl Descriptor {
    /// Converts the WIT descriptor, parsing every schema, and checks it ([`Descriptor::validate`]).
    pub fn from_wit(d: wit::Descriptor) -> HostResult<Descriptor> {
        let auth = d
            .auth
            .into_iter()
            .map(|a| match a {
                wit::AuthConfig::Oauth2(o) => AuthConfig::Oauth2 {
                    authorize_url: o.authorize_url,
                    token_url: o.token_url,
                    scopes: o
                        .scopes
                        .into_iter()
                        .map(|s| Scope {
                            id: s.id,
                            description: s.description,
                        })
                        .collect(),
                    default_scopes: o.default_scopes,
                    scope_separator: o.scope_separator,
                    token_endpoint_auth: match o.token_endpoint_auth {
                        wit::TokenEndpointAuth::ClientSecretPost => {
                            TokenEndpointAuth::ClientSecretPost
                        }
                        wit::TokenEndpointAuth::ClientSecretBasic => {
                            TokenEndpointAuth::ClientSecretBasic
                        }
                    },
                    api_host_field: o.api_host_field,
                },
                wit::AuthConfig::ApiToken(t) => AuthConfig::ApiToken {
                    instructions: t.instructions,
                },
            })
            .collect();
        let actions = d
            .actions
            .into_iter()
            .map(|a| {
                Ok(Action {
                    input_schema: parse_schema(&a.name, "input", &a.input_schema)?,
                    output_schema: parse_schema(&a.name, "output", &a.output_schema)?,
                    name: a.name,
                    title: a.title,
                    description: a.description,
                    required_scopes: a.required_scopes,
                    read_only: a.read_only,
                })
            })
            .collect::<HostResult<_>>()?;
        let triggers = d
            .triggers
            .into_iter()
            .map(|t| {
                Ok(Trigger {
                    input_schema: parse_schema(&t.name, "input", &t.input_schema)?,
                    event_schema: parse_schema(&t.name, "event", &t.event_schema)?,
                    kind: match t.kind {
                        wit::TriggerKind::Polling => TriggerKind::Polling,
                        wit::TriggerKind::Webhook => TriggerKind::Webhook,
                    },
                    name: t.name,
                    title: t.title,
                    description: t.description,
                    required_scopes: t.required_scopes,
                    catch_up_trigger: t.catch_up_trigger,
                })
            })
            .collect::<HostResult<_>>()?;
        let pick_lists = d
            .pick_lists
            .into_iter()
            .map(|p| {
                Ok(PickList {
                    params_schema: parse_schema(&p.name, "params", &p.params_schema)?,
                    name: p.name,
                    description: p.description,
                })
            })
            .collect::<HostResult<_>>()?;
        let descriptor = Descriptor {
            name: d.name,
            title: d.title,
            version: d.version,
            api_version: d.api_version,
            default_base_url: d.default_base_url,
            settings_schema: parse_schema("connection", "settings", &d.settings_schema)?,
            auth,
            actions,
            triggers,
            pick_lists,
        };
        descriptor.validate()?;
        Ok(descriptor)
    }

    /// Checks the descriptor against the descriptor [`rules`] (names, uniqueness, texts,
    /// sizes, URLs): a [`crate::SandboxRule::InvalidDescriptor`] error naming the first
    /// offending entry in `field` and listing every problem found.
    pub fn validate(&self) -> HostResult<()> {
        rules::validate(self)
    }

    /// The action called `name`.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The trigger called `name`.
    pub fn trigger(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// The pick list called `name`.
    pub fn pick_list(&self, name: &str) -> Option<&PickList> {
        self.pick_lists.iter().find(|p| p.name == name)
    }

    /// The OAuth2 configuration, if the connector offers OAuth2.
    pub fn oauth2(&self) -> Option<&AuthConfig> {
        self.auth
            .iter()
            .find(|a| matches!(a, AuthConfig::Oauth2 { .. }))
    }
}
