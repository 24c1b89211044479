//! The `connector-host` command line: a thin layer over the library.
//!
//! Output is JSON on stdout; every failure is exactly one JSON object
//! `{"error": {"kind": …, "message": …}}` on stderr with the exit code of its kind.

use crate::connect::{
    connect_oauth, connect_token, run_connections, ConnectArgs, ConnectionsCommand,
};
use clap::{Args, Parser, Subcommand};
use connector_host::cassette::{BodyMatch, Cassette};
use connector_host::config::{ConfigFile, ConnectionConfig, Limits};
use connector_host::connector::Connector;
use connector_host::credentials::store::{
    api_base_url, validate_connection_name, DEFAULT_CONNECTION,
};
use connector_host::credentials::Secret;
use connector_host::credentials::{resolve_stored, CredentialStore, StaticToken};
use connector_host::descriptor::Descriptor;
use connector_host::engine::{LoadOptions, Runtime};
use connector_host::error::{HostError, HostResult};
use connector_host::mcp::{McpOptions, McpServer};
use connector_host::state::open_poll_state;
use connector_host::triggers::{run_poll, RunLimits};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Runs a connector WebAssembly component (by default the Wrike connector) in a sandbox.
#[derive(Debug, Parser)]
#[command(name = "connector-host", version, about)]
pub struct Cli {
    /// The component to run. Default: $CONNECTOR_COMPONENT, else the Wrike component built by `make build`.
    #[arg(long, global = true, env = "CONNECTOR_COMPONENT", value_name = "PATH")]
    pub component: Option<PathBuf>,

    /// The API base URL the plugin may reach (and nothing else). Default: from the stored
    /// connection's API host (`https://{host}` + the path of the component's default base URL),
    /// else the component's default base URL (Wrike: https://www.wrike.com/api/v4).
    #[arg(long, global = true, env = "CONNECTOR_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// The connection settings, a JSON object (text, @file or - for stdin), checked against the
    /// component's settings schema (`describe` shows it as `settings_schema`).
    #[arg(long, global = true, env = "CONNECTOR_SETTINGS", value_name = "JSON")]
    pub settings: Option<String>,

    /// The stored connection to use (and, for `connect`, to create) when CONNECTOR_TOKEN is not
    /// set [default: `default`].
    #[arg(long, global = true, env = "CONNECTOR_CONNECTION", value_name = "NAME")]
    pub connection: Option<String>,

    /// Scopes the token was granted, comma-separated; when given, actions needing other scopes
    /// are refused before any request is sent.
    #[arg(
        long,
        global = true,
        env = "CONNECTOR_GRANTED_SCOPES",
        value_delimiter = ',',
        value_name = "SCOPES"
    )]
    pub granted_scopes: Option<Vec<String>>,

    /// Let host names resolve to loopback, private or link-local addresses (DNS-rebinding guard off).
    /// An address given literally in --base-url is always allowed.
    #[arg(long, global = true, env = "CONNECTOR_ALLOW_PRIVATE_ADDRESSES")]
    pub allow_private_addresses: bool,

    /// A TOML configuration file with `[limits]` and `[egress]` sections; flags override it.
    #[arg(long, global = true, env = "CONNECTOR_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Sandbox limits.
    #[command(flatten)]
    pub limits: LimitArgs,

    /// Directory for compiled components. Default: $CONNECTOR_CACHE_DIR, else the user cache dir.
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the component afresh instead of using the on-disk cache.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Record every HTTP exchange of `call`, `poll`, `pick` or `test` into a cassette in DIR
    /// (`call-ACTION.json`, `poll-TRIGGER.json`, `pick-NAME.json`, `test.json`), credentials
    /// removed.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "replay")]
    pub record: Option<PathBuf>,

    /// Answer every HTTP request from the cassette in DIR that `--record DIR` wrote, never
    /// opening a socket; a request it does not hold fails with `cassette_mismatch`.
    #[arg(long, global = true, value_name = "DIR")]
    pub replay: Option<PathBuf>,

    /// With --replay: match requests on method, path and query only, not on the body.
    #[arg(long, global = true, requires = "replay")]
    pub replay_ignore_body: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Sandbox limits; each defaults to [`Limits::default`].
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// CPU budget per call, in milliseconds [default: 10000].
    #[arg(long, global = true, value_name = "MS")]
    pub cpu_budget_ms: Option<u64>,
    /// Wall-clock timeout per call, in milliseconds [default: 60000].
    #[arg(long, global = true, value_name = "MS")]
    pub wall_timeout_ms: Option<u64>,
    /// Memory cap per instance, in MiB [default: 256].
    #[arg(long, global = true, value_name = "MIB")]
    pub memory_limit_mb: Option<u64>,
    /// Cap on one HTTP response body, in bytes [default: 67108864].
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_response_bytes: Option<u64>,
    /// Cap on one HTTP response's headers, in bytes [default: 131072].
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_response_header_bytes: Option<u64>,
}

