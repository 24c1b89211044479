//! The egress gate: the `wasi:http` send hook every guest request passes through.
//!
//! It decides *whether* a request may leave (scheme, host and port on the allow-list; no host
//! name resolving to a private address unless allowed), *with which credential* (it drops any
//! `Authorization` header the guest set and adds `Authorization: Bearer <token>` itself, so the
//! guest never holds the token) and *for how long* (timeouts capped, response body and headers
//! capped). A denial is recorded as a [`HostError`] so the call fails with a sandbox violation
//! even when a hostile guest swallows the error it was given.

use crate::cassette::{Exchange, Redactor, Tape};
use crate::config::Limits;
use crate::credentials::Secret;
use crate::error::{HostError, SandboxRule};
use http::header::{HeaderValue, AUTHORIZATION, HOST, PROXY_AUTHORIZATION};
use http_body_util::BodyExt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

mod body;
pub mod origin;
use body::{
    check_response_head, collect_capped, full_body, replayed_response, send, CappedBody, IoFuture,
};
use origin::normalize_host;
pub use origin::{is_private_address, Origin, ViolationLog};

/// The egress rules for one connection.
#[derive(Debug, Clone)]
pub struct EgressPolicy {
    /// Origins requests may go to; everything else is denied.
    pub allowed: Vec<Origin>,
    /// The path every request's path must start with: the API base's path with a trailing
    /// `/` (`/api/v4/`), or `/` when the base has none.
    pub path_prefix: String,
    /// Let host names resolve to loopback/private/link-local/metadata addresses.
    pub allow_private_addresses: bool,
    /// Let only `GET` and `HEAD` requests out (`connector-host mcp --read-only`).
    pub read_only: bool,
}

impl EgressPolicy {
    /// A policy allowing exactly the origin of `base_url`, and paths under its path.
    pub fn for_base_url(base_url: &Url, allow_private_addresses: bool) -> EgressPolicy {
        let mut path_prefix = base_url.path().to_string();
        if !path_prefix.ends_with('/') {
            path_prefix.push('/');
        }
        EgressPolicy {
            allowed: Origin::of(base_url).into_iter().collect(),
            path_prefix,
            allow_private_addresses,
            read_only: false,
        }
    }

    /// Checks the method when the policy is read-only: only `GET` and `HEAD` pass.
    pub fn check_method(&self, method: &http::Method) -> Result<(), HostError> {
        if !self.read_only || method == http::Method::GET || method == http::Method::HEAD {
            return Ok(());
        }
        Err(HostError::sandbox(
            SandboxRule::EgressDenied,
            format!("a {method} request denied: this connection is read-only"),
        )
        .with_hint("only GET and HEAD requests may leave under --read-only"))
    }

    /// Checks the path of `uri`: under [`EgressPolicy::path_prefix`], with no dot segment
    /// (`.`, `..`, or either percent-encoded) and no percent-encoded `/` or `\` that a server
    /// might decode into another path. `Err` names the path and the rule.
    pub fn check_path(&self, uri: &http::Uri) -> Result<(), HostError> {
        let path = uri.path();
        let deny = |why: &str| {
            Err(HostError::sandbox(
                SandboxRule::PathDenied,
                format!("request to path `{path}` denied: {why}"),
            )
            .with_hint(format!(
                "the plugin may reach only paths under the API base's path `{}`",
                self.path_prefix
            )))
        };
        for segment in path.split('/') {
            let lower = segment.to_ascii_lowercase();
            if lower.contains("%2f") || lower.contains("%5c") || segment.contains('\\') {
                return deny("it has an encoded `/` or a `\\` in a segment");
            }
            let decoded = lower.replace("%2e", ".");
            if decoded == "." || decoded == ".." {
                return deny("it has a dot segment");
            }
        }
        if !path.starts_with(&self.path_prefix) {
            return deny(&format!("it is not under `{}`", self.path_prefix));
        }
        Ok(())
    }

