//! What `connector-host serve` runs: the `[serve]` section and the `[[subscription]]` list of
//! the `--config` file, and the flags for the simple case (one trigger).

use crate::error::{HostError, HostResult};
use crate::state::StateLocation;
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Default polling interval of a polling trigger.
pub const DEFAULT_INTERVAL_SECS: u64 = 60;
/// Default interval between two `check-subscription` calls of a webhook subscription.
pub const DEFAULT_CHECK_INTERVAL_SECS: u64 = 300;
/// Default cap on a received request body.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default lease of a subscription in a shared (PostgreSQL) state database.
pub const DEFAULT_LEASE_SECS: u64 = 15;

/// `connector-host serve`: keep subscriptions alive, receive webhooks, poll on a schedule and
/// deliver every event to a sink. Subscriptions come from `[[subscription]]` in --config, or
/// from TRIGGER and --input.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ServeArgs {
    /// One trigger to run (the simple case; named after itself), instead of `[[subscription]]`.
    #[cfg_attr(feature = "cli", arg(value_name = "TRIGGER"))]
    pub trigger: Option<String>,
    /// The input of TRIGGER: JSON text.
    #[cfg_attr(
        feature = "cli",
        arg(long, default_value = "{}", value_name = "JSON", requires = "trigger")
    )]
    pub input: String,
    /// Polling interval of TRIGGER in seconds, if it is a polling trigger [default: 60].
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECS", requires = "trigger"))]
    pub interval_secs: Option<u64>,
    /// Address the webhook receiver listens on [default: 127.0.0.1:8080].
    #[cfg_attr(feature = "cli", arg(long, value_name = "ADDR"))]
    pub listen: Option<String>,
    /// The public base URL that reaches --listen (a reverse proxy or a tunnel); required for
    /// webhook triggers.
    #[cfg_attr(feature = "cli", arg(long, value_name = "URL"))]
    pub public_url: Option<String>,
    /// The state database: an SQLite file, or a `postgres://` URL that several `serve`
    /// processes share [default: connector-serve.db].
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE|URL"))]
    pub state: Option<PathBuf>,
    /// With a shared (PostgreSQL) state database: seconds a process holds a subscription
    /// without renewing it; a process that dies hands its subscriptions over after this long
    /// [default: 15].
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECS"))]
    pub lease_secs: Option<u64>,
    /// Deliver events by HTTP POST to URL instead of stdout.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "URL", conflicts_with = "sink_command")
    )]
    pub sink_url: Option<String>,
    /// Deliver each event by running this command (no shell) with the event on stdin.
    #[cfg_attr(feature = "cli", arg(long, value_name = "PROGRAM", num_args = 1.., allow_hyphen_values = true))]
    pub sink_command: Option<Vec<String>>,
    /// Seconds between checks of each webhook subscription [default: 300].
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECS"))]
    pub check_interval_secs: Option<u64>,
    /// Remove every stored webhook subscription from the remote API and the state, then exit.
    #[cfg_attr(feature = "cli", arg(long))]
    pub unsubscribe: bool,
}

impl Default for ServeArgs {
    /// Nothing given: everything from the configuration file (or its defaults).
    fn default() -> Self {
        ServeArgs {
            trigger: None,
            input: "{}".into(),
            interval_secs: None,
            listen: None,
            public_url: None,
            state: None,
            lease_secs: None,
            sink_url: None,
            sink_command: None,
            check_interval_secs: None,
            unsubscribe: false,
        }
    }
}

/// Where events go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum SinkConfig {
    /// One JSON line per event on stdout.
    #[default]
    Stdout,
    /// `POST url` with the event as JSON and `Idempotency-Key: {subscription}/{key}`.
    Http {
        /// The endpoint.
        url: String,
        /// Longest wait between two tries, in milliseconds [default: 30000].
        max_backoff_ms: Option<u64>,
        /// Events POSTed at once [default: 1: one at a time, in outbox order]; more give
        /// throughput and give up the order within each window.
        in_flight: Option<usize>,
    },
    /// Run `argv` once per event with the event on stdin; exit status 0 acknowledges it.
    Command {
        /// Program and arguments (no shell).
        argv: Vec<String>,
    },
}

