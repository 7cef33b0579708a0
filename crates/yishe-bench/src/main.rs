//! `yishe-bench`: the real server, on embedded SQLite and on PostgreSQL, under the
//! workloads an HIS, the station's staff and their watchers make, each measured for
//! throughput, latency and the server's CPU per call, beside the same SQL run without
//! Yishe in the same run (as fast as it can, and again at Yishe's rate), and printed as
//! a table of ratios. Absolute numbers move from run to run on a shared machine; ratios
//! in one run hold better, and the CPU ratio at Yishe's rate best: a ratio of rates
//! also counts the group commit a faster run shares among more commits.
//!
//! `cargo run --release -p yishe-bench` runs the full plan; `--quick` a smoke of a few
//! seconds (CI runs it, in a debug build, so the benchmark never rots). No test asserts
//! a time.

mod cpu;
mod feed;
mod load;
mod mirror;
mod report;
mod seed;
mod server;
mod wal;
mod workloads;

use std::time::Duration;

use clap::Parser;

use crate::server::Engine;
use crate::workloads::{Group, Plan};

#[derive(Debug, Parser)]
#[command(
    name = "yishe-bench",
    about = "Yishe under load, against the same SQL without it."
)]
struct Args {
    /// A smoke run of a few seconds.
    #[arg(long)]
    quick: bool,
    /// Only these groups of workloads (all by default).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Group>,
    /// The supervisors watching in the feed workloads (0, 200 and 1,000 by default).
    #[arg(long, value_delimiter = ',')]
    watchers: Vec<usize>,
    /// The engines to run on.
    #[arg(long, value_enum, value_delimiter = ',', default_values = ["sqlite", "postgres"])]
    engines: Vec<Engine>,
    /// Seconds measured per workload (after a warm-up of a fifth of it).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Referrals seeded before the list workloads.
    #[arg(long, default_value_t = 25_000)]
    referrals: usize,
    /// The PostgreSQL server a scratch database is made on.
    #[arg(
        long,
        env = "YISHE_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
}

const WATCHERS: &[usize] = &[0, 200, 1000];
const QUICK_WATCHERS: &[usize] = &[0, 20];

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let groups: &'static [Group] = if args.only.is_empty() {
        &[
            Group::Health,
            Group::Create,
            Group::Replay,
            Group::Feed,
            Group::List,
        ]
    } else {
        args.only.leak()
    };
    let plan = if args.quick {
        Plan {
            warm_up: Duration::from_millis(200),
            measure: Duration::from_secs(1),
            referrals: 500,
            watchers: QUICK_WATCHERS,
            groups,
        }
    } else {
        Plan {
            warm_up: Duration::from_secs(args.seconds / 5),
            measure: Duration::from_secs(args.seconds),
            referrals: args.referrals,
            watchers: if args.watchers.is_empty() {
                WATCHERS
            } else {
                args.watchers.clone().leak()
            },
            groups,
        }
    };
    // The load generator and the mirrors run here, on threads apart from the server's.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("yishe-load")
        .enable_all()
        .build()
        .expect("a runtime");
    let rows = runtime.block_on(async {
        let mut rows = Vec::new();
        for engine in &args.engines {
            eprintln!("bench: {} …", engine.name());
            workloads::run(*engine, &args.postgres, plan, &mut rows).await;
        }
        rows
    });
    report::print(&rows);
    if rows.is_empty() {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
