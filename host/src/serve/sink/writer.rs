//! The writer sinks: one JSON line per event on stdout (or any writer), and a sink calling a
//! closure (for a library caller of [`crate::triggers::run_poll`]).

use super::{envelope, transient, Delivering, Sink};
use crate::state::OutboxEntry;
use std::io::Write;
use std::sync::Mutex;

/// What a [`Writer`] writes for each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// The [`envelope`] (`serve`'s stdout sink).
    Envelope,
    /// The event's payload alone (`poll`).
    Payload,
}

/// Writes one JSON line per event, flushed after each.
pub struct Writer {
    out: Mutex<Box<dyn Write + Send>>,
    lines: Lines,
}

impl Writer {
    /// A writer sink on `out`.
    pub fn new(out: Box<dyn Write + Send>, lines: Lines) -> Writer {
        Writer {
            out: Mutex::new(out),
            lines,
        }
    }

    /// A writer sink on stdout.
    pub fn stdout(lines: Lines) -> Writer {
        Writer::new(Box::new(std::io::stdout()), lines)
    }
}

impl Sink for Writer {
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
        Box::pin(async move {
            let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
            let written = match self.lines {
                Lines::Envelope => serde_json::to_writer(&mut *out, &envelope(entry)),
                Lines::Payload => serde_json::to_writer(&mut *out, &entry.payload),
            };
            written
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
                .and_then(|_| out.flush())
                .map_err(|e| transient(format!("cannot write an event: {e}")))
        })
    }
}

/// The closure a [`Callback`] sink calls for each event: `Ok` acknowledges it.
pub type Deliver<'f> = dyn FnMut(&OutboxEntry) -> std::io::Result<()> + Send + 'f;

/// A sink calling a closure for each event.
pub struct Callback<'f> {
    deliver: Mutex<&'f mut Deliver<'f>>,
}

impl<'f> Callback<'f> {
    /// A sink calling `deliver`.
    pub fn new(deliver: &'f mut Deliver<'f>) -> Callback<'f> {
        Callback {
            deliver: Mutex::new(deliver),
        }
    }
}

impl Sink for Callback<'_> {
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
        let result = (self.deliver.lock().unwrap_or_else(|p| p.into_inner()))(entry);
        Box::pin(async move { result.map_err(|e| transient(e.to_string())) })
    }
}
