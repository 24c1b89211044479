//! The CLI's help and version output. (Also makes `cargo test` build the `connector-host`
//! binary with the test profile's features, which the end-to-end tests run.)

use std::process::Command;

fn host() -> Command {
    Command::new(env!("CARGO_BIN_EXE_connector-host"))
}

#[test]
fn help_lists_every_command_and_exits_0() {
    let out = host().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // Each subcommand has its own line in the `Commands:` section: two spaces, the name, then
    // its description — a name that merely appears elsewhere in the text does not count.
    let section: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let listed: Vec<&str> = section
        .iter()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for cmd in [
        "describe",
        "call",
        "poll",
        "test",
        "serve",
        "connect",
        "connections",
        "mcp",
        "push",
        "pick",
    ] {
        let line = section.iter().find(|l| {
            l.strip_prefix("  ")
                .and_then(|l| l.split_whitespace().next())
                == Some(cmd)
        });
        let line = line.unwrap_or_else(|| panic!("no line for `{cmd}` under Commands:\n{text}"));
        let description = line.trim_start().strip_prefix(cmd).unwrap_or("").trim();
        assert!(
            !description.is_empty(),
            "`{cmd}` has no description: {line:?}"
        );
    }
    assert_eq!(listed.len(), 11, "ten commands and help: {listed:?}");
    assert!(text.contains("--base-url"), "{text}");
}

#[test]
fn version_names_the_crate_version() {
    let out = host().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_unknown_command_is_one_json_error_with_exit_2() {
    let out = host().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value =
        serde_json::from_slice(&out.stderr).expect("stderr is one JSON object");
    assert_eq!(err["error"]["kind"], "invalid_input");
}
