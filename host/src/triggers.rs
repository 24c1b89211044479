//! Running a polling trigger to completion with a durable state file.
//!
//! Delivery rule: an event is written to the sink and flushed, then its key is committed to
//! the state file; the guest's cursor is committed only after every event of its batch is
//! delivered. A crash between delivery and commit makes the next run fetch the batch again, and
//! the committed keys keep the delivered events from being emitted twice. Nothing is skipped,
//! because the cursor never moves past an undelivered event.

use crate::connector::{Connector, Event};
use crate::error::{HostError, HostResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many delivered keys the state file remembers (oldest dropped first).
pub const DELIVERED_KEYS_KEPT: usize = 5_000;

/// Most `poll` calls one run makes while the guest keeps saying `more`.
pub const MAX_BATCHES_PER_RUN: usize = 1_000;

/// The persisted state of one trigger subscription.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerState {
    /// Format version; currently 1.
    pub version: u32,
    /// The trigger this state belongs to.
    pub trigger: String,
    /// The guest's committed cursor; `None` before the first completed batch.
    pub cursor: Option<String>,
    /// Keys of recently delivered events, oldest first.
    pub delivered: VecDeque<String>,
}

/// A [`TriggerState`] kept in a file, written atomically.
pub struct StateFile {
    path: PathBuf,
    state: TriggerState,
}

impl StateFile {
    /// Opens `path` for `trigger`: a missing or empty file starts fresh; a file written for
    /// another trigger, or that is not a state file, is refused and left untouched.
    pub fn open(path: &Path, trigger: &str) -> HostResult<StateFile> {
        let state = match std::fs::read(path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => TriggerState::default(),
            Ok(bytes) => serde_json::from_slice::<TriggerState>(&bytes).map_err(|e| {
                HostError::invalid_input(
                    "state",
                    format!("the state file `{}` is not a valid trigger state: {e}; it was left untouched", path.display()),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => TriggerState::default(),
            Err(e) => {
                return Err(HostError::invalid_input(
                    "state",
                    format!("cannot read the state file `{}`: {e}", path.display()),
                ))
            }
        };
        let state = if state.trigger.is_empty() {
            TriggerState {
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
        Ok(StateFile {
            path: path.to_path_buf(),
            state,
        })
    }

    /// The current state.
    pub fn state(&self) -> &TriggerState {
        &self.state
    }

    fn was_delivered(&self, key: &str) -> bool {
        self.state.delivered.iter().any(|k| k == key)
    }

    fn mark_delivered(&mut self, key: &str) -> HostResult<()> {
        self.state.delivered.push_back(key.to_string());
        while self.state.delivered.len() > DELIVERED_KEYS_KEPT {
            self.state.delivered.pop_front();
        }
        self.save()
    }

    fn commit_cursor(&mut self, cursor: String) -> HostResult<()> {
        self.state.cursor = Some(cursor);
        self.save()
    }

    /// Writes the state atomically: a temporary file beside the target, synced, then renamed.
    pub fn save(&self) -> HostResult<()> {
        let fail = |e: std::io::Error| {
            HostError::internal(format!(
                "cannot write the state file `{}`: {e}",
                self.path.display()
            ))
        };
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("state");
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let bytes = serde_json::to_vec_pretty(&self.state)
            .map_err(|e| HostError::internal(e.to_string()))?;
        let mut file = std::fs::File::create(&tmp).map_err(fail)?;
        file.write_all(&bytes)
            .and_then(|_| file.sync_all())
            .map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}

/// What one run of a trigger did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Events delivered.
    pub delivered: usize,
    /// Events the guest returned again that had already been delivered (skipped).
    pub duplicates_skipped: usize,
    /// `poll` calls made.
    pub batches: usize,
}

/// Polls `trigger` until the guest has nothing more, delivering each new event to `deliver`
/// and committing progress to `state` as described in the module docs.
pub async fn run_poll(
    connector: &Connector,
    trigger: &str,
    input: &Value,
    state: &mut StateFile,
    mut deliver: impl FnMut(&Event) -> std::io::Result<()>,
) -> HostResult<RunSummary> {
    let mut summary = RunSummary::default();
    loop {
        let batch = connector
            .poll(trigger, input, state.state.cursor.as_deref())
            .await?;
        summary.batches += 1;
        for event in &batch.events {
            if state.was_delivered(&event.key) {
                summary.duplicates_skipped += 1;
                continue;
            }
            deliver(event)
                .map_err(|e| HostError::internal(format!("cannot deliver an event: {e}")))?;
            state.mark_delivered(&event.key)?;
            summary.delivered += 1;
        }
        state.commit_cursor(batch.cursor)?;
        if !batch.more {
            return Ok(summary);
        }
        if summary.batches >= MAX_BATCHES_PER_RUN {
            tracing::warn!("trigger `{trigger}` still has more after {MAX_BATCHES_PER_RUN} batches; stopping this run");
            return Ok(summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_state_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut f = StateFile::open(&path, "t").unwrap();
        assert_eq!(f.state().cursor, None);
        f.mark_delivered("a@1").unwrap();
        f.commit_cursor("c1".into()).unwrap();
        let g = StateFile::open(&path, "t").unwrap();
        assert_eq!(g.state().cursor.as_deref(), Some("c1"));
        assert!(g.was_delivered("a@1"));
    }

    #[test]
    fn refuses_foreign_or_corrupt_state_and_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        StateFile::open(&path, "a").unwrap().save().unwrap();
        let e = StateFile::open(&path, "b").err().unwrap();
        assert_eq!(e.field.as_deref(), Some("state"));
        std::fs::write(&path, b"{not json").unwrap();
        let e = StateFile::open(&path, "a").err().unwrap();
        assert!(e.message.contains("left untouched"));
        assert_eq!(std::fs::read(&path).unwrap(), b"{not json");
    }

    #[test]
    fn delivered_keys_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = StateFile::open(&dir.path().join("s.json"), "t").unwrap();
        for i in 0..(DELIVERED_KEYS_KEPT + 3) {
            f.state.delivered.push_back(i.to_string());
        }
        f.mark_delivered("last").unwrap();
        assert_eq!(f.state().delivered.len(), DELIVERED_KEYS_KEPT);
        assert!(!f.was_delivered("0"));
        assert!(f.was_delivered("last"));
    }
}