/// The `[serve]` section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServeSection {
    /// Listen address.
    pub listen: Option<String>,
    /// Public base URL.
    pub public_url: Option<String>,
    /// State database: a file or a `postgres://` URL.
    pub state: Option<PathBuf>,
    /// Lease of a subscription in a shared state database, in seconds.
    pub lease_secs: Option<u64>,
    /// Seconds between subscription checks.
    pub check_interval_secs: Option<u64>,
    /// Cap on a received body, in bytes.
    pub max_body_bytes: Option<usize>,
    /// Most webhook deliveries (and poll batches) committed to the state in one transaction
    /// (group commit); 1 commits each alone.
    pub commit_group_max: Option<usize>,
    /// Where events go.
    pub sink: SinkConfig,
}

/// One `[[subscription]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionConfig {
    /// Unique name (the key of its state).
    pub name: String,
    /// The trigger, polling or webhook.
    pub trigger: String,
    /// The trigger's input.
    #[serde(default = "empty_object")]
    pub input: Value,
    /// Polling interval in seconds (polling triggers).
    pub interval_secs: Option<u64>,
    /// The stored connection it runs on, instead of its connector's (or, with no
    /// `[[connector]]` sections, the process's: `--connection` or `CONNECTOR_TOKEN`).
    #[serde(default)]
    pub connection: Option<String>,
    /// The `[[connector]]` it runs on: required when there are several, the only one by
    /// default; none when the configuration has no `[[connector]]` sections.
    #[serde(default)]
    pub connector: Option<String>,
}

impl SubscriptionConfig {
    /// The key of its state (cursor, delivered keys, outbox, webhook record, lease): see
    /// [`state_key`].
    pub fn state_key(&self) -> String {
        state_key(self.connector.as_deref(), &self.name)
    }
}

/// The key a subscription's state is stored under: its name, led by `CONNECTOR/` when it
/// runs on a `[[connector]]`, so that subscriptions of different connectors never share a
/// cursor, an outbox or a webhook record, and a state database of a single-connector
/// configuration keeps working. Neither a connector nor a subscription name holds a `/`.
pub fn state_key(connector: Option<&str>, name: &str) -> String {
    match connector {
        Some(c) => format!("{c}/{name}"),
        None => name.to_string(),
    }
}

/// The connector (if any) and the subscription name of a [`state_key`].
pub fn split_state_key(key: &str) -> (Option<&str>, &str) {
    match key.split_once('/') {
        Some((c, name)) => (Some(c), name),
        None => (None, key),
    }
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// Everything `serve` runs with, flags applied over the file.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Listen address.
    pub listen: String,
    /// Public base URL, without a trailing slash.
    pub public_url: Option<String>,
    /// State database.
    pub state: StateLocation,
    /// Lease of a subscription in a shared state database.
    pub lease: Duration,
    /// Interval between subscription checks.
    pub check_interval: Duration,
    /// Cap on a received body.
    pub max_body_bytes: usize,
    /// Most enqueues committed in one transaction ([`crate::state::Store`]).
    pub commit_group_max: usize,
    /// Where events go.
    pub sink: SinkConfig,
    /// The subscriptions.
    pub subscriptions: Vec<SubscriptionConfig>,
}

fn bad(field: &str, message: impl Into<String>) -> HostError {
    HostError::invalid_input(field, message)
}

