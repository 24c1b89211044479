//! The Wrike client: sends requests built by [`request`](super::request) through
//! [`Env`](crate::env::Env) and reads the answers with [`response`](super::response).

pub use super::request::*;
pub use super::response::*;
use crate::env::{Env, HttpRequest, HttpResponse, LogLevel, Method};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// The Wrike client of one call: the connection's base URL plus the environment that sends.
pub struct Client<'a> {
    base: BaseUrl,
    env: &'a mut dyn Env,
}

impl<'a> Client<'a> {
    /// A client for the API at `api_base_url` (the connection's, never hard-coded).
    pub fn new(api_base_url: &str, env: &'a mut dyn Env) -> Result<Self> {
        Ok(Client {
            base: BaseUrl::parse(api_base_url)?,
            env,
        })
    }

    /// The current time, from the environment.
    pub fn now(&self) -> Timestamp {
        self.env.now()
    }

    /// Write a line to the host's log.
    pub fn log(&mut self, level: LogLevel, message: &str) {
        self.env.log(level, message);
    }

    /// Wait `ms` milliseconds (see [`Env::sleep`]).
    pub fn sleep(&mut self, ms: u64) {
        self.env.sleep(ms);
    }

    /// Build the request for `method path?query` with `body` (pure; exposed for tests).
    pub fn build(&self, method: Method, path: &str, query: &Params, body: Body) -> HttpRequest {
        let mut path_with_query = format!("{}{}", self.base.prefix, path);
        if !query.is_empty() {
            path_with_query.push('?');
            path_with_query.push_str(&query.encode());
        }
        let mut headers = vec![
            ("accept".to_string(), "application/json".to_string()),
            (
                "user-agent".to_string(),
                concat!("wrike-connector/", env!("CARGO_PKG_VERSION")).to_string(),
            ),
        ];
        let body = match body {
            Body::None => Vec::new(),
            Body::Form(p) => {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                p.encode().into_bytes()
            }
            Body::Raw {
                content_type,
                headers: extra,
                bytes,
            } => {
                headers.push(("content-type".into(), content_type));
                headers.extend(extra);
                bytes
            }
        };
        HttpRequest {
            method,
            scheme: self.base.scheme,
            authority: self.base.authority.clone(),
            path_with_query,
            headers,
            body,
        }
    }

    /// Send a request and return the raw response, whatever its status.
    pub fn send(
        &mut self,
        method: Method,
        path: &str,
        query: &Params,
        body: Body,
    ) -> Result<HttpResponse> {
        // IDs are refused as `.` or `..` by their schema; this keeps any other source of a
        // segment (a response, a future action) from addressing another resource.
        if let Some(seg) = path.split('/').find(|s| matches!(*s, "." | "..")) {
            return Err(Error::invalid(
                "",
                format!("`{seg}` cannot be an ID: it would address another resource"),
            ));
        }
        let req = self.build(method, path, query, body);
        self.env.log(
            LogLevel::Debug,
            &format!("{} {}", method.as_str(), req.path_with_query),
        );
        self.env.send(req)
    }

    /// Send a request; map error statuses; parse the success envelope.
    pub fn call(
        &mut self,
        method: Method,
        path: &str,
        query: &Params,
        body: Body,
    ) -> Result<Envelope> {
        let resp = self.send(method, path, query, body)?;
        self.check(&resp)?;
        parse_envelope(&resp)
    }

    /// `Ok` for a 2xx response, else the mapped error.
    pub fn check(&self, resp: &HttpResponse) -> Result<()> {
        if (200..300).contains(&resp.status) {
            Ok(())
        } else {
            Err(map_error(resp, self.env.now()))
        }
    }

    /// `GET path?query`.
    pub fn get(&mut self, path: &str, query: &Params) -> Result<Envelope> {
        self.call(Method::Get, path, query, Body::None)
    }

    /// `POST path` with a form body.
    pub fn post(&mut self, path: &str, form: Params) -> Result<Envelope> {
        self.call(Method::Post, path, &Params::new(), Body::Form(form))
    }

    /// `PUT path` with a form body.
    pub fn put(&mut self, path: &str, form: Params) -> Result<Envelope> {
        self.call(Method::Put, path, &Params::new(), Body::Form(form))
    }

