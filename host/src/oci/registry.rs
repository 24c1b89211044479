//! Talking to a registry (feature `oci`), through the ORAS project's `oci-client`: fetch a
//! manifest and a blob, each checked against its digest, and push a component. Errors become
//! [`HostError`]s that name the reference and what went wrong.

use super::layout::{self, Descriptor};
use super::reference::{OciReference, Pin};
use super::OciSettings;
use crate::error::{ErrorKind, HostError, HostResult};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{DigestError, OciDistributionError};
use oci_client::manifest::OciDescriptor;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use std::time::Duration;

/// A client for the registry of one reference.
pub(super) struct Registry {
    client: Client,
    auth: RegistryAuth,
    reference: OciReference,
    target: Reference,
}

impl Registry {
    /// A client for `reference`'s registry: plain HTTP only when the registry is on loopback or
    /// listed in `[oci] insecure`, HTTPS (rustls, webpki roots) otherwise; the connect and read
    /// timeouts of `settings`; the credentials of `settings`, else anonymous.
    pub fn new(reference: &OciReference, settings: &OciSettings) -> HostResult<Registry> {
        let mut plain = settings.insecure.clone();
        if reference.is_loopback() {
            plain.push(reference.registry().to_string());
        }
        let config = ClientConfig {
            protocol: ClientProtocol::HttpsExcept(plain),
            connect_timeout: Some(Duration::from_millis(settings.connect_timeout_ms)),
            read_timeout: Some(Duration::from_millis(settings.read_timeout_ms)),
            // A component is one manifest; an image index is refused, not resolved.
            platform_resolver: None,
            ..Default::default()
        };
        let client = Client::try_from(config)
            .map_err(|e| HostError::internal(format!("cannot set up the registry client: {e}")))?;
        let auth = match &settings.credentials {
            Some(c) => RegistryAuth::Basic(c.username.clone(), c.password.expose().to_string()),
            None => RegistryAuth::Anonymous,
        };
        let (registry, repository) = (
            reference.registry().to_string(),
            reference.repository().to_string(),
        );
        let target = match reference.pin() {
            Pin::Digest(d) => Reference::with_digest(registry, repository, d.clone()),
            Pin::Tag(t) => Reference::with_tag(registry, repository, t.clone()),
        };
        Ok(Registry {
            client,
            auth,
            reference: reference.clone(),
            target,
        })
    }

    /// The manifest's bytes and digest. For a digest reference the bytes are checked against
    /// it here and by the client; for a tag, the digest is that of the bytes received.
    pub async fn manifest(&self) -> HostResult<(Vec<u8>, String)> {
        let accepted = [
            layout::MANIFEST_MEDIA_TYPE,
            layout::DOCKER_MANIFEST_MEDIA_TYPE,
        ];
        let (bytes, _) = self
            .client
            .pull_manifest_raw(&self.target, &self.auth, &accepted)
            .await
            .map_err(|e| self.error("manifest", e))?;
        let digest = layout::sha256_digest(&bytes);
        if let Some(expected) = self.reference.digest() {
            if digest != expected {
                return Err(mismatch(&self.reference, "manifest", expected, &digest));
            }
        }
        Ok((bytes, digest))
    }

    /// The blob `layer` describes, at most its declared size, checked against its digest.
    pub async fn blob(&self, layer: &Descriptor) -> HostResult<Vec<u8>> {
        let descriptor = OciDescriptor {
            media_type: layer.media_type.clone(),
            digest: layer.digest.clone(),
            size: i64::try_from(layer.size).unwrap_or(i64::MAX),
            ..Default::default()
        };
        let mut out = Bounded {
            bytes: Vec::new(),
            max: layer.size,
            overflowed: false,
        };
        let pulled = self
            .client
            .pull_blob(&self.target, &descriptor, &mut out)
            .await;
        if out.overflowed {
            return Err(HostError::new(
                ErrorKind::DigestMismatch,
                format!(
                    "the registry sent more than the {} bytes the manifest of {} declares for its component layer",
                    layer.size, self.reference
                ),
            ));
        }
        pulled.map_err(|e| self.error("component layer", e))?;
        let digest = layout::sha256_digest(&out.bytes);
        if digest != layer.digest {
            return Err(mismatch(
                &self.reference,
                "component layer",
                &layer.digest,
                &digest,
            ));
        }
        Ok(out.bytes)
    }