impl ServeConfig {
    /// Builds the configuration from the `[serve]` section, the `[[subscription]]` entries
    /// and the names of the `[[connector]]` sections of the configuration file, and the
    /// flags. Each subscription is given its connector (the only one when it names none).
    pub fn resolve(
        args: &ServeArgs,
        section: Option<&ServeSection>,
        subscriptions: &[SubscriptionConfig],
        connectors: &[&str],
    ) -> HostResult<ServeConfig> {
        let file = section.cloned().unwrap_or_default();
        let mut subs = subscriptions.to_vec();
        if let Some(trigger) = &args.trigger {
            let input: Value = serde_json::from_str(&args.input).map_err(|e| {
                bad(
                    "input",
                    format!("the input of trigger `{trigger}` is not JSON: {e}"),
                )
            })?;
            subs = vec![SubscriptionConfig {
                name: trigger.clone(),
                trigger: trigger.clone(),
                input,
                interval_secs: args.interval_secs,
                connection: None,
                connector: None,
            }];
        }
        for s in &mut subs {
            s.connector = connector_of(s, connectors)?;
        }
        if subs.is_empty() && !args.unsubscribe {
            return Err(bad(
                "subscription",
                "nothing to serve: name a trigger or list [[subscription]] entries in the configuration file",
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for s in &subs {
            let ok = !s.name.is_empty()
                && s.name.len() <= 64
                && s.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
            if !ok {
                return Err(bad(
                    "subscription",
                    format!(
                        "subscription name `{}` must be 1-64 letters, digits, `_`, `-` or `.`",
                        s.name
                    ),
                ));
            }
            if !names.insert(s.name.clone()) {
                return Err(bad(
                    "subscription",
                    format!("subscription `{}` is listed twice", s.name),
                ));
            }
            if !s.input.is_object() {
                return Err(bad(
                    "input",
                    format!(
                        "the input of subscription `{}` must be a JSON object",
                        s.name
                    ),
                ));
            }
            if s.interval_secs == Some(0) {
                return Err(bad("interval_secs", "must be at least 1"));
            }
        }
        let sink = match (&args.sink_url, &args.sink_command) {
            (Some(url), _) => SinkConfig::Http {
                url: url.clone(),
                max_backoff_ms: None,
                in_flight: None,
            },
            (_, Some(argv)) => SinkConfig::Command { argv: argv.clone() },
            _ => file.sink,
        };
        match &sink {
            SinkConfig::Http { url, .. } if url::Url::parse(url).is_err() => {
                return Err(bad("sink", format!("the sink URL `{url}` is not a URL")))
            }
            SinkConfig::Http {
                in_flight: Some(0), ..
            } => return Err(bad("in_flight", "must be at least 1")),
            SinkConfig::Command { argv } if argv.is_empty() => {
                return Err(bad("sink", "the sink command is empty"))
            }
            _ => {}
        }
        let public_url = args
            .public_url
            .clone()
            .or(file.public_url)
            .map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &public_url {
            match url::Url::parse(u) {
                Ok(p) if p.scheme() == "https" || p.scheme() == "http" => {}
                _ => return Err(bad("public_url", format!("`{u}` is not an http(s) URL"))),
            }
        }
        let check = args
            .check_interval_secs
            .or(file.check_interval_secs)
            .unwrap_or(DEFAULT_CHECK_INTERVAL_SECS);
        let lease = args
            .lease_secs
            .or(file.lease_secs)
            .unwrap_or(DEFAULT_LEASE_SECS);
        if lease < 2 {
            return Err(bad("lease_secs", "must be at least 2"));
        }
        Ok(ServeConfig {
            listen: args
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            public_url,
            state: StateLocation::parse(
                args.state
                    .clone()
                    .or(file.state)
                    .unwrap_or_else(|| PathBuf::from("connector-serve.db"))
                    .as_os_str(),
            ),
            lease: Duration::from_secs(lease),
            check_interval: Duration::from_secs(check.max(1)),
            max_body_bytes: file.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            commit_group_max: match file.commit_group_max {
                Some(0) => return Err(bad("commit_group_max", "must be at least 1")),
                n => n.unwrap_or(crate::state::DEFAULT_GROUP_MAX),
            },
            sink,
            subscriptions: subs,
        })
    }
}

/// The connector subscription `s` runs on, checked against the `[[connector]]` names.
fn connector_of(s: &SubscriptionConfig, connectors: &[&str]) -> HostResult<Option<String>> {
    match (&s.connector, connectors) {
        (None, []) => Ok(None),
        (Some(c), []) => Err(bad(
            "connector",
            format!(
                "subscription `{}` names connector `{c}`, but the configuration has no [[connector]] sections",
                s.name
            ),
        )),
        (None, [only]) => Ok(Some(only.to_string())),
        (None, _) => Err(bad(
            "connector",
            format!(
                "subscription `{}` must name its connector (`connector = \"…\"`): there are several: {}",
                s.name,
                connectors.join(", ")
            ),
        )),
        (Some(c), _) if connectors.contains(&c.as_str()) => Ok(Some(c.clone())),
        (Some(c), _) => Err(bad(
            "connector",
            format!(
                "subscription `{}` names connector `{c}`, which is not among the [[connector]] sections: {}",
                s.name,
                connectors.join(", ")
            ),
        )),
    }
}

// The tests parse flags with clap, as the CLI does.
#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use crate::config::ConfigFile;
    use clap::Parser;
    use serde_json::json;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ServeArgs,
    }

    fn args(v: &[&str]) -> ServeArgs {
        Wrap::parse_from(std::iter::once("serve").chain(v.iter().copied())).args
    }

    /// `resolve` over the `[serve]` and `[[subscription]]` parts of `toml`.
    fn resolve(args: &ServeArgs, toml: &str) -> HostResult<ServeConfig> {
        let file = ConfigFile::parse(toml)?;
        let names: Vec<&str> = file.connector.iter().map(|c| c.name.as_str()).collect();
        ServeConfig::resolve(args, file.serve.as_ref(), &file.subscription, &names)
    }

    const FILE: &str = r#"
[serve]
listen = "0.0.0.0:9000"
public_url = "https://h.example.org/"
sink = { type = "http", url = "https://sink.example.org/e" }

[[subscription]]
name = "t"
trigger = "new_or_updated_task_webhook"
input = { folderId = "F" }
"#;

    #[test]
    fn the_file_gives_subscriptions_and_flags_override_it() {
        let c = resolve(&args(&["--listen", "127.0.0.1:1"]), FILE).unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.public_url.as_deref(), Some("https://h.example.org"));
        assert!(matches!(c.sink, SinkConfig::Http { .. }));
        assert_eq!(c.subscriptions[0].input, json!({"folderId": "F"}));
        assert_eq!(c.subscriptions[0].connector, None);
        assert_eq!(c.subscriptions[0].state_key(), "t");
        assert_eq!(
            c.check_interval,
            Duration::from_secs(DEFAULT_CHECK_INTERVAL_SECS)
        );
        // The simple case replaces the list.
        let c = resolve(
            &args(&["new_comment", "--input", "{}", "--sink-command", "cat"]),
            FILE,
        )
        .unwrap();
        assert_eq!(c.subscriptions.len(), 1);
        assert_eq!(c.subscriptions[0].name, "new_comment");
        assert_eq!(
            c.sink,
            SinkConfig::Command {
                argv: vec!["cat".into()]
            }
        );
    }

