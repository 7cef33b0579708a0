//! Time as Yishe reads it. Everything that decides by the time — acceptance deadlines,
//! the SLA watch, audit rows, soon overdue follow-ups — asks one injected `Clock`, so a
//! test moves a `ManualClock` instead of sleeping.
//!
//! Times are kept to the microsecond: that is what both database engines store, so a
//! time read back equals the time written, and a response equals a later read.

use std::sync::Mutex;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Where the current time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, to the microsecond.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        to_micros(Utc::now())
    }
}

/// A clock that stands still until told to move (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing the system's time now.
    pub fn new() -> Self {
        Self::at(Utc::now())
    }

    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(to_micros(now)),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        let by = TimeDelta::from_std(by).expect("a test moves the clock by a sane amount");
        let mut now = self.now.lock().expect("clock lock");
        *now = to_micros(*now + by);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock lock")
    }
}

/// `at` to the microsecond, for a time that comes from outside (a client's timestamp).
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_microseconds() {
        let now = SystemClock.now();
        assert_eq!(now.timestamp_subsec_nanos() % 1000, 0);
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(to_micros(at).timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let before = clock.now();
        assert_eq!(clock.now(), before);
        clock.advance(std::time::Duration::from_secs(90));
        assert_eq!((clock.now() - before).num_seconds(), 90);
    }
}
