//! The contract's snapshot test: the exported world may change only together with the package
//! version.
//!
//! `wit/snapshots/connector-plugin@VERSION.wit` holds the contract as it was released at
//! VERSION. The test compares `wit/connector.wit` with the snapshot of the version it declares,
//! ignoring comments and layout: changing a doc comment needs nothing, while adding, removing or
//! changing a function, type, field or case fails here until the package version is bumped and
//! a snapshot for the new version is added (`docs/CONTRACT.md`, "Versioning").

use std::path::{Path, PathBuf};

fn wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

/// The WIT text without comments, with each run of whitespace made one space.
fn normalized(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The version in the `package connector:plugin@VERSION;` line.
fn package_version(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("package "))
        .expect("wit/connector.wit has a `package` line");
    let (_, version) = line
        .trim_end_matches(';')
        .split_once('@')
        .expect("the package is versioned (`package connector:plugin@X.Y.Z;`)");
    version.to_string()
}

#[test]
fn the_exported_world_changes_only_with_a_version_bump() {
    let current = std::fs::read_to_string(wit_dir().join("connector.wit")).unwrap();
    let version = package_version(&current);
    let snapshot_path = wit_dir().join(format!("snapshots/connector-plugin@{version}.wit"));
    let snapshot = std::fs::read_to_string(&snapshot_path).unwrap_or_else(|_| {
        panic!(
            "no snapshot for contract version {version}: after bumping the version, copy \
             wit/connector.wit to {} (docs/CONTRACT.md, \"Versioning\")",
            snapshot_path.display()
        )
    });
    assert!(
        normalized(&current) == normalized(&snapshot),
        "wit/connector.wit differs from the released contract {version} ({}) in more than \
         comments: bump the package version and add a snapshot for it, or undo the change \
         (docs/CONTRACT.md, \"Versioning\")",
        snapshot_path.display()
    );
}

#[test]
fn normalization_ignores_only_comments_and_layout() {
    let a = "/// doc\ninterface x {\n    f: func(); // trailing\n}\n";
    let b = "interface x { f: func(); }";
    assert_eq!(normalized(a), normalized(b));
    assert_ne!(normalized(a), normalized("interface x { f: func(a: u8); }"));
}

#[test]
fn every_snapshot_names_the_version_it_holds() {
    for entry in std::fs::read_dir(wit_dir().join("snapshots")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            name,
            format!("connector-plugin@{}.wit", package_version(&text)),
            "snapshot file name and package version disagree"
        );
    }
}