    /// Pushes `component` with `config` as a Wasm component artifact under the reference's tag
    /// and returns the manifest's digest.
    pub async fn push(&self, component: &[u8], config: &[u8]) -> HostResult<String> {
        let layer = Descriptor::of(layout::LAYER_MEDIA_TYPE, component);
        let config_descriptor = Descriptor::of(layout::CONFIG_MEDIA_TYPE, config);
        self.client
            .store_auth_if_needed(self.target.resolve_registry(), &self.auth)
            .await;
        for (bytes, descriptor, what) in [
            (component, &layer, "component layer"),
            (config, &config_descriptor, "config"),
        ] {
            self.client
                .push_blob(&self.target, bytes, &descriptor.digest)
                .await
                .map_err(|e| self.error(what, e))?;
        }
        let manifest = layout::manifest_blob(&config_descriptor, &layer);
        let digest = layout::sha256_digest(&manifest);
        self.client
            .push_manifest_raw(
                &self.target,
                manifest,
                http::HeaderValue::from_static(layout::MANIFEST_MEDIA_TYPE),
            )
            .await
            .map_err(|e| self.error("manifest", e))?;
        Ok(digest)
    }

    /// The registry client's error as a [`HostError`] naming the reference and `what` was
    /// being fetched or pushed.
    fn error(&self, what: &str, e: OciDistributionError) -> HostError {
        let r = &self.reference;
        let status = |kind: ErrorKind, status: Option<u16>, detail: String| {
            let mut err = HostError::new(
                kind,
                format!("{r}: the registry refused the {what}: {detail}"),
            );
            err.status = status;
            if kind == ErrorKind::NotFound {
                err = err.with_hint(
                    "check the repository and the digest or tag (`connector-host push` prints the digest)",
                );
            }
            err
        };
        match e {
            OciDistributionError::DigestError(DigestError::VerificationError {
                expected,
                actual,
            }) => mismatch(r, what, &expected, &actual),
            OciDistributionError::RequestError(e) => match e.status() {
                Some(s) => status(kind_of(s.as_u16()), Some(s.as_u16()), e.to_string()),
                None => unreachable_registry(r, &e),
            },
            OciDistributionError::RegistryError { envelope, .. } => {
                let code = envelope.errors.first().and_then(|e| {
                    serde_json::to_value(&e.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                });
                let kind = match code.as_deref() {
                    Some("MANIFEST_UNKNOWN" | "BLOB_UNKNOWN" | "NAME_UNKNOWN") => {
                        ErrorKind::NotFound
                    }
                    Some("UNAUTHORIZED") => ErrorKind::Unauthorized,
                    Some("DENIED") => ErrorKind::Forbidden,
                    _ => ErrorKind::Upstream,
                };
                let mut err = status(kind, None, envelope.to_string());
                err.code = code;
                err
            }
            OciDistributionError::ServerError { code, message, .. } => {
                let short: String = message.chars().take(200).collect();
                status(kind_of(code), Some(code), short)
            }
            OciDistributionError::UnauthorizedError { .. } => status(
                ErrorKind::Unauthorized,
                Some(401),
                "authentication required (set CONNECTOR_OCI_USERNAME and CONNECTOR_OCI_PASSWORD)"
                    .into(),
            ),
            OciDistributionError::AuthenticationFailure(m) => {
                status(ErrorKind::Unauthorized, None, m)
            }
            other => status(ErrorKind::Upstream, None, other.to_string()),
        }
    }
}

fn kind_of(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Upstream,
    }
}

/// The registry could not be reached (refused, timed out, TLS or DNS failure).
fn unreachable_registry(reference: &OciReference, e: &reqwest::Error) -> HostError {
    use std::error::Error as _;
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    HostError::new(
        ErrorKind::Transport,
        format!(
            "cannot reach the registry {} for {reference}: {detail}",
            reference.registry()
        ),
    )
    .with_hint(
        "check the registry address and that it is up; a digest reference pulled before runs from the cache without it",
    )
}

/// Content that does not have the digest that names it: nothing of it is used.
pub(super) fn mismatch(
    reference: &OciReference,
    what: &str,
    expected: &str,
    actual: &str,
) -> HostError {
    HostError::new(
        ErrorKind::DigestMismatch,
        format!(
            "{reference}: the {what} the registry sent does not match its digest (expected {expected}, got {actual}); nothing was run"
        ),
    )
    .with_hint("the registry's copy is corrupt or was tampered with; push the component again")
}

/// An in-memory sink that refuses more than `max` bytes.
struct Bounded {
    bytes: Vec<u8>,
    max: u64,
    overflowed: bool,
}

impl tokio::io::AsyncWrite for Bounded {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if (this.bytes.len() + data.len()) as u64 > this.max {
            this.overflowed = true;
            return std::task::Poll::Ready(Err(std::io::Error::other(
                "more bytes than the descriptor declares",
            )));
        }
        this.bytes.extend_from_slice(data);
        std::task::Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
