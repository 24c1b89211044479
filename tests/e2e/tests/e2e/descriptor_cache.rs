//! The descriptor is cached next to the compiled component, keyed by the component's hash,
//! so a call instantiates the component once, not twice.

use connector_host::{Connector, Limits, LoadOptions, Runtime};
use e2e_tests::{cli, connection, wrike_component, CliRun};
use fake_wrike::{FakeWrike, TEST_TOKEN};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

fn load(dir: &Path) -> Arc<Runtime> {
    Arc::new(
        Runtime::load(
            &wrike_component(),
            &LoadOptions {
                cache_dir: Some(dir.to_path_buf()),
                ..Default::default()
            },
        )
        .unwrap(),
    )
}

fn descriptor_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("-descriptor-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_runtime_reads_the_descriptor_instead_of_instantiating() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let first = load(dir.path());
    assert!(first.cached_descriptor().is_none());
    let c = Connector::new(
        first.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(first.instances_created(), 2, "describe, then the call");
    let files = descriptor_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with(first.sha256()));
    let described = c.describe().await.unwrap();

    // A new connector on the same runtime, and a new runtime (a new process) on the same
    // cache, both skip the describe instance.
    let again = Connector::new(
        first.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    again.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(first.instances_created(), 3);

    let second = load(dir.path());
    let c = Connector::new(
        second.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(second.instances_created(), 1, "only the call itself");
    assert_eq!(*c.describe().await.unwrap(), *described);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unusable_cached_descriptor_is_replaced() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = load(dir.path());
    let c = Connector::new(first, connection(&fake, TEST_TOKEN), Limits::default()).unwrap();
    c.describe().await.unwrap();
    let file = descriptor_files(dir.path()).remove(0);
    std::fs::write(&file, b"{not json").unwrap();

    let second = load(dir.path());
    assert!(second.cached_descriptor().is_none());
    let c = Connector::new(
        second.clone(),
        connection(&fake, TEST_TOKEN),
        Limits::default(),
    )
    .unwrap();
    c.execute("list_users", &json!({})).await.unwrap();
    assert_eq!(second.instances_created(), 2);
    let text = std::fs::read(&file).unwrap();
    serde_json::from_slice::<Value>(&text).expect("rewritten as JSON");
}

#[test]
fn the_cli_prints_the_same_descriptor_cached_or_not() {
    let fake = FakeWrike::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    let fresh = CliRun::of(cli(&fake).args(["--no-cache", "describe"]));
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    let filling = CliRun::of(cli(&fake).args(["--cache-dir", cache, "describe"]));
    assert_eq!(filling.code, 0, "{}", filling.stderr);
    assert_eq!(descriptor_files(dir.path()).len(), 1);
    let cached = CliRun::of(cli(&fake).args(["--cache-dir", cache, "describe"]));
    assert_eq!(cached.code, 0, "{}", cached.stderr);
    assert_eq!(fresh.stdout, filling.stdout);
    assert_eq!(fresh.stdout, cached.stdout);

    let call = CliRun::of(cli(&fake).args(["--cache-dir", cache, "call", "list_users"]));
    assert_eq!(call.code, 0, "{}", call.stderr);
    let bad =
        CliRun::of(cli(&fake).args(["--cache-dir", cache, "call", "create_task", "--input", "{}"]));
    assert_eq!(bad.code, 2, "input is still validated: {}", bad.stderr);
}
