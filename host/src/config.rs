//! What the host is told: sandbox limits and the connection a call runs against.

use crate::credentials::trust::OAuthSettingsFile;
use crate::credentials::{Secret, StaticToken, TokenSource};
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Sandbox limits applied to every call into the guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// CPU budget per call, in milliseconds, enforced by epoch interruption. Default 10 000.
    pub cpu_budget_ms: u64,
    /// Wall-clock timeout around a whole call, in milliseconds, including time blocked in
    /// host calls (HTTP). Default 60 000.
    pub wall_timeout_ms: u64,
    /// Memory cap per instance (one call's, in strict mode; see [`crate::reuse`]), in bytes:
    /// every linear memory and table of the instance's store plus
    /// the host-side bytes its resources hold (header maps, body buffers). Default 256 MiB.
    pub memory_bytes: u64,
    /// Most core instances one call may create. Default 32.
    pub max_instances: u64,
    /// Most linear memories one call may create. Default 4.
    pub max_memories: u64,
    /// Most tables one call may create. Default 32.
    pub max_tables: u64,
    /// Most host resources (`wasi:http` fields, requests, responses, bodies, streams,
    /// pollables) the guest may hold at once. Default 1024.
    pub max_host_resources: u64,
    /// Cap on one header map the guest builds (its request headers), in bytes of the host's
    /// in-memory representation. Default 16 KiB.
    pub request_header_bytes: u64,
    /// Cap on one HTTP response body, in bytes. Default 64 MiB.
    pub response_body_bytes: u64,
    /// Cap on one HTTP response's headers, in bytes. Default 128 KiB.
    pub response_header_bytes: u64,
    /// TCP/TLS connect timeout for outgoing requests, in milliseconds (the guest may ask for
    /// less, never more). Default 10 000.
    pub connect_timeout_ms: u64,
    /// Time to the first response byte, in milliseconds (capped like the connect timeout).
    /// Default 30 000.
    pub first_byte_timeout_ms: u64,
    /// Time between response body chunks, in milliseconds (capped likewise). Default 30 000.
    pub between_bytes_timeout_ms: u64,
    /// Most events one `poll` batch or one webhook delivery may carry. Default 10 000.
    pub max_events_per_batch: u64,
    /// Cap on one event's payload (JSON text), in bytes. Default 1 MiB.
    pub event_payload_bytes: u64,
    /// Cap on one event's key, in bytes. Default 1024.
    pub event_key_bytes: u64,
    /// Cap on the cursor one `poll` returns, in bytes. Default 1 MiB.
    pub cursor_bytes: u64,
    /// Cap on the body of the answer a component gives a received webhook request, in bytes.
    /// Default 64 KiB.
    pub answer_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_budget_ms: 10_000,
            wall_timeout_ms: 60_000,
            memory_bytes: 256 * 1024 * 1024,
            max_instances: 32,
            max_memories: 4,
            max_tables: 32,
            max_host_resources: 1024,
            request_header_bytes: 16 * 1024,
            response_body_bytes: 64 * 1024 * 1024,
            response_header_bytes: 128 * 1024,
            connect_timeout_ms: 10_000,
            first_byte_timeout_ms: 30_000,
            between_bytes_timeout_ms: 30_000,
            max_events_per_batch: 10_000,
            event_payload_bytes: 1024 * 1024,
            event_key_bytes: 1024,
            cursor_bytes: 1024 * 1024,
            answer_body_bytes: 64 * 1024,
        }
    }
}

impl Limits {
    /// The CPU budget as a [`Duration`].
    pub fn cpu_budget(&self) -> Duration {
        Duration::from_millis(self.cpu_budget_ms)
    }

    /// The wall-clock timeout as a [`Duration`].
    pub fn wall_timeout(&self) -> Duration {
        Duration::from_millis(self.wall_timeout_ms)
    }

    /// Checks that every limit is usable (non-zero, memory at least one wasm page).
    pub fn validate(&self) -> HostResult<()> {
        let checks = [
            ("cpu_budget_ms", self.cpu_budget_ms),
            ("wall_timeout_ms", self.wall_timeout_ms),
            ("response_body_bytes", self.response_body_bytes),
            ("response_header_bytes", self.response_header_bytes),
            ("connect_timeout_ms", self.connect_timeout_ms),
            ("first_byte_timeout_ms", self.first_byte_timeout_ms),
            ("between_bytes_timeout_ms", self.between_bytes_timeout_ms),
            ("max_instances", self.max_instances),
            ("max_memories", self.max_memories),
            ("max_tables", self.max_tables),
            ("max_host_resources", self.max_host_resources),
            ("request_header_bytes", self.request_header_bytes),
            ("max_events_per_batch", self.max_events_per_batch),
            ("event_payload_bytes", self.event_payload_bytes),
            ("event_key_bytes", self.event_key_bytes),
            ("cursor_bytes", self.cursor_bytes),
            ("answer_body_bytes", self.answer_body_bytes),
        ];
        for (name, value) in checks {
            if value == 0 {
                return Err(HostError::invalid_input(
                    name,
                    format!("limit `{name}` must be greater than 0"),
                ));
            }
        }
        if self.memory_bytes < 64 * 1024 {
            return Err(HostError::invalid_input(
                "memory_bytes",
                "limit `memory_bytes` must be at least 65536 (one WebAssembly page)",
            ));
        }
        Ok(())
    }
}