    /// `DELETE path`.
    pub fn delete(&mut self, path: &str) -> Result<Envelope> {
        self.call(Method::Delete, path, &Params::new(), Body::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Scheme;
    use serde_json::json;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    const NOW: Timestamp = Timestamp::from_secs(1_700_000_000);

    #[test]
    fn form_encoding_json_encodes_arrays_and_objects() {
        let input = json!({"title":"Fix it & ship","responsibles":["KUAAAAAQ"],
            "dates":{"due":"2019-02-25","start":"2019-02-18"},"follow":true,"priority":3});
        let p = Params::from_input(input.as_object().unwrap(), &[]);
        assert_eq!(p.get("responsibles"), Some(r#"["KUAAAAAQ"]"#));
        assert_eq!(
            p.get("dates"),
            Some(r#"{"due":"2019-02-25","start":"2019-02-18"}"#)
        );
        assert_eq!(p.get("follow"), Some("true"));
        assert_eq!(p.get("priority"), Some("3"));
        assert_eq!(
            p.encode(),
            "dates=%7B%22due%22%3A%222019-02-25%22%2C%22start%22%3A%222019-02-18%22%7D&follow=true&priority=3&responsibles=%5B%22KUAAAAAQ%22%5D&title=Fix%20it%20%26%20ship"
        );
        let mut q = Params::new();
        q.text("text", "héllo wörld");
        assert_eq!(q.encode(), "text=h%C3%A9llo%20w%C3%B6rld");
    }

    #[test]
    fn paths_encode_every_segment() {
        assert_eq!(
            path(&["tasks", "IEAAAAAQKQAB5BG5"]),
            "/tasks/IEAAAAAQKQAB5BG5"
        );
        assert_eq!(path(&["tasks", "../x?y=1"]), "/tasks/..%2Fx%3Fy%3D1");
    }

    #[test]
    fn base_url_parsing() {
        let b = BaseUrl::parse("https://app-eu.wrike.com/api/v4/").unwrap();
        assert_eq!(b.scheme, Scheme::Https);
        assert_eq!(b.authority, "app-eu.wrike.com");
        assert_eq!(b.prefix, "/api/v4");
        let b = BaseUrl::parse("http://127.0.0.1:8080/api/v4").unwrap();
        assert_eq!(
            (b.scheme, b.authority.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
        for bad in [
            "ftp://x/api",
            "www.wrike.com/api/v4",
            "https:///api",
            "https://u:p@h/api",
            "https://h/api?x=1",
        ] {
            assert!(
                matches!(BaseUrl::parse(bad), Err(Error::InvalidInput { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn envelope_parsing() {
        let e = parse_envelope(&resp(
            200,
            r#"{"kind":"tasks","nextPageToken":"T1","responseSize":2450,"data":[{"id":"A"}]}"#,
        ))
        .unwrap();
        assert_eq!(e.kind.as_deref(), Some("tasks"));
        assert_eq!(e.next_page_token.as_deref(), Some("T1"));
        assert_eq!(e.response_size, Some(2450));
        assert_eq!(
            e.clone().into_list(),
            json!({"items":[{"id":"A"}],"nextPageToken":"T1","responseSize":2450})
        );
        assert_eq!(e.first().unwrap(), json!({"id":"A"}));
        let empty = parse_envelope(&resp(200, r#"{"kind":"tasks","data":[]}"#)).unwrap();
        assert_eq!(empty.clone().into_list(), json!({"items":[]}));
        assert!(matches!(empty.first(), Err(Error::Upstream { .. })));
        assert!(matches!(
            parse_envelope(&resp(200, r#"{"kind":"tasks"}"#)),
            Err(Error::Upstream { .. })
        ));
        assert!(matches!(
            parse_envelope(&resp(200, "[1]")),
            Err(Error::Upstream { .. })
        ));
    }

    #[test]
    fn maps_400_to_invalid_input_with_parameter_name() {
        let e = map_error(
            &resp(
                400,
                r#"{"errorDescription":"Parameter 'importance' value is invalid","error":"invalid_parameter"}"#,
            ),
            NOW,
        );
        match e {
            Error::InvalidInput { field, message } => {
                assert_eq!(field, "importance");
                assert!(message.contains("invalid_parameter"));
            }
            other => panic!("{other:?}"),
        }
        let e = map_error(
            &resp(
                400,
                r#"{"errorDescription":"Something is wrong","error":"invalid_request"}"#,
            ),
            NOW,
        );
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field.is_empty()));
        assert_eq!(
            parameter_in("Required parameter \"title\" is missing"),
            "title"
        );
        assert_eq!(parameter_in("Parameter '' value is invalid"), "");
        assert_eq!(parameter_in("parameter title"), "");
    }

    #[test]
    fn maps_each_status() {
        let body = |c: &str| format!(r#"{{"errorDescription":"d-{c}","error":"{c}"}}"#);
        assert_eq!(
            map_error(&resp(401, &body("not_authorized")), NOW),
            Error::Unauthorized("d-not_authorized".into())
        );
        assert_eq!(
            map_error(&resp(403, &body("access_forbidden")), NOW),
            Error::Forbidden("d-access_forbidden".into())
        );
        assert_eq!(
            map_error(&resp(404, &body("resource_not_found")), NOW),
            Error::NotFound("d-resource_not_found".into())
        );
        assert_eq!(
            map_error(&resp(500, &body("server_error")), NOW),
            Error::Upstream {
                status: 500,
                code: Some("server_error".into()),
                message: "d-server_error".into()
            }
        );
        let mut r = resp(429, &body("too_many_requests"));
        r.headers.push(("Retry-After".into(), "7".into()));
        assert_eq!(
            map_error(&r, NOW),
            Error::RateLimited {
                retry_after_ms: Some(7000),
                message: "d-too_many_requests".into()
            }
        );
        let r = resp(429, &body("rate_limit_exceeded"));
        assert!(matches!(
            map_error(&r, NOW),
            Error::RateLimited {
                retry_after_ms: None,
                ..
            }
        ));
        // Statuses with a meaning of their own keep it even without Wrike's envelope.
        assert!(matches!(
            map_error(&resp(401, ""), NOW),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            map_error(&resp(404, "<html>"), NOW),
            Error::NotFound(_)
        ));
    }

    #[test]
    fn blank_error_fields_never_make_an_empty_message() {
        // Regression (property tests): `{"errorDescription":""}` gave an empty message.
        for body in [
            r#"{"errorDescription":""}"#,
            r#"{"errorDescription":" ","error":""}"#,
            r#"{"error":"","errorDescription":null}"#,
        ] {
            for code in [400, 401, 403, 404, 429, 500] {
                let e = map_error(&resp(code, body), NOW);
                let message = match &e {
                    Error::InvalidInput { message, .. }
                    | Error::RateLimited { message, .. }
                    | Error::Upstream { message, .. } => message,
                    Error::Unauthorized(m) | Error::Forbidden(m) | Error::NotFound(m) => m,
                    other => panic!("{other:?}"),
                };
                assert!(!message.trim().is_empty(), "{code} {body}: {e:?}");
            }
        }
        assert!(matches!(
            map_error(&resp(400, r#"{"errorDescription":""}"#), NOW),
            Error::Upstream { status: 400, .. }
        ));
    }

    #[test]
    fn non_json_error_bodies_become_clear_upstream_errors() {
        let r = HttpResponse {
            status: 502,
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<html><body>Bad Gateway</body></html>".to_vec(),
        };
        match map_error(&r, NOW) {
            Error::Upstream {
                status: 502,
                code: None,
                message,
            } => {
                assert!(message.contains("non-JSON"), "{message}");
                assert!(message.contains("text/html"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match map_error(&resp(300, ""), NOW) {
            Error::Upstream {
                status: 300,
                message,
                ..
            } => assert!(message.contains("wrong API host")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            map_error(&resp(503, r#"{"x":1}"#), NOW),
            Error::Upstream { status: 503, .. }
        ));
        assert!(matches!(
            parse_envelope(&resp(200, "<html>")),
            Err(Error::Upstream { status: 200, .. })
        ));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms(Some("120"), NOW), Some(120_000));
        assert_eq!(retry_after_ms(Some(" 1.5 "), NOW), Some(1500));
        // 1_700_000_030 = Tue, 14 Nov 2023 22:13:50 GMT
        assert_eq!(
            retry_after_ms(Some("Tue, 14 Nov 2023 22:13:50 GMT"), NOW),
            Some(30_000)
        );
        assert_eq!(
            retry_after_ms(Some("Tue, 14 Nov 2000 22:13:50 GMT"), NOW),
            Some(0)
        );
        assert_eq!(retry_after_ms(Some("later"), NOW), None);
        assert_eq!(retry_after_ms(Some("-5"), NOW), None);
        assert_eq!(retry_after_ms(None, NOW), None);
    }

    struct NoEnv;
    impl Env for NoEnv {
        fn send(&mut self, _: HttpRequest) -> Result<HttpResponse> {
            Err(Error::Transport("offline".into()))
        }
        fn log(&mut self, _: LogLevel, _: &str) {}
        fn now(&self) -> Timestamp {
            NOW
        }
        fn sleep(&mut self, _: u64) {}
    }

    #[test]
    fn dot_segments_are_never_sent() {
        struct Counting(usize);
        impl Env for Counting {
            fn send(&mut self, _: HttpRequest) -> Result<HttpResponse> {
                self.0 += 1;
                Err(Error::Transport("offline".into()))
            }
            fn log(&mut self, _: LogLevel, _: &str) {}
            fn now(&self) -> Timestamp {
                NOW
            }
            fn sleep(&mut self, _: u64) {}
        }
        let mut env = Counting(0);
        let mut c = Client::new("https://www.wrike.com/api/v4", &mut env).unwrap();
        for p in [path(&["tasks", ".."]), path(&["tasks", ".", "comments"])] {
            assert!(
                matches!(c.get(&p, &Params::new()), Err(Error::InvalidInput { .. })),
                "{p}"
            );
        }
        assert!(matches!(
            c.get(&path(&["tasks", "..."]), &Params::new()),
            Err(Error::Transport(_))
        ));
        assert_eq!(env.0, 1);
    }

    #[test]
    fn builds_requests_from_the_base_url_without_authorization() {
        let mut env = NoEnv;
        let c = Client::new("https://app-eu.wrike.com/api/v4", &mut env).unwrap();
        let mut q = Params::new();
        q.value("fields", &json!(["description"]));
        let r = c.build(Method::Get, "/tasks/X", &q, Body::None);
        assert_eq!(r.authority, "app-eu.wrike.com");
        assert_eq!(
            r.path_with_query,
            "/api/v4/tasks/X?fields=%5B%22description%22%5D"
        );
        assert!(r.header("authorization").is_none());
        let mut f = Params::new();
        f.text("title", "T");
        let r = c.build(
            Method::Post,
            "/folders/F/tasks",
            &Params::new(),
            Body::Form(f),
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.body_text(), "title=T");
        assert!(r.header("authorization").is_none());
    }
}
