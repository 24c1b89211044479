//! The JSON state file of earlier versions (`poll --state FILE`, format version 1), kept to
//! import existing files once and as the benchmark's baseline.
//!
//! That format rewrote and fsynced the whole file after every event: simple, durable, and slow
//! (about 150 events/s, and quadratic in the number of keys it remembers).

use super::sqlite::{SqliteStore, SQLITE_MAGIC};
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Opens the state of `poll --state FILE` for `trigger`: an SQLite database, created when
/// missing. A legacy JSON state file (written by earlier versions) is imported once: its cursor
/// and delivered keys go into a new database that then replaces the file atomically, and a copy
/// of the JSON is kept beside it as `FILE.v1.json`.
pub fn open_poll_state(path: &Path, trigger: &str) -> HostResult<SqliteStore> {
    migrate_if_legacy(path, trigger)?;
    SqliteStore::open(path)
}

/// How many delivered keys the legacy state file remembered (oldest dropped first).
pub const LEGACY_KEYS_KEPT: usize = 5_000;

/// The persisted state of one trigger in the legacy JSON format.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyState {
    /// Format version; 1.
    pub version: u32,
    /// The trigger this state belongs to.
    pub trigger: String,
    /// The guest's committed cursor; `None` before the first completed batch.
    pub cursor: Option<String>,
    /// Keys of recently delivered events, oldest first.
    pub delivered: VecDeque<String>,
}

/// A [`LegacyState`] kept in a JSON file, rewritten atomically (and fsynced) on every change.
pub struct LegacyStateFile {
    path: PathBuf,
    state: LegacyState,
}

