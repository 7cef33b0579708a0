//! The database's own metrics, read from the store at each scrape: write transactions
//! committed and the COMMITs that made them durable. On SQLite their ratio is what
//! group commit saves (one fsync per COMMIT); on PostgreSQL they are equal.

use prometheus::IntCounter;
use yishe_store::Store;

use crate::Metrics;

pub(crate) fn register(metrics: &Metrics, store: Store) {
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
