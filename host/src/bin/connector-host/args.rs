//! The command line's arguments (clap): global options, sandbox limits and the commands.

use crate::connect::{ConnectArgs, ConnectionsCommand};
use clap::{Args, Parser, Subcommand};
use connector_host::config::Limits;
use std::path::PathBuf;

/// Runs a connector WebAssembly component (by default the Wrike connector) in a sandbox.
#[derive(Debug, Parser)]
#[command(name = "connector-host", version, about)]
pub struct Cli {
    /// The component to run: a file, or a registry reference
    /// `oci://HOST[:PORT]/NAMESPACE/NAME@sha256:DIGEST` (or `:TAG`, resolved and its digest
    /// printed on stderr). Default: $CONNECTOR_COMPONENT, else the Wrike component next to the
    /// binary, in ../share/connector-host/components/ (`make install`), or where `make build`
    /// leaves it.
    #[arg(
        long,
        global = true,
        env = "CONNECTOR_COMPONENT",
        value_name = "PATH | oci://…"
    )]
    pub component: Option<PathBuf>,

    /// Refuse a registry component named by a tag: only `oci://…@sha256:` digests.
    #[arg(long, global = true, env = "CONNECTOR_LOCKED")]
    pub locked: bool,

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

    /// Strict isolation: a fresh instance for every call, never reused (the resident commands
    /// `serve`, `mcp` and `call --batch` otherwise reuse one for up to `[engine] reuse_calls`
    /// calls of the same connection).
    #[arg(long, global = true, env = "CONNECTOR_STRICT_ISOLATION")]
    pub strict_isolation: bool,

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
    pub fn apply(&self, mut limits: Limits) -> Limits {
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
    Describe {
        /// Print a Markdown catalog instead: one table each of the actions, triggers and pick
        /// lists, with their scopes and input fields (required ones marked `*`).
        #[arg(long)]
        markdown: bool,
    },
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
    /// Publish a component file to an OCI registry as a Wasm component artifact and print the
    /// manifest digest (registry credentials: CONNECTOR_OCI_USERNAME / CONNECTOR_OCI_PASSWORD).
    Push {
        /// The component file, e.g. target/wasm32-wasip2/component/wrike_connector.wasm.
        file: PathBuf,
        /// Where to: oci://HOST[:PORT]/NAMESPACE/NAME:TAG.
        reference: String,
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
