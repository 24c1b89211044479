//! The OAuth2 protocol parts, on the [`oauth2`] crate: the authorization URL, the code exchange
//! and the refresh, all against the token endpoint the host reaches directly (the guest never
//! talks to the OAuth endpoints).
//!
//! What differs between APIs comes from the component's descriptor: how the client
//! authenticates at the token endpoint (form body or HTTP Basic), the separator scopes are
//! joined with (`,` for Wrike), and which extra field of the token response names the
//! account's API host (Wrike: `host`).

use crate::credentials::Secret;
use crate::descriptor::TokenEndpointAuth;
use crate::error::{ErrorKind, HostError, HostResult};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, ExtraTokenFields, HttpClientError, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// How long one request to the token endpoint may take.
pub const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The fields of a token response beyond the standard ones (Wrike's `host`, for one); the one
/// the descriptor names as `api_host_field` is read from here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtraFields(#[serde(default)] pub serde_json::Map<String, serde_json::Value>);

impl ExtraTokenFields for ExtraFields {}

type ApiTokenResponse = StandardTokenResponse<ExtraFields, BasicTokenType>;

type ApiClient<HasAuthUrl> = Client<
    BasicErrorResponse,
    ApiTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An OAuth2 app: its credentials and the token endpoint.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
    /// The token endpoint.
    pub token_url: String,
    /// How the client authenticates at the token endpoint.
    pub auth: TokenEndpointAuth,
    /// The token-response field naming the account's API host, if the API has one.
    pub api_host_field: Option<String>,
}

/// What a token endpoint granted.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The new access token.
    pub access_token: Secret,
    /// The new refresh token, when the endpoint sent one.
    pub refresh_token: Option<Secret>,
    /// The access token's lifetime, when the endpoint said.
    pub expires_in: Option<Duration>,
    /// The API host, when the endpoint said (the field the descriptor names; Wrike's `host`).
    pub host: Option<String>,
}

/// Replaces the origin (scheme, host, port) of `url` with that of `base`, keeping the path and
/// query: `--oauth-base-url` for Wrike's other login hosts and for the fake Wrike.
pub fn replace_origin(url: &str, base: &str) -> HostResult<String> {
    let base_url = Url::parse(base.trim()).map_err(|e| {
        HostError::invalid_input(
            "oauth_base_url",
            format!("`{base}` is not a valid URL: {e}"),
        )
    })?;
    if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
        return Err(HostError::invalid_input(
            "oauth_base_url",
            format!("`{base}` must be an http or https origin, e.g. https://login.wrike.com"),
        ));
    }
    if base_url.path() != "/"
        || base_url.query().is_some()
        || base_url.fragment().is_some()
        || !base_url.username().is_empty()
        || base_url.password().is_some()
    {
        return Err(HostError::invalid_input(
            "oauth_base_url",
            format!("`{base}` must be an origin only (scheme, host and port), with no path"),
        ));
    }
    let mut target = Url::parse(url).map_err(|e| {
        HostError::internal(format!(
            "the component's OAuth URL `{url}` is not valid: {e}"
        ))
    })?;
    let parse = |raw: &str| {
        Url::parse(raw).map_err(|e| {
            HostError::invalid_input("oauth_base_url", format!("cannot use `{base}`: {e}"))
        })
    };
    let mut rebuilt = parse(&format!(
        "{}{}",
        base_url.origin().ascii_serialization(),
        target.path()
    ))?;
    rebuilt.set_query(target.query());
    target = rebuilt;
    Ok(target.into())
}

fn client_for(app: &OAuthApp) -> HostResult<ApiClient<EndpointNotSet>> {
    let token_url = TokenUrl::new(app.token_url.clone()).map_err(|e| {
        HostError::invalid_input(
            "token_url",
            format!("token URL `{}` is not valid: {e}", app.token_url),
        )
    })?;
    Ok(Client::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose().to_string()))
        .set_auth_type(match app.auth {
            TokenEndpointAuth::ClientSecretPost => AuthType::RequestBody,
            TokenEndpointAuth::ClientSecretBasic => AuthType::BasicAuth,
        })
        .set_token_uri(token_url))
}

