//! The interactive OAuth2 authorization-code flow with a loopback redirect.
//!
//! 1. Listen on `127.0.0.1:PORT` (a fixed `--redirect-port`, or one the OS picks); the redirect
//!    URI is `http://127.0.0.1:PORT/callback`.
//! 2. Show the authorization URL (with a fresh random `state`) and open it in a browser when
//!    one is available.
//! 3. Wait for the browser to come back to `/callback`: a wrong or missing `state` ends the flow
//!    with an error before any token is requested; `error=…` (the user said no) ends it too.
//! 4. Exchange the code at the token endpoint.
//!
//! The whole flow is bounded by a timeout.

use super::oauth::{self, OAuthApp, TokenGrant};
use crate::error::{ErrorKind, HostError, HostResult};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The path of the loopback redirect URI.
pub const CALLBACK_PATH: &str = "/callback";

/// Largest request head accepted from the browser (hyper's read buffer).
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// How long one browser connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the flow needs.
#[derive(Debug, Clone)]
pub struct AuthorizeOptions {
    /// The OAuth app and its token endpoint.
    pub app: OAuthApp,
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The `scope` parameter (already joined).
    pub scope: String,
    /// The loopback port; `0` lets the OS choose.
    pub redirect_port: u16,
    /// Try to open the authorization URL in a browser.
    pub open_browser: bool,
    /// Bound on the whole flow.
    pub timeout: Duration,
}

/// Runs the flow; `show` receives the lines to show the user (the authorization URL alone on
/// its own line).
pub async fn authorize(
    options: &AuthorizeOptions,
    mut show: impl FnMut(&str),
) -> HostResult<TokenGrant> {
    let listener = TcpListener::bind(("127.0.0.1", options.redirect_port))
        .await
        .map_err(|e| {
            HostError::invalid_input(
                "redirect_port",
                format!(
                    "cannot listen on 127.0.0.1:{} for the OAuth redirect: {e}",
                    options.redirect_port
                ),
            )
            .with_hint("choose another --redirect-port, or omit it to let the system pick one")
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| HostError::internal(format!("cannot read the listener's address: {e}")))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
    let state = oauth::new_state();
    let url = oauth::authorization_url(
        &options.app,
        &options.authorize_url,
        &redirect_uri,
        &options.scope,
        &state,
    )?;
    show("Open this URL in a browser and allow access:");
    show(&url);
    show(&format!(
        "Waiting up to {} s for the redirect to {redirect_uri} ...",
        options.timeout.as_secs()
    ));
    if options.open_browser {
        open_in_browser(&url);
    }
    let flow = async {
        let code = wait_for_code(listener, &state).await?;
        let http = oauth::http_client()?;
        oauth::exchange_code(&http, &options.app, &code, &redirect_uri).await
    };
    match tokio::time::timeout(options.timeout, flow).await {
        Ok(result) => result,
        Err(_) => Err(HostError::new(
            ErrorKind::Unauthorized,
            format!(
                "the authorization did not complete within {} s",
                options.timeout.as_secs()
            ),
        )
        .with_hint(
            "run `connector-host connect` again (raise --timeout-secs if you need more time)",
        )),
    }
}

/// Opens `url` in a graphical browser, if there seems to be one. Failure is not an error: the
/// URL is on the screen.
fn open_in_browser(url: &str) {
    // On Linux and the BSDs without a display, the only "browsers" are text ones that would take
    // over the terminal.
    let headless = cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none();
    if headless {
        return;
    }
    let url = url.to_string();
    // Detached: a browser that blocks must not hold the flow up.
    let _ = std::thread::Builder::new()
        .name("open-browser".into())
        .spawn(move || {
            if let Err(e) = webbrowser::open(&url) {
                tracing::debug!("could not open a browser: {e}");
            }
        });
}

/// The outcome of one request to the callback path.
type Outcome = HostResult<String>;

async fn wait_for_code(listener: TcpListener, state: &str) -> HostResult<String> {
    let (tx, mut rx) = mpsc::channel::<Outcome>(4);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted.map_err(|e| {
                    HostError::internal(format!("cannot accept the OAuth redirect: {e}"))
                })?;
                let tx = tx.clone();
                let state = state.to_string();
                tokio::spawn(async move {
                    if let Some(outcome) = serve_one(stream, &state).await {
                        let _ = tx.send(outcome).await;
                    }
                });
            }
            Some(outcome) = rx.recv() => return outcome,
        }
    }
}

