//! From the command line to a [`Connector`]: the component, its descriptor, and the connection
//! (a token, a stored connection, the base URL, the settings).

use crate::args::{Cli, Command};
use crate::cli::read_json_arg;
use connector_host::config::{ConfigFile, ConnectionConfig};
use connector_host::connector::Connector;
use connector_host::credentials::store::{
    api_base_url, validate_connection_name, DEFAULT_CONNECTION,
};
use connector_host::credentials::Secret;
use connector_host::credentials::{resolve_stored, CredentialStore, StaticToken};
use connector_host::descriptor::Descriptor;
use connector_host::engine::{LoadOptions, Runtime};
use connector_host::error::{HostError, HostResult};
use connector_host::oci::{ComponentSource, OciCredentials, OciSettings};
use connector_host::reuse::ReusePolicy;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The connection name: --connection / CONNECTOR_CONNECTION, else `default`; checked.
pub fn connection_name(cli: &Cli) -> HostResult<String> {
    let name = cli.connection.as_deref().unwrap_or(DEFAULT_CONNECTION);
    validate_connection_name(name)?;
    Ok(name.to_string())
}

/// The connection a command runs against. The credential: CONNECTOR_TOKEN when set (a static
/// token), else the stored connection (--connection NAME, default `default`; a missing
/// `default` just means no credential). The API base URL: --base-url / CONNECTOR_BASE_URL when
/// given, else `https://{host}/api/v4` from the stored connection's API host (`http://` for a
/// loopback IP such as the fake Wrike's `127.0.0.1:PORT`), else the default. The granted
/// scopes: --granted-scopes when given, else those of the stored OAuth2 connection.
/// A `named` connection (a `serve` subscription's `connection`) is always the stored one of
/// that name, which must exist; CONNECTOR_TOKEN and --connection do not apply to it.
fn resolve_connection(
    cli: &Cli,
    descriptor: &Descriptor,
    named: Option<&str>,
) -> HostResult<ConnectionConfig> {
    let env_token = std::env::var("CONNECTOR_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .filter(|_| named.is_none());
    let stored = match (env_token.as_ref(), named) {
        (_, Some(name)) => {
            validate_connection_name(name)?;
            resolve_stored(&CredentialStore::default_location()?, name, true)?
        }
        (Some(_), None) => None,
        (None, None) => {
            let name = connection_name(cli)?;
            resolve_stored(
                &CredentialStore::default_location()?,
                &name,
                cli.connection.is_some(),
            )?
        }
    };
    let stored_base = match stored.as_ref().and_then(|s| s.api_host.as_deref()) {
        Some(host) => Some(api_base_url(host, &descriptor.default_base_url)?),
        None => None,
    };
    let base_url = cli
        .base_url
        .clone()
        .or(stored_base)
        .unwrap_or_else(|| descriptor.default_base_url.clone());
    let mut connection = ConnectionConfig::new(&base_url)?;
    if let Some(raw) = &cli.settings {
        connection.settings = match read_json_arg("settings", raw)? {
            Value::Object(map) => map,
            other => {
                return Err(HostError::invalid_input(
                    "settings",
                    format!(
                        "--settings must be a JSON object of connection settings, not {}",
                        json_type(&other)
                    ),
                ))
            }
        };
    }
    if let Some(token) = env_token {
        connection = connection.with_credentials(Arc::new(StaticToken::new(
            Secret::new(token),
            "the token in CONNECTOR_TOKEN",
        )));
    } else if let Some(stored) = stored {
        connection.granted_scopes = stored.scopes;
        connection = connection.with_credentials(stored.source);
    }
    Ok(connection)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The connector for a command that runs against a connection: the component's descriptor
/// first (from the on-disk cache when warm), since the default API base URL and the settings
/// schema come from it, then the connection.
pub async fn build_connector(cli: &Cli) -> HostResult<Connector> {
    let component = load_component(cli).await?;
    let descriptor = component.describe().await?;
    let connection = if matches!(cli.command, Command::Describe { .. }) {
        // `describe` needs no connection: a broken credential store must not stop it.
        ConnectionConfig::new(&descriptor.default_base_url)?
    } else {
        resolve_connection(cli, &descriptor, None)?
    };
    connector_for(cli, component.runtime().clone(), connection)
}

/// What `serve` runs on: `connect(connector, connection)` builds the connector a
/// subscription runs on. Without `[[connector]]` sections (`connector` is `None`): the
/// component and connection of the command line, or the stored connection a subscription
/// names, all on one loaded component. With sections: that section's component (each loaded
/// once) and connection, or the stored connection the subscription names.
pub async fn serve_connectors(
    cli: &Cli,
) -> HostResult<impl Fn(Option<&str>, Option<&str>) -> HostResult<Connector> + '_> {
    let file = config_file(cli)?;
    let sections = crate::sections::Sections::load(cli, &file).await?;
    let single = if file.connector.is_empty() {
        let component = load_component(cli).await?;
        let descriptor = component.describe().await?;
        Some((component.runtime().clone(), descriptor))
    } else {
        None
    };
    Ok(
        move |connector: Option<&str>, named: Option<&str>| match (connector, &single) {
            (Some(name), _) => sections.connector(cli, name, named),
            (None, Some((runtime, descriptor))) => {
                let connection = resolve_connection(cli, descriptor, named)?;
                connector_for(cli, runtime.clone(), connection)
            }
            (None, None) => Err(HostError::internal(
                "with [[connector]] sections every subscription has its connector",
            )),
        },
    )
}

pub fn config_file(cli: &Cli) -> HostResult<ConfigFile> {
    match &cli.config {
        Some(path) => ConfigFile::load(path),
        None => Ok(ConfigFile::default()),
    }
}

/// The component loaded (from the compilation cache when warm) and bound to no connection.
/// A registry component named by a tag gets its digest printed on stderr, one JSON line
/// `{"resolved": {"component", "digest", "pinned"}}`, so it can be pinned.
pub async fn load_component(cli: &Cli) -> HostResult<Connector> {
    let file = config_file(cli)?;
    let limits = cli.limits.apply(file.limits.clone());
    limits.validate()?;
    let source = component_source(cli.component.as_deref(), None)?;
    Connector::unbound(load_runtime(cli, &file, &source).await?, limits)
}

/// Where a component comes from: the one place that turns a reference — `--component` /
/// `CONNECTOR_COMPONENT`, or a `[[connector]]`'s `component` — into a source to load. An
/// `oci://` reference is a registry component; anything else a path. `None` is the Wrike
/// component found next to the binary ([`default_component_candidates`]); a relative path is
/// taken relative to `relative_to` when given (a configuration file's directory), else to the
/// working directory.
pub fn component_source(
    reference: Option<&Path>,
    relative_to: Option<&Path>,
) -> HostResult<ComponentSource> {
    let Some(reference) = reference else {
        let candidates = default_component_candidates();
        return match candidates.iter().find(|p| p.is_file()) {
            Some(found) => Ok(ComponentSource::Path(found.clone())),
            None => Err(no_default_component(&candidates)),
        };
    };
    let source = match reference.to_str() {
        Some(spec) => ComponentSource::parse(spec)?,
        None => ComponentSource::Path(reference.to_path_buf()),
    };
    Ok(match (source, relative_to) {
        (ComponentSource::Path(path), Some(dir)) if path.is_relative() => {
            ComponentSource::Path(dir.join(path))
        }
        (source, _) => source,
    })
}

/// Resolves `source` (a file, or pulled from its registry and verified; a tag's digest is
/// printed on stderr) and loads it (from the compilation cache when warm) with the `[pool]`,
/// `[engine]` and `[oci]` settings of `file`.
pub async fn load_runtime(
    cli: &Cli,
    file: &ConfigFile,
    source: &ComponentSource,
) -> HostResult<Arc<Runtime>> {
    let options = load_options(cli, file);
    let resolved = source.resolve(&oci_settings(cli, file, &options)).await?;
    if let (Some(tag), Some(pinned)) = (&resolved.from_tag, &resolved.pinned) {
        eprintln!(
            "{}",
            serde_json::json!({"resolved": {
                "component": tag.to_string(),
                "digest": pinned.digest(),
                "pinned": pinned.to_string(),
            }})
        );
    }
    Ok(Arc::new(resolved.load(&options)?))
}

/// How components are loaded: the compile cache (`--cache-dir`, else the default; none with
/// `--no-cache`), the pool and the allocator of the config file.
pub fn load_options(cli: &Cli, file: &ConfigFile) -> LoadOptions {
    let cache_dir = if cli.no_cache {
        None
    } else {
        cli.cache_dir
            .clone()
            .or_else(LoadOptions::default_cache_dir)
    };
    LoadOptions {
        cache_dir,
        pool: file.pool.clone(),
        allocator: file.engine.allocator,
    }
}

/// The registry settings: the config file's `[oci]`, `--locked`, the blob cache in the compile
/// cache's directory, and credentials from CONNECTOR_OCI_USERNAME / CONNECTOR_OCI_PASSWORD.
pub fn oci_settings(cli: &Cli, file: &ConfigFile, options: &LoadOptions) -> OciSettings {
    let mut settings = file.oci.clone();
    settings.locked |= cli.locked;
    settings.cache_dir = options.cache_dir.clone();
    settings.credentials = OciCredentials::from_env();
    settings
}

/// Makes `connector` a resident command's: the resident commands (`serve`, `mcp`,
/// `call --batch`) make more than a call or two, so they reuse instances within the
/// connection as `[engine]` says, unless `--strict-isolation` asks for one per call.
pub fn resident(cli: &Cli, file: &ConfigFile, connector: Connector) -> Connector {
    let resident = matches!(
        cli.command,
        Command::Serve(_) | Command::Mcp { .. } | Command::Call { batch: Some(_), .. }
    );
    if resident && !cli.strict_isolation {
        connector.with_reuse(ReusePolicy::from_settings(&file.engine))
    } else {
        connector
    }
}

fn connector_for(
    cli: &Cli,
    runtime: Arc<Runtime>,
    mut connection: ConnectionConfig,
) -> HostResult<Connector> {
    let file = config_file(cli)?;
    let limits = cli.limits.apply(file.limits.clone());
    connection.allow_private_addresses =
        cli.allow_private_addresses || file.egress.allow_private_addresses;
    if let Some(granted) = &cli.granted_scopes {
        connection.granted_scopes = Some(
            granted
                .iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        );
    }
    let connector = Connector::new(runtime, connection, limits)?;
    Ok(resident(cli, &file, connector))
}

/// File name of the Wrike component as cargo builds it.
pub const COMPONENT_FILE: &str = "wrike_connector.wasm";

/// Where `connector-host` looks for the Wrike component when neither `--component` nor
/// `CONNECTOR_COMPONENT` names one, in this order, relative to this executable's directory:
/// next to it; `../share/connector-host/components/` (the layout `make install PREFIX=…`
/// makes: `PREFIX/bin/connector-host`); and where `make build` leaves it for a binary in the
/// cargo target dir (`target/debug/connector-host` and `target/debug/deps/…` →
/// `target/wasm32-wasip2/component/`). No path outside these: an installed binary never
/// picks up a component from the source tree it was built in.
pub fn default_component_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return candidates;
    };
    candidates.push(dir.join(COMPONENT_FILE));
    if let Some(up) = dir.parent() {
        candidates.push(
            up.join("share/connector-host/components")
                .join(COMPONENT_FILE),
        );
    }
    for up in [dir.parent(), dir.parent().and_then(Path::parent)]
        .into_iter()
        .flatten()
    {
        candidates.push(up.join("wasm32-wasip2/component").join(COMPONENT_FILE));
    }
    candidates
}

/// The error for no component found: every place that was searched, and what to do.
fn no_default_component(searched: &[PathBuf]) -> HostError {
    let places: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
    HostError::invalid_input(
        "component",
        format!(
            "no component given and {COMPONENT_FILE} found in none of: {}",
            if places.is_empty() {
                "(the executable's own path is unknown)".to_string()
            } else {
                places.join(", ")
            }
        ),
    )
    .with_hint(
        "run `make build` (or `make install PREFIX=…`), or pass --component <PATH> (or set CONNECTOR_COMPONENT)",
    )
}