impl LimitArgs {
    fn apply(&self, mut limits: Limits) -> Limits {
        if let Some(v) = self.cpu_budget_ms {
            limits.cpu_budget_ms = v;
        }
        if let Some(v) = self.wall_timeout_ms {
            limits.wall_timeout_ms = v;
        }
        if let Some(v) = self.memory_limit_mb {
            limits.memory_bytes = v.saturating_mul(1024 * 1024);
        }
        if let Some(v) = self.max_response_bytes {
            limits.response_body_bytes = v;
        }
        if let Some(v) = self.max_response_header_bytes {
            limits.response_header_bytes = v;
        }
        limits
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the connector's descriptor (auth config, actions, triggers, pick lists) as JSON.
    Describe,
    /// Run an action and print its output JSON.
    Call {
        /// The action's name, e.g. `create_task`.
        action: String,
        /// The input: JSON text, `@file` to read a file, or `-` to read stdin.
        #[arg(long, default_value = "{}", value_name = "JSON | @file | -")]
        input: String,
        /// Run the action once per line of FILE (JSON Lines; `-` for stdin) and print one
        /// result line per input line, in input order: `{"line": N, "output": …}` or
        /// `{"line": N, "error": …}`.
        #[arg(long, value_name = "FILE.jsonl")]
        batch: Option<PathBuf>,
        /// With --batch: calls in flight at once.
        #[arg(long, default_value_t = 4, value_name = "N", requires = "batch", value_parser = clap::value_parser!(u64).range(1..=256))]
        concurrency: u64,
        /// With --batch: call starts per minute, client-side (Wrike allows 400 requests per
        /// minute per user); 0 turns the limiter off. `Retry-After` is honoured either way.
        #[arg(
            long,
            default_value_t = 400,
            value_name = "PER_MINUTE",
            requires = "batch"
        )]
        rate_limit: u32,
    },
    /// Poll a trigger: print each new event as one JSON line and save the cursor in FILE.
    Poll {
        /// The trigger's name, e.g. `new_or_updated_task`.
        trigger: String,
        /// The trigger's input: JSON text, `@file` or `-`.
        #[arg(long, default_value = "{}", value_name = "JSON | @file | -")]
        input: String,
        /// The state database (SQLite) holding the cursor, delivered keys and undelivered
        /// events; created when missing. A JSON state file of earlier versions is imported once.
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
        /// Most `poll` calls in this run [default: 1000].
        #[arg(long, value_name = "N")]
        max_batches: Option<usize>,
        /// Most new events in this run [default: 1000000].
        #[arg(long, value_name = "N")]
        max_events: Option<usize>,
        /// Run deadline in milliseconds [default: 600000].
        #[arg(long, value_name = "MS")]
        run_deadline_ms: Option<u64>,
    },
    /// Test the connection: print the authenticated user.
    Test,
    /// Run resident: keep webhook subscriptions alive, receive their deliveries, poll polling
    /// triggers on a schedule, and deliver every event to a sink (stdout by default).
    Serve(connector_host::serve::ServeArgs),
    /// Connect to Wrike: run the OAuth2 flow (or store a permanent token with --token-stdin)
    /// and save the connection under --connection NAME.
    Connect(ConnectArgs),
    /// List or remove stored connections.
    Connections {
        /// What to do with them.
        #[command(subcommand)]
        command: ConnectionsCommand,
    },
    /// Serve the connector's actions as MCP tools (and its pick lists as resources) on
    /// stdin/stdout, for AI agents. Every tool call runs in the same sandbox as `call`.
    Mcp {
        /// Offer only these actions, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "ACTIONS",
            conflicts_with = "read_only"
        )]
        actions: Option<Vec<String>>,
        /// Offer only actions whose scopes are read-only, and let only GET and HEAD requests out.
        #[arg(long)]
        read_only: bool,
    },
    /// Print the choices of a pick list as JSON.
    Pick {
        /// The pick list's name, e.g. `folders`.
        name: String,
        /// The pick list's parameters: JSON text, `@file` or `-`.
        #[arg(long, default_value = "{}", value_name = "JSON | @file | -")]
        params: String,
    },
}

