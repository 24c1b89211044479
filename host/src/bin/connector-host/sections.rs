//! The `[[connector]]` sections of the configuration file as connectors: each section's
//! component loaded and described once, then bound to its own connection, settings, limits
//! and egress settings whenever `serve` or `mcp` asks for it.

use crate::args::Cli;
use crate::setup::{component_source, load_runtime, resident};
use connector_host::config::{ConfigFile, ConnectionConfig};
use connector_host::connector::Connector;
use connector_host::connectors::ConnectorSection;
use connector_host::credentials::store::{api_base_url, validate_connection_name};
use connector_host::credentials::{resolve_stored, CredentialStore, Secret, StaticToken};
use connector_host::descriptor::Descriptor;
use connector_host::engine::Runtime;
use connector_host::error::{HostError, HostResult};
use connector_host::Limits;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// One loaded section.
struct Loaded {
    section: ConnectorSection,
    runtime: Arc<Runtime>,
    descriptor: Arc<Descriptor>,
    limits: Limits,
}

/// The loaded `[[connector]]` sections, by name, in the file's order.
pub struct Sections {
    file: ConfigFile,
    loaded: BTreeMap<String, Loaded>,
    order: Vec<String>,
}

/// `what` led by `connector `NAME`: `.
fn about(name: &str, mut e: HostError) -> HostError {
    e.message = format!("connector `{name}`: {}", e.message);
    e
}

impl Sections {
    /// Loads every section of `file`: its component (relative to the file's directory) and
    /// descriptor, and its limits (the file's `[limits]`, the section's `limits` over them,
    /// the limit flags over both).
    pub async fn load(cli: &Cli, file: &ConfigFile) -> HostResult<Sections> {
        let dir = cli.config.as_deref().and_then(Path::parent);
        let mut loaded = BTreeMap::new();
        let mut order = Vec::new();
        for section in &file.connector {
            let name = section.name.clone();
            let load = async {
                let source = component_source(Some(Path::new(&section.component)), dir)?;
                let limits = cli.limits.apply(section.limits.apply(&file.limits)?);
                limits.validate()?;
                let runtime = load_runtime(cli, file, &source).await?;
                let descriptor = Connector::unbound(runtime.clone(), limits.clone())?
                    .describe()
                    .await?;
                HostResult::Ok(Loaded {
                    section: section.clone(),
                    runtime,
                    descriptor,
                    limits,
                })
            };
            loaded.insert(name.clone(), load.await.map_err(|e| about(&name, e))?);
            order.push(name);
        }
        Ok(Sections {
            file: file.clone(),
            loaded,
            order,
        })
    }

    /// The sections' names, in the file's order.
    pub fn names(&self) -> &[String] {
        &self.order
    }

    /// Whether section `name` asks for read-only HTTP.
    pub fn read_only(&self, name: &str) -> bool {
        self.loaded.get(name).is_some_and(|l| l.section.read_only)
    }

    /// The connector of section `name`, on the stored connection `named` when given, else on
    /// the section's own credential.
    pub fn connector(&self, cli: &Cli, name: &str, named: Option<&str>) -> HostResult<Connector> {
        let Some(l) = self.loaded.get(name) else {
            return Err(HostError::invalid_input(
                "connector",
                format!(
                    "there is no [[connector]] named `{name}` (the configuration has: {})",
                    self.order.join(", ")
                ),
            ));
        };
        let mut connection =
            connection(&l.section, &l.descriptor, named).map_err(|e| about(name, e))?;
        connection.allow_private_addresses = cli.allow_private_addresses
            || l.section
                .egress
                .as_ref()
                .unwrap_or(&self.file.egress)
                .allow_private_addresses;
        let mut connector = Connector::new(l.runtime.clone(), connection, l.limits.clone())
            .map_err(|e| about(name, e))?;
        if l.section.read_only {
            connector = connector.read_only_http();
        }
        Ok(resident(cli, &self.file, connector))
    }
}

/// The connection of `section`: the stored connection `named` (a subscription's), else the
/// section's `connection`, else the token in its `token_env`, else none; its `base_url`, else
/// the stored connection's API host, else the component's default; its settings.
fn connection(
    section: &ConnectorSection,
    descriptor: &Descriptor,
    named: Option<&str>,
) -> HostResult<ConnectionConfig> {
    let stored = match named.or(section.connection.as_deref()) {
        Some(name) => {
            validate_connection_name(name)?;
            resolve_stored(&CredentialStore::default_location()?, name, true)?
        }
        None => None,
    };
    let base_url = match (
        &section.base_url,
        stored.as_ref().and_then(|s| s.api_host.as_deref()),
    ) {
        (Some(url), _) => url.clone(),
        (None, Some(host)) => api_base_url(host, &descriptor.default_base_url)?,
        (None, None) => descriptor.default_base_url.clone(),
    };
    let mut connection = ConnectionConfig::new(&base_url)?;
    connection.settings = section.settings.clone();
    match (stored, &section.token_env) {
        (Some(stored), _) => {
            connection.granted_scopes = stored.scopes;
            connection = connection.with_credentials(stored.source);
        }
        (None, Some(var)) => {
            let token = std::env::var(var)
                .ok()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    HostError::invalid_input(
                        "token_env",
                        format!("the environment variable `{var}` (its `token_env`) is not set"),
                    )
                })?;
            connection = connection.with_credentials(Arc::new(StaticToken::new(
                Secret::new(token),
                format!("the token in {var}"),
            )));
        }
        (None, None) => connection = connection.anonymous(),
    }
    Ok(connection)
}
