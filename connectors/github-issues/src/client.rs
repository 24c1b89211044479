//! The GitHub REST client: requests from the connection's base URL with GitHub's media type,
//! API version and `User-Agent` headers (never a credential: the host adds it), JSON bodies,
//! `Link: <…>; rel="next"` paging, and GitHub's error answers mapped onto the typed errors.
//!
//! Error mapping (GitHub REST docs, "Troubleshooting" and "Rate limits"):
//! - 401 → `unauthorized` ("Bad credentials");
//! - 403 or 429 with `x-ratelimit-remaining: 0` or `retry-after` → `rate-limited`, waiting until
//!   `x-ratelimit-reset` (epoch seconds) or for `retry-after` seconds; other 403 → `forbidden`;
//! - 404 → `not-found` (GitHub also answers 404 for private repositories the token cannot see);
//! - 422 "Validation Failed" → `invalid-input` naming the first failing `errors[].field`;
//! - anything else ≥ 400 → `upstream` with the status, `errors[0].code` and the `message`.

use connector_sdk::env::{Env, HttpRequest, HttpResponse, Method};
use connector_sdk::url::{next_link, Url};
use connector_sdk::{wit, Error, Result};
use serde_json::Value;

use crate::settings::Settings;

/// The REST API version this connector speaks (`X-GitHub-Api-Version`).
pub const API_VERSION: &str = "2022-11-28";
/// GitHub's JSON media type.
const ACCEPT: &str = "application/vnd.github+json";
/// GitHub rejects requests without a `User-Agent`.
const USER_AGENT: &str = concat!("connector-github-issues/", env!("CARGO_PKG_VERSION"));

/// One page of a list answer.
#[derive(Debug)]
pub struct Page {
    /// The items of the page.
    pub items: Vec<Value>,
    /// The absolute URL of the next page (`Link: <…>; rel="next"`), when there is one.
    pub next: Option<String>,
}

/// A client for one call: the environment, the base URL and the connection settings.
pub struct GitHub<'a> {
    env: &'a mut dyn Env,
    base: Url,
    settings: Settings,
    login: Option<String>,
}

impl<'a> GitHub<'a> {
    /// A client for connection `conn`: its base URL and settings are checked here.
    pub fn new(env: &'a mut dyn Env, conn: &wit::Connection) -> Result<Self> {
        Ok(GitHub {
            base: Url::parse_base("api_base_url", &conn.api_base_url)?,
            settings: Settings::parse(&conn.settings)?,
            env,
            login: None,
        })
    }

    /// The login of the authenticated user (`GET /user`), fetched once per call.
    pub fn login(&mut self) -> Result<String> {
        if let Some(login) = &self.login {
            return Ok(login.clone());
        }
        let user = self.get("/user", &[])?;
        let login = user["login"]
            .as_str()
            .ok_or_else(|| Error::internal("GET /user answered without a `login`"))?
            .to_string();
        self.login = Some(login.clone());
        Ok(login)
    }

    /// The owner to use: `given` (from the input), else the connection's `owner` setting, else
    /// the authenticated user's login.
    pub fn owner(&mut self, given: Option<&str>) -> Result<String> {
        match given.or(self.settings.owner.as_deref()) {
            Some(owner) => Ok(owner.to_string()),
            None => self.login(),
        }
    }

    /// `GET path?query`, one JSON value.
    pub fn get(&mut self, path: &str, query: &[(&str, String)]) -> Result<Value> {
        let url = self.base.join(path, query);
        let response = self.send(url.request(Method::Get))?;
        json_body(&response)
    }

    /// `GET path?query` of a list: the first page.
    pub fn get_page(&mut self, path: &str, query: &[(&str, String)]) -> Result<Page> {
        let url = self.base.join(path, query);
        self.page(url)
    }

    /// The page at `next`, an absolute URL taken from a previous page's `Link` header. It is
    /// followed as GitHub gives it; the host's egress gate decides whether it may be reached.
    pub fn get_next(&mut self, next: &str) -> Result<Page> {
        let url = Url::parse("next", next)
            .map_err(|e| Error::internal(format!("GitHub sent an unusable next link: {e}")))?;
        self.page(url)
    }

    fn page(&mut self, url: Url) -> Result<Page> {
        let response = self.send(url.request(Method::Get))?;
        let next = response
            .header("link")
            .and_then(next_link)
            .map(str::to_string);
        match json_body(&response)? {
            Value::Array(items) => Ok(Page { items, next }),
            _ => Err(Error::internal(
                "GitHub answered a list call without a JSON array",
            )),
        }
    }