/// The optional configuration file (`--config FILE`, TOML). Flags override it.
///
/// ```toml
/// [limits]
/// cpu_budget_ms = 10000
/// wall_timeout_ms = 60000
/// memory_bytes = 268435456
/// max_instances = 32
/// max_memories = 4
/// max_tables = 32
/// max_host_resources = 1024
/// request_header_bytes = 16384
/// response_body_bytes = 67108864
/// response_header_bytes = 131072
/// connect_timeout_ms = 10000
/// first_byte_timeout_ms = 30000
/// between_bytes_timeout_ms = 30000
/// max_events_per_batch = 10000
/// event_payload_bytes = 1048576
/// event_key_bytes = 1024
/// cursor_bytes = 1048576
/// answer_body_bytes = 65536
///
/// [egress]
/// allow_private_addresses = false
///
/// [pool]
/// max_idle_per_origin = 8
/// idle_timeout_ms = 30000
///
/// [engine]
/// allocator = "pooling"   # or "on_demand"
/// reuse_calls = 100       # calls per instance in `serve`, `mcp`, `call --batch`; 1 = strict
/// reuse_idle_ms = 30000
/// reuse_memory_bytes = 67108864
///
/// [oauth]
/// # authorize_url = "https://login.wrike.com/oauth2/authorize/v4"
/// # token_url = "https://login.wrike.com/oauth2/token"
/// trusted_origins = []
///
/// [oci]
/// insecure = []               # registries ("host:port") besides loopback reached over plain HTTP
/// locked = false              # refuse tag references (only @sha256: digests)
/// connect_timeout_ms = 10000
/// read_timeout_ms = 30000
/// max_component_bytes = 268435456
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Sandbox limits; missing keys keep their defaults.
    pub limits: Limits,
    /// Egress settings.
    pub egress: EgressSettings,
    /// `[pool]`: the egress gate's keep-alive connection pool.
    pub pool: crate::pool::PoolSettings,
    /// `[engine]`: how instances are allocated.
    pub engine: EngineSettings,
    /// Which OAuth endpoints `connect` trusts (see [`crate::credentials::trust`]).
    pub oauth: OAuthSettingsFile,
    /// `[oci]`: pulling components from OCI registries (see [`crate::oci::OciSettings`]).
    pub oci: crate::oci::OciSettings,
    /// `[serve]`: read by `connector-host serve`.
    pub serve: Option<crate::serve::config::ServeSection>,
    /// `[[subscription]]`: read by `connector-host serve`.
    pub subscription: Vec<crate::serve::config::SubscriptionConfig>,
    /// `[[connector]]`: several connectors in one `serve` or `mcp` process (see
    /// [`crate::connectors`]); none means the one connector the command line describes.
    pub connector: Vec<crate::connectors::ConnectorSection>,
}

/// The `[engine]` section of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineSettings {
    /// `pooling` (default; falls back to on-demand where the pool cannot be had) or
    /// `on_demand`.
    pub allocator: Allocator,
    /// Calls one instance serves at most in the resident commands (`serve`, `mcp`,
    /// `call --batch`), all of the same connection (see [`crate::reuse`]). 0 or 1 is strict
    /// mode: a fresh instance for every call. Default 100. One-shot commands are always strict.
    pub reuse_calls: u32,
    /// A reused instance left idle this long is dropped, in milliseconds. Default 30 000.
    pub reuse_idle_ms: u64,
    /// An instance holding more than this after a call (memories, tables and host-side
    /// resource bytes) is dropped, in bytes; at most half of `[limits] memory_bytes` is used.
    /// Default 64 MiB.
    pub reuse_memory_bytes: u64,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            allocator: Allocator::default(),
            reuse_calls: 100,
            reuse_idle_ms: 30_000,
            reuse_memory_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The `[egress]` section of the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EgressSettings {
    /// Let host names resolve to loopback/private/link-local addresses.
    pub allow_private_addresses: bool,
}

