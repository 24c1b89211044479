//! The compile cache's file index: which SHA-256 a component file on disk had, so that a start
//! with a warm cache finds its compiled artifact without reading and hashing the whole
//! component again.
//!
//! One small entry per component path in the cache directory (`index-<hash of the path>.json`)
//! records the file's canonical path, size, modification and status-change times (in
//! nanoseconds), inode and device next to the digest. An entry is used only when every one of
//! them still matches, so a file replaced in any way — rewritten in place (new `ctime`, which
//! no system call can set back), renamed over (new inode), on another file system (new device)
//! — is hashed again. Like git's index, an entry is recorded only for a file whose times are
//! safely in the past when it was read: a file rewritten within the same timestamp tick as the
//! read would otherwise keep its times and size (the "racily clean" case). Anything unusable —
//! a missing, corrupt or foreign entry, a platform without inode numbers — means hashing.

use crate::fsutil::{write_atomic, Durability};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How far in the past a file's times must be when it is read for its digest to be recorded.
const SETTLED: Duration = Duration::from_secs(2);

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileStamp {
    path: PathBuf,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    stamp: FileStamp,
    sha256: String,
}

impl FileStamp {
    /// The stamp of the file at `path` now (its canonical path); `None` where the platform has
    /// no inode numbers or the file cannot be examined.
    pub(crate) fn of(path: &Path) -> Option<FileStamp> {
        let path = std::fs::canonicalize(path).ok()?;
        let meta = std::fs::metadata(&path).ok()?;
        Self::from_metadata(path, &meta)
    }

    #[cfg(unix)]
    fn from_metadata(path: PathBuf, meta: &std::fs::Metadata) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(FileStamp {
            path,
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        })
    }

    #[cfg(not(unix))]
    fn from_metadata(_path: PathBuf, _meta: &std::fs::Metadata) -> Option<FileStamp> {
        None
    }

    /// Whether both times were at least [`SETTLED`] before `read_at`.
    fn settled_before(&self, read_at: SystemTime) -> bool {
        let Ok(at) = read_at.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let limit = at.as_nanos() as i128 - SETTLED.as_nanos() as i128;
        self.mtime_ns < limit && self.ctime_ns < limit
    }
}

fn entry_path(cache_dir: &Path, canonical: &Path) -> PathBuf {
    let key = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("index-{}.json", hex::encode(&key[..16])))
}

/// The digest recorded for the file at `path`, when the file is exactly the one it was
/// recorded for.
pub(crate) fn lookup(cache_dir: &Path, path: &Path) -> Option<String> {
    let stamp = FileStamp::of(path)?;
    let bytes = std::fs::read(entry_path(cache_dir, &stamp.path)).ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    let well_formed =
        entry.sha256.len() == 64 && entry.sha256.bytes().all(|b| b.is_ascii_hexdigit());
    (entry.stamp == stamp && well_formed).then_some(entry.sha256)
}

/// The component's bytes read from `path`, with the stamp to record its digest under: `None`
/// when the file changed while it was read, or was changed too recently to tell a later
/// change apart.
pub(crate) fn read(path: &Path) -> std::io::Result<(Vec<u8>, Option<FileStamp>)> {
    let before = FileStamp::of(path);
    let read_at = SystemTime::now();
    let bytes = std::fs::read(path)?;
    let stamp = before
        .filter(|b| FileStamp::of(path).as_ref() == Some(b))
        .filter(|b| b.settled_before(read_at))
        .filter(|b| b.size == bytes.len() as u64);
    Ok((bytes, stamp))
}

/// Records that the file `stamp` describes has digest `sha256` (best effort: the index is a
/// cache, and a start without it only hashes).
pub(crate) fn record(cache_dir: &Path, stamp: FileStamp, sha256: &str) {
    let path = entry_path(cache_dir, &stamp.path);
    let entry = Entry {
        stamp,
        sha256: sha256.to_string(),
    };
    let write = || -> std::io::Result<()> {
        let bytes = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        write_atomic(&path, &bytes, Durability::Cached)
    };
    if let Err(e) = write() {
        tracing::warn!("cannot write the component index {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled_file(dir: &Path, bytes: &[u8]) -> PathBuf {
        let path = dir.join("c.wasm");
        std::fs::write(&path, bytes).unwrap();
        // Times in the past, as an installed component has them. (ctime cannot be set back;
        // the tests that need a settled ctime use `record` directly.)
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        path
    }

    #[test]
    fn a_recorded_digest_is_found_for_the_same_file_only() {
        let cache = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = settled_file(dir.path(), b"first");
        let stamp = FileStamp::of(&path).unwrap();
        record(cache.path(), stamp, &"a".repeat(64));
        assert_eq!(lookup(cache.path(), &path), Some("a".repeat(64)));

        // Rewritten with the same size and its modification time put back: the status-change
        // time still differs.
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, b"other").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(lookup(cache.path(), &path), None);
    }

    #[test]
    fn a_file_renamed_over_the_path_is_not_the_recorded_one() {
        let cache = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = settled_file(dir.path(), b"first");
        record(cache.path(), FileStamp::of(&path).unwrap(), &"b".repeat(64));
        let other = dir.path().join("other.wasm");
        std::fs::write(&other, b"first").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_eq!(lookup(cache.path(), &path), None);
    }

    #[test]
    fn a_corrupt_or_malformed_entry_is_ignored() {
        let cache = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = settled_file(dir.path(), b"first");
        let stamp = FileStamp::of(&path).unwrap();
        record(cache.path(), stamp.clone(), "../../etc/passwd");
        assert_eq!(lookup(cache.path(), &path), None);
        std::fs::write(entry_path(cache.path(), &stamp.path), b"{not json").unwrap();
        assert_eq!(lookup(cache.path(), &path), None);
    }

    #[test]
    fn a_file_changed_just_now_gets_no_stamp_to_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fresh.wasm");
        std::fs::write(&path, b"fresh").unwrap();
        let (bytes, stamp) = read(&path).unwrap();
        assert_eq!(bytes, b"fresh");
        assert!(
            stamp.is_none(),
            "its ctime is now: a change in the same tick could not be seen"
        );
    }
}
