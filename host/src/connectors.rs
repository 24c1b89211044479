//! `[[connector]]`: several connectors in one `serve` or `mcp` process.
//!
//! Each section names its own component, API base URL, credential (a stored connection or an
//! environment variable holding a token), connection settings, limits and egress settings, so
//! one connector's failure, trap or egress violation stays inside its own sandboxes: every call
//! still gets a fresh store with that connector's limits, and its egress gate allows only that
//! connector's API origin with that connector's credential.
//!
//! ```toml
//! [[connector]]
//! name = "wrike"                                  # a-z, 0-9, `-`; names its tools and state
//! component = "/usr/local/share/connector-host/components/wrike_connector.wasm"
//! connection = "wrike-prod"                       # a stored connection (`connect --connection`)
//!
//! [[connector]]
//! name = "github"
//! component = "github_issues_connector.wasm"      # relative: to the config file's directory
//! base_url = "https://api.github.com"
//! token_env = "GITHUB_TOKEN"                      # or a token in this environment variable
//! settings = { owner = "octo-org" }
//! read_only = true                                # only GET and HEAD leave its sandbox
//! limits = { cpu_budget_ms = 2000 }               # over the top-level [limits]
//! egress = { allow_private_addresses = false }    # instead of the top-level [egress]
//! ```

use crate::config::{EgressSettings, Limits};
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Most characters of a connector name.
pub const MAX_CONNECTOR_NAME: usize = 32;

/// Most characters of an MCP tool name: tool names must match `^[a-zA-Z0-9_-]{1,64}$`, the
/// format MCP clients accept.
pub const MAX_TOOL_NAME: usize = 64;

/// One `[[connector]]` section of the configuration file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSection {
    /// The connector's name: 1 to 32 of `a-z 0-9 -`, starting with a letter (no `_`, so that
    /// `NAME_ACTION` tool names split one way only).
    #[serde(deserialize_with = "connector_name")]
    pub name: String,
    /// The component: a path (relative paths are relative to the configuration file's
    /// directory).
    pub component: String,
    /// The API base URL; default: the stored connection's API host, else the component's
    /// default base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A stored connection (made with `connect --connection NAME`); it must exist.
    #[serde(default)]
    pub connection: Option<String>,
    /// The name of an environment variable holding a static access token (instead of
    /// `connection`). Neither: the connector runs without a credential.
    #[serde(default)]
    pub token_env: Option<String>,
    /// The connection settings, checked against the component's settings schema.
    #[serde(default)]
    pub settings: serde_json::Map<String, Value>,
    /// Limits over the top-level `[limits]`: only the keys given here change.
    #[serde(default)]
    pub limits: LimitOverrides,
    /// Egress settings instead of the top-level `[egress]`.
    #[serde(default)]
    pub egress: Option<EgressSettings>,
    /// Let only `GET` and `HEAD` requests out of this connector's sandbox, and offer only its
    /// read-only actions as MCP tools.
    #[serde(default)]
    pub read_only: bool,
}

/// The keys of a `[[connector]]`'s `limits` table, checked against [`Limits`] when the file
/// is read (so an unknown key or a wrong type is reported with its line), applied over the
/// process's limits by [`LimitOverrides::apply`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LimitOverrides(toml::Table);

impl<'de> Deserialize<'de> for LimitOverrides {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(d)?;
        Limits::deserialize(toml::Value::Table(table.clone()))
            .map_err(|e| serde::de::Error::custom(format!("limits: {}", e.message())))?;
        Ok(LimitOverrides(table))
    }
}

impl LimitOverrides {
    /// `base` with the keys of this table replaced, then checked.
    pub fn apply(&self, base: &Limits) -> HostResult<Limits> {
        let Ok(toml::Value::Table(mut merged)) = toml::Value::try_from(base) else {
            return Err(HostError::internal("cannot merge the limits"));
        };
        for (k, v) in &self.0 {
            merged.insert(k.clone(), v.clone());
        }
        let limits = Limits::deserialize(toml::Value::Table(merged))
            .map_err(|e| HostError::invalid_input("limits", e.message().to_string()))?;
        limits.validate()?;
        Ok(limits)
    }
}

fn connector_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    validate_connector_name(&name).map_err(|e| serde::de::Error::custom(e.message))?;
    Ok(name)
}