impl ConfigFile {
    /// Reads and checks a configuration file; errors name the file and the offending key.
    pub fn load(path: &std::path::Path) -> HostResult<ConfigFile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HostError::invalid_input(
                "config",
                format!("cannot read the config file `{}`: {e}", path.display()),
            )
        })?;
        Self::parse(&text).map_err(|mut e| {
            e.message = format!("config file `{}`: {}", path.display(), e.message);
            e
        })
    }

    /// Parses configuration TOML text. A key or value that does not fit is reported with its
    /// line and column (`line 12, column 1: unknown field `colour`, expected …`).
    pub fn parse(text: &str) -> HostResult<ConfigFile> {
        if let Ok(table) = text.parse::<toml::Table>() {
            if table
                .get("engine")
                .and_then(|e| e.get("warm_instances"))
                .is_some()
            {
                return Err(HostError::invalid_input(
                    "engine.warm_instances",
                    "`[engine] warm_instances` is gone: instances are now reused within a connection",
                )
                .with_hint("remove it; `[engine] reuse_calls = N` sets how many calls an instance serves (1 = strict)"));
            }
        }
        let file: ConfigFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        file.limits.validate()?;
        crate::connectors::validate_sections(&file.connector)?;
        file.oci.validate()?;
        Ok(file)
    }
}

/// A TOML error as an `invalid_input` error on field `config`, its message led by the line
/// and column (1-based) where the offending key or value starts.
fn toml_error(text: &str, e: &toml::de::Error) -> HostError {
    let place = match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: ")
        }
        None => String::new(),
    };
    HostError::invalid_input("config", format!("{place}{}", e.message().trim_end()))
}

/// One connection to the remote API: where it is and the credential for it.
#[derive(Clone)]
pub struct ConnectionConfig {
    /// The API base URL, e.g. `https://www.wrike.com/api/v4` (no trailing slash).
    pub base_url: Url,
    /// Where the bearer token comes from; the egress gate adds it to each allowed request.
    pub credentials: Option<Arc<dyn TokenSource>>,
    /// With no `credentials`, run calls anyway, sending no `Authorization` header (an API that
    /// needs none, or a `[[connector]]` section with neither `connection` nor `token_env`).
    /// Off by default: a connection with no credential refuses its calls as `unauthorized`.
    pub anonymous: bool,
    /// The scopes the credential was granted, where known; used to refuse actions early.
    pub granted_scopes: Option<Vec<String>>,
    /// The remote account id, where known.
    pub account_id: Option<String>,
    /// Let host *names* resolve to loopback/private/link-local addresses (off by default; an
    /// address given literally in `base_url` is always allowed).
    pub allow_private_addresses: bool,
    /// The connection settings (the connector's own connection fields), checked against the
    /// descriptor's `settings_schema` before the first call that uses the connection.
    pub settings: serde_json::Map<String, serde_json::Value>,
}

impl ConnectionConfig {
    /// A connection to `base_url` with no credential yet.
    pub fn new(base_url: &str) -> HostResult<Self> {
        Ok(ConnectionConfig {
            base_url: parse_base_url(base_url)?,
            credentials: None,
            anonymous: false,
            granted_scopes: None,
            account_id: None,
            allow_private_addresses: false,
            settings: serde_json::Map::new(),
        })
    }

    /// Uses a fixed bearer token (never refreshed).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Arc::new(StaticToken::new(
            Secret::new(token),
            "the given access token",
        )));
        self
    }

    /// Runs calls with no credential at all (see [`ConnectionConfig::anonymous`]).
    pub fn anonymous(mut self) -> Self {
        self.credentials = None;
        self.anonymous = true;
        self
    }

    /// Uses `source` for the bearer token.
    pub fn with_credentials(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.credentials = Some(source);
        self
    }

    /// The base URL as the guest sees it: no trailing slash.
    pub fn base_url_string(&self) -> String {
        self.base_url.as_str().trim_end_matches('/').to_string()
    }
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("base_url", &self.base_url.as_str())
            .field(
                "credentials",
                &self.credentials.as_ref().map(|c| c.describe()),
            )
            .field("anonymous", &self.anonymous)
            .field("granted_scopes", &self.granted_scopes)
            .field("account_id", &self.account_id)
            .field("allow_private_addresses", &self.allow_private_addresses)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Parses and checks an API base URL: absolute `http` or `https`, with a host, no credentials,
