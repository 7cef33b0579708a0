//! CPU time the server spent, read from `/proc/self/task`: the server runs on threads
//! of its own (named `yishe-srv`), beside SQLite's worker threads, apart from the load
//! generator's, so their user and system time is the server's cost.

use std::time::Duration;

/// Clock ticks per second in `/proc` (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// The CPU time of this process's threads whose name starts with one of `prefixes`.
pub(crate) fn threads_cpu(prefixes: &[&str]) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut ticks = 0;
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if !prefixes.iter().any(|p| name.trim_end().starts_with(p)) {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        // The fields after the name (which may hold spaces) start after the last ')'.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
        let parse = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ticks += parse(11) + parse(12);
    }
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// The server's threads: its runtime and SQLite's workers.
pub(crate) fn server_cpu() -> Duration {
    threads_cpu(&["yishe-srv", "sqlx-sqlite-wor"])
}

/// The load generator's threads (and, for a mirror, its SQL loops).
pub(crate) fn client_cpu() -> Duration {
    threads_cpu(&["yishe-load"])
}