/// Entry point: parses arguments, runs the command, prints the result or the error, and returns
/// the process exit code.
pub fn main() -> i32 {
    init_tracing();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(
                e.kind(),
                K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                };
            }
            let message = e.render().to_string();
            let first = message
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            let field = e
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "arguments".into());
            return report(
                &HostError::invalid_input(field, first.to_string())
                    .with_hint("see `connector-host --help`"),
            );
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(&HostError::internal(format!(
                "cannot start the async runtime: {e}"
            )))
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => 0,
        Err(e) => report(&e),
    }
}

fn init_tracing() {
    // Quiet unless asked: stderr is reserved for the one JSON error object.
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

fn report(error: &HostError) -> i32 {
    let mut error = error.clone();
    if let Ok(token) = std::env::var("CONNECTOR_TOKEN") {
        error = error.redact(&token);
    }
    eprintln!("{}", error.to_json());
    error.exit_code()
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> HostResult<()> {
    // --record and --replay are refused where they do not apply, never ignored.
    let cassette = cassette_path(&cli)?;
    match &cli.command {
        Command::Connections { command } => {
            return print_json(&run_connections(
                command,
                &CredentialStore::default_location()?,
            )?);
        }
        Command::Connect(args) => {
            let name = connection_name(&cli)?;
            let store = CredentialStore::default_location()?;
            let component = load_component(&cli)?;
            let descriptor = component.describe().await?;
            let summary = if args.is_token() {
                connect_token(
                    args,
                    &name,
                    &store,
                    &descriptor.default_base_url,
                    &mut std::io::stdin().lock(),
                )?
            } else {
                let file = config_file(&cli)?;
                connect_oauth(args, &name, &store, &descriptor, &file.oauth, |line| {
                    eprintln!("{line}")
                })
                .await?
            };
            return print_json(&summary);
        }
        _ => {}
    }
    if let Command::Serve(args) = &cli.command {
        let file = config_file(&cli)?;
        let connector = build_connector(&cli).await?;
        return connector_host::serve::run(
            args,
            file.serve.as_ref(),
            &file.subscription,
            connector,
        )
        .await;
    }
    if let Command::Mcp { actions, read_only } = &cli.command {
        let mut connector = build_connector(&cli).await?;
        if *read_only {
            connector = connector.read_only_http();
        }
        let options = McpOptions {
            actions: actions.clone(),
            read_only: *read_only,
        };
        return McpServer::new(connector, options)
            .await?
            .serve_stdio()
            .await;
    }
    let mut connector = build_connector(&cli).await?;
    let recording = match (cassette, &cli.record) {
        (None, _) => None,
        (Some(path), Some(_)) => {
            let cassette = Cassette::new();
            connector = connector.recording(cassette.clone());
            Some((path, cassette))
        }
        (Some(path), None) => {
            let body = if cli.replay_ignore_body {
                BodyMatch::Ignore
            } else {
                BodyMatch::Exact
            };
            connector = connector.replaying(Cassette::load(&path)?, body);
            None
        }
    };
    let result = run_command(&cli, Arc::new(connector)).await;
    if let Some((path, cassette)) = recording {
        // A failed call is worth a cassette too: it pins what the API answered.
        cassette.save(&path)?;
    }
    result
}

/// The cassette file of this command under --record or --replay DIR, if either is given.
fn cassette_path(cli: &Cli) -> HostResult<Option<PathBuf>> {
    let Some(dir) = cli.record.as_ref().or(cli.replay.as_ref()) else {
        return Ok(None);
    };
    let file = match &cli.command {
        Command::Call { action, .. } => format!("call-{action}.json"),
        Command::Poll { trigger, .. } => format!("poll-{trigger}.json"),
        Command::Pick { name, .. } => format!("pick-{name}.json"),
        Command::Test => "test.json".to_string(),
        _ => {
            return Err(HostError::invalid_input(
                if cli.record.is_some() {
                    "record"
                } else {
                    "replay"
                },
                "--record and --replay apply to call, poll, pick and test",
            ))
        }
    };
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(HostError::invalid_input(
            "record",
            format!("`{file}` cannot be a cassette file name"),
        ));
    }
    Ok(Some(dir.join(file)))
}

async fn run_command(cli: &Cli, connector: Arc<Connector>) -> HostResult<()> {
    let stdout = std::io::stdout();
    match &cli.command {
        Command::Describe => {
            print_json(&serde_json::to_value(&*connector.describe().await?).unwrap_or_default())
        }
        Command::Test => print_json(&connector.test_connection().await?),
        Command::Call {
            action,
            input,
            batch: None,
            ..
        } => {
            let input = read_json_arg("input", input)?;
            print_json(&connector.execute(action, &input).await?)
        }
        Command::Call {
            action,
            batch: Some(file),
            concurrency,
            rate_limit,
            ..
        } => {
            let options = connector_host::batch::BatchOptions {
                concurrency: *concurrency as usize,
                rate_per_minute: *rate_limit,
                ..Default::default()
            };
            let mut options = options;
            let bar = batch_progress(file);
            if let Some(bar) = bar.clone() {
                options.progress = Some(Arc::new(
                    move |done: &connector_host::batch::BatchSummary| {
                        bar.set_position(done.lines as u64);
                        bar.set_message(format!(
                            "{} failed, {} rate-limited retries",
                            done.failed, done.retries
                        ));
                    },
                ));
            }
            let reader: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                Box::new(std::io::BufReader::new(std::fs::File::open(file).map_err(
                    |e| {
                        HostError::invalid_input(
                            "batch",
                            format!("cannot read --batch file `{}`: {e}", file.display()),
                        )
                    },
                )?))
            };
            let summary = connector_host::batch::run_batch(
                connector.clone(),
                action,
                reader,
                &mut stdout.lock(),
                &options,
            )
            .await;
            if let Some(bar) = bar {
                bar.finish();
            }
            let summary = summary?;
            match summary.first_failure {
                None => Ok(()),
                Some((line, mut e)) => {
                    e.message = format!(
                        "{} of {} lines failed; the first, line {line}: {}",
                        summary.failed, summary.lines, e.message
                    );
                    Err(e)
                }
            }
        }
        Command::Pick { name, params } => {
            let params = read_json_arg("params", params)?;
            let options = connector.pick_list(name, &params).await?;
            print_json(&serde_json::to_value(options).unwrap_or_default())
        }
        Command::Connect(_)
        | Command::Connections { .. }
        | Command::Mcp { .. }
        | Command::Serve(_) => Ok(()),
        Command::Poll {
            trigger,
            input,
            state,
            max_batches,
            max_events,
            run_deadline_ms,
        } => {
            let input = read_json_arg("input", input)?;
            let mut store = open_poll_state(state, trigger)?;
            let defaults = RunLimits::default();
            let limits = RunLimits {
                max_batches: max_batches.unwrap_or(defaults.max_batches),
                max_events: max_events.unwrap_or(defaults.max_events),
                deadline: run_deadline_ms
                    .map(std::time::Duration::from_millis)
                    .unwrap_or(defaults.deadline),
            };
            let mut deliver = |event: &connector_host::state::OutboxEntry| {
                let mut out = stdout.lock();
                serde_json::to_writer(&mut out, &event.payload)?;
                out.write_all(b"\n")?;
                out.flush()
            };
            let summary = run_poll(
                &connector,
                trigger,
                &input,
                &mut store,
                trigger,
                limits,
                &mut deliver,
            )
            .await?;
            tracing::info!(
                delivered = summary.delivered,
                batches = summary.batches,
                "poll finished"
            );
            Ok(())
        }
    }
}