    /// Checks `uri` against the allow-list; `Err` names the rule that fired and how to allow it.
    pub fn check_origin(&self, uri: &http::Uri) -> Result<Origin, HostError> {
        let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
        let host = uri.host().map(normalize_host).unwrap_or_default();
        let port = uri.port_u16().or(match scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
        let requested = Origin {
            scheme,
            host,
            port: port.unwrap_or(0),
        };
        if self.allowed.contains(&requested) {
            return Ok(requested);
        }
        let allowed = self
            .allowed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Err(HostError::sandbox(
            SandboxRule::EgressDenied,
            format!("request to {requested} denied: the allow-list holds only [{allowed}]"),
        )
        .with_hint(
            "the plugin may reach only the connection's API base; change it with --base-url",
        ))
    }
}

/// The per-call `wasi:http` hooks: policy, credential, limits, the violation log, and the
/// cassette it records into or replays from, if any.
pub struct EgressGate {
    policy: Arc<EgressPolicy>,
    token: Option<Secret>,
    limits: Limits,
    violations: ViolationLog,
    pool: Arc<crate::pool::ConnectionPool>,
    tape: Option<(Tape, Arc<Redactor>)>,
}

impl EgressGate {
    /// Sets the token added to allowed requests (a reused instance gets each call's token at
    /// its start, and none between calls).
    pub(crate) fn set_token(&mut self, token: Option<Secret>) {
        self.token = token;
    }

    /// A gate enforcing `policy` and `limits`, adding `token` to allowed requests.
    pub fn new(
        policy: Arc<EgressPolicy>,
        token: Option<Secret>,
        limits: Limits,
        violations: ViolationLog,
    ) -> Self {
        EgressGate {
            policy,
            token,
            limits,
            violations,
            pool: crate::pool::ConnectionPool::new(Default::default()),
            tape: None,
        }
    }

    /// Sends allowed requests through `pool` (the runtime's), so calls share connections.
    pub fn with_pool(mut self, pool: Arc<crate::pool::ConnectionPool>) -> Self {
        self.pool = pool;
        self
    }

    /// Records every exchange into, or answers every request from, `tape`'s cassette;
    /// `redactor` removes the token and secrets from what is recorded or matched.
    pub fn with_tape(mut self, tape: Tape, redactor: Redactor) -> Self {
        self.tape = Some((tape, Arc::new(redactor)));
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
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), HttpError>> + Send>,
                ),
                HttpError,
            >,
        > + Send,
>;

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

    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        drop(fut);
        let origin = match self.policy.check_origin(request.uri()) {
            Ok(origin) => origin,
            Err(denied) => {
                tracing::warn!(target: "connector_host::egress", "{}", denied.message);
                self.violations.record(denied);
                return Box::new(async { Err(HttpError::HttpRequestDenied) });
            }
        };

        if let Err(denied) = self
            .policy
            .check_path(request.uri())
            .and_then(|()| self.policy.check_method(request.method()))
        {
            tracing::warn!(target: "connector_host::egress", "{}", denied.message);
            self.violations.record(denied);
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        }
        // Send to the origin as the allow-list spells it: a trailing-dot or upper-case host,
        // or user info in the authority, never reaches the resolver or the server.
        match canonical_uri(&origin, request.uri()) {
            Some(uri) => *request.uri_mut() = uri,
            None => {
                self.violations.record(HostError::sandbox(
                    SandboxRule::EgressDenied,
                    format!("request to {origin} denied: its URI cannot be rebuilt"),
                ));
                return Box::new(async { Err(HttpError::HttpRequestUriInvalid) });
            }
        }