    /// `method path` with JSON `body`, one JSON value back.
    pub fn send_json(&mut self, method: Method, path: &str, body: &Value) -> Result<Value> {
        let mut request = self.base.join(path, &[]).request(method);
        request
            .headers
            .push(("content-type".into(), "application/json".into()));
        request.body = body.to_string().into_bytes();
        let response = self.send(request)?;
        json_body(&response)
    }

    fn send(&mut self, mut request: HttpRequest) -> Result<HttpResponse> {
        request.headers.extend([
            ("accept".to_string(), ACCEPT.to_string()),
            ("x-github-api-version".to_string(), API_VERSION.to_string()),
            ("user-agent".to_string(), USER_AGENT.to_string()),
        ]);
        let response = self.env.send(request)?;
        if response.status >= 400 {
            return Err(map_error(&response, self.env.now().secs));
        }
        Ok(response)
    }
}

fn json_body(response: &HttpResponse) -> Result<Value> {
    serde_json::from_slice(&response.body).map_err(|e| {
        Error::internal(format!(
            "GitHub answered HTTP {} with a body that is not JSON: {e}",
            response.status
        ))
    })
}

/// Maps an error answer (status ≥ 400) onto the typed error; `now` is the current Unix time.
pub fn map_error(response: &HttpResponse, now: i64) -> Error {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let message = body["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {}", response.status));
    let first_error = body["errors"].get(0);
    let header_u64 = |name| {
        response
            .header(name)
            .and_then(|v: &str| v.trim().parse::<u64>().ok())
    };
    let retry_after = header_u64("retry-after").map(|s| s * 1000);
    let exhausted = response.header("x-ratelimit-remaining").map(str::trim) == Some("0");
    match response.status {
        401 => Error::Unauthorized(message),
        403 | 429 if exhausted || retry_after.is_some() || response.status == 429 => {
            let until_reset = header_u64("x-ratelimit-reset")
                .filter(|_| exhausted)
                .map(|reset| reset.saturating_sub(now.max(0) as u64) * 1000);
            Error::RateLimited {
                retry_after_ms: retry_after.or(until_reset),
                message,
            }
        }
        403 => Error::Forbidden(message),
        404 => Error::NotFound(message),
        422 => {
            let field = first_error
                .and_then(|e| e["field"].as_str())
                .unwrap_or_default();
            let detail = first_error
                .and_then(|e| e["message"].as_str().or(e["code"].as_str()))
                .map(|d| format!("{message}: {d}"))
                .unwrap_or(message);
            Error::invalid(field, detail)
        }
        status => Error::Upstream {
            status,
            code: first_error
                .and_then(|e| e["code"].as_str())
                .map(str::to_string),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_sdk::testing::{status, with_header};

    #[test]
    fn errors_map_to_typed_errors() {
        let e = |code, body: &str| map_error(&status(code, body), 1_000);
        assert_eq!(
            e(401, r#"{"message":"Bad credentials"}"#),
            Error::Unauthorized("Bad credentials".into())
        );
        assert_eq!(
            e(404, r#"{"message":"Not Found"}"#),
            Error::NotFound("Not Found".into())
        );
        assert_eq!(
            e(403, r#"{"message":"Resource not accessible"}"#),
            Error::Forbidden("Resource not accessible".into())
        );
        assert_eq!(
            e(
                422,
                r#"{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}]}"#
            ),
            Error::invalid("title", "Validation Failed: missing_field")
        );
        assert_eq!(
            e(410, r#"{"message":"Issues are disabled for this repo"}"#),
            Error::Upstream {
                status: 410,
                code: None,
                message: "Issues are disabled for this repo".into()
            }
        );
        assert_eq!(
            e(502, "<html>"),
            Error::Upstream {
                status: 502,
                code: None,
                message: "HTTP 502".into()
            }
        );
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let limited = with_header(
            with_header(
                status(403, r#"{"message":"API rate limit exceeded"}"#),
                "x-ratelimit-remaining",
                "0",
            ),
            "x-ratelimit-reset",
            "1060",
        );
        assert_eq!(
            map_error(&limited, 1_000),
            Error::RateLimited {
                retry_after_ms: Some(60_000),
                message: "API rate limit exceeded".into()
            }
        );
        let secondary = with_header(status(429, "{}"), "retry-after", "7");
        assert!(matches!(
            map_error(&secondary, 0),
            Error::RateLimited {
                retry_after_ms: Some(7_000),
                ..
            }
        ));
    }
}
