//! `oci://HOST[:PORT]/NAMESPACE/NAME@sha256:DIGEST` (or `:TAG`): parsing, checking and
//! printing a component's registry reference.

use crate::error::{HostError, HostResult};
use std::fmt;

/// The scheme that marks a component spec as a registry reference.
pub const SCHEME: &str = "oci://";

/// What a reference pins: a content digest, or a tag the registry resolves to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    /// `sha256:` and 64 lowercase hex digits: the digest of the manifest.
    Digest(String),
    /// A tag (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`), which may move.
    Tag(String),
}

/// A parsed `oci://` reference. The registry is always explicit (no implicit Docker Hub).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciReference {
    registry: String,
    repository: String,
    pin: Pin,
}

fn invalid(raw: &str, what: impl fmt::Display) -> HostError {
    HostError::invalid_input(
        "component",
        format!("invalid OCI reference `{raw}`: {what}"),
    )
    .with_hint("write it as oci://HOST[:PORT]/NAMESPACE/NAME@sha256:DIGEST (or :TAG)")
}

impl OciReference {
    /// Parses `oci://HOST[:PORT]/PATH@sha256:HEX` or `oci://HOST[:PORT]/PATH:TAG`; with both a
    /// tag and a digest the digest is what counts. Errors name the reference and the part that
    /// is wrong (`field`: `component`).
    pub fn parse(raw: &str) -> HostResult<OciReference> {
        let rest = raw
            .strip_prefix(SCHEME)
            .ok_or_else(|| invalid(raw, format!("it does not start with {SCHEME}")))?;
        let (registry, path) = rest
            .split_once('/')
            .ok_or_else(|| invalid(raw, "no repository after the registry host"))?;
        check_registry(raw, registry)?;
        let (name, pin) = match path.split_once('@') {
            Some((name, digest)) => {
                check_digest(raw, digest)?;
                // `name:tag@digest`: the tag is informational, the digest decides.
                let name = match name.rsplit_once(':') {
                    Some((n, tag)) if !tag.contains('/') => n,
                    _ => name,
                };
                (name, Pin::Digest(digest.to_string()))
            }
            None => match path.rsplit_once(':') {
                Some((name, tag)) if !tag.contains('/') => {
                    check_tag(raw, tag)?;
                    (name, Pin::Tag(tag.to_string()))
                }
                _ => {
                    return Err(invalid(
                        raw,
                        "no @sha256:DIGEST or :TAG after the repository",
                    ))
                }
            },
        };
        check_repository(raw, name)?;
        Ok(OciReference {
            registry: registry.to_string(),
            repository: name.to_string(),
            pin,
        })
    }

    /// The registry, `host` or `host:port` as written.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path, e.g. `connectors/wrike`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The digest or tag.
    pub fn pin(&self) -> &Pin {
        &self.pin
    }

    /// The manifest digest this reference pins, when it pins one.
    pub fn digest(&self) -> Option<&str> {
        match &self.pin {
            Pin::Digest(d) => Some(d),
            Pin::Tag(_) => None,
        }
    }

    /// The same repository pinned to `digest`.
    pub fn with_digest(&self, digest: &str) -> OciReference {
        OciReference {
            pin: Pin::Digest(digest.to_string()),
            ..self.clone()
        }
    }

    /// Whether the registry is on this machine (`localhost`, `127.0.0.0/8`, `::1`): the only
    /// registries reached over plain HTTP without being listed in `[oci] insecure`.
    pub fn is_loopback(&self) -> bool {
        let host = host_of(&self.registry);
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for OciReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SCHEME}{}/{}", self.registry, self.repository)?;
        match &self.pin {
            Pin::Digest(d) => write!(f, "@{d}"),
            Pin::Tag(t) => write!(f, ":{t}"),
        }
    }
}

/// The host of `host[:port]` / `[v6]:port`, without brackets or port.
fn host_of(registry: &str) -> &str {
    if let Some(v6) = registry.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    match registry.rsplit_once(':') {
        Some((host, _)) => host,
        None => registry,
    }
}

