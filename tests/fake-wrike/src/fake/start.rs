//! Starting the fake: binding, seeding, the server thread with its own runtime, and where it
//! listens.

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::server::{self, Control, Shared, TokenInfo};
use crate::store::Store;
use crate::{oauth, seed, FakeWrike, ALL_SCOPES, DEFAULT_RATE_LIMIT, TEST_TOKEN};

impl FakeWrike {
    /// Binds `127.0.0.1:0` and serves on its own background thread with its own tokio runtime.
    pub fn start() -> anyhow::Result<FakeWrike> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Binds `addr` (port 0 picks a free port) and serves in the background.
    pub fn start_on(addr: SocketAddr) -> anyhow::Result<FakeWrike> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        let origin = format!("http://{local}");
        let mut store = Store::empty();
        let seed = seed::seed(&mut store);
        let mut control = Control {
            rate_limit: Some(DEFAULT_RATE_LIMIT),
            ..Default::default()
        };
        control.tokens.insert(
            TEST_TOKEN.to_string(),
            TokenInfo {
                scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
                expires: None,
            },
        );
        control.oauth.clients.insert(
            oauth::DEFAULT_CLIENT_ID.to_string(),
            oauth::DEFAULT_CLIENT_SECRET.to_string(),
        );
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            control: Mutex::new(control),
            origin,
            jobs: std::sync::OnceLock::new(),
            connections: Default::default(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
        let sh = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("fake-wrike-{}", local.port()))
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("fake-wrike-worker")
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
                            let (jtx, jrx) = tokio::sync::mpsc::unbounded_channel();
                            let _ = sh.jobs.set(jtx);
                            tokio::spawn(server::delivery_worker(sh.clone(), jrx));
                            let _ = ready_tx.send(Ok(()));
                            server::serve(l, sh, rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.into()));
                        }
                    }
                });
                rt.shutdown_timeout(std::time::Duration::from_millis(200));
            })?;
        ready_rx
            .recv()
            .map_err(|_| anyhow::anyhow!("fake-wrike server thread died during start-up"))??;
        Ok(FakeWrike {
            shared,
            addr: local,
            seed,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v4`.
    pub fn base_url(&self) -> String {
        format!("{}/api/v4", self.origin())
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.shared.origin.clone()
    }
}
