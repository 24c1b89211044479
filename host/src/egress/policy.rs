//! Step one of the egress pipeline, *admit*: the rules for one connection (origins, path,
//! methods) and the request rewritten to the origin exactly as the allow-list spells it.

use super::origin::{normalize_host, Origin};
use crate::error::{HostError, SandboxRule};
use url::Url;
use wasmtime_wasi_http::Error as HttpError;

/// The egress rules for one connection.
#[derive(Debug, Clone)]
pub struct EgressPolicy {
    /// Origins requests may go to; everything else is denied.
    pub allowed: Vec<Origin>,
    /// The path every request's path must start with: the API base's path with a trailing
    /// `/` (`/api/v4/`), or `/` when the base has none.
    pub path_prefix: String,
    /// Let host names resolve to loopback/private/link-local/metadata addresses.
    pub allow_private_addresses: bool,
    /// Let only `GET` and `HEAD` requests out (`connector-host mcp --read-only`).
    pub read_only: bool,
}

impl EgressPolicy {
    /// Admits `request` or says why not: its origin on the allow-list, its path under the
    /// base's and free of dot segments, its method allowed, and its URI rebuilt from the
    /// canonical origin (so a trailing-dot or upper-case host, or user info in the authority,
    /// never reaches the resolver or the server). `Err` holds the violation to record and
    /// the error the guest sees (boxed: the pair is large and the refusal is the rare path).
    pub fn admit<B>(
        &self,
        request: &mut http::Request<B>,
    ) -> Result<Origin, Box<(HostError, HttpError)>> {
        let denied = |e| Box::new((e, HttpError::HttpRequestDenied));
        let origin = self.check_origin(request.uri()).map_err(denied)?;
        self.check_path(request.uri()).map_err(denied)?;
        self.check_method(request.method()).map_err(denied)?;
        let uri = canonical_uri(&origin, request.uri()).ok_or_else(|| {
            let e = HostError::sandbox(
                SandboxRule::EgressDenied,
                format!("request to {origin} denied: its URI cannot be rebuilt"),
            );
            Box::new((e, HttpError::HttpRequestUriInvalid))
        })?;
        *request.uri_mut() = uri;
        Ok(origin)
    }

    /// A policy allowing exactly the origin of `base_url`, and paths under its path.
    pub fn for_base_url(base_url: &Url, allow_private_addresses: bool) -> EgressPolicy {
        let mut path_prefix = base_url.path().to_string();
        if !path_prefix.ends_with('/') {
            path_prefix.push('/');
        }
        EgressPolicy {
            allowed: Origin::of(base_url).into_iter().collect(),
            path_prefix,
            allow_private_addresses,
            read_only: false,
        }
    }

    /// Checks the method when the policy is read-only: only `GET` and `HEAD` pass.
    pub fn check_method(&self, method: &http::Method) -> Result<(), HostError> {
        if !self.read_only || method == http::Method::GET || method == http::Method::HEAD {
            return Ok(());
        }
        Err(HostError::sandbox(
            SandboxRule::EgressDenied,
            format!("a {method} request denied: this connection is read-only"),
        )
        .with_hint("only GET and HEAD requests may leave under --read-only"))
    }

    /// Checks the path of `uri`: under [`EgressPolicy::path_prefix`], with no dot segment
    /// (`.`, `..`, or either percent-encoded) and no percent-encoded `/` or `\` that a server
    /// might decode into another path. `Err` names the path and the rule.
    pub fn check_path(&self, uri: &http::Uri) -> Result<(), HostError> {
        let path = uri.path();
        let deny = |why: &str| {
            Err(HostError::sandbox(
                SandboxRule::PathDenied,
                format!("request to path `{path}` denied: {why}"),
            )
            .with_hint(format!(
                "the plugin may reach only paths under the API base's path `{}`",
                self.path_prefix
            )))
        };
        for segment in path.split('/') {
            let lower = segment.to_ascii_lowercase();
            if lower.contains("%2f") || lower.contains("%5c") || segment.contains('\\') {
                return deny("it has an encoded `/` or a `\\` in a segment");
            }
            let decoded = lower.replace("%2e", ".");
            if decoded == "." || decoded == ".." {
                return deny("it has a dot segment");
            }
        }
        if !path.starts_with(&self.path_prefix) {
            return deny(&format!("it is not under `{}`", self.path_prefix));
        }
        Ok(())
    }

    /// Checks `uri` against the allow-list; `Err` names the rule that fired and how to allow it.
    pub fn check_origin(&self, uri: &http::Uri) -> Result<Origin, HostError> {
        let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
        let host = uri.host().map(normalize_host).unwrap_or_default();
        let port = uri.port_u16().or(match scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
        let requested = Origin {
            scheme,
            host,
            port: port.unwrap_or(0),
        };
        if self.allowed.contains(&requested) {
            return Ok(requested);
        }
        let allowed = self
            .allowed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Err(HostError::sandbox(
            SandboxRule::EgressDenied,
            format!("request to {requested} denied: the allow-list holds only [{allowed}]"),
        )
        .with_hint(
            "the plugin may reach only the connection's API base; change it with --base-url",
        ))
    }
}

/// `uri` with its scheme and authority replaced by `origin`'s canonical form (the port only
/// where it is not the scheme's default).
pub(super) fn canonical_uri(origin: &Origin, uri: &http::Uri) -> Option<http::Uri> {
    let host = if origin.host.contains(':') {
        format!("[{}]", origin.host)
    } else {
        origin.host.clone()
    };
    let default_port = match origin.scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    let authority = if origin.port == default_port {
        host
    } else {
        format!("{host}:{}", origin.port)
    };
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    http::Uri::builder()
        .scheme(origin.scheme.as_str())
        .authority(authority)
        .path_and_query(path)
        .build()
        .ok()
}
