//! Where a component comes from: a file, or an OCI registry (`oci://HOST/NAMESPACE/NAME@sha256:…`).
//!
//! [`ComponentSource::parse`] reads a component spec (a path, or an `oci://` reference) and
//! [`ComponentSource::resolve`] turns it into the component's bytes, verified: every surface
//! that takes a component (`--component`, a config file's `component = …`) goes through these
//! two. For a registry reference:
//!
//! - the manifest must have the digest the reference pins (`@sha256:…`); a tag is resolved to
//!   the digest of the manifest received, which [`ResolvedComponent::pinned`] reports so the
//!   caller can print it, and refused outright with [`OciSettings::locked`];
//! - the manifest must be a Wasm component artifact ([`layout`]): one `application/wasm`
//!   layer, no larger than [`OciSettings::max_component_bytes`];
//! - the layer's bytes must have the layer's digest. Anything that does not match is an
//!   [`crate::ErrorKind::DigestMismatch`] error and nothing is compiled or run;
//! - manifest and layer are kept in the [`cache::BlobCache`] by digest, so a digest reference
//!   resolves offline once pulled (a tag always asks the registry).
//!
//! Plain HTTP is used only for registries on loopback or listed in [`OciSettings::insecure`].
//! Pulling and pushing need the `oci` cargo feature (on by default); without it a digest
//! reference already in the cache still resolves.

pub mod cache;
pub mod layout;
pub mod reference;
#[cfg(feature = "oci")]
mod registry;

use crate::credentials::Secret;
use crate::engine::{LoadOptions, Runtime};
use crate::error::{HostError, HostResult};
use cache::BlobCache;
pub use reference::{OciReference, Pin};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `[oci]` section of the configuration file, plus what the caller adds (the cache
/// directory, credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OciSettings {
    /// Registries (`host` or `host:port`, as written in references) reached over plain HTTP
    /// although not on loopback. Default: none.
    pub insecure: Vec<String>,
    /// Refuse tag references: only `@sha256:` digests (the `--locked` flag). Default false.
    pub locked: bool,
    /// TCP/TLS connect timeout to a registry, in milliseconds. Default 10 000.
    pub connect_timeout_ms: u64,
    /// Read timeout on a registry connection, in milliseconds. Default 30 000.
    pub read_timeout_ms: u64,
    /// The largest component layer pulled, in bytes. Default 256 MiB.
    pub max_component_bytes: u64,
    /// Where pulled blobs are kept (`<dir>/oci/sha256/`): the host's cache directory. `None`
    /// keeps nothing (every run pulls).
    #[serde(skip)]
    pub cache_dir: Option<PathBuf>,
    /// The registry credentials (HTTP basic, or exchanged for a bearer token where the
    /// registry asks); `None` is anonymous.
    #[serde(skip)]
    pub credentials: Option<OciCredentials>,
}

impl Default for OciSettings {
    fn default() -> Self {
        OciSettings {
            insecure: Vec::new(),
            locked: false,
            connect_timeout_ms: 10_000,
            read_timeout_ms: 30_000,
            max_component_bytes: 256 * 1024 * 1024,
            cache_dir: None,
            credentials: None,
        }
    }
}

impl OciSettings {
    /// Checks that the timeouts and the size cap are usable (non-zero).
    pub fn validate(&self) -> HostResult<()> {
        for (name, value) in [
            ("connect_timeout_ms", self.connect_timeout_ms),
            ("read_timeout_ms", self.read_timeout_ms),
            ("max_component_bytes", self.max_component_bytes),
        ] {
            if value == 0 {
                return Err(HostError::invalid_input(
                    format!("oci.{name}"),
                    format!("`[oci] {name}` must be greater than 0"),
                ));
            }
        }
        Ok(())
    }
}

/// A user name and password (or token) for a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciCredentials {
    /// The user name.
    pub username: String,
    /// The password or access token; redacted in `Debug`.
    pub password: Secret,
}

