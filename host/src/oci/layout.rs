//! The Wasm OCI artifact layout (CNCF TAG Runtime's "Wasm OCI Artifact" format, as `wkg` and
//! `oci-wasm` write it): an OCI image manifest with one `application/wasm` layer (the
//! component) and a config of type `application/vnd.wasm.config.v0+json`.
//!
//! The types here are the manifest fields the host reads, so a cached manifest is checked
//! without the registry client; everything else in a manifest is ignored.

use super::reference::OciReference;
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's media type (an OCI image manifest).
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The Docker v2 manifest type, accepted on pull as registries may convert to it.
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// The config's media type.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
/// The one layer's media type: the component's bytes.
pub const LAYER_MEDIA_TYPE: &str = "application/wasm";

/// A content descriptor: what a blob is, its digest and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The blob's media type.
    pub media_type: String,
    /// `sha256:<hex>` of the blob.
    pub digest: String,
    /// The blob's size in bytes.
    pub size: u64,
}

impl Descriptor {
    /// The descriptor of `bytes` as a blob of `media_type`.
    pub fn of(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest: sha256_digest(bytes),
            size: bytes.len() as u64,
        }
    }
}

/// The manifest fields the host reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    config: Descriptor,
    layers: Vec<Descriptor>,
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The component layer of a manifest, checked: the manifest is an OCI (or Docker v2) image
/// manifest with exactly one layer, of type `application/wasm`, whose digest is a sha256 and
/// whose size is at most `max_bytes`. Anything else is not a Wasm component artifact and an
/// error naming `reference` and what was found.
pub fn component_layer(
    manifest: &[u8],
    reference: &OciReference,
    max_bytes: u64,
) -> HostResult<Descriptor> {
    let not_wasm = |what: String| {
        HostError::invalid_input(
            "component",
            format!("{reference} is not a Wasm component artifact: {what}"),
        )
        .with_hint(format!(
            "push the component as one `{LAYER_MEDIA_TYPE}` layer (`connector-host push FILE.wasm oci://…:TAG`)"
        ))
    };
    let manifest: Manifest = serde_json::from_slice(manifest)
        .map_err(|e| not_wasm(format!("its manifest is not an image manifest ({e})")))?;
    if manifest.schema_version != 2 {
        return Err(not_wasm(format!(
            "manifest schema version {}, not 2",
            manifest.schema_version
        )));
    }
    if let Some(t) = manifest.media_type.as_deref() {
        if t != MANIFEST_MEDIA_TYPE && t != DOCKER_MANIFEST_MEDIA_TYPE {
            return Err(not_wasm(format!("its manifest is of type `{t}`")));
        }
    }
    let [layer] = manifest.layers.as_slice() else {
        return Err(not_wasm(format!(
            "{} layers, where a component has exactly one",
            manifest.layers.len()
        )));
    };
    if layer.media_type != LAYER_MEDIA_TYPE {
        return Err(not_wasm(format!(
            "its layer is of type `{}`, not `{LAYER_MEDIA_TYPE}`",
            layer.media_type
        )));
    }
    if !is_sha256(&layer.digest) {
        return Err(not_wasm(format!(
            "its layer digest `{}` is not a sha256 digest",
            layer.digest
        )));
    }
    if layer.size == 0 || layer.size > max_bytes {
        return Err(HostError::invalid_input(
            "component",
            format!(
                "{reference}: the component layer is {} bytes, outside 1..={max_bytes}",
                layer.size
            ),
        )
        .with_hint("raise `[oci] max_component_bytes` if the component really is that large"));
    }
    Ok(layer.clone())
}

/// Whether `digest` is `sha256:` and 64 lowercase hex digits.
pub fn is_sha256(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// The config blob for a component: `{"created", "architecture": "wasm", "os": "wasip2",
/// "layerDigests", "component": {"exports", "imports"}}`.
pub fn config_blob(
    layer: &Descriptor,
    created: &str,
    imports: &[String],
    exports: &[String],
) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "created": created,
        "architecture": "wasm",
        "os": "wasip2",
        "layerDigests": [layer.digest],
        "component": { "exports": exports, "imports": imports },
    }))
    .expect("a JSON value serializes")
}

/// The manifest for one component layer and its config.
pub fn manifest_blob(config: &Descriptor, layer: &Descriptor) -> Vec<u8> {
    serde_json::to_vec(&Manifest {
        schema_version: 2,
        media_type: Some(MANIFEST_MEDIA_TYPE.to_string()),
        config: config.clone(),
        layers: vec![layer.clone()],
    })
    .expect("a manifest serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> OciReference {
        OciReference::parse("oci://127.0.0.1:5000/c/wrike:v1").unwrap()
    }

    #[test]
    fn a_pushed_manifest_reads_back_as_its_layer() {
        let layer = Descriptor::of(LAYER_MEDIA_TYPE, b"\0asm");
        let config = Descriptor::of(CONFIG_MEDIA_TYPE, &config_blob(&layer, "t", &[], &[]));
        let manifest = manifest_blob(&config, &layer);
        assert_eq!(
            component_layer(&manifest, &reference(), 1 << 20).unwrap(),
            layer
        );
        let e = component_layer(&manifest, &reference(), 2).unwrap_err();
        assert!(e.message.contains("outside 1..=2"), "{}", e.message);
    }

    #[test]
    fn other_artifacts_are_refused_by_what_they_are() {
        let layer = Descriptor::of("application/vnd.oci.image.layer.v1.tar+gzip", b"x");
        let config = Descriptor::of(CONFIG_MEDIA_TYPE, b"{}");
        let e = component_layer(&manifest_blob(&config, &layer), &reference(), 10).unwrap_err();
        assert!(e.message.contains("not a Wasm component artifact"));
        assert!(e.message.contains("tar+gzip"), "{}", e.message);
        let index = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        let e = component_layer(index, &reference(), 10).unwrap_err();
        assert!(e.message.contains("not an image manifest") || e.message.contains("index"));
    }
}
