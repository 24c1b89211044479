//! A small fake of the GitHub REST API served over real HTTP, for the end-to-end tests of the
//! GitHub Issues connector (`connectors/github-issues`).
//!
//! It answers `GET /user`, `GET /user/repos`, and under `/repos/{owner}/{repo}`: `GET`/`POST
//! issues`, `GET`/`PATCH issues/{number}` and `POST issues/{number}/comments`, with GitHub's
//! JSON shapes, `per_page`/`page` paging and `Link` headers, `state`/`labels`/`since`/`sort`/
//! `direction` filters, `401 Bad credentials` without the test token, `403` without a
//! `User-Agent`, `404 Not Found`, `410` for a repository with issues disabled and `422
//! Validation Failed` naming the field.
//!
//! ```no_run
//! let github = fake_github::FakeGitHub::start().unwrap();
//! // GET {base_url}/user with `Authorization: Bearer test-token` and a User-Agent.
//! let _ = github.base_url();
//! ```

#![warn(missing_docs)]

pub mod routes;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use parking_lot::Mutex;

use crate::store::Store;

/// The only token the fake accepts.
pub const TEST_TOKEN: &str = "test-token";

/// State shared by the handlers and the test.
pub struct Shared {
    /// The data.
    pub store: Mutex<Store>,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// When set, `Link` headers point at this origin instead of the fake's own.
    pub link_origin: Mutex<Option<String>>,
    /// Every request received, as `METHOD /path?query`.
    pub log: Mutex<Vec<String>>,
}

/// A running fake; stops when dropped.
pub struct FakeGitHub {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    routes::handle(&shared, method, &uri, &headers, &body)
}

impl FakeGitHub {
    /// Binds `127.0.0.1:0` and serves on a background thread with its own tokio runtime.
    pub fn start() -> anyhow::Result<FakeGitHub> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Binds `addr` (port 0 picks a free port) and serves in the background.
    pub fn start_on(addr: SocketAddr) -> anyhow::Result<FakeGitHub> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::seeded()),
            origin: format!("http://{local}"),
            link_origin: Mutex::new(None),
            log: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(dispatch)
            .with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
        let thread = std::thread::Builder::new()
            .name(format!("fake-github-{}", local.port()))
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.into()));
                        return;
                    }
                };
                rt.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => {
                            let _ = ready_tx.send(Ok(()));
                            let serve = axum::serve(l, app).with_graceful_shutdown(async {
                                let _ = rx.await;
                            });
                            if let Err(e) = serve.await {
                                eprintln!("fake-github: server error: {e}");
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.into()));
                        }
                    }
                });
            })?;
        ready_rx
            .recv()
            .map_err(|_| anyhow::anyhow!("fake-github server thread died during start-up"))??;
        Ok(FakeGitHub {
            shared,
            addr: local,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, `http://127.0.0.1:PORT` (GitHub's is `https://api.github.com`).
    pub fn base_url(&self) -> String {
        self.shared.origin.clone()
    }

    /// Makes every `Link` header point at `origin` (another server) instead of this fake, as a
    /// hostile or broken API might; `None` restores the fake's own origin.
    pub fn set_link_origin(&self, origin: Option<String>) {
        *self.shared.link_origin.lock() = origin;
    }

    /// Every request received so far, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.shared.log.lock().clone()
    }

    /// Runs `f` on the data (e.g. to change an issue behind the connector's back).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.shared.store.lock())
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
