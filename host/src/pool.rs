//! The egress gate's connection pool: keep-alive connections per allowed origin, owned by the
//! [`Runtime`](crate::Runtime) and shared by every call it runs.
//!
//! The gate decides whether a request may leave (allow-list, path, token, caps); this module
//! only decides *which connection* carries it. A request first takes an idle HTTP/1.1
//! connection to the same origin (or shares the origin's HTTP/2 connection, when the server
//! chose `h2` over TLS); only when there is none does it open a new one, and every new
//! connection passes the DNS-rebinding check: the name is resolved once, a private address
//! is refused unless the policy allows it, and the connection is made to exactly the
//! addresses that were checked.
//!
//! Bounds: at most [`PoolSettings::max_idle_per_origin`] idle HTTP/1.1 connections per origin
//! (extra ones are closed when released), each closed after
//! [`PoolSettings::idle_timeout_ms`] unused. Connections in use are bounded by the requests
//! guests have in flight, which the sandbox's resource cap bounds per call. Connections are
//! keyed by origin *and* by whether private addresses were allowed when they were opened, so a
//! connection opened under a laxer policy never serves a stricter one. Credentials travel per
//! request (the gate sets `Authorization` on each), never per connection.

use crate::egress::origin::{is_private_address, Origin, ViolationLog};
use crate::error::{HostError, SandboxRule};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::client::conn::{http1, http2};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// Pool settings: the `[pool]` section of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolSettings {
    /// Most idle HTTP/1.1 connections kept per origin; `0` turns reuse off (a connection per
    /// request, as without a pool). Default 8.
    pub max_idle_per_origin: usize,
    /// An idle connection is closed after this many milliseconds unused. Default 30 000.
    pub idle_timeout_ms: u64,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_idle_per_origin: 8,
            idle_timeout_ms: 30_000,
        }
    }
}

impl PoolSettings {
    fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms.max(1))
    }
}

/// Which connections may serve a request: same origin, same private-address policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// The allowed origin the connection goes to.
    pub origin: Origin,
    /// Whether the name was allowed to resolve to a private address when it was opened.
    pub allow_private_addresses: bool,
}

struct IdleH1 {
    sender: http1::SendRequest<WasiBody>,
    since: Instant,
}

struct SharedH2 {
    sender: http2::SendRequest<WasiBody>,
    last_used: Instant,
}

#[derive(Default)]
struct PoolState {
    idle: HashMap<PoolKey, Vec<IdleH1>>,
    h2: HashMap<PoolKey, SharedH2>,
    /// HTTP/1.1 connections whose response is still being read, per origin: they come back
    /// to `idle` (or close) shortly, so a new request waits briefly for one before connecting.
    releasing: HashMap<PoolKey, usize>,
    reaper_running: bool,
}

/// Keep-alive connections per allowed origin, with one TLS configuration (and so one TLS
/// session cache) for all of them.
pub struct ConnectionPool {
    settings: PoolSettings,
    tls: OnceLock<Arc<rustls::ClientConfig>>,
    state: Mutex<PoolState>,
    /// Woken whenever a releasing connection came back or closed.
    released: tokio::sync::Notify,
    opened: AtomicU64,
    reused: AtomicU64,
}

/// How long a request waits for a connection of its origin that is being released (its
/// previous response just read) before it opens a new one: sequential calls reuse one
/// connection even when the release task runs a little after the call returned.
const RELEASE_WAIT: Duration = Duration::from_millis(50);

impl std::fmt::Debug for ConnectionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionPool")
            .field("settings", &self.settings)
            .field("opened", &self.connections_opened())
            .field("reused", &self.requests_reused())
            .finish()
    }
}

/// The response, and the (already finished) I/O future `wasi:http` expects next to it: the
/// connection is driven by its own task, since it outlives the request.
type Sent = (
    http::Response<WasiBody>,
    std::future::Ready<Result<(), HttpError>>,
);

impl ConnectionPool {
    /// An empty pool.
    pub fn new(settings: PoolSettings) -> Arc<ConnectionPool> {
        Arc::new(ConnectionPool {
            settings,
            tls: OnceLock::new(),
            state: Mutex::new(PoolState::default()),
            released: tokio::sync::Notify::new(),
            opened: AtomicU64::new(0),
            reused: AtomicU64::new(0),
        })
    }