/// The authorization URL for `app` at `authorize_url`, asking for `scope` (already joined) and
/// redirecting to `redirect_uri`, with `state`.
pub fn authorization_url(
    app: &OAuthApp,
    authorize_url: &str,
    redirect_uri: &str,
    scope: &str,
    state: &str,
) -> HostResult<String> {
    let auth_url = AuthUrl::new(authorize_url.to_string()).map_err(|e| {
        HostError::invalid_input(
            "authorize_url",
            format!("authorize URL `{authorize_url}` is not valid: {e}"),
        )
    })?;
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| HostError::internal(format!("bad redirect URI `{redirect_uri}`: {e}")))?;
    let client = client_for(app)?
        .set_auth_uri(auth_url)
        .set_redirect_uri(redirect);
    let state = state.to_string();
    let mut request = client.authorize_url(move || CsrfToken::new(state));
    if !scope.is_empty() {
        // One "scope" holding the whole joined list: Wrike separates scopes with commas, and
        // the crate would join several with spaces.
        request = request.add_scope(Scope::new(scope.to_string()));
    }
    Ok(request.url().0.into())
}

/// A fresh, unpredictable `state` value (16 random bytes, base64url).
pub fn new_state() -> String {
    CsrfToken::new_random().secret().clone()
}

/// The HTTP client for the token endpoint: no redirects (as the OAuth2 crate advises), TLS by
/// rustls, a 30 s timeout.
pub fn http_client() -> HostResult<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TOKEN_REQUEST_TIMEOUT)
        .build()
        .map_err(|e| HostError::internal(format!("cannot build the OAuth HTTP client: {e}")))
}

fn grant_from(app: &OAuthApp, resp: ApiTokenResponse) -> HostResult<TokenGrant> {
    let access = resp.access_token().secret().trim().to_string();
    if access.is_empty() {
        return Err(HostError::new(
            ErrorKind::Upstream,
            "the token endpoint answered an empty access token",
        ));
    }
    Ok(TokenGrant {
        access_token: Secret::new(access),
        refresh_token: resp
            .refresh_token()
            .map(|r| r.secret().trim().to_string())
            .filter(|r| !r.is_empty())
            .map(Secret::new),
        expires_in: resp.expires_in(),
        host: app
            .api_host_field
            .as_deref()
            .and_then(|field| resp.extra_fields().0.get(field))
            .and_then(serde_json::Value::as_str)
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty()),
    })
}

/// Exchanges an authorization `code` (with the `redirect_uri` it was issued for).
pub async fn exchange_code(
    http: &reqwest::Client,
    app: &OAuthApp,
    code: &str,
    redirect_uri: &str,
) -> HostResult<TokenGrant> {
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| HostError::internal(format!("bad redirect URI `{redirect_uri}`: {e}")))?;
    let client = client_for(app)?.set_redirect_uri(redirect);
    let resp = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .request_async(http)
        .await
        .map_err(|e| token_error(e, "exchanging the authorization code", &app.token_url))?;
    grant_from(app, resp)
}

/// Refreshes with `refresh_token` (grant_type=refresh_token; the client authenticates as
/// `app.auth` says: id and secret in the form, or HTTP Basic).
pub async fn refresh(
    http: &reqwest::Client,
    app: &OAuthApp,
    refresh_token: &Secret,
) -> HostResult<TokenGrant> {
    let client = client_for(app)?;
    let token = RefreshToken::new(refresh_token.expose().to_string());
    let resp = client
        .exchange_refresh_token(&token)
        .request_async(http)
        .await
        .map_err(|e| token_error(e, "refreshing the access token", &app.token_url))?;
    grant_from(app, resp)
}

