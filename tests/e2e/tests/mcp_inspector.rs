//! `connector-host mcp` driven by the reference MCP Inspector (run from npm, CLI mode).
//!
//! Needs Node.js and the npm registry, so it is ignored by `make test`; run it with
//! `make test-mcp-inspector`. The inspector version is pinned in [`INSPECTOR`] (0.15 runs on
//! Node 20; later versions need Node 22).

use e2e_tests::fake_wrike::FakeWrike;
use e2e_tests::{cache_dir, host_binary, wrike_component};
use serde_json::Value;
use std::process::Command;

/// The inspector package run with `npx`.
const INSPECTOR: &str = "@modelcontextprotocol/inspector@0.15.0";

/// Runs the inspector's CLI against `connector-host mcp` with `method_args`; its JSON output.
fn inspect(fake: &FakeWrike, method_args: &[&str]) -> Value {
    let config = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("npx");
    cmd.args(["-y", INSPECTOR, "--cli"]);
    for (key, value) in [
        ("CONNECTOR_BASE_URL", fake.base_url()),
        (
            "CONNECTOR_TOKEN",
            e2e_tests::fake_wrike::TEST_TOKEN.to_string(),
        ),
        ("CONNECTOR_CACHE_DIR", cache_dir().display().to_string()),
        (
            "CONNECTOR_COMPONENT",
            wrike_component().display().to_string(),
        ),
        ("CONNECTOR_CONFIG_DIR", config.path().display().to_string()),
    ] {
        cmd.arg("-e").arg(format!("{key}={value}"));
    }
    cmd.arg(host_binary()).arg("mcp").args(method_args);
    let out = cmd.output().expect("npx runs (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the inspector failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
#[ignore = "needs Node.js and the npm registry: run `make test-mcp-inspector`"]
fn the_reference_inspector_lists_and_calls_tools() {
    let fake = FakeWrike::start().unwrap();
    let tools = inspect(&fake, &["--method", "tools/list"]);
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .expect("a tool list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"search_task") && names.contains(&"create_task"));

    let result = inspect(
        &fake,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "search_task",
            "--tool-arg",
            "pageSize=5",
        ],
    );
    assert_ne!(result["isError"], true, "{result}");
    assert!(result["structuredContent"]["items"].is_array(), "{result}");

    let resources = inspect(&fake, &["--method", "resources/list"]);
    assert!(resources.to_string().contains("picklist://folders"));
}
