//! The database's own metrics: write transactions committed and the COMMITs that made
//! them durable (on SQLite their ratio is what group commit saves, one fsync per
//! COMMIT; on PostgreSQL they are equal), and the connection pools: how many
//! connections each holds and uses, the write transactions waiting for one, and how
//! long they waited.

use prometheus::{IntCounter, IntGaugeVec};
use yishe_store::Store;

use crate::Metrics;

/// From a connection at hand (microseconds) to the acquire timeout (2 s).
const ACQUIRE_BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0,
];

pub(crate) fn register(metrics: &Metrics, store: Store) {
    register_commits(metrics, store.clone());
    register_pools(metrics, store);
}

fn register_commits(metrics: &Metrics, store: Store) {
    let transactions = metrics.register(
        IntCounter::new(
            "yishe_store_transactions_total",
            "Write transactions committed by this process.",
        )
        .expect("valid metric"),
    );
    let commits = metrics.register(
        IntCounter::new(
            "yishe_store_commits_total",
            "COMMITs that made this process's write transactions durable (each one fsync).",
        )
        .expect("valid metric"),
    );
    metrics.on_scrape(move || {
        let now = store.commits();
        // The store counts from its opening; the counters follow it.
        transactions.inc_by(now.transactions.saturating_sub(transactions.get()));
        commits.inc_by(now.commits.saturating_sub(commits.get()));
        async {}
    });
}

fn register_pools(metrics: &Metrics, store: Store) {
    let connections = metrics.gauge(
        "yishe_db_connections",
        "Database connections of this process, by pool (writer: write transactions; \
         reader: lists, the feed, lookups) and state (in_use, idle).",
        &["pool", "state"],
    );
    let max = metrics.gauge(
        "yishe_db_connections_max",
        "The most connections each pool holds.",
        &["pool"],
    );
    let waiting: IntGaugeVec = metrics.gauge(
        "yishe_db_acquire_waiting",
        "Write transactions waiting for a connection now (on SQLite, for the one writer).",
        &["pool"],
    );
    let acquire = metrics.histogram(
        "yishe_db_acquire_seconds",
        "How long write transactions waited for a connection.",
        &["pool"],
        ACQUIRE_BUCKETS,
    );
    let writer = acquire.with_label_values(&["writer"]);
    store.observe_writer_waits(Box::new(move |waited| {
        writer.observe(waited.as_secs_f64());
    }));
    metrics.on_scrape(move || {
        for pool in store.pools() {
            connections
                .with_label_values(&[pool.pool, "in_use"])
                .set(pool.in_use.into());
            connections
                .with_label_values(&[pool.pool, "idle"])
                .set(pool.idle.into());
            max.with_label_values(&[pool.pool]).set(pool.max.into());
            if pool.pool == "writer" {
                waiting.with_label_values(&[pool.pool]).set(pool.waiting);
            }
        }
        async {}
    });
}
