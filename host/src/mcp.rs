//! `connector-host mcp`: the connector's actions as Model Context Protocol tools, over stdio.
//!
//! One tool per action the connection may run: the action's input JSON Schema is the tool's
//! input schema, its title and description come from `describe`, a result is structured JSON,
//! and a typed error is a tool error whose structured content is the CLI's error object
//! (`{"error": {"kind", "message", "field"?, …}}`). Every call runs through
//! [`Connector::execute`], in the same sandbox as `connector-host call`: the agent never sees
//! the token, and the limits and the egress gate apply.
//!
//! Which tools exist:
//! - the connection's granted scopes must cover the action (when they are known: a stored
//!   OAuth2 connection, or `--granted-scopes`);
//! - `--actions a,b` keeps only those actions;
//! - `--read-only` keeps only the actions the component declares read-only, see
//!   [`is_read_only_action`], and the egress gate then lets only `GET` and `HEAD` requests out.
//!
//! Pick lists are resources, `picklist://NAME` (with parameters as a query,
//! `picklist://folders?project=true`), so an agent can find an ID by name.

use crate::connector::Connector;
use crate::descriptor::{Action, Descriptor, PickList};
use crate::error::{ErrorKind, HostError, HostResult};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, JsonObject,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The URI scheme of pick-list resources.
pub const PICK_LIST_SCHEME: &str = "picklist";

/// Which actions the server offers, besides what the connection's scopes allow.
#[derive(Debug, Clone, Default)]
pub struct McpOptions {
    /// Only these actions (all when `None`).
    pub actions: Option<Vec<String>>,
    /// Only the actions the component declares read-only.
    pub read_only: bool,
}

/// Whether an action is read-only: the component declares it so (the contract's `read-only`
/// flag, `connector:plugin@0.3.0`). Nothing is guessed from scope names, which are each API's
/// own (GitHub's connector declares none).
///
/// The flag is the component's word, and the component is untrusted: that is why
/// `--read-only` also makes the egress gate refuse every method but `GET` and `HEAD`, whatever
/// an action that calls itself read-only sends.
pub fn is_read_only_action(action: &Action) -> bool {
    action.read_only
}

/// One connector an MCP server offers among several ([`McpServer::several`]).
pub struct McpConnector {
    /// Its name, which leads its tool names (`NAME_ACTION`) and pick-list resources.
    pub name: String,
    /// The connector, bound to its connection.
    pub connector: Connector,
    /// Offer only its read-only actions (its egress gate should then let only `GET` and
    /// `HEAD` out: [`Connector::read_only_http`]).
    pub read_only: bool,
}

/// A connector the server offers, described.
struct Served {
    /// The name leading its tool names; `None` when the server offers one connector.
    prefix: Option<String>,
    connector: Arc<Connector>,
    descriptor: Arc<Descriptor>,
    read_only: bool,
}

impl Served {
    /// The tool or resource name of `name` (an action or a pick list of this connector), if
    /// it fits MCP's name format. The name comes from the component: one that does not fit is
    /// left out, with a warning, so that it cannot keep the other connectors' tools away.
    fn offered_name(&self, name: &str) -> Option<String> {
        let Some(prefix) = &self.prefix else {
            return Some(name.to_string());
        };
        match crate::connectors::tool_name(prefix, name) {
            Ok(tool) => Some(tool),
            Err(e) => {
                tracing::warn!(connector = %prefix, "{}; it is not offered", e.message);
                None
            }
        }
    }
}

/// Two entries of the server under one name: refused, so that a name never means two things.
fn collision(what: &str, name: &str) -> HostError {
    HostError::invalid_input(
        "connector",
        format!("two connectors offer the {what} `{name}`: give them names that differ"),
    )
}

/// The MCP server: its connectors and the tools they offer.
pub struct McpServer {
    served: Vec<Served>,
    options: McpOptions,
    tools: Vec<Tool>,
    /// Every action by tool name (offered or not): which connector, which action.
    actions: BTreeMap<String, (usize, String)>,
    /// Every pick list by resource name.
    pick_lists: BTreeMap<String, (usize, String)>,
}

