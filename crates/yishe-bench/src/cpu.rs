//! CPU time the server spent, read from `/proc/self/task`: the server runs on threads
//! of its own (named `yishe-srv`), beside SQLite's worker threads, apart from the load
//! generator's, so their user and system time is the server's cost. PostgreSQL's
//! processes, where it runs on the same machine, are read from `/proc` as well.

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
        ticks += stat_ticks(&path);
    }
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// The CPU time of every process on this machine named `postgres` (the postmaster,
/// its backends, the WAL writer, the checkpointer): what the database spent, where
/// it runs on this machine as the bench's default URL has it. Zero where it does not.
pub(crate) fn database_cpu() -> Duration {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    let ticks: u64 = processes
        .flatten()
        .filter(|p| {
            p.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|p| {
            std::fs::read_to_string(p.path().join("comm")).is_ok_and(|c| c.trim_end() == "postgres")
        })
        .map(|p| stat_ticks(&p.path()))
        .sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// User and system ticks of the task or process at `path` (in `/proc`).
fn stat_ticks(path: &std::path::Path) -> u64 {
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
    parse(11) + parse(12)
}

/// The server's threads: its runtime and SQLite's workers.
pub(crate) fn server_cpu() -> Duration {
    threads_cpu(&["yishe-srv", "sqlx-sqlite-wor"])
}

/// The load generator's threads (and, for a mirror, its SQL loops).
pub(crate) fn client_cpu() -> Duration {
    threads_cpu(&["yishe-load"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_works_shows_ticks_in_its_stat() {
        let this = std::path::Path::new("/proc/self");
        let before = stat_ticks(this);
        let started = std::time::Instant::now();
        let mut spin = 0u64;
        // Work until the kernel has counted a tick of it (10 ms at USER_HZ 100).
        while stat_ticks(this) == before {
            spin = spin.wrapping_add(std::hint::black_box(spin) | 1);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "ten seconds of work and no tick counted in /proc/self/stat"
            );
        }
        assert!(stat_ticks(this) > before);
    }
}