/// Checks a connector name: 1 to [`MAX_CONNECTOR_NAME`] of `a-z 0-9 -`, starting with a
/// letter.
pub fn validate_connector_name(name: &str) -> HostResult<()> {
    let ok = name.len() <= MAX_CONNECTOR_NAME
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        return Ok(());
    }
    Err(HostError::invalid_input(
        "connector",
        format!(
            "connector name `{}` must be 1-{MAX_CONNECTOR_NAME} of a-z, 0-9 and `-`, starting with a letter",
            name.escape_debug()
        ),
    ))
}

/// Checks the `[[connector]]` sections as a whole: names unique, one credential at most each.
pub fn validate_sections(sections: &[ConnectorSection]) -> HostResult<()> {
    let mut names = std::collections::BTreeSet::new();
    for s in sections {
        if !names.insert(s.name.as_str()) {
            return Err(HostError::invalid_input(
                "connector",
                format!("connector `{}` is listed twice", s.name),
            ));
        }
        if s.connection.is_some() && s.token_env.is_some() {
            return Err(HostError::invalid_input(
                "connection",
                format!(
                    "connector `{}`: give `connection` or `token_env`, not both",
                    s.name
                ),
            ));
        }
    }
    Ok(())
}

/// The MCP tool name of `action` of connector `connector` when a server offers several
/// connectors: `CONNECTOR_ACTION`, checked against MCP's tool-name format
/// (`^[a-zA-Z0-9_-]{1,64}$`). The action name comes from the component, so it is untrusted:
/// a name that does not fit is an error naming it (shown escaped), never passed on. Since a
/// connector name holds no `_`, two different (connector, action) pairs never give one name.
pub fn tool_name(connector: &str, action: &str) -> HostResult<String> {
    let name = format!("{connector}_{action}");
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if chars_ok && !action.is_empty() && name.len() <= MAX_TOOL_NAME {
        return Ok(name);
    }
    let why = if chars_ok && !action.is_empty() {
        format!(
            "is {} characters, over MCP's {MAX_TOOL_NAME} (a shorter connector name may fit)",
            name.len()
        )
    } else {
        "holds characters MCP refuses (only A-Z, a-z, 0-9, `_` and `-`)".to_string()
    };
    let shown: String = name.escape_debug().take(100).collect();
    Err(HostError::invalid_input(
        "connector",
        format!("connector `{connector}`: the tool name `{shown}` {why}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connector_names_are_checked() {
        for good in ["wrike", "github", "a", "my-wrike2"] {
            validate_connector_name(good).unwrap();
        }
        let long = "a".repeat(33);
        for bad in [
            "",
            "Wrike",
            "wrike_eu",
            "2wrike",
            "-x",
            "w rike",
            long.as_str(),
        ] {
            let e = validate_connector_name(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("connector"), "{bad}");
        }
    }

    #[test]
    fn tool_names_are_namespaced_and_within_mcp_rules() {
        assert_eq!(
            tool_name("wrike", "create_task").unwrap(),
            "wrike_create_task"
        );
        let longest = "a".repeat(MAX_TOOL_NAME - "github_".len());
        assert_eq!(tool_name("github", &longest).unwrap().len(), MAX_TOOL_NAME);
        let e = tool_name("github", &format!("{longest}a")).unwrap_err();
        assert!(e.message.contains("over MCP's 64"), "{}", e.message);
        for bad in ["list issues", "list.issues", "", "x\u{202e}y", "ü"] {
            let e = tool_name("github", bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("connector"), "{bad}");
        }
    }

    #[test]
    fn limit_overrides_change_only_their_keys() {
        let o = LimitOverrides(toml::from_str("cpu_budget_ms = 7").unwrap());
        let base = Limits {
            memory_bytes: 1 << 20,
            ..Limits::default()
        };
        let l = o.apply(&base).unwrap();
        assert_eq!((l.cpu_budget_ms, l.memory_bytes), (7, 1 << 20));
        let zero = LimitOverrides(toml::from_str("wall_timeout_ms = 0").unwrap());
        assert_eq!(
            zero.apply(&base).unwrap_err().field.as_deref(),
            Some("wall_timeout_ms")
        );
    }
}
