//! The load generator: `callers` concurrent loops calling as fast as they can (or at a
//! steady rate), a warm-up that is not counted, then the measured window.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a workload is driven.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drive {
    pub(crate) callers: usize,
    pub(crate) warm_up: Duration,
    pub(crate) measure: Duration,
    /// Calls per second for all callers together; `None`: as fast as they can.
    pub(crate) rate: Option<f64>,
}

/// What one measured window saw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub(crate) ok: u64,
    pub(crate) errors: u64,
    /// Latencies of the successful calls, in microseconds, sorted.
    pub(crate) latencies: Vec<u32>,
    pub(crate) elapsed: Duration,
    /// The server's CPU time over the window.
    pub(crate) server_cpu: Duration,
    /// The load generator's own CPU time over the window: it shares the machine's cores
    /// with the server and the database, so it is part of what limits the rate.
    pub(crate) client_cpu: Duration,
    /// PostgreSQL's CPU time over the window (its processes on this machine): with the
    /// two above, where the cores went.
    pub(crate) database_cpu: Duration,
    /// The time the host took from the machine's cores over the window (steal).
    pub(crate) stolen: Duration,
    /// The WAL PostgreSQL wrote over the window, in bytes (none on SQLite).
    pub(crate) wal_bytes: Option<u64>,
}

impl Stats {
    pub(crate) fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0.5, 0.99), in milliseconds.
    pub(crate) fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    /// `cpu` per successful call, in microseconds.
    fn per_call_us(&self, cpu: Duration) -> f64 {
        cpu.as_secs_f64() * 1e6 / self.ok.max(1) as f64
    }

    /// The server's CPU per successful call, in microseconds.
    pub(crate) fn cpu_per_call_us(&self) -> f64 {
        self.per_call_us(self.server_cpu)
    }

    /// The load generator's CPU per successful call, in microseconds.
    pub(crate) fn client_cpu_per_call_us(&self) -> f64 {
        self.per_call_us(self.client_cpu)
    }

    /// This window and `other` as one: their calls, times and latencies added up.
    pub(crate) fn merge(mut self, other: Stats) -> Stats {
        self.ok += other.ok;
        self.errors += other.errors;
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
        self.elapsed += other.elapsed;
        self.server_cpu += other.server_cpu;
        self.client_cpu += other.client_cpu;
        self.database_cpu += other.database_cpu;
        self.stolen += other.stolen;
        self.wal_bytes = match (self.wal_bytes, other.wal_bytes) {
            (Some(a), Some(b)) => Some(a + b),
            // A window whose WAL could not be read: no total is better than a short one.
            _ => None,
        };
        self
    }

    /// The share of the machine's cores the host took over the window, in percent.
    pub(crate) fn stolen_percent(&self) -> f64 {
        let cores = crate::cpu::cores().max(1);
        100.0 * self.stolen.as_secs_f64() / (cores as f64 * self.elapsed.as_secs_f64().max(1e-9))
    }

    /// The WAL written per successful call, in kilobytes (PostgreSQL only).
    pub(crate) fn wal_per_call_kb(&self) -> Option<f64> {
        self.wal_bytes
            .map(|bytes| bytes as f64 / 1024.0 / self.ok.max(1) as f64)
    }

    /// PostgreSQL's CPU per successful call, in microseconds.
    pub(crate) fn database_cpu_per_call_us(&self) -> f64 {
        self.per_call_us(self.database_cpu)
    }

    /// The CPU of everything that did the run's work per successful call, in
    /// microseconds: server (or SQLite's workers), client and, with `database`,
    /// PostgreSQL.
    pub(crate) fn all_cpu_per_call_us(&self, database: bool) -> f64 {
        let database = if database {
            self.database_cpu
        } else {
            Duration::ZERO
        };
        self.per_call_us(self.server_cpu + self.client_cpu + database)
    }
}

/// Runs `call(caller, n)` from `drive.callers` loops; counts what ends inside the
/// measured window.
pub(crate) async fn run<F, Fut>(drive: Drive, call: F) -> Stats
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let start = Instant::now();
    let measure_from = start + drive.warm_up;
    let end = measure_from + drive.measure;
    // No pace where there is no rate to hold (a workload whose every call failed).
    let interval = drive
        .rate
        .filter(|r| r.is_finite() && *r > 0.0)
        .map(|r| Duration::from_secs_f64(drive.callers as f64 / r));
    let mut loops = Vec::new();
    for caller in 0..drive.callers {
        let call = call.clone();
        loops.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            // Paced callers start spread over one interval, so their calls arrive
            // evenly rather than all on each tick.
            let mut next = Instant::now()
                + interval.map_or(Duration::ZERO, |i| {
                    i.mul_f64(caller as f64 / drive.callers as f64)
                });
            let mut n = 0;
            while Instant::now() < end {
                if let Some(interval) = interval {
                    if next >= end {
                        break;
                    }
                    tokio::time::sleep_until(next.into()).await;
                    next += interval;
                }
                let began = Instant::now();
                let ok = call(caller, n).await;
                n += 1;
                if began < measure_from {
                    continue;
                }
                if ok {
                    stats.ok += 1;
                    stats.latencies.push(began.elapsed().as_micros() as u32);
                } else {
                    stats.errors += 1;
                }
            }
            stats
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    // The WAL's position first and last: its reading opens a connection, whose cost
    // stays outside the CPU readings.
    let wal_before = crate::wal::position().await;
    let cpu_before = crate::cpu::server_cpu();
    let client_before = crate::cpu::client_cpu();
    let database_before = crate::cpu::database_cpu();
    let stolen_before = crate::cpu::stolen();
    let mut total = Stats::default();
    for caller in loops {
        let stats = caller.await.expect("a caller loop");
        total.ok += stats.ok;
        total.errors += stats.errors;
        total.latencies.extend(stats.latencies);
    }
    total.elapsed = measure_from
        .elapsed()
        .min(drive.measure + Duration::from_secs(5));
    total.server_cpu = crate::cpu::server_cpu().saturating_sub(cpu_before);
    total.client_cpu = crate::cpu::client_cpu().saturating_sub(client_before);
    total.database_cpu = crate::cpu::database_cpu().saturating_sub(database_before);
    total.stolen = crate::cpu::stolen().saturating_sub(stolen_before);
    total.wal_bytes = match (wal_before, crate::wal::position().await) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    total.latencies.sort_unstable();
    total
}
