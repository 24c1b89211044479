//! Two jobs before the end-to-end tests compile:
//!
//! 1. Builds the components the tests run (the Wrike and GitHub Issues connectors, the
//!    hostile guest and the hostile descriptor, profile `component`, `wasm32-wasip2`), so a plain `cargo test` works after a fresh
//!    clone. A build script cannot run cargo on the target directory the outer cargo holds
//!    locked, so the components are built in `target/components/` and copied to
//!    `target/wasm32-wasip2/component/`, where `make build` puts them and the host looks for
//!    them. When the `wasm32-wasip2` target is not installed it says so and leaves the
//!    components to `make build`.
//! 2. Generates `foreach_scenario!` from the hostile guest's scenario lists
//!    (`tests/guest-programs/src/scenarios/mod.rs`, `NAMES` and `TRIGGERS`), so the sandbox
//!    tests can require a test for every scenario: a scenario added without one does not
//!    compile.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The guest crates whose components the tests use, and their file names.
const COMPONENTS: &[(&str, &str)] = &[
    ("wrike-connector", "wrike_connector.wasm"),
    ("github-issues-connector", "github_issues_connector.wasm"),
    ("hostile-guests", "hostile_guests.wasm"),
    ("hostile-descriptor", "hostile_descriptor.wasm"),
];

fn main() {
    build_components();
    generate_foreach_scenario();
}

/// The workspace's target directory, as the tests find it (`e2e_tests::target_dir`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

fn build_components() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for dir in ["plugin", "sdk", "connectors", "tests/guest-programs", "wit"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = target_dir();
    // A component deleted (say by `cargo clean -p …`) is built again too.
    for (_, file) in COMPONENTS {
        let placed = target.join("wasm32-wasip2/component").join(file);
        println!("cargo:rerun-if-changed={}", placed.display());
    }
    let build_dir = target.join("components");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--profile",
            "component",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
        ])
        .arg(&build_dir)
        // The outer build's flags are for the host, not for wasm.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET");
    for (package, _) in COMPONENTS {
        cmd.args(["-p", package]);
    }
    let status = match cmd.status() {
        Ok(status) => status,
        Err(e) => {
            println!("cargo:warning=cannot run {cargo} to build the test components ({e}); run `make build`");
            return;
        }
    };
    if !status.success() {
        // Most often the wasm32-wasip2 target is missing; the tests then ask for `make build`.
        println!(
            "cargo:warning=building the test components failed ({status}); `rustup target add wasm32-wasip2`, then `make build`"
        );
        return;
    }
    let from = build_dir.join("wasm32-wasip2/component");
    let to = target.join("wasm32-wasip2/component");
    std::fs::create_dir_all(&to).expect("the components' directory");
    for (_, file) in COMPONENTS {
        let built = std::fs::read(from.join(file)).expect("a component cargo just built");
        // Same bytes as `make build` makes; written only when they differ, so a running test
        // or the compile cache never sees the file change for nothing.
        if std::fs::read(to.join(file)).ok().as_deref() != Some(&built[..]) {
            let tmp = to.join(format!(".{file}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, &built).expect("write a component");
            std::fs::rename(&tmp, to.join(file)).expect("move a component into place");
        }
    }
}

fn generate_foreach_scenario() {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-programs/src/scenarios/mod.rs");
    println!("cargo:rerun-if-changed={}", list.display());
    let text = std::fs::read_to_string(&list).expect("the hostile guest's scenario list");
    // The action scenarios (`NAMES`) and the trigger scenarios (`TRIGGERS`).
    let mut names: Vec<&str> = Vec::new();
    for list_name in ["NAMES", "TRIGGERS"] {
        let start = text
            .find(&format!("pub const {list_name}: &[&str] = &["))
            .unwrap_or_else(|| panic!("`pub const {list_name}` in scenarios/mod.rs"));
        let body = &text[start..];
        let body = &body[..body.find("];").expect("the end of the list")];
        names.extend(body.split('"').skip(1).step_by(2).filter(|n| !n.is_empty()));
    }
    assert!(
        !names.is_empty(),
        "no scenario names found in {}",
        list.display()
    );
    let calls: String = names
        .iter()
        .map(|n| format!("        $mac!({n});\n"))
        .collect();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("scenarios.rs");
    std::fs::write(
        out,
        format!(
            "/// Calls `$mac!(name)` for every hostile guest scenario.\n\
             #[macro_export]\nmacro_rules! foreach_scenario {{\n    ($mac:ident) => {{\n{calls}    }};\n}}\n"
        ),
    )
    .unwrap();
}