impl OciCredentials {
    /// `CONNECTOR_OCI_USERNAME` and `CONNECTOR_OCI_PASSWORD`, when both are set and non-empty.
    pub fn from_env() -> Option<OciCredentials> {
        let var = |k| std::env::var(k).ok().filter(|v: &String| !v.is_empty());
        Some(OciCredentials {
            username: var("CONNECTOR_OCI_USERNAME")?,
            password: Secret::new(var("CONNECTOR_OCI_PASSWORD")?),
        })
    }
}

/// A component spec: a file, or a registry reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentSource {
    /// A component file on disk.
    Path(PathBuf),
    /// A component in an OCI registry.
    Oci(OciReference),
}

/// A component ready to load, and where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedComponent {
    /// The component: a file (read when loaded, so the compile cache's file index can spare
    /// reading and hashing it), or a registry component's verified bytes.
    pub content: ComponentContent,
    /// For a registry component: its reference pinned to the manifest digest.
    pub pinned: Option<OciReference>,
    /// For a registry component named by a tag: the tag reference as given.
    pub from_tag: Option<OciReference>,
}

/// What a [`ResolvedComponent`] is loaded from.
#[derive(Debug, Clone)]
pub enum ComponentContent {
    /// A component file on disk.
    File(PathBuf),
    /// A registry component's bytes, verified against their digest.
    Verified {
        /// The component's bytes.
        bytes: Vec<u8>,
        /// `sha256:<hex>` of `bytes` (what the compile cache is keyed by).
        digest: String,
    },
}

impl ResolvedComponent {
    /// Loads the component (from the compile cache when warm; a file the cache's index
    /// knows unchanged is neither read nor hashed).
    pub fn load(&self, options: &LoadOptions) -> HostResult<Runtime> {
        match &self.content {
            ComponentContent::File(path) => Runtime::load(path, options),
            ComponentContent::Verified { bytes, .. } => Runtime::from_bytes(bytes, options),
        }
    }
}

impl ComponentSource {
    /// `oci://…` is a registry reference (checked here); anything else is a path.
    pub fn parse(spec: &str) -> HostResult<ComponentSource> {
        if spec.starts_with(reference::SCHEME) {
            OciReference::parse(spec).map(ComponentSource::Oci)
        } else {
            Ok(ComponentSource::Path(PathBuf::from(spec)))
        }
    }

    /// The component: the file (read when loaded), or its bytes from the blob cache, or
    /// pulled and verified (see the module documentation).
    pub async fn resolve(&self, settings: &OciSettings) -> HostResult<ResolvedComponent> {
        match self {
            ComponentSource::Path(path) => Ok(ResolvedComponent {
                content: ComponentContent::File(path.clone()),
                pinned: None,
                from_tag: None,
            }),
            ComponentSource::Oci(reference) => pull(reference, settings).await,
        }
    }
}

#[cfg(feature = "oci")]
fn read_file(path: &Path) -> HostResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        HostError::invalid_input(
            "component",
            format!("cannot read the component `{}`: {e}", path.display()),
        )
        .with_hint("build it with `make build`, or pass --component <PATH>")
    })
}

async fn pull(reference: &OciReference, settings: &OciSettings) -> HostResult<ResolvedComponent> {
    if settings.locked && reference.digest().is_none() {
        return Err(HostError::invalid_input(
            "component",
            format!(
                "--locked refuses the tag reference {reference}: only @sha256: digests are allowed"
            ),
        )
        .with_hint("pin it: `connector-host push` and a run with the tag print the digest"));
    }
    let cache = settings.cache_dir.as_deref().map(BlobCache::new);
    if let (Some(digest), Some(cache)) = (reference.digest(), cache.as_ref()) {
        if let Some(manifest) = cache.get(digest) {
            let layer =
                layout::component_layer(&manifest, reference, settings.max_component_bytes)?;
            if let Some(bytes) = cache.get(&layer.digest) {
                return Ok(resolved(bytes, reference.clone(), None));
            }
        }
    }
    pull_from_registry(reference, settings, cache.as_ref()).await
}