fn check_registry(raw: &str, registry: &str) -> HostResult<()> {
    let (host, port) = if registry.starts_with('[') {
        match registry.split_once(']') {
            // `[v6]` with its brackets, as url::Host::parse wants an IPv6 host.
            Some((inside, after)) if after.is_empty() || after.starts_with(':') => {
                (&registry[..=inside.len()], after.strip_prefix(':'))
            }
            Some(_) => return Err(invalid(raw, format!("`{registry}` is not a registry host"))),
            None => return Err(invalid(raw, "an IPv6 registry address without `]`")),
        }
    } else {
        match registry.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (registry, None),
        }
    };
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(invalid(raw, format!("`{port}` is not a port")));
        }
    }
    if host.is_empty() || url::Host::parse(host).is_err() {
        return Err(invalid(raw, format!("`{registry}` is not a registry host")));
    }
    Ok(())
}

fn check_digest(raw: &str, digest: &str) -> HostResult<()> {
    let hex = digest.strip_prefix("sha256:").ok_or_else(|| {
        invalid(
            raw,
            format!("`{digest}` is not a sha256 digest (sha256:<64 hex digits>)"),
        )
    })?;
    if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(invalid(
            raw,
            "the digest must be sha256: and 64 lowercase hex digits",
        ));
    }
    Ok(())
}

fn check_tag(raw: &str, tag: &str) -> HostResult<()> {
    let ok = !tag.is_empty()
        && tag.len() <= 128
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !tag.starts_with(['.', '-']);
    if ok {
        Ok(())
    } else {
        Err(invalid(raw, format!("`{tag}` is not a valid tag")))
    }
}

/// Repository components as the distribution spec has them: lowercase letters and digits,
/// joined by `.`, `_`, `__` or `-`, separated by `/`.
fn check_repository(raw: &str, name: &str) -> HostResult<()> {
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.ends_with(|ch: char| ch.is_ascii_alphanumeric())
    };
    if name.len() > 255 || !name.split('/').all(component_ok) {
        return Err(invalid(
            raw,
            format!(
                "`{name}` is not a repository name (lowercase letters, digits and . _ - in \
                 `/`-separated parts)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn digest_and_tag_references_parse_and_print() {
        let r = OciReference::parse(&format!("oci://127.0.0.1:5000/connectors/wrike@{D}")).unwrap();
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "connectors/wrike");
        assert_eq!(r.digest(), Some(D));
        assert!(r.is_loopback());
        assert_eq!(
            r.to_string(),
            format!("oci://127.0.0.1:5000/connectors/wrike@{D}")
        );
        let t = OciReference::parse("oci://ghcr.io/acme/wrike:v1.2").unwrap();
        assert_eq!(t.pin(), &Pin::Tag("v1.2".into()));
        assert!(!t.is_loopback());
        assert_eq!(
            t.with_digest(D).to_string(),
            format!("oci://ghcr.io/acme/wrike@{D}")
        );
        let both = OciReference::parse(&format!("oci://localhost:5000/a/b:v1@{D}")).unwrap();
        assert_eq!(both.repository(), "a/b");
        assert_eq!(both.digest(), Some(D));
        assert!(OciReference::parse("oci://[::1]:5000/a:v1")
            .unwrap()
            .is_loopback());
    }

    #[test]
    fn bad_references_name_what_is_wrong() {
        for (raw, says) in [
            ("oci://host:5000/a", "no @sha256"),
            ("oci://host:99999/a:v1", "not a port"),
            ("oci://host/A:v1", "not a repository"),
            ("oci://host/a@sha256:abc", "64 lowercase hex"),
            ("oci://host/a@md5:abc", "not a sha256 digest"),
            ("oci://host/a:-x", "not a valid tag"),
            ("oci:///a:v1", "not a registry host"),
            ("oci://[::1]x/a:v1", "not a registry host"),
            ("oci://host", "no repository"),
        ] {
            let e = OciReference::parse(raw).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("component"), "{raw}");
            assert!(e.message.contains(says), "{raw}: {}", e.message);
            assert!(e.message.contains(raw), "{raw}: {}", e.message);
        }
    }
}
