//! Components from an OCI registry, against a real one on loopback (Debian's `docker-registry`,
//! the CNCF distribution server, started per test): `connector-host push` publishes the Wrike
//! component, `--component oci://127.0.0.1:PORT/…@sha256:…` runs it, offline too once pulled;
//! a tag resolves and prints its digest, `--locked` refuses it; a wrong digest, a tampered
//! blob, an unreachable registry and a non-wasm artifact are each a typed error and run
//! nothing.

use e2e_tests::fake_wrike::FakeWrike;
use e2e_tests::registry::{free_port, seed_compile_cache, TempRegistry};
use e2e_tests::{cache_dir, cli, wrike_component, CliRun};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const REPO: &str = "connectors/wrike";

/// `connector-host push` of the Wrike component to `registry` as `REPO:tag`: its JSON answer.
fn push(fake: &FakeWrike, registry: &TempRegistry, tag: &str) -> Value {
    let run = CliRun::of(
        cli(fake)
            .arg("push")
            .arg(wrike_component())
            .arg(format!("oci://{}/{REPO}:{tag}", registry.addr())),
    );
    assert_eq!(run.code, 0, "push failed: {}", run.stderr);
    run.json()
}

/// A CLI command on `component` with its own (seeded) cache directory `cache`.
fn run_on(fake: &FakeWrike, component: &str, cache: &Path) -> Command {
    let mut cmd = cli(fake);
    cmd.env("CONNECTOR_COMPONENT", component)
        .env("CONNECTOR_CACHE_DIR", cache);
    cmd
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_pushed_component_runs_by_digest_and_offline_once_pulled() {
    let Some(mut registry) = TempRegistry::start() else {
        return;
    };
    let fake = FakeWrike::start().unwrap();
    let pushed = push(&fake, &registry, "v1");
    let digest = pushed["digest"].as_str().unwrap().to_string();
    let pinned = format!("oci://{}/{REPO}@{digest}", registry.addr());
    assert_eq!(pushed["pinned"], pinned.as_str());
    let wasm = std::fs::read(wrike_component()).unwrap();
    assert_eq!(
        pushed["component_digest"],
        connector_host::oci::layout::sha256_digest(&wasm).as_str()
    );

    let cache = tempfile::tempdir().unwrap();
    seed_compile_cache(&cache_dir(), cache.path());
    let described = CliRun::of(run_on(&fake, &pinned, cache.path()).arg("describe"));
    assert_eq!(described.code, 0, "{}", described.stderr);
    assert_eq!(described.json()["name"], "wrike");
    assert!(
        described.stderr.is_empty(),
        "a digest reference prints nothing on stderr: {}",
        described.stderr
    );
    // A real call through the pulled component against the fake Wrike.
    let tested = CliRun::of(run_on(&fake, &pinned, cache.path()).arg("test"));
    assert_eq!(tested.code, 0, "{}", tested.stderr);
    assert!(tested.json().is_object());

    registry.stop();
    let offline = CliRun::of(run_on(&fake, &pinned, cache.path()).arg("describe"));
    assert_eq!(
        offline.code, 0,
        "offline from the cache: {}",
        offline.stderr
    );
    assert_eq!(offline.json()["name"], "wrike");
    // A tag always asks the registry, which is gone now.
    let tag = format!("oci://{}/{REPO}:v1", registry.addr());
    let gone = CliRun::of(run_on(&fake, &tag, cache.path()).arg("describe"));
    assert_eq!(gone.code, 6, "{}", gone.stderr);
    assert_eq!(gone.error()["kind"], "transport");
}

#[test]
fn a_tag_resolves_to_its_digest_and_locked_refuses_it() {
    let Some(registry) = TempRegistry::start() else {
        return;
    };
    let fake = FakeWrike::start().unwrap();
    let pushed = push(&fake, &registry, "stable");
    let tag = format!("oci://{}/{REPO}:stable", registry.addr());
    let cache = tempfile::tempdir().unwrap();
    seed_compile_cache(&cache_dir(), cache.path());

    let run = CliRun::of(run_on(&fake, &tag, cache.path()).arg("describe"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["name"], "wrike");
    let notice: Value = serde_json::from_str(run.stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is one JSON line ({e}): {}", run.stderr));
    assert_eq!(notice["resolved"]["component"], tag.as_str());
    assert_eq!(notice["resolved"]["digest"], pushed["digest"]);
    assert_eq!(notice["resolved"]["pinned"], pushed["pinned"]);

    for locked in [
        run_on(&fake, &tag, cache.path())
            .arg("--locked")
            .arg("describe"),
        run_on(&fake, &tag, cache.path())
            .env("CONNECTOR_LOCKED", "true")
            .arg("describe"),
    ] {
        let refused = CliRun::of(locked);
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        let e = refused.error();
        assert_eq!(e["kind"], "invalid_input");
        assert_eq!(e["field"], "component");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("--locked refuses the tag reference"),
            "{e}"
        );
        assert!(refused.stdout.is_empty());
    }
    // A digest passes --locked.
    let pinned = pushed["pinned"].as_str().unwrap();
    let run = CliRun::of(run_on(&fake, pinned, cache.path()).args(["--locked", "describe"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_tampered_blob_is_refused_and_nothing_is_compiled_or_cached() {
    let Some(registry) = TempRegistry::start() else {
        return;
    };
    let fake = FakeWrike::start().unwrap();
    let pushed = push(&fake, &registry, "v1");
    let blob = registry.blob_file(pushed["component_digest"].as_str().unwrap());
    let mut bytes = std::fs::read(&blob).expect("the registry stores the layer");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&blob, &bytes).unwrap();

    let cache = tempfile::tempdir().unwrap();
    let pinned = pushed["pinned"].as_str().unwrap();
    for command in ["describe", "test"] {
        let run = CliRun::of(run_on(&fake, pinned, cache.path()).arg(command));
        assert_eq!(run.code, 10, "{}", run.stderr);
        let e = run.error();
        assert_eq!(e["kind"], "digest_mismatch");
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(pinned), "names the reference: {message}");
        assert!(message.contains("component layer"), "{message}");
        assert!(run.stdout.is_empty());
    }
    assert_eq!(
        files(cache.path()),
        Vec::<std::path::PathBuf>::new(),
        "nothing compiled, nothing cached"
    );
}

#[test]
fn a_wrong_digest_is_not_found_and_names_the_reference() {
    let Some(registry) = TempRegistry::start() else {
        return;
    };
    let fake = FakeWrike::start().unwrap();
    push(&fake, &registry, "v1");
    let wrong = format!(
        "oci://{}/{REPO}@{}",
        registry.addr(),
        connector_host::oci::layout::sha256_digest(b"not this component")
    );
    let cache = tempfile::tempdir().unwrap();
    let run = CliRun::of(run_on(&fake, &wrong, cache.path()).arg("describe"));
    assert_eq!(run.code, 4, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "not_found");
    assert!(e["message"].as_str().unwrap().contains(&wrong), "{e}");
    assert!(files(cache.path()).is_empty());
}

#[test]
fn a_non_wasm_artifact_is_refused() {
    let Some(registry) = TempRegistry::start() else {
        return;
    };
    let fake = FakeWrike::start().unwrap();
    let layer = b"a tarball, not a component".to_vec();
    let config = b"{}".to_vec();
    let layer_digest = registry.upload_blob(REPO, &layer);
    let config_digest = registry.upload_blob(REPO, &config);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer.len()}],
    }))
    .unwrap();
    let digest = registry.put_manifest(
        REPO,
        "image",
        "application/vnd.oci.image.manifest.v1+json",
        &manifest,
    );
    let cache = tempfile::tempdir().unwrap();
    for reference in [
        format!("oci://{}/{REPO}@{digest}", registry.addr()),
        format!("oci://{}/{REPO}:image", registry.addr()),
    ] {
        let run = CliRun::of(run_on(&fake, &reference, cache.path()).arg("describe"));
        assert_eq!(run.code, 2, "{}", run.stderr);
        let e = run.error();
        assert_eq!(e["kind"], "invalid_input");
        assert_eq!(e["field"], "component");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("is not a Wasm component artifact"),
            "{message}"
        );
        assert!(message.contains("tar+gzip"), "{message}");
    }
    assert!(files(cache.path()).is_empty());
}

#[test]
fn an_unreachable_registry_is_a_transport_error() {
    let fake = FakeWrike::start().unwrap();
    let reference = format!(
        "oci://127.0.0.1:{}/{REPO}@{}",
        free_port(),
        connector_host::oci::layout::sha256_digest(b"x")
    );
    let cache = tempfile::tempdir().unwrap();
    let run = CliRun::of(run_on(&fake, &reference, cache.path()).arg("describe"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    let e = run.error();
    assert_eq!(e["kind"], "transport");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("cannot reach the registry 127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains(&reference), "{message}");
}

#[test]
fn bad_references_and_push_targets_are_invalid_input() {
    let fake = FakeWrike::start().unwrap();
    let run =
        CliRun::of(cli(&fake).args(["--component", "oci://127.0.0.1:5000/Wrike:v1", "describe"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "component");
    let digest = connector_host::oci::layout::sha256_digest(b"x");
    let run = CliRun::of(
        cli(&fake)
            .arg("push")
            .arg(wrike_component())
            .arg(format!("oci://127.0.0.1:5000/{REPO}@{digest}")),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error()["field"], "reference");
}
