//! The stdout sink: one JSON line per event.

use super::{envelope, transient, Delivering, Sink};
use crate::state::OutboxEntry;
use std::io::Write;

/// Writes each event's envelope as one JSON line on stdout.
pub(super) struct Stdout;

impl Sink for Stdout {
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
        let doc = envelope(entry);
        Box::pin(async move {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer(&mut out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
                .and_then(|_| out.flush())
                .map_err(|e| transient(format!("cannot write to stdout: {e}")))
        })
    }
}