/// query or fragment.
pub fn parse_base_url(raw: &str) -> HostResult<Url> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        HostError::invalid_input("base_url", format!("`{raw}` is not a valid URL: {e}"))
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(HostError::invalid_input(
            "base_url",
            format!("`{raw}` must use http or https, not `{}`", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(HostError::invalid_input(
            "base_url",
            format!("`{raw}` has no host"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HostError::invalid_input(
            "base_url",
            "the base URL must not carry credentials; use CONNECTOR_TOKEN",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(HostError::invalid_input(
            "base_url",
            format!("`{raw}` must not have a query or fragment"),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(parse_base_url("https://www.wrike.com/api/v4").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080/api/v4").is_ok());
        let e = parse_base_url("ftp://x/api").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("base_url"));
        assert!(parse_base_url("https://user:pw@x/api").is_err());
        assert!(parse_base_url("not a url").is_err());
        assert!(parse_base_url("https://x/api?token=1").is_err());
    }

    #[test]
    fn config_file_overrides_some_limits_and_rejects_unknown_keys() {
        let c = ConfigFile::parse(
            "[limits]\ncpu_budget_ms = 500\n[egress]\nallow_private_addresses = true\n",
        )
        .unwrap();
        assert_eq!(c.limits.cpu_budget_ms, 500);
        assert_eq!(c.limits.memory_bytes, Limits::default().memory_bytes);
        assert!(c.egress.allow_private_addresses);
        let e = ConfigFile::parse("[limits]\ncpu_budget = 5\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("config"));
        assert!(e.message.contains("cpu_budget"), "{}", e.message);
        let e = ConfigFile::parse("[limits]\nwall_timeout_ms = 0\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("wall_timeout_ms"));
    }

    #[test]
    fn engine_reuse_keys_parse_and_warm_instances_is_refused_with_a_hint() {
        let c = ConfigFile::parse("[engine]\nreuse_calls = 1\nreuse_idle_ms = 5\n").unwrap();
        assert_eq!(c.engine.reuse_calls, 1);
        assert_eq!(c.engine.reuse_idle_ms, 5);
        assert_eq!(c.engine.reuse_memory_bytes, 64 * 1024 * 1024);
        assert!(crate::reuse::ReusePolicy::from_settings(&c.engine).is_strict());
        assert!(!crate::reuse::ReusePolicy::resident().is_strict());
        let e = ConfigFile::parse("[engine]\nwarm_instances = 2\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("engine.warm_instances"));
        assert!(e.hint.unwrap().contains("reuse_calls"));
    }

    #[test]
    fn a_wrong_key_is_reported_with_its_line_column_and_name() {
        let text = "[serve]\nlisten = \"127.0.0.1:1\"\n\n[[subscription]]\nname = \"a\"\ntrigger = \"t\"\n  colour = 1\n";
        let e = ConfigFile::parse(text).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("config"));
        assert!(e.message.starts_with("line 7, column 3: "), "{}", e.message);
        assert!(e.message.contains("`colour`"), "{}", e.message);
        let text = "[[connector]]\nname = \"wrike\"\ncomponent = \"w.wasm\"\ntoken = \"x\"\n";
        let e = ConfigFile::parse(text).unwrap_err();
        assert!(e.message.starts_with("line 4, column 1: "), "{}", e.message);
        assert!(e.message.contains("`token`"), "{}", e.message);
        let text = "[[connector]]\nname = \"Wrike_EU\"\ncomponent = \"w.wasm\"\n";
        let e = ConfigFile::parse(text).unwrap_err();
        assert!(e.message.starts_with("line 2, column 8: "), "{}", e.message);
        assert!(e.message.contains("Wrike_EU"), "{}", e.message);
        let text = "[[connector]]\nname = \"w\"\ncomponent = \"w.wasm\"\nlimits = { cpu = 1 }\n";
        let e = ConfigFile::parse(text).unwrap_err();
        assert!(
            e.message.starts_with("line 4, column 10: "),
            "{}",
            e.message
        );
        assert!(e.message.contains("`cpu`"), "{}", e.message);
        let text = "[[connector]]\nname = \"w\"\ncomponent = \"a\"\n[[connector]]\nname = \"w\"\ncomponent = \"b\"\n";
        let e = ConfigFile::parse(text).unwrap_err();
        assert!(e.message.contains("twice"), "{}", e.message);
    }

    #[test]
    fn default_limits_are_valid_and_zero_is_not() {
        Limits::default().validate().unwrap();
        let l = Limits {
            cpu_budget_ms: 0,
            ..Limits::default()
        };
        assert_eq!(
            l.validate().unwrap_err().field.as_deref(),
            Some("cpu_budget_ms")
        );
    }
}

/// How instances get their memories, tables and async stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocator {
    /// The pooling allocator (slots reserved once per engine, reused by every call), falling
    /// back to on-demand when the machine does not allow the reservation or the component does
    /// not fit the pool's per-component limits.
    #[default]
    Pooling,
    /// A fresh mapping per instance (mmap and munmap on every call).
    OnDemand,
}
