//! `make install`'s script (`scripts/install.sh PREFIX`, what `make install` runs after
//! `make build`) puts `connector-host` and the components into a fresh prefix; the installed
//! binary, run from another directory with no `CONNECTOR_COMPONENT`, finds the Wrike component
//! in `PREFIX/share/connector-host/components/`, and without it names every place it looked.

use e2e_tests::{cache_dir, host_binary, target_dir, CliRun};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `scripts/install.sh PREFIX` on the artifacts the test build left in the target dir;
/// returns the canonical prefix (the binary reports paths from its resolved location).
fn install(prefix: &Path) -> PathBuf {
    // The binary the script copies is the one the rest of the suite runs.
    host_binary();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(prefix)
        .env("TARGET_DIR", target_dir())
        .env_remove("DESTDIR")
        .env_remove("HOST_PROFILE")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "install.sh failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = prefix.canonicalize().unwrap();
    for file in [
        "bin/connector-host",
        "share/connector-host/components/wrike_connector.wasm",
        "share/connector-host/components/github_issues_connector.wasm",
    ] {
        assert!(prefix.join(file).is_file(), "{file} is not installed");
    }
    prefix
}

/// `PREFIX/bin/connector-host describe` from `cwd`, with no connector configuration inherited.
fn describe_installed(prefix: &Path, cwd: &Path) -> CliRun {
    let mut cmd = Command::new(prefix.join("bin/connector-host"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CONNECTOR_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("CONNECTOR_CACHE_DIR", cache_dir())
        .env_remove("RUST_LOG")
        .current_dir(cwd)
        .arg("describe");
    CliRun::of(&mut cmd)
}

#[test]
fn the_installed_binary_finds_the_installed_component_from_any_directory() {
    let prefix_dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let prefix = install(prefix_dir.path());
    let run = describe_installed(&prefix, elsewhere.path());
    assert_eq!(run.code, 0, "describe failed: {}", run.stderr);
    let d: Value = serde_json::from_str(&run.stdout).expect("describe prints JSON");
    assert_eq!(d["name"], "wrike", "{}", run.stdout);
    assert!(
        d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "search_task"),
        "the Wrike actions: {}",
        run.stdout
    );
}

#[test]
fn an_installed_binary_without_its_component_names_every_place_it_looked() {
    let prefix_dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let prefix = install(prefix_dir.path());
    std::fs::remove_file(prefix.join("share/connector-host/components/wrike_connector.wasm"))
        .unwrap();
    let run = describe_installed(&prefix, elsewhere.path());
    assert_eq!(run.code, 2, "invalid_input: {} {}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let e: Value = serde_json::from_str(run.stderr.trim()).expect("a JSON error");
    let e = &e["error"];
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert_eq!(e["field"], "component", "{e}");
    let message = e["message"].as_str().unwrap();
    for place in [
        prefix.join("bin/wrike_connector.wasm"),
        prefix.join("share/connector-host/components/wrike_connector.wasm"),
        prefix.join("wasm32-wasip2/component/wrike_connector.wasm"),
    ] {
        assert!(
            message.contains(&place.display().to_string()),
            "{} is not named: {message}",
            place.display()
        );
    }
    assert!(e["hint"].as_str().unwrap().contains("--component"), "{e}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
