//! `custom_http`: any Wrike v4 call on the connection's API host, for endpoints the connector
//! does not wrap. The path is relative to the API base; absolute URLs and dot segments are
//! rejected so the call can never leave the API.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use crate::base64;
use crate::env::Method;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::SCOPES;
use crate::table::Action;
use crate::wrike::client::parse_json_body;
use crate::wrike::{Body, Client, Params};

/// Every scope: what a raw call needs depends on the endpoint.
const ANY_SCOPE: &[&str] = &{
    let mut out = [""; SCOPES.len()];
    let mut i = 0;
    while i < SCOPES.len() {
        out[i] = SCOPES[i].0;
        i += 1;
    }
    out
};

/// The raw-call action.
pub const ACTIONS: &[Action] = &[Action {
    name: "custom_http",
    title: "Custom action (HTTP request)",
    description: "Call any Wrike API v4 endpoint on the connection's host with form-encoded parameters; the scopes needed depend on the endpoint.",
    scopes: ANY_SCOPE,
    read_only: false,
    input_schema: Schema::of::<crate::resources::reference::CustomHttp>(),
    output_schema: Schema::of::<crate::resources::reference::CustomHttpOutput>(),
    run,
}];

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Check a relative API path: `/`-rooted, no scheme or host, no query or fragment, no empty,
/// `.` or `..` segments (also percent-encoded), no encoded slashes or backslashes.
pub fn check_path(p: &str) -> Result<()> {
    let bad = |why: &str| Error::invalid("path", why.to_string());
    if !p.starts_with('/') {
        return Err(bad(
            "must start with / and be relative to the API base (no scheme or host)",
        ));
    }
    if p.contains("://") || p.starts_with("//") {
        return Err(bad("must not be an absolute URL"));
    }
    for b in p.bytes() {
        let ok = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%/".contains(&b);
        if !ok {
            return Err(bad(
                "may contain only URL path characters (put parameters in `query`)",
            ));
        }
    }
    for seg in p[1..].split('/') {
        // Decode percent-escapes to see what the segment really is.
        let raw = seg.as_bytes();
        let mut decoded = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'%' {
                let (Some(h), Some(l)) = (
                    raw.get(i + 1).copied().and_then(hex),
                    raw.get(i + 2).copied().and_then(hex),
                ) else {
                    return Err(bad("has a malformed percent-escape"));
                };
                decoded.push(h * 16 + l);
                i += 3;
            } else {
                decoded.push(raw[i]);
                i += 1;
            }
        }
        if decoded.is_empty() {
            return Err(bad("must not contain empty segments (//) or end with /"));
        }
        if decoded == b"." || decoded == b".." {
            return Err(bad("must not contain . or .. segments"));
        }
        if decoded.iter().any(|&c| c == b'/' || c == b'\\' || c < 0x20) {
            return Err(bad(
                "must not contain encoded slashes, backslashes or control characters",
            ));
        }
    }
    Ok(())
}

