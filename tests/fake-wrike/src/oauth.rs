//! OAuth 2.0 authorization-code flow (`API.md` §2.1), served on the same origin as the API:
//! `GET /oauth2/authorize/v4` (login form), `POST /oauth2/authorize/v4` (the form submitted) and
//! `POST /oauth2/token`.
//!
//! `GET /oauth2/authorize/v4?client_id=…&response_type=code[&redirect_uri&state&scope]` checks
//! the client and the scopes and answers an HTML login form like Wrike's popup: `email` and
//! `password` inputs, and hidden fields carrying `client_id`, `response_type`, `redirect_uri`,
//! `state` and `scope`. Submitting it (`POST`, form-encoded) with the seeded current user's email
//! (`alex.tester@example.com`, see [`crate::FakeWrike::login`]) and the password
//! [`LOGIN_PASSWORD`] redirects (302) to `redirect_uri` with `code` and `state`; wrong
//! credentials show the form again with an error (200). Codes are single-use and valid 10
//! minutes; access tokens live one hour of fake time (`expires_in: 3600`, changeable per test);
//! each refresh returns a new refresh token (rotation, switchable per test) and the old refresh
//! token stops working [3P]. The token response's `host` is `127.0.0.1:PORT` [U: real Wrike
//! answers e.g. `www.wrike.com`, to be used with `https://`]. OAuth-issued tokens carry exactly
//! the scopes requested (`Default` when none were); scopes are enforced per endpoint like those
//! of any API token. OAuth errors use the OAuth shape `{"error", "error_description"}` [U].

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

/// Access token lifetime (default).
pub const ACCESS_TOKEN_SECS: i64 = 3600;

/// The password the login form accepts (with the seeded current user's email).
pub const LOGIN_PASSWORD: &str = "fake-password";

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
    /// Lifetime of newly issued access tokens, in seconds (`None`: [`ACCESS_TOKEN_SECS`]).
    pub access_token_secs: Option<i64>,
    /// When set, a refresh returns the same refresh token instead of rotating it.
    pub keep_refresh_tokens: bool,
}

/// A checked authorization request (query of the GET, or the hidden fields of the POST).
struct AuthorizeRequest {
    client_id: String,
    redirect_uri: Option<String>,
    state: Option<String>,
    scope_raw: Option<String>,
    scopes: HashSet<String>,
}

impl AuthorizeRequest {
    #[allow(clippy::result_large_err)]
    fn parse(sh: &Shared, s: &dyn Fn(&str) -> Option<String>) -> Result<Self, Response> {
        let Some(client_id) = s("client_id") else {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "client_id is required",
            ));
        };
        if s("response_type").as_deref() != Some("code") {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_response_type",
                "response_type must be code",
            ));
        }
        if !sh.control.lock().oauth.clients.contains_key(&client_id) {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "Unknown client_id",
            ));
        }
        let scope_raw = s("scope");
        let scopes = parse_scopes(scope_raw.clone()).map_err(|bad| {
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                &format!("Unknown scope '{bad}'"),
            )
        })?;
        Ok(AuthorizeRequest {
            client_id,
            redirect_uri: s("redirect_uri"),
            state: s("state"),
            scope_raw,
            scopes,
        })
    }
}

/// The seeded current user's email: the login the form accepts.
pub(crate) fn login_email(sh: &Shared) -> Option<String> {
    let st = sh.store.lock();
    st.contacts
        .iter()
        .find(|c| c.id == st.me)
        .and_then(|c| c.email.clone())
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The login form, with the authorization request in hidden fields.
fn login_page(req: &AuthorizeRequest, error: Option<&str>) -> Response {
    let mut hidden = String::new();
    let mut field = |name: &str, value: &str| {
        hidden.push_str(&format!(
            "    <input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
            escape_html(value)
        ));
    };
    field("client_id", &req.client_id);
    field("response_type", "code");
    if let Some(v) = &req.redirect_uri {
        field("redirect_uri", v);
    }
    if let Some(v) = &req.state {
        field("state", v);
    }
    if let Some(v) = &req.scope_raw {
        field("scope", v);
    }
    let error = error
        .map(|e| {
            format!(
                "  <p class=\"error\" role=\"alert\">{}</p>\n",
                escape_html(e)
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Log in to Wrike</title></head>\n\
         <body>\n  <h1>Log in to Wrike</h1>\n{error}\
         <form method=\"post\" action=\"/oauth2/authorize/v4\">\n{hidden}\
         \x20   <label>Email <input type=\"email\" name=\"email\" autocomplete=\"username\"></label>\n\
         \x20   <label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\n\
         \x20   <button type=\"submit\">Log in</button>\n  </form>\n</body></html>\n"
    );
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(html))
        .expect("valid response")
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
            let req = match AuthorizeRequest::parse(sh, &s) {
                Ok(r) => r,
                Err(resp) => return resp,
            };
            login_page(&req, None)
        }
        ("POST", "/oauth2/authorize/v4") | ("POST", "/oauth2/authorize") => {
            let req = match AuthorizeRequest::parse(sh, &s) {
                Ok(r) => r,
                Err(resp) => return resp,
            };
            let email = s("email").unwrap_or_default();
            let password = s("password").unwrap_or_default();
            let me_email = login_email(sh);
            let ok = me_email
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(email.trim()))
                && password == LOGIN_PASSWORD;
            if !ok {
                return login_page(&req, Some("Incorrect email or password."));
            }
            let mut o = sh.control.lock();
            let deny = std::mem::take(&mut o.oauth.deny_next);
            let mut pairs: Vec<(String, String)> = Vec::new();
            if deny {
                pairs.push(("error".into(), "access_denied".into()));
            } else {
                drop(o);
                let code = token(sh, 24);
                o = sh.control.lock();
                o.oauth.codes.insert(
                    code.clone(),
                    AuthCode {
                        client_id: req.client_id.clone(),
                        redirect_uri: req.redirect_uri.clone(),
                        scopes: req.scopes.clone(),
                        issued: now,
                    },
                );
                pairs.push(("code".into(), code));
            }
            if let Some(st) = &req.state {
                pairs.push(("state".into(), st.clone()));
            }
            drop(o);
            match &req.redirect_uri {
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
                    let g = if o.oauth.keep_refresh_tokens {
                        o.oauth.refresh.get(&rt).cloned()
                    } else {
                        o.oauth.refresh.remove(&rt)
                    };
                    let Some(g) = g else {
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
            let reuse_refresh = match s("grant_type").as_deref() {
                Some("refresh_token") if o.oauth.keep_refresh_tokens => s("refresh_token"),
                _ => None,
            };
            let lifetime = o.oauth.access_token_secs.unwrap_or(ACCESS_TOKEN_SECS);
            drop(o);
            let access = token(sh, 40);
            let refresh = reuse_refresh.unwrap_or_else(|| token(sh, 40));
            let mut o = sh.control.lock();
            o.tokens.insert(
                access.clone(),
                TokenInfo {
                    scopes: scopes.clone(),
                    expires: Some(now + ChronoDuration::seconds(lifetime)),
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
                        "expires_in": lifetime,
                        "host": host,
                    })
                    .to_string(),
                ))
                .expect("valid response")
        }
        _ => oauth_error(StatusCode::NOT_FOUND, "not_found", "Unknown OAuth endpoint"),
    }
}
