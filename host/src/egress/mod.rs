//! The egress gate: the `wasi:http` send hook every guest request passes through.
//!
//! Each request goes through one pipeline, one step per module: **admit** ([`policy`]: origin,
//! path, method, canonical URI) → **apply the credential** ([`credential`]) → a
//! **[`Transport`]** ([`transport`]: the live pool, a recording, a replay) → the **caps** on
//! the response head and body ([`body`]). Each request runs in an `egress` tracing span
//! (method, origin, path, status), inside its call's span.
//!
//! It decides *whether* a request may leave (scheme, host and port on the allow-list; no host
//! name resolving to a private address unless allowed), *with which credential* (it drops any
//! `Authorization` header the guest set and adds `Authorization: Bearer <token>` itself, so the
//! guest never holds the token) and *for how long* (timeouts capped, response body and headers
//! capped). A denial is recorded as a [`HostError`] so the call fails with a sandbox violation
//! even when a hostile guest swallows the error it was given.

use crate::config::Limits;
use crate::credentials::Secret;
use crate::error::HostError;
use http_body_util::BodyExt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

mod body;
mod credential;
pub mod origin;
mod policy;
pub mod transport;
pub use body::IoFuture;
use body::{check_response_head, CappedBody};
pub use origin::{is_private_address, Origin, ViolationLog};
pub use policy::EgressPolicy;
use transport::{Live, Outbound, SendFuture, Sent, Transport};

/// The per-call `wasi:http` hooks: the pipeline every guest request passes through.
pub struct EgressGate {
    policy: Arc<EgressPolicy>,
    token: Option<Secret>,
    limits: Limits,
    violations: ViolationLog,
    transport: Arc<dyn Transport>,
}

impl EgressGate {
    /// Sets the token added to allowed requests (a reused instance gets each call's token at
    /// its start, and none between calls).
    pub(crate) fn set_token(&mut self, token: Option<Secret>) {
        self.token = token;
    }

    /// A gate enforcing `policy` and `limits`, adding `token` to allowed requests, sending live
    /// through a pool of its own (see [`EgressGate::with_transport`]).
    pub fn new(
        policy: Arc<EgressPolicy>,
        token: Option<Secret>,
        limits: Limits,
        violations: ViolationLog,
    ) -> Self {
        let live = Live::new(
            crate::pool::ConnectionPool::new(Default::default()),
            policy.allow_private_addresses,
        );
        EgressGate {
            policy,
            token,
            limits,
            violations,
            transport: Arc::new(live),
        }
    }

    /// Answers admitted requests with `transport` (the runtime's pool, a recording, a replay).
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    fn capped_options(&self, options: Option<RequestOptions>) -> RequestOptions {
        let cap = |asked: Option<Duration>, max_ms: u64| {
            let max = Duration::from_millis(max_ms);
            Some(asked.map_or(max, |a| a.min(max)))
        };
        let o = options.unwrap_or_default();
        RequestOptions {
            connect_timeout: cap(o.connect_timeout, self.limits.connect_timeout_ms),
            first_byte_timeout: cap(o.first_byte_timeout, self.limits.first_byte_timeout_ms),
            between_bytes_timeout: cap(
                o.between_bytes_timeout,
                self.limits.between_bytes_timeout_ms,
            ),
        }
    }

    /// Records `denied` and refuses the request with `error`.
    fn deny(&self, denied: HostError, error: HttpError) -> SendFuture {
        tracing::warn!(target: "connector_host::egress", "{}", denied.message);
        self.violations.record(denied);
        Box::pin(async move { Err(error) })
    }
}

/// Size of one chunk of an outgoing request body buffered on the host side.
pub const OUTGOING_BODY_CHUNK_BYTES: usize = 64 * 1024;
/// How many chunks of an outgoing body the host buffers (plus the one being written).
pub const OUTGOING_BODY_BUFFER_CHUNKS: usize = 1;

impl WasiHttpHooks for EgressGate {
    fn p2_outgoing_body_buffer_chunks(&mut self) -> usize {
        OUTGOING_BODY_BUFFER_CHUNKS
    }

    fn p2_outgoing_body_chunk_size(&mut self) -> usize {
        OUTGOING_BODY_CHUNK_BYTES
    }

    /// The pipeline: admit (origin, path, method, canonical URI) → apply the credential →
    /// the transport → the caps on the response; in one `egress` tracing span per request.
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> Box<dyn Future<Output = Sent> + Send> {
        drop(fut);
        let span = tracing::info_span!(
            target: "connector_host::egress",
            "egress",
            method = %request.method(),
            origin = tracing::field::Empty,
            path = %request.uri().path(),
            status = tracing::field::Empty,
        );
        let _entered = span.enter();
        let origin = match self.policy.admit(&mut request) {
            Ok(origin) => origin,
            Err(refusal) => {
                let (denied, error) = *refusal;
                return Box::new(self.deny(denied, error));
            }
        };
        span.record("origin", tracing::field::display(&origin));
        let credential = match self.token.as_ref().map(credential::bearer).transpose() {
            Ok(credential) => credential,
            Err(e) => return Box::new(self.deny(e, HttpError::HttpRequestDenied)),
        };
        credential::apply(&mut request, credential);

        let out = Outbound {
            request,
            origin: origin.clone(),
            options: self.capped_options(options),
            violations: self.violations.clone(),
            body_cap: self.limits.response_body_bytes,
            header_cap: self.limits.response_header_bytes,
        };
        let (violations, body_cap, header_cap) =
            (out.violations.clone(), out.body_cap, out.header_cap);
        let sending = self.transport.send(out);
        drop(_entered);
        let record_span = span.clone();
        Box::new(
            async move {
                let (response, io) = sending.await?;
                record_span.record("status", response.status().as_u16());
                check_response_head(&response, &origin, &violations, header_cap, body_cap)?;
                let response = response.map(|body| {
                    CappedBody {
                        inner: body,
                        seen: 0,
                        cap: body_cap,
                        origin,
                        violations,
                    }
                    .boxed_unsync()
                });
                Ok((response, io))
            }
            .instrument(span),
        )
    }
}

#[cfg(test)]
mod tests;