impl McpServer {
    /// The server for `connector`, offering what `options` and the connection's scopes allow,
    /// each tool named after its action. An unknown name in `options.actions` is an
    /// [`ErrorKind::InvalidInput`] error.
    pub async fn new(connector: Connector, options: McpOptions) -> HostResult<McpServer> {
        let descriptor = connector.describe().await?;
        let served = vec![Served {
            prefix: None,
            connector: Arc::new(connector),
            descriptor,
            read_only: false,
        }];
        McpServer::build(served, options)
    }

    /// The server for several connectors: each tool is named `CONNECTOR_ACTION`
    /// (`wrike_create_task`, `github_list_issues`) and each pick list
    /// `picklist://CONNECTOR_NAME`; `options.actions` names tools. A connector that is
    /// `read_only` offers only its read-only actions; `options.read_only` applies to all.
    pub async fn several(
        connectors: Vec<McpConnector>,
        options: McpOptions,
    ) -> HostResult<McpServer> {
        let mut served = Vec::new();
        for c in connectors {
            crate::connectors::validate_connector_name(&c.name)?;
            let descriptor = c.connector.describe().await.map_err(|mut e| {
                e.message = format!("connector `{}`: {}", c.name, e.message);
                e
            })?;
            served.push(Served {
                prefix: Some(c.name),
                connector: Arc::new(c.connector),
                descriptor,
                read_only: c.read_only,
            });
        }
        McpServer::build(served, options)
    }

    fn build(served: Vec<Served>, options: McpOptions) -> HostResult<McpServer> {
        let mut actions = BTreeMap::new();
        let mut pick_lists = BTreeMap::new();
        // Tool names in the connectors' order, each connector's in its descriptor's.
        let mut order = Vec::new();
        for (i, s) in served.iter().enumerate() {
            for a in &s.descriptor.actions {
                let Some(tool) = s.offered_name(&a.name) else {
                    continue;
                };
                if actions.insert(tool.clone(), (i, a.name.clone())).is_some() {
                    return Err(collision("tool", &tool));
                }
                order.push(tool);
            }
            for p in &s.descriptor.pick_lists {
                let Some(name) = s.offered_name(&p.name) else {
                    continue;
                };
                if pick_lists
                    .insert(name.clone(), (i, p.name.clone()))
                    .is_some()
                {
                    return Err(collision("pick list", &name));
                }
            }
        }
        if let Some(names) = &options.actions {
            for name in names {
                if !actions.contains_key(name) {
                    return Err(HostError::invalid_input(
                        "actions",
                        format!(
                            "unknown action `{}` among the actions to offer",
                            name.escape_debug()
                        ),
                    ));
                }
            }
        }
        let mut server = McpServer {
            served,
            options,
            tools: Vec::new(),
            actions,
            pick_lists,
        };
        server.tools = order
            .iter()
            .filter_map(|tool| {
                let (i, name) = &server.actions[tool];
                let served = &server.served[*i];
                let action = served.descriptor.action(name)?;
                server
                    .refusal(served, tool, action)
                    .is_none()
                    .then(|| tool_for(tool, action))
            })
            .collect();
        Ok(server)
    }

