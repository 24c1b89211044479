//! The local blob cache: manifests and component layers pulled from a registry, stored by
//! digest under `<cache dir>/oci/sha256/<hex>` and checked against it on every read, so a
//! digest reference resolves offline once pulled.

use super::layout::{is_sha256, sha256_digest};
use crate::fsutil::{write_atomic, Durability};
use std::path::{Path, PathBuf};

/// A content-addressed store of blobs in a directory.
#[derive(Debug, Clone)]
pub struct BlobCache {
    dir: PathBuf,
}

impl BlobCache {
    /// The blob cache inside the host's cache directory (the compile cache's).
    pub fn new(cache_dir: &Path) -> BlobCache {
        BlobCache {
            dir: cache_dir.join("oci").join("sha256"),
        }
    }

    fn path(&self, digest: &str) -> Option<PathBuf> {
        is_sha256(digest).then(|| self.dir.join(&digest["sha256:".len()..]))
    }

    /// The blob with `digest`, when cached and its content still has that digest. A file whose
    /// content no longer matches is removed (and the blob pulled again).
    pub fn get(&self, digest: &str) -> Option<Vec<u8>> {
        let path = self.path(digest)?;
        let bytes = std::fs::read(&path).ok()?;
        if sha256_digest(&bytes) == digest {
            return Some(bytes);
        }
        tracing::warn!(
            "removing cached blob {} whose content does not match its digest",
            path.display()
        );
        let _ = std::fs::remove_file(&path);
        None
    }

    /// Stores `bytes`, which must have `digest` (checked by the caller). A failure to write is
    /// logged, not returned: the cache only spares a pull.
    pub fn put(&self, digest: &str, bytes: &[u8]) {
        let Some(path) = self.path(digest) else {
            return;
        };
        debug_assert_eq!(sha256_digest(bytes), digest);
        if let Err(e) = write_atomic(&path, bytes, Durability::Cached) {
            tracing::warn!("cannot write the blob cache {}: {e}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_read_back_only_while_their_content_matches() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(dir.path());
        let digest = sha256_digest(b"component");
        assert_eq!(cache.get(&digest), None);
        cache.put(&digest, b"component");
        assert_eq!(cache.get(&digest).as_deref(), Some(&b"component"[..]));
        let file = cache.path(&digest).unwrap();
        std::fs::write(&file, b"tampered").unwrap();
        assert_eq!(cache.get(&digest), None);
        assert!(!file.exists(), "a mismatching blob is removed");
        assert_eq!(cache.get("sha256:../../etc/passwd"), None);
    }
}
