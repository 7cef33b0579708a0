//! The clock a process runs on. In a release build it is the system's. A debug build
//! (what tests run) also reads the time a test moved forward from the file
//! `YISHE_TEST_CLOCK_FILE` names, so that the processes of a split deployment in a test
//! all see time pass at once; release builds carry no such hook.

use std::sync::Arc;

use yishe_domain::{Clock, SystemClock};

/// The variable naming the moved clock's file (debug builds only).
pub const TEST_CLOCK_FILE: &str = "YISHE_TEST_CLOCK_FILE";

/// The clock for this process.
pub fn process_clock() -> Arc<dyn Clock> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(TEST_CLOCK_FILE) {
        return Arc::new(moved::FileClock::new(path.into()));
    }
    Arc::new(SystemClock)
}

#[cfg(debug_assertions)]
mod moved {
    use std::path::PathBuf;

    use chrono::{DateTime, TimeDelta, Utc};
    use yishe_domain::{Clock, SystemClock};

    /// The system's time plus the microseconds the file holds (0 while it holds none).
    #[derive(Debug)]
    pub(super) struct FileClock {
        path: PathBuf,
    }

    impl FileClock {
        pub(super) fn new(path: PathBuf) -> Self {
            tracing::warn!(path = %path.display(), "the clock is moved by a test's file");
            Self { path }
        }
    }

    impl Clock for FileClock {
        fn now(&self) -> DateTime<Utc> {
            let ahead = std::fs::read_to_string(&self.path)
                .ok()
                .and_then(|text| text.trim().parse::<i64>().ok())
                .unwrap_or(0);
            SystemClock.now() + TimeDelta::microseconds(ahead)
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use yishe_domain::{Clock, SystemClock};

    use super::moved::FileClock;

    #[test]
    fn a_moved_clock_reads_how_far_from_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clock");
        let clock = FileClock::new(file.clone());
        let drift = |clock: &FileClock| clock.now() - SystemClock.now();
        assert!(
            drift(&clock).abs() < TimeDelta::seconds(1),
            "no file: no move"
        );
        std::fs::write(&file, "7200000000").unwrap();
        let moved = drift(&clock);
        assert!(moved > TimeDelta::minutes(119) && moved < TimeDelta::minutes(121));
    }
}