    #[test]
    fn bad_configurations_name_what_is_wrong() {
        let e = resolve(&args(&[]), "").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("subscription"));
        let sub = |name: &str| format!("[[subscription]]\nname = \"{name}\"\ntrigger = \"x\"\n");
        let e = resolve(&args(&[]), &(sub("a") + &sub("a"))).unwrap_err();
        assert!(e.message.contains("twice"), "{}", e.message);
        let e = resolve(&args(&[]), &sub("a b")).unwrap_err();
        assert!(e.message.contains("name"), "{}", e.message);
        let e = resolve(&args(&[]), &(sub("a") + "colour = 1\n")).unwrap_err();
        assert!(e.message.contains("colour"), "{}", e.message);
        assert!(e.message.starts_with("line 4, column 1: "), "{}", e.message);
        let e = resolve(&args(&["x", "--input", "[1]"]), "").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("input"));
        let e = resolve(&args(&["x", "--public-url", "ftp://h"]), "").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("public_url"));
    }

    #[test]
    fn each_subscription_gets_its_connector_and_a_state_key_of_its_own() {
        let connector =
            |name: &str| format!("[[connector]]\nname = \"{name}\"\ncomponent = \"{name}.wasm\"\n");
        let sub = |name: &str, connector: &str| {
            format!("[[subscription]]\nname = \"{name}\"\ntrigger = \"x\"\n{connector}")
        };
        // The only connector is the default.
        let c = resolve(&args(&[]), &(connector("wrike") + &sub("a", ""))).unwrap();
        assert_eq!(c.subscriptions[0].connector.as_deref(), Some("wrike"));
        assert_eq!(c.subscriptions[0].state_key(), "wrike/a");
        assert_eq!(split_state_key("wrike/a"), (Some("wrike"), "a"));
        assert_eq!(split_state_key("a"), (None, "a"));
        // With several, each names its own.
        let two = connector("wrike") + &connector("github");
        let c = resolve(
            &args(&[]),
            &(two.clone()
                + &sub("a", "connector = \"wrike\"\n")
                + &sub("b", "connector = \"github\"\n")),
        )
        .unwrap();
        let keys: Vec<String> = c.subscriptions.iter().map(|s| s.state_key()).collect();
        assert_eq!(keys, ["wrike/a", "github/b"]);
        let e = resolve(&args(&[]), &(two.clone() + &sub("a", ""))).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("connector"));
        assert!(
            e.message.contains("must name its connector"),
            "{}",
            e.message
        );
        let e = resolve(&args(&[]), &(two + &sub("a", "connector = \"jira\"\n"))).unwrap_err();
        assert!(e.message.contains("`jira`"), "{}", e.message);
        let e = resolve(&args(&[]), &sub("a", "connector = \"jira\"\n")).unwrap_err();
        assert!(e.message.contains("no [[connector]]"), "{}", e.message);
    }
}
