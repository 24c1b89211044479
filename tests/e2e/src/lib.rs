//! Shared helpers for the end-to-end tests: where the built components and the
//! `connector-host` binary are, a shared compile cache, and ready-made connectors and CLI
//! commands pointed at a [`FakeWrike`].

use connector_host::{ConnectionConfig, Connector, Limits, LoadOptions, Runtime};
use fake_wrike::FakeWrike;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

pub use fake_wrike;

/// The workspace's cargo target directory (`$CARGO_TARGET_DIR` or `<workspace>/target`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

fn built_component(file: &str, what: &str) -> PathBuf {
    let path = target_dir().join("wasm32-wasip2/release").join(file);
    assert!(
        path.is_file(),
        "the {what} component is missing at {}: run `make build` (or `make test`) first",
        path.display()
    );
    path
}

/// The Wrike connector component built by `make build`.
pub fn wrike_component() -> PathBuf {
    built_component("wrike_connector.wasm", "Wrike connector")
}

/// The hostile guest test component built by `make build`.
pub fn hostile_component() -> PathBuf {
    built_component("hostile_guests.wasm", "hostile guest")
}

/// The compile cache shared by the tests and the CLI runs they start.
pub fn cache_dir() -> PathBuf {
    target_dir().join("component-cache")
}

/// A loaded runtime for `component`, shared by every test in the process.
pub fn runtime(component: &Path) -> Arc<Runtime> {
    static RUNTIMES: OnceLock<Mutex<HashMap<PathBuf, Arc<Runtime>>>> = OnceLock::new();
    let mut map = RUNTIMES.get_or_init(Default::default).lock().unwrap();
    map.entry(component.to_path_buf())
        .or_insert_with(|| {
            Arc::new(
                Runtime::load(
                    component,
                    &LoadOptions {
                        cache_dir: Some(cache_dir()),
                    },
                )
                .unwrap_or_else(|e| panic!("cannot load {}: {e}", component.display())),
            )
        })
        .clone()
}

/// A connection to `fake` with `token`.
pub fn connection(fake: &FakeWrike, token: &str) -> ConnectionConfig {
    ConnectionConfig::new(&fake.base_url())
        .unwrap()
        .with_token(token)
}

/// The Wrike connector against `fake`, with the all-scopes test token and default limits.
pub fn wrike(fake: &FakeWrike) -> Connector {
    wrike_with(fake, fake_wrike::TEST_TOKEN, Limits::default())
}

/// The Wrike connector against `fake` with `token` and `limits`.
pub fn wrike_with(fake: &FakeWrike, token: &str, limits: Limits) -> Connector {
    Connector::new(runtime(&wrike_component()), connection(fake, token), limits).unwrap()
}

/// The hostile guest against `fake` with `token` and `limits`.
pub fn hostile(fake: &FakeWrike, token: &str, limits: Limits) -> Connector {
    Connector::new(
        runtime(&hostile_component()),
        connection(fake, token),
        limits,
    )
    .unwrap()
}

/// The `connector-host` binary.
pub fn host_binary() -> PathBuf {
    let path = target_dir()
        .join("debug")
        .join(format!("connector-host{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "connector-host is not built at {}: run `make build` first",
        path.display()
    );
    path
}

/// A `connector-host` command pointed at `fake` with the test token, its compile cache set,
/// and no inherited connector configuration.
pub fn cli(fake: &FakeWrike) -> Command {
    let mut cmd = Command::new(host_binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("CONNECTOR_") {
            cmd.env_remove(key);
        }
    }
    // A fresh, empty credential store per command, so no test reads a developer's real
    // connections (tests of the store set CONNECTOR_CONFIG_DIR again, which wins).
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let config_dir = target_dir()
        .join("e2e-config")
        .join(format!("{}-{n}", std::process::id()));
    cmd.env("CONNECTOR_CONFIG_DIR", config_dir)
        .env("CONNECTOR_BASE_URL", fake.base_url())
        .env("CONNECTOR_TOKEN", fake_wrike::TEST_TOKEN)
        .env("CONNECTOR_CACHE_DIR", cache_dir())
        .env("CONNECTOR_COMPONENT", wrike_component())
        .env_remove("RUST_LOG");
    cmd
}

/// What a CLI run printed, parsed.
#[derive(Debug)]
pub struct CliRun {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl CliRun {
    /// Runs `cmd` to completion.
    pub fn of(cmd: &mut Command) -> CliRun {
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().expect("connector-host runs");
        CliRun {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// Stdout as one JSON value; panics with both streams when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}).\nstdout: {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("line is not JSON ({e}): {l}"))
            })
            .collect()
    }

    /// The `error` object of stderr, checking stderr holds exactly one JSON object.
    pub fn error(&self) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(self.stderr.trim()).unwrap_or_else(|e| {
            panic!(
                "stderr is not exactly one JSON object ({e}).\nstderr: {}\nstdout: {}",
                self.stderr, self.stdout
            )
        });
        v["error"].clone()
    }
}
