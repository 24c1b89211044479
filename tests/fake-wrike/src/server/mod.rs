//! The HTTP layer: recording, fault injection, auth, rate limiting, parameter parsing, dispatch.
//!
//! This module holds the shared state, the axum handler (recording, fault injection) and the
//! listener; `process` serves one API request (parameters, auth, rate limit, reference check,
//! dispatch) and `delivery` runs the webhook deliveries.

mod delivery;
mod process;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use parking_lot::Mutex;
use serde_json::Value;

use crate::error::ApiError;
use crate::store::Store;
use crate::{Fault, RecordedRequest};

pub use delivery::{delivery_worker, dispatch, Job};

/// Largest request body accepted (attachments).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// A registered access token.
#[derive(Debug, Clone, Default)]
pub struct TokenInfo {
    /// Granted scopes.
    pub scopes: HashSet<String>,
    /// Expiry in fake time (`None`: never, like a permanent token).
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
}

/// Test-controlled state outside the Wrike data.
#[derive(Debug, Default)]
pub struct Control {
    /// Token → scopes and expiry.
    pub tokens: HashMap<String, TokenInfo>,
    /// OAuth clients, codes and refresh tokens.
    pub oauth: crate::oauth::OAuthState,
    /// Pending faults: (fault, remaining count).
    pub faults: VecDeque<(Fault, usize)>,
    /// Every API request, in order.
    pub requests: Vec<RecordedRequest>,
    /// Requests per minute per token (`None`: unlimited).
    pub rate_limit: Option<u32>,
    /// Recent request instants per token.
    pub windows: HashMap<String, VecDeque<Instant>>,
    /// Webhook handshakes and deliveries attempted, in order.
    pub deliveries: Vec<crate::WebhookDelivery>,
    /// Requests that broke Wrike's method reference, in order.
    pub violations: Vec<crate::reference::Violation>,
    /// Print each violation on stderr as it happens (the `fake-wrike` binary).
    pub log_violations: bool,
}

/// Everything the server threads share.
#[derive(Debug)]
pub struct Shared {
    /// The Wrike data.
    pub store: Mutex<Store>,
    /// Test controls.
    pub control: Mutex<Control>,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// Queue of the webhook delivery worker (set once the runtime runs).
    pub jobs: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<Job>>,
    /// TCP connections accepted so far (to see whether clients reuse connections).
    pub connections: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn take_fault(&self) -> Option<Fault> {
        let mut c = self.control.lock();
        let (fault, left) = c.faults.front_mut()?;
        let f = fault.clone();
        *left -= 1;
        if *left == 0 {
            c.faults.pop_front();
        }
        Some(f)
    }

    /// Counts a request against the token's per-minute budget; `Err(retry_after_secs)` if over.
    fn rate_check(&self, token: &str) -> Result<(), u64> {
        let mut c = self.control.lock();
        let Some(limit) = c.rate_limit else {
            return Ok(());
        };
        let now = Instant::now();
        let w = c.windows.entry(token.to_string()).or_default();
        while w
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            w.pop_front();
        }
        if w.len() as u64 >= limit as u64 {
            let oldest = *w.front().expect("non-empty when over the limit");
            let wait = Duration::from_secs(60).saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        w.push_back(now);
        Ok(())
    }
}

pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON serialises");
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(bytes))
        .expect("valid response")
}

pub(super) fn error_response(e: &ApiError) -> Response {
    json_response(e.status, &e.body())
}

fn header_pairs(h: &HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The single axum handler: everything goes through here.
pub async fn handle(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(&ApiError::invalid_request("Request body is too large"));
        }
    };
    let path = parts.uri.path().to_string();
    if let Some(rest) = path.strip_prefix("/files/") {
        return crate::resources::download_file(&sh, rest);
    }
    let query = parts.uri.query().map(|q| q.to_string());
    let headers = header_pairs(&parts.headers);
    let is_oauth = path.starts_with("/oauth2/");
    if !is_oauth && path != "/api/v4" && !path.starts_with("/api/v4/") {
        return error_response(&ApiError::method_not_found());
    }
    sh.control.lock().requests.push(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: headers.clone(),
        body: body.to_vec(),
    });
    if is_oauth {
        // Faults are not applied to the OAuth endpoints.
        return crate::oauth::handle(&sh, parts.method.as_str(), &path, query.as_deref(), &body);
    }

    let mut truncate = false;
    if let Some(fault) = sh.take_fault() {
        match fault {
            Fault::RateLimited { retry_after_secs } => {
                let mut r = error_response(&ApiError::too_many_requests());
                if let Some(s) = retry_after_secs {
                    r.headers_mut().insert(
                        header::RETRY_AFTER,
                        HeaderValue::from_str(&s.to_string()).expect("digits"),
                    );
                }
                return r;
            }
            Fault::ServerError => return error_response(&ApiError::server_error()),
            Fault::BadGateway => {
                return Response::builder()
                    .status(StatusCode::BAD_GATEWAY)
                    .header(header::CONTENT_TYPE, "text/html")
                    .body(Body::from(
                        "<html><head><title>502 Bad Gateway</title></head><body><center>\
                         <h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
                    ))
                    .expect("valid response");
            }
            Fault::Unauthorized => return error_response(&ApiError::not_authorized()),
            Fault::SlowResponse(d) => tokio::time::sleep(d).await,
            Fault::TruncatedBody => truncate = true,
        }
    }

    let resp = process::process(&sh, &parts.method, &path, query.as_deref(), headers, body);
    if truncate {
        return truncated(resp).await;
    }
    resp
}

/// Sends the head of the response with the full `Content-Length`, then half the body, then the
/// connection is dropped (hyper aborts when the body ends early).
async fn truncated(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let full = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let len = full.len().max(2);
    let cut = full.slice(..full.len() / 2);
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from_str(&len.to_string()).expect("digits"),
    );
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(cut) });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// Serves until `shutdown` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    use axum::serve::ListenerExt;
    let counted = shared.clone();
    let listener = listener.tap_io(move |_tcp| {
        counted
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let app = axum::Router::new().fallback(handle).with_state(shared);
    tokio::select! {
        r = axum::serve(listener, app) => {
            if let Err(e) = r {
                eprintln!("fake-wrike: server error: {e}");
            }
        }
        _ = shutdown => {}
    }
}