    /// The settings this pool runs with.
    pub fn settings(&self) -> &PoolSettings {
        &self.settings
    }

    /// Connections opened so far (TCP connects that succeeded and finished their handshake).
    pub fn connections_opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// Requests sent on a connection that was already open.
    pub fn requests_reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// Idle HTTP/1.1 connections held now, over every origin (expired ones not counted).
    pub fn idle_connections(&self) -> usize {
        let timeout = self.settings.idle_timeout();
        let state = self.lock();
        state
            .idle
            .values()
            .flatten()
            .filter(|c| c.since.elapsed() < timeout && !c.sender.is_closed())
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn tls_config(&self) -> Arc<rustls::ClientConfig> {
        self.tls
            .get_or_init(|| {
                let roots = rustls::RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.into(),
                };
                let mut config = rustls::ClientConfig::builder()
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
                Arc::new(config)
            })
            .clone()
    }

    /// Sends `request` (absolute URI, already checked and rewritten by the gate) on a pooled
    /// connection to `key.origin`, or on a new one. A new connection to a host name is refused
    /// (and the violation recorded in `violations`) when the name resolves to a private address
    /// and `key.allow_private_addresses` is off.
    pub async fn send(
        self: &Arc<Self>,
        key: PoolKey,
        mut request: http::Request<WasiBody>,
        options: RequestOptions,
        violations: &ViolationLog,
    ) -> Result<Sent, HttpError> {
        let long = Duration::from_secs(600);
        let connect_timeout = options.connect_timeout.unwrap_or(long);
        let first_byte_timeout = options.first_byte_timeout.unwrap_or(long);
        let between_bytes_timeout = options
            .between_bytes_timeout
            .unwrap_or(long)
            .max(Duration::from_nanos(1));

        // Reuse: an idle HTTP/1.1 connection, or the origin's shared HTTP/2 connection. A
        // request the connection did not take (it closed meanwhile) comes back and moves on.
        let deadline = tokio::time::Instant::now() + RELEASE_WAIT;
        loop {
            let conn = match self.checkout(&key) {
                Some(conn) => conn,
                None => {
                    // A connection of this origin on its way back: wait for it, briefly.
                    let notified = self.released.notified();
                    if !self.is_releasing(&key)
                        || tokio::time::timeout_at(deadline, notified).await.is_err()
                    {
                        break;
                    }
                    continue;
                }
            };
            let (result, h1) = match conn {
                Checkout::H2(mut sender) => {
                    let r =
                        tokio::time::timeout(first_byte_timeout, sender.try_send_request(request))
                            .await;
                    (r, None)
                }
                Checkout::H1(mut sender) => {
                    origin_form(&mut request);
                    let r =
                        tokio::time::timeout(first_byte_timeout, sender.try_send_request(request))
                            .await;
                    (r, Some(sender))
                }
            };
            match result {
                Err(_) => return Err(HttpError::ConnectionReadTimeout),
                Ok(Ok(response)) => {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    if let Some(sender) = h1 {
                        self.release_when_ready(key, sender);
                    }
                    return Ok(wrap(response, between_bytes_timeout));
                }
                Ok(Err(mut e)) => match e.take_message() {
                    Some(back) => request = back,
                    None => return Err(HttpError::from(e.into_error())),
                },
            }
        }

        let conn = tokio::time::timeout(connect_timeout, self.connect(&key, violations))
            .await
            .map_err(|_| HttpError::ConnectionTimeout)??;
        self.opened.fetch_add(1, Ordering::Relaxed);
        match conn {
            Checkout::H2(mut sender) => {
                {
                    let mut state = self.lock();
                    state.h2.insert(
                        key.clone(),
                        SharedH2 {
                            sender: sender.clone(),
                            last_used: Instant::now(),
                        },
                    );
                    self.ensure_reaper(&mut state);
                }
                let response =
                    tokio::time::timeout(first_byte_timeout, sender.send_request(request))
                        .await
                        .map_err(|_| HttpError::ConnectionReadTimeout)?
                        .map_err(HttpError::from)?;
                Ok(wrap(response, between_bytes_timeout))
            }
            Checkout::H1(mut sender) => {
                origin_form(&mut request);
                let response =
                    tokio::time::timeout(first_byte_timeout, sender.send_request(request))
                        .await
                        .map_err(|_| HttpError::ConnectionReadTimeout)?
                        .map_err(HttpError::from)?;
                self.release_when_ready(key, sender);
                Ok(wrap(response, between_bytes_timeout))
            }
        }
    }