fn run(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<crate::resources::reference::CustomHttp>(input)?;
    let method = match input.get("method").and_then(Value::as_str) {
        Some("GET") => Method::Get,
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("DELETE") => Method::Delete,
        _ => return Err(Error::invalid("method", "must be GET, POST, PUT or DELETE")),
    };
    let p = input.get("path").and_then(Value::as_str).unwrap_or("");
    check_path(p)?;
    let query = match input.get("query") {
        Some(Value::Object(q)) => Params::from_input(q, &[]),
        _ => Params::new(),
    };
    let body = match input.get("body") {
        Some(Value::Object(b)) if matches!(method, Method::Post | Method::Put) => {
            Body::Form(Params::from_input(b, &[]))
        }
        Some(Value::Object(b)) if !b.is_empty() => {
            return Err(Error::invalid("body", "is only allowed with POST and PUT"));
        }
        _ if matches!(method, Method::Post | Method::Put) => Body::Form(Params::new()),
        _ => Body::None,
    };
    let resp = client.send(method, p, &query, body)?;
    client.check(&resp)?;
    if resp.body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    match parse_json_body(&resp) {
        Ok(v) => Ok(v),
        Err(_) => {
            let mut out = Map::new();
            let ct = resp
                .header("content-type")
                .unwrap_or("application/octet-stream");
            out.insert("contentType".into(), Value::from(ct));
            out.insert(
                "contentBase64".into(),
                Value::String(base64::encode(&resp.body)),
            );
            Ok(Value::Object(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_path;
    use crate::catalog::execute;
    use crate::env::{HttpResponse, Method};
    use crate::error::Error;
    use crate::testing::{ok, wrike_error, MockEnv, BASE};
    use serde_json::{json, Value};

    fn run(env: &mut MockEnv, input: Value) -> Result<Value, Error> {
        execute(env, BASE, "custom_http", &input.to_string())
            .map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn sends_relative_requests() {
        let deps = r#"{"kind":"dependencies","data":[{"id":"D"}]}"#;
        let mut env = MockEnv::new(vec![ok(deps), ok(deps)]);
        let out = run(&mut env, json!({"method": "GET", "path": "/tasks/T/dependencies", "query": {"fields": ["x"], "limit": 5}})).unwrap();
        assert_eq!(out, serde_json::from_str::<Value>(deps).unwrap());
        assert_eq!(env.requests[0].authority, "www.wrike.com");
        assert_eq!(env.path(0), "/api/v4/tasks/T/dependencies");
        assert_eq!(env.query_param(0, "fields").as_deref(), Some(r#"["x"]"#));
        run(&mut env, json!({"method": "POST", "path": "/tasks/T/dependencies", "body": {"predecessorId": "P", "relationType": "FinishToStart"}})).unwrap();
        assert_eq!(env.requests[1].method, Method::Post);
        assert_eq!(
            env.form_param(1, "relationType").as_deref(),
            Some("FinishToStart")
        );
        assert!(env
            .requests
            .iter()
            .all(|r| r.header("authorization").is_none()));
    }

    #[test]
    fn rejects_escaping_paths() {
        for bad in [
            "tasks",
            "https://evil.example/x",
            "//evil.example/x",
            "/tasks/../../oauth2/token",
            "/tasks/%2e%2e/x",
            "/tasks/%2E./x",
            "/a/./b",
            "/a%2Fb",
            "/a\\b",
            "/tasks?x=1",
            "/tasks#f",
            "/a//b",
            "/tasks/",
            "/%zz",
            "/ta sks",
        ] {
            assert!(
                matches!(check_path(bad), Err(Error::InvalidInput { ref field, .. }) if field == "path"),
                "{bad}"
            );
        }
        for good in [
            "/tasks",
            "/tasks/IEAAAAAQKQAB5BG5,IEAAAAAQKQAB5BG6/dependencies",
            "/version",
            "/a.b/c..d",
        ] {
            check_path(good).unwrap();
        }
        let mut env = MockEnv::new(vec![]);
        match run(&mut env, json!({"method": "GET", "path": "/x/../y"})) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "path"),
            other => panic!("{other:?}"),
        }
        match run(
            &mut env,
            json!({"method": "GET", "path": "/x", "body": {"a": 1}}),
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "body"),
            other => panic!("{other:?}"),
        }
        assert!(env.requests.is_empty());
    }

    #[test]
    fn maps_errors_and_binary_answers() {
        let bin = HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "image/png".into())],
            body: vec![0x89, b'P'],
        };
        let mut env = MockEnv::new(vec![wrike_error(403, "not_allowed", "no"), bin]);
        assert_eq!(
            run(&mut env, json!({"method": "DELETE", "path": "/tasks/T"})),
            Err(Error::Forbidden("no".into()))
        );
        let out = run(
            &mut env,
            json!({"method": "GET", "path": "/attachments/A/preview"}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"contentType": "image/png", "contentBase64": "iVA="})
        );
    }
}
