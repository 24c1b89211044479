//! Step three of the egress pipeline, the *transport*: how an admitted, credentialed request
//! is answered. [`Live`] sends it through the runtime's keep-alive pool; [`Recorder`] does the
//! same and writes the exchange, redacted, into a cassette; [`Replayer`] answers from a
//! cassette and never opens a socket. The gate applies the response caps to whatever a
//! transport returns (step four), so a transport only moves bytes.

use super::body::{check_response_head, collect_capped, full_body, replayed_response, send};
use super::{IoFuture, Origin, ViolationLog};
use crate::cassette::{BodyMatch, Cassette, Exchange, Redactor, Tape};
use crate::pool::{ConnectionPool, PoolKey};
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// A response and the future that drives its connection, or the `wasi:http` error the guest
/// sees.
pub type Sent = Result<(http::Response<WasiBody>, IoFuture), HttpError>;

/// What [`Transport::send`] returns.
pub type SendFuture = Pin<Box<dyn Future<Output = Sent> + Send>>;

/// One request the gate admitted and credentialed, with what a transport needs to send it.
pub struct Outbound {
    /// The request, its URI canonical and its credential applied.
    pub request: http::Request<WasiBody>,
    /// The allow-listed origin it goes to.
    pub origin: Origin,
    /// The guest's timeouts, capped by the call's limits.
    pub options: RequestOptions,
    /// Where a transport records what it refuses (a body too large to record, a request the
    /// cassette does not hold), so the call fails even if the guest swallows the error.
    pub violations: ViolationLog,
    /// The cap on a response body, and on a request body a transport buffers.
    pub body_cap: u64,
    /// The cap on a response head.
    pub header_cap: u64,
}

/// How admitted requests are answered (see the module documentation).
pub trait Transport: Send + Sync {
    /// Sends `out` and returns its response, uncapped (the gate caps it).
    fn send(&self, out: Outbound) -> SendFuture;
}

/// The transport for one call's store: live, or recording into / replaying from `tape`'s
/// cassette with `redactor` keeping every credential out of what is written or matched.
pub fn for_call(live: Live, tape: Option<Tape>, redactor: Redactor) -> Arc<dyn Transport> {
    match tape {
        None => Arc::new(live),
        Some(Tape::Record(cassette)) => Arc::new(Recorder {
            live,
            cassette,
            redactor: Arc::new(redactor),
        }),
        Some(Tape::Replay(cassette, mode)) => Arc::new(Replayer {
            cassette,
            mode,
            redactor: Arc::new(redactor),
        }),
    }
}

/// Sends through the runtime's connection pool, which checks each new connection's resolved
/// addresses against the private ranges (unless allowed) and reuses idle ones.
#[derive(Clone)]
pub struct Live {
    pool: Arc<ConnectionPool>,
    allow_private_addresses: bool,
}

impl Live {
    /// Sends through `pool`; `allow_private_addresses` as the connection's policy says.
    pub fn new(pool: Arc<ConnectionPool>, allow_private_addresses: bool) -> Live {
        Live {
            pool,
            allow_private_addresses,
        }
    }
}

impl Transport for Live {
    fn send(&self, out: Outbound) -> SendFuture {
        let live = self.clone();
        Box::pin(async move {
            let key = PoolKey {
                origin: out.origin.clone(),
                allow_private_addresses: live.allow_private_addresses,
            };
            let (response, io) = send(
                &live.pool,
                key,
                out.request,
                out.options,
                &out.origin,
                &out.violations,
            )
            .await?;
            Ok((response.map(|b| b.boxed_unsync()), Box::new(io) as IoFuture))
        })
    }
}

/// Sends live and writes each exchange, redacted, into a cassette.
pub struct Recorder {
    live: Live,
    cassette: Cassette,
    redactor: Arc<Redactor>,
}

impl Transport for Recorder {
    fn send(&self, out: Outbound) -> SendFuture {
        let live = self.live.clone();
        let cassette = self.cassette.clone();
        let redactor = self.redactor.clone();
        Box::pin(async move {
            let (origin, violations) = (out.origin.clone(), out.violations.clone());
            let (body_cap, header_cap) = (out.body_cap, out.header_cap);
            let (request, sent) =
                buffered(out.request, &redactor, body_cap, &origin, &violations).await?;
            let (response, io) = live.send(Outbound { request, ..out }).await?;
            // Drive the connection while the whole body is read and recorded.
            let io = tokio::spawn(Box::into_pin(io));
            check_response_head(&response, &origin, &violations, header_cap, body_cap)?;
            let (parts, body) = response.into_parts();
            let bytes = collect_capped(body, body_cap, &origin, &violations, false).await?;
            cassette.record(Exchange {
                request: sent,
                response: redactor.response(&parts, &bytes),
            });
            let io: IoFuture =
                Box::new(async move { io.await.unwrap_or(Err(HttpError::InternalError(None))) });
            Ok((http::Response::from_parts(parts, full_body(bytes)), io))
        })
    }
}

/// Answers from a cassette; never opens a socket.
pub struct Replayer {
    cassette: Cassette,
    mode: BodyMatch,
    redactor: Arc<Redactor>,
}

impl Transport for Replayer {
    fn send(&self, out: Outbound) -> SendFuture {
        let cassette = self.cassette.clone();
        let redactor = self.redactor.clone();
        let mode = self.mode;
        Box::pin(async move {
            let (request, sent) = buffered(
                out.request,
                &redactor,
                out.body_cap,
                &out.origin,
                &out.violations,
            )
            .await?;
            drop(request);
            let exchange = cassette.take(&sent, mode).map_err(|e| {
                out.violations.record(e);
                HttpError::HttpRequestDenied
            })?;
            let io: IoFuture = Box::new(async { Ok(()) });
            Ok((replayed_response(&exchange.response)?, io))
        })
    }
}

/// `request` with its body buffered (under the body cap), and its recorded form: redacted,
/// without the credential headers.
async fn buffered(
    request: http::Request<WasiBody>,
    redactor: &Redactor,
    cap: u64,
    origin: &Origin,
    violations: &ViolationLog,
) -> Result<(http::Request<WasiBody>, crate::cassette::RecordedRequest), HttpError> {
    let (parts, body) = request.into_parts();
    let bytes = collect_capped(body, cap, origin, violations, true).await?;
    let recorded = redactor.request(&parts, &bytes);
    Ok((http::Request::from_parts(parts, full_body(bytes)), recorded))
}
