//! OAuth 2.0 authorization-code flow (`API.md` §2.1), served on the same origin as the API:
//! `GET /oauth2/authorize/v4` and `POST /oauth2/token`.
//!
//! The fake approves every authorization at once: `authorize` redirects (302) to `redirect_uri`
//! with `code` and `state`. Codes are single-use and valid 10 minutes; access tokens live one
//! hour of fake time (`expires_in: 3600`); each refresh returns a new refresh token (rotation)
//! and the old refresh token stops working [3P]. The token response's `host` is
//! `127.0.0.1:PORT` [U: real Wrike answers e.g. `www.wrike.com`, to be used with `https://`].
//! OAuth errors use the OAuth shape `{"error", "error_description"}` [U].

use std::collections::{HashMap, HashSet};

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{json, Value};

use crate::params::Params;
use crate::server::{Shared, TokenInfo};
use crate::ALL_SCOPES;

/// The OAuth client registered at start.
pub const DEFAULT_CLIENT_ID: &str = "fake-client-id";
/// Its secret.
pub const DEFAULT_CLIENT_SECRET: &str = "fake-client-secret";

/// Access token lifetime.
pub const ACCESS_TOKEN_SECS: i64 = 3600;

/// A pending authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    client_id: String,
    redirect_uri: Option<String>,
    scopes: HashSet<String>,
    issued: DateTime<Utc>,
}

/// A live refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    client_id: String,
    scopes: HashSet<String>,
}

/// OAuth state.
#[derive(Debug, Default)]
pub struct OAuthState {
    /// client_id → secret.
    pub clients: HashMap<String, String>,
    /// Pending codes.
    pub codes: HashMap<String, AuthCode>,
    /// Live refresh tokens.
    pub refresh: HashMap<String, RefreshGrant>,
    /// When set, the next authorization is denied (`error=access_denied`).
    pub deny_next: bool,
}

fn oauth_error(status: StatusCode, code: &str, desc: &str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(
            json!({"error": code, "error_description": desc}).to_string(),
        ))
        .expect("valid response")
}

fn parse_scopes(s: Option<String>) -> Result<HashSet<String>, String> {
    let s = s.unwrap_or_default();
    let mut out: HashSet<String> = s
        .split([',', ' '])
        .map(|x| x.trim())
        .filter(|x| !x.is_empty())
        .map(|x| x.to_string())
        .collect();
    if let Some(bad) = out.iter().find(|x| !ALL_SCOPES.contains(&x.as_str())) {
        return Err(bad.clone());
    }
    if out.is_empty() {
        out.insert("Default".into());
    }
    Ok(out)
}

fn token(sh: &Shared, n: usize) -> String {
    sh.store.lock().ids.token(n)
}

