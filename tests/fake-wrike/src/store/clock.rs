//! The fake clock: real UTC time by default, frozen or moved forward by tests, and strictly
//! increasing mutation stamps.

use chrono::{DateTime, Duration as ChronoDuration, SubsecRound, Utc};

/// The fake clock. Defaults to real UTC time; tests may freeze it or move it forward.
#[derive(Debug, Clone)]
pub struct Clock {
    /// When set, "now" is this instant (plus nothing: a frozen clock only moves on `advance`).
    frozen: Option<DateTime<Utc>>,
    /// Added to the real time when not frozen.
    offset: ChronoDuration,
    /// The last `updatedDate` the server stamped; stamps are strictly increasing.
    last_stamp: DateTime<Utc>,
}

impl Clock {
    pub(super) fn new() -> Self {
        Clock {
            frozen: None,
            offset: ChronoDuration::zero(),
            last_stamp: DateTime::<Utc>::MIN_UTC,
        }
    }

    /// Current fake time, truncated to whole seconds (Wrike's timestamps have no fractions).
    ///
    /// Never earlier than the last stamp handed out: when several mutations happen within one
    /// second the stamps run ahead of the wall clock, and "now" follows them.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self.frozen {
            Some(t) => t,
            None => Utc::now() + self.offset,
        };
        t.trunc_subsecs(0).max(self.last_stamp)
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: ChronoDuration) {
        match &mut self.frozen {
            Some(t) => *t += by,
            None => self.offset += by,
        }
    }

    /// Freezes the clock at `t`.
    pub fn freeze_at(&mut self, t: DateTime<Utc>) {
        self.frozen = Some(t);
    }

    /// Lets the clock tick with real time again, keeping the current fake time as the start.
    pub fn unfreeze(&mut self) {
        if let Some(t) = self.frozen.take() {
            self.offset = t - Utc::now();
        }
    }

    /// Timestamp for a mutation: fake now, but strictly after the previous stamp (+1 s if needed).
    pub fn stamp(&mut self) -> DateTime<Utc> {
        let now = self.now();
        let t = if now > self.last_stamp {
            now
        } else {
            self.last_stamp + ChronoDuration::seconds(1)
        };
        self.last_stamp = t;
        t
    }

    /// Records a timestamp used by seed data so later stamps come after it.
    pub fn observe(&mut self, t: DateTime<Utc>) {
        if t > self.last_stamp {
            self.last_stamp = t;
        }
    }
}
