//! The HTTP layer: recording, fault injection, auth, rate limiting, parameter parsing, dispatch.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use parking_lot::Mutex;
use serde_json::{json, Map, Value};

use crate::api::{Ctx, Reply};
use crate::error::ApiError;
use crate::params::Params;
use crate::routes;
use crate::store::Store;
use crate::{Fault, RecordedRequest};

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

/// Work for the webhook delivery worker.
#[derive(Debug)]
pub enum Job {
    /// POST an event array to a hook.
    Deliver {
        /// The hook (as it was when the event happened).
        hook: crate::store::Webhook,
        /// The JSON array body.
        body: Vec<u8>,
    },
    /// Send the secret handshake.
    Handshake {
        /// The hook.
        hook: crate::store::Webhook,
    },
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

/// Hands queued webhook events and handshakes to the delivery worker.
pub fn dispatch(sh: &Shared) {
    let jobs = {
        let mut st = sh.store.lock();
        if st.pending_events.is_empty() && st.pending_handshakes.is_empty() {
            return;
        }
        let events = std::mem::take(&mut st.pending_events);
        let handshakes = std::mem::take(&mut st.pending_handshakes);
        let mut jobs: Vec<Job> = handshakes
            .iter()
            .filter_map(|id| st.webhooks.get(id).cloned())
            .map(|hook| Job::Handshake { hook })
            .collect();
        jobs.extend(
            crate::resources::webhooks::route_events(&st, &events)
                .into_iter()
                .map(|(hook, body)| Job::Deliver { hook, body }),
        );
        jobs
    };
    if let Some(tx) = sh.jobs.get() {
        for j in jobs {
            let _ = tx.send(j);
        }
    }
}

/// A minimal HTTP/1.1 POST (webhook deliveries go to test receivers on loopback).
async fn http_post(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(u16, Vec<(String, String)>), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// hook URLs can be reached from the fake".to_string())?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:80")
    };
    let mut s = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect(&addr),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("connect failed: {e}"))?;
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: fake-wrike\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let io = async {
        s.write_all(req.as_bytes()).await?;
        s.write_all(body).await?;
        s.flush().await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), io)
        .await
        .map_err(|_| "no answer within 10 s".to_string())?
        .map_err(|e| format!("I/O error: {e}"))?;
    let text = String::from_utf8_lossy(&buf);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "malformed HTTP answer".to_string())?;
    let hdrs = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok((status, hdrs))
}

/// The delivery worker: runs jobs one after another, records every attempt.
pub async fn delivery_worker(sh: Arc<Shared>, mut rx: tokio::sync::mpsc::UnboundedReceiver<Job>) {
    use crate::resources::webhooks::sign;
    while let Some(job) = rx.recv().await {
        match job {
            Job::Handshake { hook } => {
                let secret = hook.secret.clone().unwrap_or_default();
                let challenge = sh.store.lock().ids.token(32);
                let body = br#"{"requestType":"WebHook secret verification"}"#.to_vec();
                let res = http_post(
                    &hook.hook_url,
                    &[("X-Hook-Secret".to_string(), challenge.clone())],
                    &body,
                )
                .await;
                let expected = sign(&secret, challenge.as_bytes());
                let (status, error) = match &res {
                    Ok((code, hdrs)) => {
                        let answer = hdrs
                            .iter()
                            .find(|(k, _)| k == "x-hook-secret")
                            .map(|(_, v)| v.to_ascii_lowercase());
                        let ok = *code == 200 && answer.as_deref() == Some(expected.as_str());
                        (
                            Some(*code),
                            (!ok).then(|| "handshake answer missing or wrong".to_string()),
                        )
                    }
                    Err(e) => (None, Some(e.clone())),
                };
                if error.is_some() {
                    if let Some(h) = sh.store.lock().webhooks.get_mut(&hook.id) {
                        h.status = "Suspended".into();
                    }
                }
                sh.control.lock().deliveries.push(crate::WebhookDelivery {
                    webhook_id: hook.id.clone(),
                    url: hook.hook_url.clone(),
                    handshake: true,
                    body,
                    status,
                    error,
                });
            }
            Job::Deliver { hook, body } => {
                let mut headers = vec![];
                if let Some(secret) = &hook.secret {
                    headers.push(("X-Hook-Signature".to_string(), sign(secret, &body)));
                }
                let res = http_post(&hook.hook_url, &headers, &body).await;
                let (status, error) = match res {
                    Ok((code, _)) => (
                        Some(code),
                        (!(200..300).contains(&code)).then(|| format!("HTTP {code}")),
                    ),
                    Err(e) => (None, Some(e)),
                };
                sh.control.lock().deliveries.push(crate::WebhookDelivery {
                    webhook_id: hook.id.clone(),
                    url: hook.hook_url.clone(),
                    handshake: false,
                    body,
                    status,
                    error,
                });
            }
        }
    }
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

fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON serialises");
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(bytes))
        .expect("valid response")
}