/// Serves one browser connection with hyper (HTTP/1.1); returns the outcome of the first
/// request to the callback path, if the connection made one.
async fn serve_one(stream: TcpStream, state: &str) -> Option<Outcome> {
    let outcome: Arc<Mutex<Option<Outcome>>> = Arc::new(Mutex::new(None));
    let seen = outcome.clone();
    let state = state.to_string();
    let service = service_fn(move |request: Request<Incoming>| {
        let response = answer(&request, &state, &seen);
        async move { Ok::<_, std::convert::Infallible>(response) }
    });
    let connection = http1::Builder::new()
        .max_buf_size(MAX_REQUEST_HEAD)
        .header_read_timeout(READ_TIMEOUT)
        .timer(TokioTimer::new())
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    // A browser that stalls or sends garbage only loses its own connection.
    let _ = tokio::time::timeout(READ_TIMEOUT, connection).await;
    let taken = outcome.lock().unwrap_or_else(|p| p.into_inner()).take();
    taken
}

/// The response to one request; records the callback's outcome in `seen`.
fn answer(
    request: &Request<Incoming>,
    state: &str,
    seen: &Mutex<Option<Outcome>>,
) -> Response<Full<Bytes>> {
    if request.method() != Method::GET || request.uri().path() != CALLBACK_PATH {
        return page(404, "Not found", "This is not the OAuth callback.");
    }
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let outcome = check_callback(&params, state);
    let response = match &outcome {
        Ok(_) => page(
            200,
            "Connected",
            "Authorization received. You can close this tab and return to the terminal.",
        ),
        Err(e) => page(400, "Authorization failed", &e.message),
    };
    let mut slot = seen.lock().unwrap_or_else(|p| p.into_inner());
    slot.get_or_insert(outcome);
    response
}

/// Checks the callback's parameters against the expected `state`; returns the code.
pub fn check_callback(params: &HashMap<String, String>, state: &str) -> Outcome {
    let hint = "run `connector-host connect` again";
    match params.get("state") {
        Some(s) if constant_time_eq(s.as_bytes(), state.as_bytes()) => {}
        Some(_) => {
            return Err(HostError::new(
                ErrorKind::Unauthorized,
                "the OAuth redirect carried a wrong `state` (possible cross-site request forgery); no token was requested",
            )
            .with_hint(hint))
        }
        None => {
            return Err(HostError::new(
                ErrorKind::Unauthorized,
                "the OAuth redirect carried no `state`; no token was requested",
            )
            .with_hint(hint))
        }
    }
    if let Some(error) = params.get("error") {
        let desc = params
            .get("error_description")
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let mut e = HostError::new(
            ErrorKind::Unauthorized,
            format!("the authorization was refused: {error}{desc}"),
        )
        .with_hint(hint);
        e.code = Some(error.clone());
        return Err(e);
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(code.clone()),
        None => Err(HostError::new(
            ErrorKind::Unauthorized,
            "the OAuth redirect carried no `code`",
        )
        .with_hint(hint)),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A small HTML page for the browser.
fn page(status: u16, title: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p></body></html>\n",
        escape_html(title),
        escape_html(title),
        escape_html(message)
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn callback_checks() {
        assert_eq!(
            check_callback(&params(&[("state", "s1"), ("code", "c")]), "s1").unwrap(),
            "c"
        );
        let e = check_callback(&params(&[("state", "s2"), ("code", "c")]), "s1").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert!(e.message.contains("wrong `state`"));
        assert!(check_callback(&params(&[("code", "c")]), "s1").is_err());
        let e = check_callback(
            &params(&[("state", "s1"), ("error", "access_denied")]),
            "s1",
        )
        .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("access_denied"));
        assert!(check_callback(&params(&[("state", "s1")]), "s1").is_err());
    }
}
