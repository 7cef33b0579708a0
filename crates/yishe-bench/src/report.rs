//! The table a run prints: each workload's throughput, latencies and where the CPU went
//! (server, load generator, PostgreSQL), and its ratio to the same SQL without Yishe.

use crate::load::Stats;
use crate::server::Engine;

/// One line of the table.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) workload: String,
    pub(crate) engine: Engine,
    pub(crate) yishe: Stats,
    pub(crate) mirror: Option<Stats>,
    /// The same SQL again, held to Yishe's rate: what it costs the machine per call
    /// where Yishe's did.
    pub(crate) paced_mirror: Option<Stats>,
    /// Anything the workload measures beyond calls (deliveries, fsyncs).
    pub(crate) note: String,
}

/// How near Yishe's rate a paced mirror must come to be called held to it.
const HELD: f64 = 0.95;

/// Prints the rows as a Markdown table (BENCHMARKS.md keeps one). CPU per call counts
/// the threads and processes that do the run's work: Yishe's server, its load
/// generator and PostgreSQL; the mirror's loop, SQLite's workers or PostgreSQL.
pub(crate) fn print(rows: &[Row]) {
    println!(
        "| workload | engine | Yishe calls/s | p50 ms | p90 ms | p99 ms | errors | server CPU µs/call | load generator CPU µs/call | PostgreSQL CPU µs/call | same SQL calls/s | ratio | same SQL at Yishe's rate: CPU µs/call | CPU ratio at Yishe's rate | notes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let s = &row.yishe;
        let (mirror, ratio) = match &row.mirror {
            // A mirror whose every call failed (its errors are on stderr) has no ratio.
            Some(m) if m.ok == 0 => ("0".into(), String::new()),
            Some(m) => (
                format!("{:.0}", m.throughput()),
                format!("{:.2}×", s.throughput() / m.throughput()),
            ),
            None => ("".into(), "".into()),
        };
        // PostgreSQL's processes are read only where the run used them: an idle
        // server's background work is no part of a SQLite run.
        let database = row.engine == Engine::Postgres;
        let (paced, cpu_ratio) = match &row.paced_mirror {
            // Slower than Yishe even when free: its "paced" run ran free again.
            Some(m) if m.throughput() < HELD * s.throughput() => (
                format!("could not hold Yishe's rate ({:.0}/s)", m.throughput()),
                String::new(),
            ),
            Some(m) if s.all_cpu_per_call_us(database) > 0.0 => (
                format!(
                    "{:.0} (at {:.0}/s)",
                    m.all_cpu_per_call_us(database),
                    m.throughput()
                ),
                format!(
                    "{:.2}×",
                    m.all_cpu_per_call_us(database) / s.all_cpu_per_call_us(database)
                ),
            ),
            _ => (String::new(), String::new()),
        };
        let database_cpu = if database {
            format!("{:.0}", s.database_cpu_per_call_us())
        } else {
            String::new()
        };
        // The WAL of each side, where there is one: the same SQL on the same rows
        // writes as much as Yishe does.
        let wal = match (
            s.wal_per_call_kb(),
            row.mirror.as_ref().and_then(Stats::wal_per_call_kb),
        ) {
            (Some(yishe), Some(mirror)) => {
                format!("{yishe:.1} KB of WAL per call (same SQL: {mirror:.1})")
            }
            (Some(yishe), None) => format!("{yishe:.1} KB of WAL per call"),
            _ => String::new(),
        };
        // A host taking the cores for other guests slows whichever side runs then.
        let stolen = |s: &Stats| format!("{:.0}%", s.stolen_percent());
        let stolen = match &row.mirror {
            Some(m) => format!(
                "host took {} of the cores (same SQL: {})",
                stolen(s),
                stolen(m)
            ),
            None => format!("host took {} of the cores", stolen(s)),
        };
        let notes = [wal.as_str(), row.note.as_str(), stolen.as_str()]
            .into_iter()
            .filter(|note| !note.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {:.0} | {} | {} | {} | {} | {} | {} |",
            row.workload,
            row.engine.name(),
            s.throughput(),
            s.quantile_ms(0.5),
            s.quantile_ms(0.9),
            s.quantile_ms(0.99),
            s.errors,
            s.cpu_per_call_us(),
            s.client_cpu_per_call_us(),
            database_cpu,
            mirror,
            ratio,
            paced,
            cpu_ratio,
            notes
        );
    }
}
