//! A throwaway OCI registry for the tests: Debian's `docker-registry` (the CNCF distribution
//! server) serving a temporary directory on a free loopback port, stopped on drop.
//!
//! The binary is `$DOCKER_REGISTRY_BIN`, else `docker-registry` on `PATH`, else
//! `/usr/bin/docker-registry`. Without it a test is skipped with a loud message, except under
//! CI (`CI` set), where it fails: `.ci/run` installs the package.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running registry; killed and its directory removed on drop.
pub struct TempRegistry {
    dir: tempfile::TempDir,
    child: Option<Child>,
    port: u16,
}

fn find_binary() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("DOCKER_REGISTRY_BIN") {
        return Some(PathBuf::from(bin));
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("docker-registry"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let debian = PathBuf::from("/usr/bin/docker-registry");
        debian.is_file().then_some(debian)
    })
}

/// A loopback port nothing listens on (bound once and released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl TempRegistry {
    /// Starts a registry and waits until it answers `GET /v2/`. `None` (after a loud message)
    /// when the binary is missing outside CI; under CI a missing binary panics.
    pub fn start() -> Option<TempRegistry> {
        let Some(bin) = find_binary() else {
            let msg = "docker-registry is not installed: install the Debian package \
                       `docker-registry` (`.ci/run` does) to run the OCI registry tests";
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("\n!!! SKIPPED: {msg} !!!\n");
            return None;
        };
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = free_port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  \
                 delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("storage").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(&bin)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut registry = TempRegistry {
            dir,
            child: Some(child),
            port,
        };
        registry.wait_ready();
        Some(registry)
    }

    fn wait_ready(&mut self) {
        let url = format!("http://{}/v2/", self.addr());
        for _ in 0..200 {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("docker-registry exited ({status}): {}", self.log());
            }
            if reqwest::blocking::get(&url).is_ok_and(|r| r.status().is_success()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("docker-registry did not answer {url}: {}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Where the registry keeps the blob with `digest` (`sha256:<hex>`).
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        self.dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// Stops the registry (the directory stays until drop).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Uploads `bytes` as a blob of `repository` over the distribution API (POST, then PUT
    /// with the digest); returns its digest.
    pub fn upload_blob(&self, repository: &str, bytes: &[u8]) -> String {
        let client = reqwest::blocking::Client::new();
        let digest = connector_host::oci::layout::sha256_digest(bytes);
        let started = client
            .post(format!(
                "http://{}/v2/{repository}/blobs/uploads/",
                self.addr()
            ))
            .send()
            .unwrap();
        assert_eq!(started.status().as_u16(), 202, "blob upload not started");
        let location = started.headers()["location"].to_str().unwrap().to_string();
        let location = if location.starts_with('/') {
            format!("http://{}{location}", self.addr())
        } else {
            location
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        let done = client
            .put(format!("{location}{sep}digest={digest}"))
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .unwrap();
        assert_eq!(done.status().as_u16(), 201, "blob upload not accepted");
        digest
    }

    /// Puts `manifest` (of `media_type`) under `repository:tag`; returns its digest.
    pub fn put_manifest(
        &self,
        repository: &str,
        tag: &str,
        media_type: &str,
        manifest: &[u8],
    ) -> String {
        let res = reqwest::blocking::Client::new()
            .put(format!(
                "http://{}/v2/{repository}/manifests/{tag}",
                self.addr()
            ))
            .header("content-type", media_type)
            .body(manifest.to_vec())
            .send()
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            201,
            "manifest refused: {:?}",
            res.text()
        );
        connector_host::oci::layout::sha256_digest(manifest)
    }
}

impl Drop for TempRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Hard-links (or copies) the compiled components of `from` into `to`, so a test with its own
/// cache directory does not compile the component again.
pub fn seed_compile_cache(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "cwasm") {
            let target = to.join(entry.file_name());
            if std::fs::hard_link(&path, &target).is_err() {
                let _ = std::fs::copy(&path, &target);
            }
        }
    }
}
