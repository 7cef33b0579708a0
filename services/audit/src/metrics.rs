//! The audit service's metrics, read at each scrape: the audit rows the sealer has not
//! chained yet, and how long the oldest of them has waited (a sealer that stopped shows
//! here before anyone asks `yishe audit verify`).

use std::sync::Arc;

use yishe_domain::Clock;
use yishe_runtime::Metrics;
use yishe_runtime::metrics::NO_LABELS;
use yishe_store::Gauges;

pub(crate) fn register(metrics: &Metrics, gauges: Arc<dyn Gauges>, clock: Arc<dyn Clock>) {
    let unsealed = metrics.gauge(
        "yishe_audit_unsealed",
        "Audit rows committed and not yet linked into the hash chain.",
        NO_LABELS,
    );
    let oldest = metrics.gauge(
        "yishe_audit_unsealed_oldest_seconds",
        "How long the oldest audit row not yet chained has waited (0 when none waits).",
        NO_LABELS,
    );
    metrics.on_scrape(move || {
        let (unsealed, oldest, gauges, now) = (
            unsealed.clone(),
            oldest.clone(),
            gauges.clone(),
            clock.now(),
        );
        async move {
            match gauges.audit_unsealed().await {
                Ok(state) => {
                    unsealed.with_label_values(NO_LABELS).set(state.count);
                    let waited = state.oldest.map_or(0, |at| (now - at).num_seconds().max(0));
                    oldest.with_label_values(NO_LABELS).set(waited);
                }
                Err(error) => tracing::warn!(%error, "cannot count unsealed audit rows"),
            }
        }
    });
}
