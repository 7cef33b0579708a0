//! A clock a test can move forward: the system's time plus however far the test moved
//! it, so time still passes for everything else while a deadline can be reached at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use yishe_domain::{Clock, SystemClock};

#[derive(Debug, Default)]
pub struct TestClock {
    ahead: Mutex<TimeDelta>,
    /// Where the other processes of the test read how far the clock moved
    /// (`YISHE_TEST_CLOCK_FILE`), when they share it.
    file: Option<PathBuf>,
}

impl TestClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock whose moves are also written to `file`, for Yishe processes started
    /// with `YISHE_TEST_CLOCK_FILE` naming it (debug builds read it).
    pub fn shared(file: PathBuf) -> Self {
        std::fs::write(&file, "0").expect("the clock file is writable");
        Self {
            ahead: Mutex::default(),
            file: Some(file),
        }
    }

    /// The file other processes read this clock's moves from, if shared.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Moves the clock forward by `by`, as if that much time had passed.
    pub fn advance(&self, by: Duration) {
        let by = TimeDelta::from_std(by).expect("a test moves the clock by a sane amount");
        let mut ahead = self.ahead.lock().expect("clock lock");
        *ahead += by;
        if let Some(file) = &self.file {
            // Written aside and renamed: a reader never sees half a number.
            let staged = file.with_extension("staged");
            let micros = ahead.num_microseconds().expect("a sane offset");
            std::fs::write(&staged, micros.to_string()).expect("the clock file is writable");
            std::fs::rename(&staged, file).expect("the clock file is replaced");
        }
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
