//! Shared helpers for the end-to-end tests: where the built components and the
//! `connector-host` binary are, a shared compile cache, and ready-made connectors and CLI
//! commands pointed at a [`FakeWrike`].

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

use connector_host::{ConnectionConfig, Connector, Limits, LoadOptions, Runtime};
use fake_wrike::FakeWrike;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

pub use fake_wrike;

pub mod registry;

/// The workspace's cargo target directory (`$CARGO_TARGET_DIR` or `<workspace>/target`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

fn built_component(file: &str, what: &str) -> PathBuf {
    let path = target_dir().join("wasm32-wasip2/component").join(file);
    assert!(
        path.is_file(),
        "the {what} component is missing at {}: the build script builds it when the wasm32-wasip2 target is installed (`rustup target add wasm32-wasip2`), else run `make build`",
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

/// The component whose descriptor is hostile (`tests/guest-programs/descriptor`), which the
/// host must refuse at load.
pub fn hostile_descriptor_component() -> PathBuf {
    built_component("hostile_descriptor.wasm", "hostile descriptor")
}

/// The hostile guest with `count` core instances appended to it, each of a module that defines
/// a memory of `mib` MiB and fills it in its start function: one component whose instances
/// together hold `count × mib` MiB of touched memory. Built once per shape into the target dir.
pub fn many_memories_component(count: u32, mib: u32) -> PathBuf {
    let base = std::fs::read(hostile_component()).expect("hostile guest readable");
    // Keyed by the hostile guest's content too: a rebuilt guest (a new contract version, say)
    // must not meet a component generated from the old one.
    let digest = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        base.hash(&mut h);
        h.finish()
    };
    let path = target_dir()
        .join("e2e-components")
        .join(format!("many-memories-{count}x{mib}-{digest:016x}.wasm"));
    if path.is_file() {
        return path;
    }
    // The new module's index is the number of core modules the component defines already.
    let mut depth = 0usize;
    let mut modules = 0u32;
    for payload in wasmparser::Parser::new(0).parse_all(&base) {
        match payload.expect("the hostile guest parses") {
            wasmparser::Payload::Version { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ModuleSection { .. } if depth == 1 => modules += 1,
            wasmparser::Payload::ComponentAliasSection(aliases) if depth == 1 => {
                for alias in aliases {
                    let kind = match alias.expect("alias parses") {
                        wasmparser::ComponentAlias::InstanceExport { kind, .. } => kind,
                        wasmparser::ComponentAlias::Outer { kind, .. } => match kind {
                            wasmparser::ComponentOuterAliasKind::CoreModule => {
                                modules += 1;
                                continue;
                            }
                            _ => continue,
                        },
                        wasmparser::ComponentAlias::CoreInstanceExport { .. } => continue,
                    };
                    if kind == wasmparser::ComponentExternalKind::Module {
                        modules += 1;
                    }
                }
            }
            _ => {}
        }
    }
    let pages = mib * 16;
    let bytes = mib as u64 * 1024 * 1024 - 1;
    let module = wat::parse_str(format!(
        "(module (memory {pages}) (func $fill (memory.fill (i32.const 0) (i32.const 1) (i32.const {bytes}))) (start $fill))"
    ))
    .expect("the memory module assembles");
    use wasm_encoder::Encode;
    let mut out = base;
    out.push(wasm_encoder::ComponentSectionId::CoreModule as u8);
    module.as_slice().encode(&mut out);
    let mut instances = wasm_encoder::InstanceSection::new();
    for _ in 0..count {
        instances.instantiate(modules, Vec::<(&str, wasm_encoder::ModuleArg)>::new());
    }
    out.push(wasm_encoder::ComponentSectionId::CoreInstance as u8);
    instances.encode(&mut out);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, out).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    path
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
        .or_insert_with(|| own_runtime(component))
        .clone()
}

/// A runtime for `component` of its own (its own instance pool), from the shared compile cache.
pub fn own_runtime(component: &Path) -> Arc<Runtime> {
    Arc::new(
        Runtime::load(
            component,
            &LoadOptions {
                cache_dir: Some(cache_dir()),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", component.display())),
    )
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

/// A CLI run with what it cost: wall time and the process's peak resident memory.
#[derive(Debug)]
pub struct MeasuredRun {
    /// What it printed and how it exited.
    pub run: CliRun,
    /// Wall-clock time from spawn to exit.
    pub elapsed: std::time::Duration,
    /// Peak resident set size of the process, in bytes (`ru_maxrss`).
    pub peak_rss_bytes: u64,
}

impl MeasuredRun {
    /// Peak resident memory in MiB, for messages.
    pub fn peak_mib(&self) -> u64 {
        self.peak_rss_bytes / (1024 * 1024)
    }
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

    /// Runs `cmd` to completion (stdin closed) and measures its wall time and peak memory.
    ///
    /// The command runs under the `peak-rss` helper of this crate, so the figure is the
    /// program's own and not the test process's (see `src/bin/peak-rss.rs`).
    pub fn measured(cmd: &mut Command) -> MeasuredRun {
        let helper = target_dir()
            .join("debug")
            .join(format!("peak-rss{}", std::env::consts::EXE_SUFFIX));
        assert!(
            helper.is_file(),
            "the peak-rss helper is not built at {}: run `cargo test -p e2e-tests`",
            helper.display()
        );
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let report = target_dir()
            .join("e2e-config")
            .join(format!("peak-rss-{}-{n}", std::process::id()));
        std::fs::create_dir_all(report.parent().unwrap()).unwrap();
        let mut wrapped = Command::new(helper);
        wrapped
            .arg(&report)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (key, value) in cmd.get_envs() {
            match value {
                Some(v) => wrapped.env(key, v),
                None => wrapped.env_remove(key),
            };
        }
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        wrapped.stdin(std::process::Stdio::null());
        let start = std::time::Instant::now();
        let run = CliRun::of(&mut wrapped);
        let elapsed = start.elapsed();
        let text = std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("peak-rss wrote no report ({e}): {}", run.stderr));
        let _ = std::fs::remove_file(&report);
        let kib: u64 = text
            .split_whitespace()
            .next()
            .and_then(|k| k.parse().ok())
            .unwrap_or_else(|| panic!("unreadable peak-rss report {text:?}"));
        MeasuredRun {
            run,
            elapsed,
            // Linux reports ru_maxrss in KiB.
            peak_rss_bytes: kib * 1024,
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

/// Waits until `f` returns `Some`, polling every 20 ms; panics naming `what` after 60 s.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < until,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