fn resolved(
    bytes: Vec<u8>,
    pinned: OciReference,
    from_tag: Option<OciReference>,
) -> ResolvedComponent {
    ResolvedComponent {
        content: ComponentContent::Verified {
            digest: layout::sha256_digest(&bytes),
            bytes,
        },
        pinned: Some(pinned),
        from_tag,
    }
}

#[cfg(feature = "oci")]
async fn pull_from_registry(
    reference: &OciReference,
    settings: &OciSettings,
    cache: Option<&BlobCache>,
) -> HostResult<ResolvedComponent> {
    let registry = registry::Registry::new(reference, settings)?;
    let (manifest, digest) = registry.manifest().await?;
    let layer = layout::component_layer(&manifest, reference, settings.max_component_bytes)?;
    let bytes = match cache.and_then(|c| c.get(&layer.digest)) {
        Some(bytes) => bytes,
        None => registry.blob(&layer).await?,
    };
    if let Some(cache) = cache {
        cache.put(&layer.digest, &bytes);
        cache.put(&digest, &manifest);
    }
    let pinned = reference.with_digest(&digest);
    let from_tag = reference.digest().is_none().then(|| reference.clone());
    Ok(resolved(bytes, pinned, from_tag))
}

#[cfg(not(feature = "oci"))]
async fn pull_from_registry(
    reference: &OciReference,
    _: &OciSettings,
    _: Option<&BlobCache>,
) -> HostResult<ResolvedComponent> {
    Err(HostError::invalid_input(
        "component",
        format!("{reference} is not in the cache and this connector-host was built without the `oci` feature"),
    ))
}

/// What [`push_component`] published.
#[derive(Debug, Clone, Serialize)]
pub struct Pushed {
    /// The reference pushed to, as given (`oci://…:TAG`).
    pub reference: String,
    /// The manifest digest.
    pub digest: String,
    /// The reference pinned to that digest: what `--component` should name.
    pub pinned: String,
    /// The component layer's digest (`sha256:` of the file).
    pub component_digest: String,
}

/// Publishes the component file at `path` under `reference` (a tag) as a Wasm component
/// artifact. The file is loaded first (`load` options: the compile cache), so only a component
/// this host can run is published, and its imports and exports go into the artifact's config.
#[cfg(feature = "oci")]
pub async fn push_component(
    path: &Path,
    reference: &OciReference,
    settings: &OciSettings,
    load: &LoadOptions,
) -> HostResult<Pushed> {
    if reference.digest().is_some() {
        return Err(HostError::invalid_input(
            "reference",
            format!("push needs a tag reference (oci://HOST/NAME:TAG), not the digest reference {reference}"),
        ));
    }
    let bytes = read_file(path)?;
    let (imports, exports) = Runtime::from_bytes(&bytes, load)?.component_interfaces();
    let layer = layout::Descriptor::of(layout::LAYER_MEDIA_TYPE, &bytes);
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let config = layout::config_blob(&layer, &created, &imports, &exports);
    let digest = registry::Registry::new(reference, settings)?
        .push(&bytes, &config)
        .await?;
    Ok(Pushed {
        reference: reference.to_string(),
        pinned: reference.with_digest(&digest).to_string(),
        digest,
        component_digest: layer.digest,
    })
}

/// Without the `oci` feature there is no registry client: pushing is an error.
#[cfg(not(feature = "oci"))]
pub async fn push_component(
    _: &Path,
    reference: &OciReference,
    _: &OciSettings,
    _: &LoadOptions,
) -> HostResult<Pushed> {
    Err(HostError::invalid_input(
        "reference",
        format!(
            "cannot push to {reference}: this connector-host was built without the `oci` feature"
        ),
    ))
}