        // The credential is the host's: whatever the guest put there is dropped. It is added
        // below, after the request is recorded, so a recording never sees it.
        let headers = request.headers_mut();
        headers.remove(AUTHORIZATION);
        headers.remove(PROXY_AUTHORIZATION);
        let mut credential = None;
        if let Some(token) = &self.token {
            match HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    credential = Some(value);
                }
                Err(_) => {
                    let e = HostError::new(
                        crate::error::ErrorKind::Unauthorized,
                        "the access token contains characters not allowed in an HTTP header",
                    );
                    self.violations.record(e);
                    return Box::new(async { Err(HttpError::HttpRequestDenied) });
                }
            }
        }
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(&authority) {
            request.headers_mut().insert(HOST, value);
        }

        let options = self.capped_options(options);
        let policy = self.policy.clone();
        let violations = self.violations.clone();
        let body_cap = self.limits.response_body_bytes;
        let header_cap = self.limits.response_header_bytes;
        let pool = self.pool.clone();
        let tape = self.tape.clone();
        Box::new(async move {
            // With a cassette, the request body is buffered (under the same cap as a response
            // body) so that it can be recorded or matched.
            let (mut request, recorded) = match &tape {
                None => (request, None),
                Some((_, redactor)) => {
                    let (parts, body) = request.into_parts();
                    let bytes = collect_capped(body, body_cap, &origin, &violations, true).await?;
                    let recorded = redactor.request(&parts, &bytes);
                    (
                        http::Request::from_parts(parts, full_body(bytes)),
                        Some(recorded),
                    )
                }
            };
            if let Some(value) = credential {
                request.headers_mut().insert(AUTHORIZATION, value);
            }
            let (response, io): (http::Response<WasiBody>, IoFuture) = match (&tape, recorded) {
                (Some((Tape::Replay(cassette, mode), _)), Some(sent)) => {
                    // Never a socket: the answer comes from the cassette or not at all.
                    drop(request);
                    let exchange = cassette.take(&sent, *mode).map_err(|e| {
                        violations.record(e);
                        HttpError::HttpRequestDenied
                    })?;
                    (
                        replayed_response(&exchange.response)?,
                        Box::new(async { Ok(()) }),
                    )
                }
                (_, recorded) => {
                    // The pool runs the DNS-rebinding check on each new connection it opens.
                    let key = crate::pool::PoolKey {
                        origin: origin.clone(),
                        allow_private_addresses: policy.allow_private_addresses,
                    };
                    let (response, io) =
                        send(&pool, key, request, options, &origin, &violations).await?;
                    let response = response.map(|b| b.boxed_unsync());
                    match (&tape, recorded) {
                        (Some((Tape::Record(cassette), redactor)), Some(sent)) => {
                            // Drive the connection while the whole body is read and recorded.
                            let io = tokio::spawn(io);
                            check_response_head(
                                &response,
                                &origin,
                                &violations,
                                header_cap,
                                body_cap,
                            )?;
                            let (parts, body) = response.into_parts();
                            let bytes =
                                collect_capped(body, body_cap, &origin, &violations, false).await?;
                            cassette.record(Exchange {
                                request: sent,
                                response: redactor.response(&parts, &bytes),
                            });
                            let io: IoFuture = Box::new(async move {
                                io.await.unwrap_or(Err(HttpError::InternalError(None)))
                            });
                            (http::Response::from_parts(parts, full_body(bytes)), io)
                        }
                        _ => (response, Box::new(io) as IoFuture),
                    }
                }
            };
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
        })
    }
}

/// `uri` with its scheme and authority replaced by `origin`'s canonical form (the port only
/// where it is not the scheme's default).
fn canonical_uri(origin: &Origin, uri: &http::Uri) -> Option<http::Uri> {
    let host = if origin.host.contains(':') {
        format!("[{}]", origin.host)
    } else {
        origin.host.clone()
    };
    let default_port = match origin.scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    let authority = if origin.port == default_port {
        host
    } else {
        format!("{host}:{}", origin.port)
    };
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    http::Uri::builder()
        .scheme(origin.scheme.as_str())
        .authority(authority)
        .path_and_query(path)
        .build()
        .ok()
}

#[cfg(test)]
mod tests;
