//! Response handling of the egress gate: sending, the head and body caps, and whole bodies
//! for recording and replaying.

use super::{Origin, ViolationLog};
use crate::error::{HostError, SandboxRule};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// The future that drives a response's connection until its body is read.
pub type IoFuture = Box<dyn Future<Output = Result<(), HttpError>> + Send>;

/// Sends `request` over the network, recording a response head too large for the HTTP layer.
pub(super) async fn send(
    pool: &std::sync::Arc<crate::pool::ConnectionPool>,
    key: crate::pool::PoolKey,
    request: http::Request<WasiBody>,
    options: RequestOptions,
    origin: &Origin,
    violations: &ViolationLog,
) -> Result<
    (
        http::Response<impl Body<Data = Bytes, Error = HttpError> + Send + 'static>,
        impl Future<Output = Result<(), HttpError>> + Send + 'static,
    ),
    HttpError,
> {
    match pool.send(key, request, options, violations).await {
        Ok(sent) => Ok(sent),
        // The HTTP layer refuses a head larger than it buffers before we see it:
        // record it, so a guest that swallows the error cannot hide it.
        Err(HttpError::Hyper(e)) if e.is_parse_too_large() => {
            violations.record(
                HostError::sandbox(
                    SandboxRule::ResponseHeadersTooLarge,
                    format!("the response head from {origin} is larger than the HTTP layer accepts ({e})"),
                )
                .with_hint("the server sent far more header bytes than any API needs"),
            );
            Err(HttpError::HttpResponseHeaderSectionSize(None))
        }
        Err(e) => Err(e),
    }
}

/// The header cap and, when the length is declared, the body cap, checked before any body
/// byte is read.
pub(super) fn check_response_head<B>(
    response: &http::Response<B>,
    origin: &Origin,
    violations: &ViolationLog,
    header_cap: u64,
    body_cap: u64,
) -> Result<(), HttpError> {
    let header_bytes: usize = response
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes as u64 > header_cap {
        violations.record(
            HostError::sandbox(
                SandboxRule::ResponseHeadersTooLarge,
                format!("response headers from {origin} are {header_bytes} bytes, over the {header_cap}-byte cap"),
            )
            .with_hint("raise the limit with --max-response-header-bytes"),
        );
        return Err(HttpError::HttpResponseHeaderSectionSize(Some(
            header_cap.min(u32::MAX as u64) as u32,
        )));
    }
    if let Some(len) = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > body_cap {
            violations.record(too_large(origin, body_cap));
            return Err(HttpError::HttpResponseBodySize(Some(len)));
        }
    }
    Ok(())
}

/// Reads a whole body, failing (with the violation recorded) past `cap` bytes.
pub(super) async fn collect_capped(
    mut body: WasiBody,
    cap: u64,
    origin: &Origin,
    violations: &ViolationLog,
    outgoing: bool,
) -> Result<Bytes, HttpError> {
    let mut buf = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            buf.extend_from_slice(&data);
            if buf.len() as u64 > cap {
                if outgoing {
                    violations.record(
                        HostError::sandbox(
                            SandboxRule::ResourceLimit,
                            format!("a request body to {origin} exceeded the {cap}-byte cap while recording or replaying"),
                        )
                        .with_hint("raise the limit with --max-response-bytes"),
                    );
                    return Err(HttpError::HttpRequestBodySize(Some(buf.len() as u64)));
                }
                violations.record(too_large(origin, cap));
                return Err(HttpError::HttpResponseBodySize(Some(buf.len() as u64)));
            }
        }
    }
    Ok(buf.freeze())
}

pub(super) fn full_body(bytes: Bytes) -> WasiBody {
    http_body_util::Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// The response a cassette recorded, as the guest will read it.
pub(super) fn replayed_response(
    recorded: &crate::cassette::RecordedResponse,
) -> Result<http::Response<WasiBody>, HttpError> {
    let mut builder = http::Response::builder().status(recorded.status);
    for (name, value) in &recorded.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(full_body(Bytes::from(recorded.body.bytes())))
        .map_err(|e| {
            HttpError::InternalError(Some(format!(
                "the cassette's response is not valid HTTP: {e}"
            )))
        })
}

pub(super) fn too_large(origin: &Origin, cap: u64) -> HostError {
    HostError::sandbox(
        SandboxRule::ResponseTooLarge,
        format!("a response body from {origin} exceeded the {cap}-byte cap"),
    )
    .with_hint("raise the limit with --max-response-bytes")
}

/// A response body that fails once more than `cap` bytes have been read.
pub(super) struct CappedBody {
    pub(super) inner: WasiBody,
    pub(super) seen: u64,
    pub(super) cap: u64,
    pub(super) origin: Origin,
    pub(super) violations: ViolationLog,
}

impl Body for CappedBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.seen += data.len() as u64;
                    if this.seen > this.cap {
                        this.violations.record(too_large(&this.origin, this.cap));
                        return Poll::Ready(Some(Err(HttpError::HttpResponseBodySize(Some(
                            this.seen,
                        )))));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
