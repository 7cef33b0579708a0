//! Time as Yishe reads it. Everything that decides by the time — acceptance deadlines,
//! the SLA watch, audit rows, soon overdue follow-ups — asks one injected `Clock`, so a
//! test moves its clock (`yishe_testkit::TestClock`) instead of sleeping.
//!
//! Times are kept to the microsecond: that is what both database engines store, so a
//! time read back equals the time written, and a response equals a later read.

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
}
