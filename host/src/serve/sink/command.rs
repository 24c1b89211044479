//! The command sink: a program run once per event, the envelope on its stdin.

use super::{envelope, transient, Delivering, Sink};
use crate::state::OutboxEntry;
use tokio::io::AsyncWriteExt;

/// Runs `argv` (no shell) once per event with its envelope as one JSON line on stdin; exit
/// status 0 acknowledges it, anything else is retried.
pub(super) struct Command {
    argv: Vec<String>,
}

impl Command {
    /// A sink running `argv` (the configuration checked it is not empty).
    pub(super) fn new(argv: Vec<String>) -> Command {
        Command { argv }
    }
}

impl Sink for Command {
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
        Box::pin(async move {
            let Some((program, args)) = self.argv.split_first() else {
                return Err(transient("the command sink has no program".into()));
            };
            let mut child = tokio::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| transient(format!("cannot run `{program}`: {e}")))?;
            if let Some(mut stdin) = child.stdin.take() {
                let mut line = envelope(entry).to_string().into_bytes();
                line.push(b'\n');
                // A command that exits without reading its input still decides by its status.
                let _ = stdin.write_all(&line).await;
            }
            let status = child
                .wait()
                .await
                .map_err(|e| transient(format!("`{program}` failed: {e}")))?;
            if status.success() {
                Ok(())
            } else {
                Err(transient(format!("`{program}` exited with {status}")))
            }
        })
    }
}
