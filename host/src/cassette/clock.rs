//! The component's wall clock under a cassette: recorded while recording, answered again in
//! the same order while replaying, so a call whose requests depend on the time (a first poll's
//! default window, `now - 7 days`) replays to the same requests at any later time.
//!
//! The monotonic clock (timeouts, deadlines) is never recorded: it stays the host's.

use super::{Cassette, Tape};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wasmtime_wasi::HostWallClock;

/// A [`HostWallClock`] backed by a cassette.
pub struct CassetteClock {
    cassette: Cassette,
    replay: bool,
}

impl CassetteClock {
    /// The clock for a call recorded or replayed on `tape`.
    pub fn new(tape: &Tape) -> CassetteClock {
        match tape {
            Tape::Record(c) => CassetteClock {
                cassette: c.clone(),
                replay: false,
            },
            Tape::Replay(c, _) => CassetteClock {
                cassette: c.clone(),
                replay: true,
            },
        }
    }
}

fn real_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
}

impl HostWallClock for CassetteClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    /// Recording: the real time, noted in the cassette. Replaying: the next recorded reading;
    /// past the last one, the last one again (time stands still); a cassette recorded without
    /// readings (older files) gives the real time.
    fn now(&self) -> Duration {
        let mut reel = self.cassette.reel();
        if !self.replay {
            let now = real_now();
            let nanos = u64::try_from(now.as_nanos()).unwrap_or(u64::MAX);
            reel.clock.push(nanos);
            return now;
        }
        let Some(&last) = reel.clock.last() else {
            return real_now();
        };
        let next = reel.clock.get(reel.clock_next).copied();
        match next {
            Some(t) => {
                reel.clock_next += 1;
                Duration::from_nanos(t)
            }
            None => Duration::from_nanos(last),
        }
    }
}
