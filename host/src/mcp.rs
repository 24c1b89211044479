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

/// The MCP server: a connector and the tools it offers.
pub struct McpServer {
    connector: Arc<Connector>,
    descriptor: Arc<Descriptor>,
    options: McpOptions,
    tools: Vec<Tool>,
}

impl McpServer {
    /// The server for `connector`, offering what `options` and the connection's scopes allow.
    /// An unknown name in `options.actions` is an [`ErrorKind::InvalidInput`] error.
    pub async fn new(connector: Connector, options: McpOptions) -> HostResult<McpServer> {
        let descriptor = connector.describe().await?;
        if let Some(names) = &options.actions {
            for name in names {
                if descriptor.action(name).is_none() {
                    return Err(HostError::invalid_input(
                        "actions",
                        format!("unknown action `{name}` in --actions"),
                    ));
                }
            }
        }
        let mut server = McpServer {
            connector: Arc::new(connector),
            descriptor,
            options,
            tools: Vec::new(),
        };
        server.tools = server
            .descriptor
            .actions
            .iter()
            .filter(|a| server.refusal(a).is_none())
            .map(tool_for)
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

    /// Why `action` is not offered, if it is not.
    fn refusal(&self, action: &Action) -> Option<HostError> {
        if let Some(names) = &self.options.actions {
            if !names.contains(&action.name) {
                return Some(HostError::new(
                    ErrorKind::Forbidden,
                    format!(
                        "`{}` is not among the actions this server offers (--actions)",
                        action.name
                    ),
                ));
            }
        }
        if !self.connector.scopes_cover(&action.required_scopes) {
            return Some(HostError::new(
                ErrorKind::Forbidden,
                format!(
                    "`{}` needs one of the scopes [{}], which the connection was not granted",
                    action.name,
                    action.required_scopes.join(", ")
                ),
            ));
        }
        if self.options.read_only && !is_read_only_action(action) {
            return Some(HostError::new(
                ErrorKind::Forbidden,
                format!(
                    "`{}` is not read-only, and this server offers only read-only actions (--read-only)",
                    action.name
                ),
            ));
        }
        None
    }

    async fn call(&self, name: &str, arguments: Option<JsonObject>) -> CallToolResult {
        let Some(action) = self.descriptor.action(name) else {
            return error_result(&HostError::new(
                ErrorKind::NotFound,
                format!("there is no tool `{name}`"),
            ));
        };
        if let Some(refused) = self.refusal(action) {
            return error_result(&refused);
        }
        let input = Value::Object(arguments.unwrap_or_default());
        match self.connector.execute(name, &input).await {
            Ok(Value::Object(output)) => CallToolResult::structured(Value::Object(output)),
            // Structured content is an object; anything else is wrapped.
            Ok(other) => CallToolResult::structured(json!({ "result": other })),
            Err(e) => error_result(&e),
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
        let name = parsed.host_str().unwrap_or_default();
        if self.descriptor.pick_list(name).is_none() {
            return Err(McpError::resource_not_found(
                format!("there is no pick list `{name}`"),
                None,
            ));
        }
        // Each query parameter is a JSON value (`project=true`), else a string.
        let params: serde_json::Map<String, Value> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let value = serde_json::from_str(&v).unwrap_or(Value::String(v.to_string()));
                (k.into_owned(), value)
            })
            .collect();
        let options = self
            .connector
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

fn tool_for(action: &Action) -> Tool {
    let schema = match &action.input_schema {
        Value::Object(o) => o.clone(),
        _ => JsonObject::from_iter([("type".to_string(), json!("object"))]),
    };
    let annotations = ToolAnnotations::with_title(action.title.clone())
        .read_only(is_read_only_action(action))
        .open_world(true);
    Tool::new(action.name.clone(), action.description.clone(), schema)
        .with_title(action.title.clone())
        .with_annotations(annotations)
}

fn pick_list_resource(p: &PickList) -> Resource {
    Resource::new(format!("{PICK_LIST_SCHEME}://{}", p.name), p.name.clone())
        .with_title(format!("Pick list: {}", p.name))
        .with_description(format!(
            "{} Each choice is {{\"label\", \"value\"}}; the value goes into an action's input.",
            p.description
        ))
        .with_mime_type("application/json")
}

fn pick_list_template(p: &PickList) -> Option<ResourceTemplate> {
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
            format!("{PICK_LIST_SCHEME}://{}{{?{}}}", p.name, names.join(",")),
            p.name.clone(),
        )
        .with_title(format!("Pick list: {} (with parameters)", p.name))
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
            .with_title(format!("{} connector", self.descriptor.title));
        info.instructions = Some(format!(
            "Tools run the {} connector's actions in a sandbox that holds the credential. \
             To find an ID by name, read the pick-list resources ({PICK_LIST_SCHEME}://NAME). \
             A failed call returns {{\"error\": {{\"kind\", \"message\", \"field\"?}}}}.",
            self.descriptor.title
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
            self.descriptor
                .pick_lists
                .iter()
                .map(pick_list_resource)
                .collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult::with_all_items(
            self.descriptor
                .pick_lists
                .iter()
                .filter_map(pick_list_template)
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
        let t = pick_list_template(&p).unwrap();
        assert_eq!(t.uri_template, "picklist://folders{?project}");
        let none = PickList {
            params_schema: json!({"type": "object", "properties": {}}),
            ..p
        };
        assert!(pick_list_template(&none).is_none());
    }
}
