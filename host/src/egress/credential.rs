//! Step two of the egress pipeline, *apply the credential*: whatever credential the guest put
//! on its request is dropped, and the host's own bearer token (which the guest never holds) and
//! `Host` header are set.

use crate::credentials::Secret;
use crate::error::{ErrorKind, HostError};
use http::header::{HeaderValue, AUTHORIZATION, HOST, PROXY_AUTHORIZATION};

/// The `Authorization` value for `token`, marked sensitive (never logged by the HTTP layer).
/// `Err` when the token holds characters an HTTP header cannot carry.
pub(super) fn bearer(token: &Secret) -> Result<HeaderValue, HostError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        HostError::new(
            ErrorKind::Unauthorized,
            "the access token contains characters not allowed in an HTTP header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Replaces the guest's credential headers on `request` with `credential` (none without a
/// token), and sets `Host` from the (already canonical) URI's authority.
pub(super) fn apply<B>(request: &mut http::Request<B>, credential: Option<HeaderValue>) {
    let authority = request
        .uri()
        .authority()
        .and_then(|a| HeaderValue::from_str(a.as_str()).ok());
    let headers = request.headers_mut();
    headers.remove(AUTHORIZATION);
    headers.remove(PROXY_AUTHORIZATION);
    if let Some(value) = credential {
        headers.insert(AUTHORIZATION, value);
    }
    if let Some(value) = authority {
        headers.insert(HOST, value);
    }
}