/// The connection name: --connection / CONNECTOR_CONNECTION, else `default`; checked.
fn connection_name(cli: &Cli) -> HostResult<String> {
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
fn resolve_connection(cli: &Cli, descriptor: &Descriptor) -> HostResult<ConnectionConfig> {
    let env_token = std::env::var("CONNECTOR_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let stored = match env_token {
        Some(_) => None,
        None => {
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

/// A progress bar on stderr for `call --batch`, when stderr is a terminal: with the number of
/// lines when the input is a file (counted first), a running count for stdin.
fn batch_progress(file: &Path) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let total = (file.as_os_str() != "-")
        .then(|| std::fs::read(file).ok())
        .flatten()
        .map(|bytes| {
            bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count() as u64
        });
    let (bar, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{bar:30} {pos}/{len} lines, {elapsed} ({eta} left), {msg}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {pos} lines, {elapsed}, {msg}",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
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
async fn build_connector(cli: &Cli) -> HostResult<Connector> {
    let component = load_component(cli)?;
    let descriptor = component.describe().await?;
    let connection = if matches!(cli.command, Command::Describe) {
        // `describe` needs no connection: a broken credential store must not stop it.
        ConnectionConfig::new(&descriptor.default_base_url)?
    } else {
        resolve_connection(cli, &descriptor)?
    };
    connector_for(cli, component.runtime().clone(), connection)
}

fn config_file(cli: &Cli) -> HostResult<ConfigFile> {
    match &cli.config {
        Some(path) => ConfigFile::load(path),
        None => Ok(ConfigFile::default()),
    }
}

/// The component loaded (from the compilation cache when warm) and bound to no connection.
fn load_component(cli: &Cli) -> HostResult<Connector> {
    let file = config_file(cli)?;
    let limits = cli.limits.apply(file.limits.clone());
    limits.validate()?;
    let component = match &cli.component {
        Some(path) => path.clone(),
        None => default_component_path().ok_or_else(|| {
            HostError::invalid_input(
                "component",
                "no component given and none found next to connector-host",
            )
            .with_hint("run `make build`, or pass --component <PATH> (or set CONNECTOR_COMPONENT)")
        })?,
    };
    let cache_dir = if cli.no_cache {
        None
    } else {
        cli.cache_dir
            .clone()
            .or_else(LoadOptions::default_cache_dir)
    };
    let runtime = Runtime::load(
        &component,
        &LoadOptions {
            cache_dir,
            pool: file.pool.clone(),
            allocator: file.engine.allocator,
        },
    )?;
    Connector::unbound(Arc::new(runtime), limits)
}

fn connector_for(
    cli: &Cli,
    runtime: Arc<Runtime>,
    mut connection: ConnectionConfig,
) -> HostResult<Connector> {
    let file = config_file(cli)?;
    let limits = cli.limits.apply(file.limits);
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
    Connector::new(runtime, connection, limits)
}

/// File name of the Wrike component as cargo builds it.
pub const COMPONENT_FILE: &str = "wrike_connector.wasm";

/// Where `make build` leaves the Wrike component, relative to this executable
/// (`target/{debug,release}/connector-host` → `target/wasm32-wasip2/release/`), then relative
/// to the source tree this binary was built from.
pub fn default_component_path() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            candidates.push(dir.join(COMPONENT_FILE));
            // target/debug/deps/… (tests) and target/debug/… (binaries).
            for up in [dir.parent(), dir.parent().and_then(Path::parent)]
                .into_iter()
                .flatten()
            {
                candidates.push(up.join("wasm32-wasip2/release").join(COMPONENT_FILE));
            }
        }
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/wasm32-wasip2/release")
            .join(COMPONENT_FILE),
    );
    candidates.into_iter().find(|p| p.is_file())
}

/// Reads a JSON argument given as text, `@file` or `-` (stdin).
pub fn read_json_arg(name: &str, raw: &str) -> HostResult<Value> {
    let text = if raw == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            HostError::invalid_input(name, format!("cannot read --{name} from stdin: {e}"))
        })?;
        s
    } else if let Some(path) = raw.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| {
            HostError::invalid_input(name, format!("cannot read --{name} file `{path}`: {e}"))
        })?
    } else {
        raw.to_string()
    };
    serde_json::from_str(&text)
        .map_err(|e| HostError::invalid_input(name, format!("--{name} is not valid JSON: {e}")))
}

fn print_json(value: &Value) -> HostResult<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(|e| HostError::internal(format!("cannot write to stdout: {e}")))
}