    /// An idle connection for `key`, dropping (and so closing) expired or closed ones.
    fn checkout(&self, key: &PoolKey) -> Option<Checkout> {
        let timeout = self.settings.idle_timeout();
        let mut state = self.lock();
        if let Some(shared) = state.h2.get_mut(key) {
            if !shared.sender.is_closed() && shared.sender.is_ready() {
                shared.last_used = Instant::now();
                return Some(Checkout::H2(shared.sender.clone()));
            }
            state.h2.remove(key);
        }
        let idle = state.idle.get_mut(key)?;
        while let Some(conn) = idle.pop() {
            if conn.since.elapsed() < timeout && !conn.sender.is_closed() && conn.sender.is_ready()
            {
                return Some(Checkout::H1(conn.sender));
            }
        }
        None
    }

    /// Puts `sender` back once its connection can take another request (the response body
    /// was read to its end); a connection that closes instead is simply dropped.
    fn release_when_ready(
        self: &Arc<Self>,
        key: PoolKey,
        mut sender: http1::SendRequest<WasiBody>,
    ) {
        if self.settings.max_idle_per_origin == 0 {
            // Dropping the sender lets the connection close once this response is read.
            return;
        }
        *self.lock().releasing.entry(key.clone()).or_default() += 1;
        let pool = Arc::downgrade(self);
        tokio::spawn(async move {
            let ready = sender.ready().await.is_ok();
            let Some(pool) = pool.upgrade() else {
                return;
            };
            if ready {
                pool.put(key.clone(), sender);
            }
            {
                let mut state = pool.lock();
                if let Some(n) = state.releasing.get_mut(&key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        state.releasing.remove(&key);
                    }
                }
            }
            pool.released.notify_waiters();
        });
    }

    /// Whether a connection of `key` is being released right now.
    fn is_releasing(&self, key: &PoolKey) -> bool {
        self.lock().releasing.get(key).is_some_and(|n| *n > 0)
    }

    fn put(self: &Arc<Self>, key: PoolKey, sender: http1::SendRequest<WasiBody>) {
        let timeout = self.settings.idle_timeout();
        let mut state = self.lock();
        let idle = state.idle.entry(key).or_default();
        idle.retain(|c| c.since.elapsed() < timeout && !c.sender.is_closed());
        if idle.len() >= self.settings.max_idle_per_origin {
            return; // over the bound: `sender` drops here, and its connection closes
        }
        idle.push(IdleH1 {
            sender,
            since: Instant::now(),
        });
        self.ensure_reaper(&mut state);
    }

    /// Starts the task that closes idle connections past their timeout, unless it runs.
    fn ensure_reaper(self: &Arc<Self>, state: &mut PoolState) {
        if state.reaper_running {
            return;
        }
        let pool = Arc::downgrade(self);
        state.reaper_running = true;
        let period = (self.settings.idle_timeout() / 2).max(Duration::from_millis(5));
        tokio::spawn(async move {
            // Clears the flag however the task ends (also when its runtime shuts down).
            struct Running(Weak<ConnectionPool>);
            impl Drop for Running {
                fn drop(&mut self) {
                    if let Some(pool) = self.0.upgrade() {
                        pool.lock().reaper_running = false;
                    }
                }
            }
            let guard = Running(pool);
            loop {
                tokio::time::sleep(period).await;
                let Some(pool) = guard.0.upgrade() else {
                    return;
                };
                if !pool.reap() {
                    return;
                }
            }
        });
    }

    /// Closes expired idle connections; `false` when nothing is left to watch.
    fn reap(&self) -> bool {
        let timeout = self.settings.idle_timeout();
        let mut state = self.lock();
        for idle in state.idle.values_mut() {
            idle.retain(|c| c.since.elapsed() < timeout && !c.sender.is_closed());
        }
        state.idle.retain(|_, v| !v.is_empty());
        state
            .h2
            .retain(|_, c| c.last_used.elapsed() < timeout && !c.sender.is_closed());
        let more = !state.idle.is_empty() || !state.h2.is_empty();
        if !more {
            state.reaper_running = false;
        }
        more
    }

    /// Opens a connection for `key`: resolve, check, connect to the checked addresses, TLS
    /// with ALPN for `https`, then the HTTP handshake; the connection is driven by its own task.
    async fn connect(
        &self,
        key: &PoolKey,
        violations: &ViolationLog,
    ) -> Result<Checkout, HttpError> {
        let origin = &key.origin;
        let addrs: Vec<SocketAddr> = match origin.host.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, origin.port)],
            Err(_) => {
                let addrs: Vec<SocketAddr> =
                    tokio::net::lookup_host((origin.host.as_str(), origin.port))
                        .await
                        .map_err(|_| HttpError::DnsError {
                            rcode: Some("lookup failed".into()),
                            info_code: None,
                        })?
                        .collect();
                if !key.allow_private_addresses {
                    if let Some(bad) = addrs.iter().find(|a| is_private_address(a.ip())) {
                        violations.record(private_address(origin, bad));
                        return Err(HttpError::DestinationIpProhibited);
                    }
                }
                addrs
            }
        };
        let tcp = TcpStream::connect(&addrs[..])
            .await
            .map_err(HttpError::Connect)?;
        let _ = tcp.set_nodelay(true);
        if origin.scheme == "https" {
            let server_name = match origin.host.parse::<std::net::IpAddr>() {
                Ok(ip) => rustls::pki_types::ServerName::from(ip),
                Err(_) => rustls::pki_types::ServerName::try_from(origin.host.clone())
                    .map_err(|_| HttpError::HttpRequestUriInvalid)?,
            };
            let tls = tokio_rustls::TlsConnector::from(self.tls_config())
                .connect(server_name, tcp)
                .await
                .map_err(HttpError::Tls)?;
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
            if h2 {
                let (sender, conn) = http2::Builder::new(TokioExecutor)
                    .handshake(TokioIo::new(tls))
                    .await
                    .map_err(HttpError::from)?;
                tokio::spawn(conn);
                return Ok(Checkout::H2(sender));
            }
            let (sender, conn) = http1::Builder::new()
                .handshake(TokioIo::new(tls))
                .await
                .map_err(HttpError::from)?;
            tokio::spawn(conn);
            Ok(Checkout::H1(sender))
        } else {
            let (sender, conn) = http1::Builder::new()
                .handshake(TokioIo::new(tcp))
                .await
                .map_err(HttpError::from)?;
            tokio::spawn(conn);
            Ok(Checkout::H1(sender))
        }
    }
}