fn error_response(e: &ApiError) -> Response {
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

    let resp = process(&sh, &parts.method, &path, query.as_deref(), headers, body);
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

fn is_upload(method: &str, segs: &[String]) -> bool {
    let s: Vec<&str> = segs.iter().map(|x| x.as_str()).collect();
    matches!(
        (method, s.as_slice()),
        ("POST", [_, _, "attachments"]) | ("PUT", ["attachments", _])
    )
}

fn process(
    sh: &Shared,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: Vec<(String, String)>,
    body: Bytes,
) -> Response {
    let segs: Vec<String> = path
        .trim_start_matches("/api/v4")
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let mut params = Params::new();
    if let Some(q) = query {
        params.add_urlencoded(q);
    }
    // `method=POST|PUT|DELETE` lets GET-only clients call other verbs (W-OVERVIEW).
    let mut verb = method.as_str().to_string();
    if verb == "GET" {
        if let Ok(Some(m)) = params.str("method") {
            let m = m.to_ascii_uppercase();
            if ["POST", "PUT", "DELETE"].contains(&m.as_str()) {
                verb = m;
            }
        }
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    if !body.is_empty() && !is_upload(&verb, &segs) {
        if content_type.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(m)) => params.add_json_object(&m),
                _ => {
                    return error_response(&ApiError::invalid_request(
                        "Request body is not a JSON object",
                    ))
                }
            }
        } else if content_type.is_empty()
            || content_type.starts_with("application/x-www-form-urlencoded")
            || content_type.starts_with("text/plain")
        {
            match std::str::from_utf8(&body) {
                Ok(text) => params.add_urlencoded(text),
                Err(_) => {
                    return error_response(&ApiError::invalid_request(
                        "Request body is not form-urlencoded",
                    ))
                }
            }
        }
    }

    // Auth: `Authorization: Bearer <token>` (any case) or `access_token`.
    let bearer = headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .and_then(|(_, v)| {
            let v = v.trim();
            let (scheme, rest) = v.split_once(char::is_whitespace)?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_string())
        });
    let token = bearer.or_else(|| params.str("access_token").ok().flatten());
    let info = token
        .as_ref()
        .and_then(|t| sh.control.lock().tokens.get(t).cloned());
    let (Some(token), Some(info)) = (token, info) else {
        return error_response(&ApiError::not_authorized());
    };
    if let Some(exp) = info.expires {
        if sh.store.lock().clock.now() >= exp {
            return error_response(&ApiError::not_authorized());
        }
    }
    let scopes = info.scopes;
    if let Err(wait) = sh.rate_check(&token) {
        // [U] whether Wrike sends Retry-After is undocumented; the fake does.
        let mut r = error_response(&ApiError::too_many_requests());
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&wait.to_string()).expect("digits"),
        );
        return r;
    }

    // Every request is checked against Wrike's method reference before the fake serves it.
    let mut display = match query {
        Some(q) => format!("{verb} {path}?{q}"),
        None => format!("{verb} {path}"),
    };
    if display.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| display.is_char_boundary(*i))
            .unwrap_or(0);
        display.truncate(cut);
        display.push('…');
    }
    let checked = crate::reference::check(&crate::reference::Request {
        verb: &verb,
        segs: &segs,
        params: &params,
        content_type: &content_type,
        body_len: body.len(),
        display,
    });
    if let Err(violation) = checked {
        let answer = violation.answer.clone();
        let mut control = sh.control.lock();
        if control.log_violations {
            eprintln!("fake-wrike: {violation}");
        }
        control.violations.push(violation);
        return error_response(&answer);
    }

    let route = match routes::route(&verb, &segs) {
        Ok(r) => r,
        Err(e) => return error_response(&e),
    };
    if let Some(needed) = route.scopes {
        if !needed.iter().any(|s| scopes.contains(*s)) {
            return error_response(&ApiError::access_forbidden(format!(
                "Access forbidden: this method requires one of the scopes {}",
                needed.join(", ")
            )));
        }
    }
    let state = params.str("state").ok().flatten();
    let user = sh.store.lock().me.clone();
    let cx = Ctx {
        params,
        user,
        body: Arc::new(body.to_vec()),
        headers,
        origin: sh.origin.clone(),
        path: path.to_string(),
    };
    let result = {
        let mut st = sh.store.lock();
        (route.handler)(&mut st, &cx)
    };
    dispatch(sh);
    match result {
        Err(e) => error_response(&e),
        Ok(Reply::Data { kind, data, extra }) => {
            let mut m = Map::new();
            m.insert("kind".into(), json!(kind));
            if let Some(s) = state {
                m.insert("state".into(), json!(s));
            }
            for (k, v) in extra {
                m.insert(k, v);
            }
            m.insert("data".into(), Value::Array(data));
            json_response(StatusCode::OK, &Value::Object(m))
        }
        Ok(Reply::Bytes {
            content_type,
            body,
            filename,
        }) => {
            let mut b = Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type);
            if let Some(f) = filename {
                b = b.header(
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", f.replace('"', "")),
                );
            }
            b.body(Body::from(body.as_ref().clone()))
                .expect("valid response")
        }
    }
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