    /// The tools offered, one per action.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Serves MCP on stdin/stdout until the client closes the connection.
    pub async fn serve_stdio(self) -> HostResult<()> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| HostError::internal(format!("the MCP session did not start: {e}")))?;
        running
            .waiting()
            .await
            .map_err(|e| HostError::internal(format!("the MCP session failed: {e}")))?;
        Ok(())
    }

    /// Why `action` of `served` (offered as `tool`) is not offered, if it is not.
    fn refusal(&self, served: &Served, tool: &str, action: &Action) -> Option<HostError> {
        if let Some(names) = &self.options.actions {
            if !names.iter().any(|n| n == tool) {
                return Some(HostError::new(
                    ErrorKind::Forbidden,
                    format!("`{tool}` is not among the actions this server offers"),
                ));
            }
        }
        if !served.connector.scopes_cover(&action.required_scopes) {
            return Some(HostError::new(
                ErrorKind::Forbidden,
                format!(
                    "`{tool}` needs one of the scopes [{}], which the connection was not granted",
                    action.required_scopes.join(", ")
                ),
            ));
        }
        if (self.options.read_only || served.read_only) && !is_read_only_action(action) {
            return Some(HostError::new(
                ErrorKind::Forbidden,
                format!(
                    "`{tool}` is not read-only, and this server offers only read-only actions of its connector"
                ),
            ));
        }
        None
    }

    async fn call(&self, name: &str, arguments: Option<JsonObject>) -> CallToolResult {
        let found = self.actions.get(name).and_then(|(i, action)| {
            let served = &self.served[*i];
            Some((served, served.descriptor.action(action)?))
        });
        let Some((served, action)) = found else {
            return error_result(&HostError::new(
                ErrorKind::NotFound,
                format!("there is no tool `{}`", name.escape_debug()),
            ));
        };
        if let Some(refused) = self.refusal(served, name, action) {
            return error_result(&refused);
        }
        let input = Value::Object(arguments.unwrap_or_default());
        match served.connector.execute(&action.name, &input).await {
            Ok(Value::Object(output)) => CallToolResult::structured(Value::Object(output)),
            // Structured content is an object; anything else is wrapped.
            Ok(other) => CallToolResult::structured(json!({ "result": other })),
            Err(e) => error_result(&e),
        }
    }

    /// Every pick list with its resource name and its connector.
    fn all_pick_lists(&self) -> impl Iterator<Item = (&str, &PickList)> {
        self.pick_lists.iter().filter_map(|(public, (i, name))| {
            Some((public.as_str(), self.served[*i].descriptor.pick_list(name)?))
        })
    }

    /// The title of what the server serves: the connector's, or every connector's.
    fn title(&self) -> String {
        let titles: Vec<&str> = self
            .served
            .iter()
            .map(|s| s.descriptor.title.as_str())
            .collect();
        match titles.as_slice() {
            [one] => format!("{one} connector"),
            several => format!("connectors: {}", several.join(", ")),
        }
    }

    async fn read_pick_list(&self, uri: &str) -> Result<ReadResourceResult, McpError> {
        let parsed = url::Url::parse(uri)
            .ok()
            .filter(|u| u.scheme() == PICK_LIST_SCHEME);
        let Some(parsed) = parsed else {
            return Err(McpError::resource_not_found(
                format!("no resource `{uri}`: pick lists are {PICK_LIST_SCHEME}://NAME"),
                None,
            ));
        };
        let public = parsed.host_str().unwrap_or_default();
        let Some((i, name)) = self.pick_lists.get(public) else {
            return Err(McpError::resource_not_found(
                format!("there is no pick list `{}`", public.escape_debug()),
                None,
            ));
        };
        let connector = &self.served[*i].connector;
        // Each query parameter is a JSON value (`project=true`), else a string.
        let params: serde_json::Map<String, Value> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let value = serde_json::from_str(&v).unwrap_or(Value::String(v.to_string()));
                (k.into_owned(), value)
            })
            .collect();
        let options = connector
            .pick_list(name, &Value::Object(params))
            .await
            .map_err(|e| {
                let data = Some(json!({ "error": e }));
                match e.kind {
                    ErrorKind::InvalidInput => McpError::invalid_params(e.message, data),
                    _ => McpError::internal_error(e.message, data),
                }
            })?;
        let text = serde_json::to_string_pretty(&options).unwrap_or_default();
        Ok(ReadResourceResult::new(vec![ResourceContents::text(
            text, uri,
        )
        .with_mime_type("application/json")]))
    }
}

fn tool_for(name: &str, action: &Action) -> Tool {
    let schema = match &action.input_schema {
        Value::Object(o) => o.clone(),
        _ => JsonObject::from_iter([("type".to_string(), json!("object"))]),
    };
    let annotations = ToolAnnotations::with_title(action.title.clone())
        .read_only(is_read_only_action(action))
        .open_world(true);
    Tool::new(name.to_string(), action.description.clone(), schema)
        .with_title(action.title.clone())
        .with_annotations(annotations)
}

