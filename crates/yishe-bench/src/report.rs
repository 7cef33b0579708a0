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

/// Prints the rows as a Markdown table (BENCHMARKS.md keeps one). CPU per call counts
/// every thread and process of the run on the machine: Yishe's server, its load
/// generator and PostgreSQL; the mirror's loop, SQLite's workers and PostgreSQL.
pub(crate) fn print(rows: &[Row]) {
    println!(
        "| workload | engine | Yishe calls/s | p50 ms | p90 ms | p99 ms | errors | server CPU µs/call | load generator CPU µs/call | PostgreSQL CPU µs/call | same SQL calls/s | ratio | same SQL at Yishe's rate: CPU µs/call | CPU ratio at Yishe's rate | notes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let s = &row.yishe;
        let (mirror, ratio) = match &row.mirror {
            Some(m) => (
                format!("{:.0}", m.throughput()),
                format!("{:.2}×", s.throughput() / m.throughput().max(1e-9)),
            ),
            None => ("".into(), "".into()),
        };
        let (paced, cpu_ratio) = match &row.paced_mirror {
            Some(m) => (
                format!(
                    "{:.0} (at {:.0}/s)",
                    m.all_cpu_per_call_us(),
                    m.throughput()
                ),
                format!(
                    "{:.2}×",
                    m.all_cpu_per_call_us() / s.all_cpu_per_call_us().max(1e-9)
                ),
            ),
            None => ("".into(), "".into()),
        };
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {:.0} | {:.0} | {} | {} | {} | {} | {} |",
            row.workload,
            row.engine.name(),
            s.throughput(),
            s.quantile_ms(0.5),
            s.quantile_ms(0.9),
            s.quantile_ms(0.99),
            s.errors,
            s.cpu_per_call_us(),
            s.client_cpu_per_call_us(),
            s.database_cpu_per_call_us(),
            mirror,
            ratio,
            paced,
            cpu_ratio,
            row.note
        );
    }
}
