//! Serving one API request: path segments and parameters (query, form or JSON body), the
//! `method=` override, auth and scopes, the rate limit, the check against Wrike's method
//! reference, the handler call and the `{"kind", "data"}` envelope.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{dispatch, error_response, json_response, Shared};
use crate::api::{Ctx, Reply};
use crate::error::ApiError;
use crate::params::Params;
use crate::routes;

fn is_upload(method: &str, segs: &[String]) -> bool {
    let s: Vec<&str> = segs.iter().map(|x| x.as_str()).collect();
    matches!(
        (method, s.as_slice()),
        ("POST", [_, _, "attachments"]) | ("PUT", ["attachments", _])
    )
}

pub(super) fn process(
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
