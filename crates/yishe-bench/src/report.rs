//! The table a run prints: each workload's throughput, latencies and server CPU, and
//! its ratio to the same SQL without Yishe.

use crate::load::Stats;
use crate::server::Engine;

/// One line of the table.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) workload: String,
    pub(crate) engine: Engine,
    pub(crate) yishe: Stats,
    pub(crate) mirror: Option<Stats>,
    /// Anything the workload measures beyond calls (deliveries, fsyncs).
    pub(crate) note: String,
}

/// Prints the rows as a Markdown table (BENCHMARKS.md keeps one).
pub(crate) fn print(rows: &[Row]) {
    println!(
        "| workload | engine | Yishe calls/s | p50 ms | p90 ms | p99 ms | errors | server CPU µs/call | load generator CPU µs/call | same SQL calls/s | ratio | notes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let s = &row.yishe;
        let (mirror, ratio) = match &row.mirror {
            Some(m) => (
                format!("{:.0}", m.throughput()),
                format!("{:.2}×", s.throughput() / m.throughput().max(1e-9)),
            ),
            None => ("".into(), "".into()),
        };
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {:.0} | {} | {} | {} |",
            row.workload,
            row.engine.name(),
            s.throughput(),
            s.quantile_ms(0.5),
            s.quantile_ms(0.9),
            s.quantile_ms(0.99),
            s.errors,
            s.cpu_per_call_us(),
            s.client_cpu_per_call_us(),
            mirror,
            ratio,
            row.note
        );
    }
}