fn token_error(
    e: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
    doing: &str,
    token_url: &str,
) -> HostError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let code = r.error().to_string();
            let desc = r
                .error_description()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            let kind = match code.as_str() {
                "invalid_grant" | "invalid_client" | "unauthorized_client" | "invalid_scope" => {
                    ErrorKind::Unauthorized
                }
                _ => ErrorKind::Upstream,
            };
            let mut err = HostError::new(
                kind,
                format!("the token endpoint refused {doing}: {code}{desc}"),
            );
            err.code = Some(code);
            err
        }
        RequestTokenError::Request(e) => HostError::new(
            ErrorKind::Transport,
            format!(
                "cannot reach the token endpoint {token_url} while {doing}: {}",
                error_chain(&e)
            ),
        ),
        RequestTokenError::Parse(e, _body) => HostError::new(
            ErrorKind::Upstream,
            // The body may hold tokens: never echo it.
            format!(
                "the token endpoint's answer while {doing} is not a valid token response: {}",
                e.path()
            ),
        ),
        RequestTokenError::Other(m) => HostError::new(
            ErrorKind::Upstream,
            format!("unexpected answer from the token endpoint while {doing}: {m}"),
        ),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> OAuthApp {
        OAuthApp {
            client_id: "cid".into(),
            client_secret: Secret::new("sec"),
            token_url: "https://login.wrike.com/oauth2/token".into(),
            auth: TokenEndpointAuth::ClientSecretPost,
            api_host_field: Some("host".into()),
        }
    }

    #[test]
    fn origin_replacement() {
        assert_eq!(
            replace_origin(
                "https://login.wrike.com/oauth2/authorize/v4",
                "http://127.0.0.1:8080"
            )
            .unwrap(),
            "http://127.0.0.1:8080/oauth2/authorize/v4"
        );
        assert_eq!(
            replace_origin(
                "https://login.wrike.com/oauth2/token?x=1",
                "https://www.wrike.com/"
            )
            .unwrap(),
            "https://www.wrike.com/oauth2/token?x=1"
        );
        for bad in ["ftp://x", "not a url", "https://x/path", "https://u:p@x"] {
            let e = replace_origin("https://login.wrike.com/oauth2/token", bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("oauth_base_url"), "{bad}");
        }
    }

    #[test]
    fn authorization_url_has_wrike_parameters() {
        let url = authorization_url(
            &app(),
            "https://login.wrike.com/oauth2/authorize/v4",
            "http://127.0.0.1:5000/callback",
            "wsReadWrite,Default",
            "st4te",
        )
        .unwrap();
        let parsed = Url::parse(&url).unwrap();
        let q: std::collections::HashMap<String, String> =
            parsed.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["scope"], "wsReadWrite,Default");
        assert_eq!(q["state"], "st4te");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5000/callback");
        assert!(!url.contains("sec"), "the secret never goes in the URL");
        assert_ne!(new_state(), new_state());
        assert!(new_state().len() >= 16);
    }

    /// What a token endpoint saw of one request.
    #[derive(Default, Clone)]
    struct Seen {
        authorization: Option<String>,
        form: Vec<(String, String)>,
    }

    /// A token endpoint on 127.0.0.1 that records each request and grants a token.
    async fn token_endpoint() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Seen>>>) {
        use axum::{http::HeaderMap, routing::post, Router};
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Seen>::new()));
        let log = seen.clone();
        let app = Router::new().route(
            "/token",
            post(move |headers: HeaderMap, body: String| {
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(Seen {
                        authorization: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                        form: url::form_urlencoded::parse(body.as_bytes())
                            .into_owned()
                            .collect(),
                    });
                    (
                        [("content-type", "application/json")],
                        r#"{"access_token":"at","token_type":"bearer","refresh_token":"rt","expires_in":3600}"#,
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}/token"), seen)
    }

    fn has(form: &[(String, String)], key: &str) -> bool {
        form.iter().any(|(k, _)| k == key)
    }

    /// `client-secret-basic`: the id and secret go in an HTTP Basic `Authorization` header
    /// (form-urlencoded first, RFC 6749 §2.3.1), never in the form; `client-secret-post` is the
    /// reverse. Both for the code exchange and the refresh.
    #[tokio::test]
    async fn the_client_authenticates_as_the_descriptor_says() {
        use base64::Engine as _;
        let (url, seen) = token_endpoint().await;
        let http = http_client().unwrap();
        let mut basic = app();
        basic.client_id = "c id".into();
        basic.client_secret = Secret::new("s:cret");
        basic.token_url = url.clone();
        basic.auth = TokenEndpointAuth::ClientSecretBasic;
        let grant = exchange_code(&http, &basic, "code1", "http://127.0.0.1:1/cb")
            .await
            .unwrap();
        assert_eq!(grant.access_token.expose(), "at");
        refresh(&http, &basic, &Secret::new("rt")).await.unwrap();
        let mut post = app();
        post.token_url = url;
        exchange_code(&http, &post, "code2", "http://127.0.0.1:1/cb")
            .await
            .unwrap();

        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("c+id:s%3Acret")
        );
        for s in &seen[..2] {
            assert_eq!(s.authorization.as_deref(), Some(expected.as_str()));
            assert!(!has(&s.form, "client_secret"), "{:?}", s.form);
        }
        assert!(has(&seen[0].form, "code") && has(&seen[1].form, "refresh_token"));
        assert_eq!(seen[2].authorization, None);
        assert!(seen[2]
            .form
            .contains(&("client_secret".to_string(), "sec".to_string())));
        assert!(seen[2]
            .form
            .contains(&("client_id".to_string(), "cid".to_string())));
    }
}