fn pick_list_resource(name: &str, p: &PickList) -> Resource {
    Resource::new(format!("{PICK_LIST_SCHEME}://{name}"), name.to_string())
        .with_title(format!("Pick list: {name}"))
        .with_description(format!(
            "{} Each choice is {{\"label\", \"value\"}}; the value goes into an action's input.",
            p.description
        ))
        .with_mime_type("application/json")
}

fn pick_list_template(name: &str, p: &PickList) -> Option<ResourceTemplate> {
    let params: Vec<&String> = p
        .params_schema
        .get("properties")?
        .as_object()?
        .keys()
        .collect();
    if params.is_empty() {
        return None;
    }
    let names: Vec<&str> = params.iter().map(|s| s.as_str()).collect();
    Some(
        ResourceTemplate::new(
            format!("{PICK_LIST_SCHEME}://{name}{{?{}}}", names.join(",")),
            name.to_string(),
        )
        .with_title(format!("Pick list: {name} (with parameters)"))
        .with_description(format!(
            "{} Parameters are JSON values in the query, e.g. ?{}=…",
            p.description, names[0]
        ))
        .with_mime_type("application/json"),
    )
}

/// A tool error carrying the host's typed error as structured content.
fn error_result(error: &HostError) -> CallToolResult {
    CallToolResult::structured_error(error.to_json())
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        );
        info.server_info = Implementation::new("connector-host", env!("CARGO_PKG_VERSION"))
            .with_title(self.title());
        info.instructions = Some(format!(
            "Tools run the actions of the {} in a sandbox that holds the credential. \
             To find an ID by name, read the pick-list resources ({PICK_LIST_SCHEME}://NAME). \
             A failed call returns {{\"error\": {{\"kind\", \"message\", \"field\"?}}}}.",
            self.title()
        ));
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        // A cancelled call drops the guest's store and with it any request in flight.
        tokio::select! {
            result = self.call(&request.name, request.arguments) => Ok(result.into()),
            _ = context.ct.cancelled() => Err(McpError::invalid_request(
                format!("the call to `{}` was cancelled", request.name),
                None,
            )),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(
            self.all_pick_lists()
                .map(|(name, p)| pick_list_resource(name, p))
                .collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult::with_all_items(
            self.all_pick_lists()
                .filter_map(|(name, p)| pick_list_template(name, p))
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        tokio::select! {
            result = self.read_pick_list(&request.uri) => result.map(Into::into),
            _ = context.ct.cancelled() => Err(McpError::invalid_request("the read was cancelled", None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(name: &str, scopes: &[&str], read_only: bool) -> Action {
        Action {
            name: name.into(),
            title: name.into(),
            description: String::new(),
            required_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            input_schema: json!({"type": "object"}),
            output_schema: json!({"type": "object"}),
            read_only,
        }
    }

    #[test]
    fn read_only_is_the_components_flag_not_a_guess_from_scope_names() {
        assert!(is_read_only_action(&action("list_issues", &[], true)));
        assert!(!is_read_only_action(&action(
            "search_task",
            &["Default", "wsReadOnly", "wsReadWrite"],
            false
        )));
        assert!(!is_read_only_action(&action(
            "create_task",
            &["wsReadOnly"],
            false
        )));
    }

    #[test]
    fn pick_lists_with_parameters_get_a_template() {
        let p = PickList {
            name: "folders".into(),
            description: "Folders.".into(),
            params_schema: json!({"type": "object", "properties": {"project": {"type": "boolean"}}}),
        };
        let t = pick_list_template("folders", &p).unwrap();
        assert_eq!(t.uri_template, "picklist://folders{?project}");
        let none = PickList {
            params_schema: json!({"type": "object", "properties": {}}),
            ..p
        };
        assert!(pick_list_template("folders", &none).is_none());
    }
}