enum Checkout {
    H1(http1::SendRequest<WasiBody>),
    H2(http2::SendRequest<WasiBody>),
}

fn private_address(origin: &Origin, addr: &SocketAddr) -> HostError {
    HostError::sandbox(
        SandboxRule::PrivateAddress,
        format!(
            "request to {origin} denied: the name resolves to the private address {}",
            addr.ip()
        ),
    )
    .with_hint(
        "give the address literally in --base-url, or pass --allow-private-addresses \
         (CONNECTOR_ALLOW_PRIVATE_ADDRESSES=1) if the API really lives there",
    )
}

/// HTTP/1.1 sends the origin form (`/path?query`); the authority travels in `Host`.
fn origin_form(request: &mut http::Request<WasiBody>) {
    let pq = request
        .uri()
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    if let Ok(uri) = http::Uri::builder().path_and_query(pq).build() {
        *request.uri_mut() = uri;
    }
}

fn wrap(response: http::Response<hyper::body::Incoming>, between_bytes: Duration) -> Sent {
    let response = response.map(|incoming| {
        let mut timeout = tokio::time::interval(between_bytes);
        timeout.reset();
        TimedBody { incoming, timeout }.boxed_unsync()
    });
    (response, std::future::ready(Ok(())))
}

/// A response body that fails when no frame arrives within the between-bytes timeout.
struct TimedBody {
    incoming: hyper::body::Incoming,
    timeout: tokio::time::Interval,
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(if e.is_timeout() {
                HttpError::HttpResponseTimeout
            } else {
                HttpError::from(e)
            }))),
            Poll::Ready(Some(Ok(frame))) => {
                self.timeout.reset();
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                ready!(self.timeout.poll_tick(cx));
                Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}

#[derive(Clone, Copy)]
struct TokioExecutor;

impl<F> hyper::rt::Executor<F> for TokioExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        tokio::spawn(fut);
    }
}