impl LegacyStateFile {
    /// Opens `path` for `trigger`: a missing or blank file starts fresh; a file written for
    /// another trigger, or that is not a state file, is refused and left untouched.
    pub fn open(path: &Path, trigger: &str) -> HostResult<LegacyStateFile> {
        let state = match std::fs::read(path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => LegacyState::default(),
            Ok(bytes) => serde_json::from_slice::<LegacyState>(&bytes).map_err(|e| {
                HostError::invalid_input(
                    "state",
                    format!(
                        "the state file `{}` is neither a state database nor a valid JSON trigger state: {e}; it was left untouched",
                        path.display()
                    ),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LegacyState::default(),
            Err(e) => {
                return Err(HostError::invalid_input(
                    "state",
                    format!("cannot read the state file `{}`: {e}", path.display()),
                ))
            }
        };
        let state = if state.trigger.is_empty() {
            LegacyState {
                version: 1,
                trigger: trigger.to_string(),
                ..state
            }
        } else if state.trigger != trigger {
            return Err(HostError::invalid_input(
                "state",
                format!(
                    "the state file `{}` belongs to trigger `{}`, not `{trigger}`; use one state file per trigger",
                    path.display(),
                    state.trigger
                ),
            ));
        } else if state.version != 1 {
            return Err(HostError::invalid_input(
                "state",
                format!(
                    "the state file `{}` has unsupported version {}",
                    path.display(),
                    state.version
                ),
            ));
        } else {
            state
        };
        Ok(LegacyStateFile {
            path: path.to_path_buf(),
            state,
        })
    }

    /// The current state.
    pub fn state(&self) -> &LegacyState {
        &self.state
    }

    /// Remembers `key` as delivered and saves.
    pub fn mark_delivered(&mut self, key: &str) -> HostResult<()> {
        self.state.delivered.push_back(key.to_string());
        while self.state.delivered.len() > LEGACY_KEYS_KEPT {
            self.state.delivered.pop_front();
        }
        self.save()
    }

    /// Sets the cursor and saves.
    pub fn commit_cursor(&mut self, cursor: String) -> HostResult<()> {
        self.state.cursor = Some(cursor);
        self.save()
    }

    /// Writes the state atomically ([`crate::fsutil::write_atomic`], durable).
    pub fn save(&self) -> HostResult<()> {
        let bytes = serde_json::to_vec_pretty(&self.state)
            .map_err(|e| HostError::internal(e.to_string()))?;
        let fail = |e: std::io::Error| {
            HostError::internal(format!(
                "cannot write the state file `{}`: {e}",
                self.path.display()
            ))
        };
        crate::fsutil::write_atomic(&self.path, &bytes, crate::fsutil::Durability::Durable)
            .map_err(fail)
    }
}

/// A hidden file beside `path`, unique to this process: `.NAME.PID.SUFFIX`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    dir.join(format!(".{name}.{}.{suffix}", std::process::id()))
}

/// Imports a legacy state into `store` under the subscription named like its trigger.
pub fn import_legacy_json(store: &mut SqliteStore, state: &LegacyState) -> HostResult<()> {
    let keys: Vec<String> = state.delivered.iter().cloned().collect();
    store.import(&state.trigger, state.cursor.as_deref(), &keys)
}

/// When `path` holds a legacy JSON state (or is blank), replaces it by an equivalent SQLite
/// database, atomically: a crash before the final rename leaves the JSON file as it was.
pub(super) fn migrate_if_legacy(path: &Path, trigger: &str) -> HostResult<()> {
    let head = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(HostError::invalid_input(
                "state",
                format!("cannot read the state file `{}`: {e}", path.display()),
            ))
        }
    };
    if head.is_empty() || head.starts_with(SQLITE_MAGIC) {
        return Ok(());
    }
    let legacy = LegacyStateFile::open(path, trigger)?;
    let fail = |e: std::io::Error| {
        HostError::internal(format!(
            "cannot import the state file `{}`: {e}",
            path.display()
        ))
    };
    let mut backup = path.as_os_str().to_owned();
    backup.push(".v1.json");
    std::fs::write(&backup, &head).map_err(fail)?;
    let tmp = sibling(path, "import.db");
    let _ = std::fs::remove_file(&tmp);
    {
        let mut store = SqliteStore::open(&tmp)?;
        import_legacy_json(&mut store, legacy.state())?;
    }
    std::fs::rename(&tmp, path).map_err(fail)?;
    tracing::info!(
        state = %path.display(),
        keys = legacy.state().delivered.len(),
        "imported the legacy JSON state file into a state database"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{open_poll_state, StateStore};

    #[test]
    fn legacy_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut f = LegacyStateFile::open(&path, "t").unwrap();
        f.mark_delivered("a@1").unwrap();
        f.commit_cursor("c1".into()).unwrap();
        let g = LegacyStateFile::open(&path, "t").unwrap();
        assert_eq!(g.state().cursor.as_deref(), Some("c1"));
        assert_eq!(g.state().delivered, ["a@1"]);
    }

    #[test]
    fn legacy_json_is_imported_once_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state");
        let mut f = LegacyStateFile::open(&path, "t").unwrap();
        f.mark_delivered("a@1").unwrap();
        f.commit_cursor("c1".into()).unwrap();
        let mut store = open_poll_state(&path, "t").unwrap();
        assert_eq!(store.cursor("t").unwrap().as_deref(), Some("c1"));
        assert!(store.knows_key("t", "a@1").unwrap());
        assert!(store.pending(None, 10).unwrap().is_empty());
        drop(store);
        assert!(std::fs::read(&path).unwrap().starts_with(SQLITE_MAGIC));
        assert!(dir.path().join("s.state.v1.json").exists());
        // Opening again does not import again, and keeps the state.
        let mut store = open_poll_state(&path, "t").unwrap();
        assert_eq!(store.cursor("t").unwrap().as_deref(), Some("c1"));
    }

    #[test]
    fn foreign_or_corrupt_json_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        LegacyStateFile::open(&path, "a").unwrap().save().unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = open_poll_state(&path, "b").err().unwrap();
        assert_eq!(e.field.as_deref(), Some("state"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        std::fs::write(&path, b"{not json").unwrap();
        let e = open_poll_state(&path, "a").err().unwrap();
        assert!(e.message.contains("left untouched"), "{}", e.message);
        assert_eq!(std::fs::read(&path).unwrap(), b"{not json");
    }
}
