//! CPU time the server spent, read from `/proc/self/task`: the server runs on threads
//! of its own (named `yishe-srv`), beside SQLite's worker threads, apart from the load
//! generator's, so their user and system time is the server's cost. PostgreSQL's
//! processes, where it runs on the same machine, are read from `/proc` as well.

use std::path::Path;
use std::time::Duration;

/// Clock ticks per second in `/proc` (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// The CPU time of this process's threads whose name starts with one of `prefixes`.
pub(crate) fn threads_cpu(prefixes: &[&str]) -> Duration {
    cpu_of_entries(Path::new("/proc/self/task"), |name| {
        prefixes.iter().any(|p| name.starts_with(p))
    })
}

/// The CPU time of every process on this machine named `postgres` (the postmaster,
/// its backends, the WAL writer, the checkpointer): what the database spent, where
/// it runs on this machine as the bench's default URL has it. Zero where it does not.
/// A process that exits between two readings takes its time with it (an autovacuum
/// worker, say), so this can read low, never high.
pub(crate) fn database_cpu() -> Duration {
    cpu_of_entries(Path::new("/proc"), |name| name == "postgres")
}

/// The user and system time of the entries of `dir` (processes or threads) whose
/// name (`comm`) `named` accepts.
fn cpu_of_entries(dir: &Path, named: impl Fn(&str) -> bool) -> Duration {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Duration::ZERO;
    };
    let ticks: u64 = entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| {
            std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| named(c.trim_end()))
        })
        .map(|e| std::fs::read_to_string(e.path().join("stat")).map_or(0, |s| ticks_of(&s)))
        .sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// User and system ticks from the text of a `/proc` `stat` file.
fn ticks_of(stat: &str) -> u64 {
    // The fields after the name (which may hold spaces and parentheses) start after
    // the last ')'.
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

/// The time the host took from this machine's cores for other guests (`steal` in
/// `/proc/stat`), all cores together: a shared virtual machine runs slower while it
/// grows, whatever runs on it.
pub(crate) fn stolen() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    Duration::from_millis(stolen_ticks(&stat) * 1000 / TICKS_PER_SECOND)
}

/// The machine's cores as `/proc/stat` counts them (its `cpuN` lines), which the
/// steal time is summed over: a container's CPU limit does not change it.
pub(crate) fn cores() -> usize {
    cores_in(&std::fs::read_to_string("/proc/stat").unwrap_or_default())
}

fn cores_in(stat: &str) -> usize {
    stat.lines()
        .filter(|line| {
            line.strip_prefix("cpu")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count()
}

/// The steal ticks of the `cpu` line of `/proc/stat`'s text: its eighth number.
fn stolen_ticks(stat: &str) -> u64 {
    stat.lines()
        .find(|line| line.starts_with("cpu "))
        .and_then(|line| line.split_whitespace().nth(8))
        .and_then(|ticks| ticks.parse().ok())
        .unwrap_or(0)
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
    fn steal_is_the_eighth_number_of_the_cpu_line_summed_over_the_cpun_lines() {
        let stat = "cpu  261870 0 70884 178088 7821 0 21822 8169 0 0\ncpu0 1 2 3 4 5 6 7 99 0 0\n";
        assert_eq!(stolen_ticks(stat), 8169);
        assert_eq!(stolen_ticks("intr 1 2 3"), 0);
        assert_eq!(cores_in(stat), 1);
    }

    #[test]
    fn user_and_system_ticks_are_read_after_a_name_with_spaces_and_parentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
        // cmajflt utime stime ...
        let stat = "4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 900 0 7 0 \
                    123 45 0 0 20 0 1 0 100 1000 10";
        assert_eq!(ticks_of(stat), 168);
    }

    #[test]
    fn a_thread_that_works_is_counted_under_its_name() {
        let (done, read) = std::sync::mpsc::channel::<()>();
        let busy = std::thread::Builder::new()
            .name("cpu-test-busy".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let mut spin = 0u64;
                // A few ticks' work (10 ms each at USER_HZ 100).
                while started.elapsed() < Duration::from_millis(200) {
                    spin = spin.wrapping_add(std::hint::black_box(spin) | 1);
                }
                // Still alive while it is read.
                let _ = read.recv();
            })
            .expect("a thread");
        let waited = std::time::Instant::now();
        while threads_cpu(&["cpu-test-busy"]).is_zero() {
            assert!(
                waited.elapsed() < Duration::from_secs(10),
                "a thread that worked 200 ms shows no CPU time under its name"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(threads_cpu(&["no-such-thread"]).is_zero());
        drop(done);
        busy.join().expect("the busy thread");
    }
}