/// Handles `/oauth2/...` requests.
pub fn handle(
    sh: &Shared,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &Bytes,
) -> Response {
    let mut p = Params::new();
    if let Some(q) = query {
        p.add_urlencoded(q);
    }
    if let Ok(text) = std::str::from_utf8(body) {
        p.add_urlencoded(text);
    }
    let s = |k: &str| p.str(k).ok().flatten();
    let now = sh.store.lock().clock.now();
    match (method, path) {
        ("GET", "/oauth2/authorize/v4") | ("GET", "/oauth2/authorize") => {
            let Some(client) = s("client_id") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "client_id is required",
                );
            };
            if s("response_type").as_deref() != Some("code") {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_response_type",
                    "response_type must be code",
                );
            }
            let mut o = sh.control.lock();
            if !o.oauth.clients.contains_key(&client) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_client",
                    "Unknown client_id",
                );
            }
            let scopes = match parse_scopes(s("scope")) {
                Ok(x) => x,
                Err(bad) => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_scope",
                        &format!("Unknown scope '{bad}'"),
                    )
                }
            };
            let redirect = s("redirect_uri");
            let state = s("state");
            let deny = std::mem::take(&mut o.oauth.deny_next);
            let mut pairs: Vec<(String, String)> = Vec::new();
            if deny {
                pairs.push(("error".into(), "access_denied".into()));
            } else {
                let code = token(sh, 24);
                o.oauth.codes.insert(
                    code.clone(),
                    AuthCode {
                        client_id: client,
                        redirect_uri: redirect.clone(),
                        scopes,
                        issued: now,
                    },
                );
                pairs.push(("code".into(), code));
            }
            if let Some(st) = state {
                pairs.push(("state".into(), st));
            }
            drop(o);
            match redirect {
                Some(uri) => {
                    let q: String = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs.iter())
                        .finish();
                    let sep = if uri.contains('?') { '&' } else { '?' };
                    Response::builder()
                        .status(StatusCode::FOUND)
                        .header(header::LOCATION, format!("{uri}{sep}{q}"))
                        .body(Body::empty())
                        .expect("valid response")
                }
                None => {
                    let m: serde_json::Map<String, Value> =
                        pairs.into_iter().map(|(k, v)| (k, json!(v))).collect();
                    Response::builder()
                        .status(StatusCode::OK)
                        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
                        .body(Body::from(Value::Object(m).to_string()))
                        .expect("valid response")
                }
            }
        }
        ("POST", "/oauth2/token") => {
            let (Some(client), Some(secret)) = (s("client_id"), s("client_secret")) else {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client_id and client_secret are required",
                );
            };
            let mut o = sh.control.lock();
            if o.oauth.clients.get(&client) != Some(&secret) {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Bad client credentials",
                );
            }
            let scopes = match s("grant_type").as_deref() {
                Some("authorization_code") => {
                    let Some(code) = s("code") else {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_request",
                            "code is required",
                        );
                    };
                    let Some(c) = o.oauth.codes.remove(&code) else {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Unknown or used code",
                        );
                    };
                    if c.client_id != client || now - c.issued > ChronoDuration::minutes(10) {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Code expired or not issued to this client",
                        );
                    }
                    if c.redirect_uri.is_some() && c.redirect_uri != s("redirect_uri") {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "redirect_uri mismatch",
                        );
                    }
                    c.scopes
                }
                Some("refresh_token") => {
                    let Some(rt) = s("refresh_token") else {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_request",
                            "refresh_token is required",
                        );
                    };
                    let Some(g) = o.oauth.refresh.remove(&rt) else {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Unknown refresh token",
                        );
                    };
                    if g.client_id != client {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Refresh token not issued to this client",
                        );
                    }
                    // A narrower `scope` may be requested on refresh.
                    match s("scope") {
                        Some(sc) => match parse_scopes(Some(sc)) {
                            Ok(x) if x.is_subset(&g.scopes) => x,
                            _ => g.scopes,
                        },
                        None => g.scopes,
                    }
                }
                _ => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "unsupported_grant_type",
                        "grant_type must be authorization_code or refresh_token",
                    )
                }
            };
            drop(o);
            let access = token(sh, 40);
            let refresh = token(sh, 40);
            let mut o = sh.control.lock();
            o.tokens.insert(
                access.clone(),
                TokenInfo {
                    scopes: scopes.clone(),
                    expires: Some(now + ChronoDuration::seconds(ACCESS_TOKEN_SECS)),
                },
            );
            o.oauth.refresh.insert(
                refresh.clone(),
                RefreshGrant {
                    client_id: client,
                    scopes,
                },
            );
            drop(o);
            let host = sh.origin.trim_start_matches("http://").to_string();
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
                .body(Body::from(
                    json!({
                        "access_token": access,
                        "refresh_token": refresh,
                        "token_type": "bearer",
                        "expires_in": ACCESS_TOKEN_SECS,
                        "host": host,
                    })
                    .to_string(),
                ))
                .expect("valid response")
        }
        _ => oauth_error(StatusCode::NOT_FOUND, "not_found", "Unknown OAuth endpoint"),
    }
}
