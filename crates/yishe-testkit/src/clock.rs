//! A clock a test can move forward: the system's time plus however far the test moved
//! it, so time still passes for everything else while a deadline can be reached at once.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use yishe_domain::{Clock, SystemClock};

#[derive(Debug, Default)]
pub struct TestClock {
    ahead: Mutex<TimeDelta>,
}

impl TestClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`, as if that much time had passed.
    pub fn advance(&self, by: Duration) {
        let by = TimeDelta::from_std(by).expect("a test moves the clock by a sane amount");
        *self.ahead.lock().expect("clock lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + *self.ahead.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_the_clock_adds_to_the_time_that_passes() {
        let clock = TestClock::new();
        let before = clock.now();
        clock.advance(Duration::from_secs(90 * 60));
        let moved = clock.now() - before;
        assert!(moved >= TimeDelta::minutes(90) && moved < TimeDelta::minutes(91));
        assert_eq!(
            clock.now().timestamp_subsec_nanos() % 1000,
            0,
            "microseconds"
        );
    }
}
