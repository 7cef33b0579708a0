//! The referral service's metrics, registered in the process's registry: referrals
//! created, time to accept, SLA breaches, break-glass reads, events relayed, and the
//! referrals open in each status (read at each scrape).

use std::sync::Arc;

use prometheus::{HistogramVec, IntCounterVec};
use yishe_domain::Role;
use yishe_domain::referral::Referral;
use yishe_runtime::Metrics;
use yishe_runtime::metrics::HUMAN_WAIT_BUCKETS;
use yishe_store::Gauges;

#[derive(Debug, Clone)]
pub(crate) struct ReferralMetrics {
    created: IntCounterVec,
    time_to_accept_seconds: HistogramVec,
    sla_breaches: IntCounterVec,
    break_glass: IntCounterVec,
    relayed: IntCounterVec,
    closures: IntCounterVec,
}

impl ReferralMetrics {
    /// Registers the metrics in `metrics`, and the open-referrals gauge read from
    /// `gauges` at each scrape.
    pub(crate) fn register(metrics: &Metrics, gauges: Arc<dyn Gauges>) -> Self {
        let open = metrics.gauge(
            "yishe_referrals_open",
            "Referrals in each open status.",
            &["status"],
        );
        metrics.on_scrape(move || {
            let (open, gauges) = (open.clone(), gauges.clone());
            async move {
                match gauges.open_referrals_by_status().await {
                    Ok(counts) => {
                        open.reset();
                        for (status, n) in counts {
                            open.with_label_values(&[status.as_str()]).set(n);
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot refresh open referral counts"),
                }
            }
        });
        Self {
            created: metrics.counter(
                "yishe_referrals_created_total",
                "Referrals created, by priority and reason.",
                &["priority", "reason"],
            ),
            time_to_accept_seconds: metrics.histogram(
                "yishe_referral_time_to_accept_seconds",
                "Seconds from a referral's creation to its acceptance.",
                &["priority"],
                HUMAN_WAIT_BUCKETS,
            ),
            sla_breaches: metrics.counter(
                "yishe_referral_sla_breaches_total",
                "Referrals not accepted by their deadline.",
                &["priority"],
            ),
            break_glass: metrics.counter(
                "yishe_break_glass_total",
                "Break-glass accesses to referrals outside the caller's scope.",
                &["role"],
            ),
            relayed: metrics.counter(
                "yishe_feed_events_relayed_total",
                "Events moved from the outbox into the feed.",
                &["feed"],
            ),
            closures: metrics.counter(
                "yishe_closures_total",
                "Cases closed with a supervisor's approval, by outcome.",
                &["outcome"],
            ),
        }
    }

    /// A new referral counts once per reason.
    pub(crate) fn created(&self, referral: &Referral) {
        for reason in &referral.reasons {
            self.created
                .with_label_values(&[referral.priority.as_str(), reason.as_str()])
                .inc();
        }
    }

    pub(crate) fn accepted(&self, referral: &Referral) {
        if let Some(accepted) = referral.accepted_at {
            let waited = (accepted - referral.created_at).num_milliseconds().max(0);
            self.time_to_accept_seconds
                .with_label_values(&[referral.priority.as_str()])
                .observe(waited as f64 / 1000.0);
        }
    }

    /// An approved closure counts by its outcome.
    pub(crate) fn closed(&self, referral: &Referral) {
        if let Some(closure) = &referral.closure {
            self.closures
                .with_label_values(&[closure.outcome.as_str()])
                .inc();
        }
    }

    pub(crate) fn sla_breached(&self, referral: &Referral) {
        self.sla_breaches
            .with_label_values(&[referral.priority.as_str()])
            .inc();
    }

    pub(crate) fn break_glass(&self, role: Role) {
        self.break_glass.with_label_values(&[role.as_str()]).inc();
    }

    pub(crate) fn relayed(&self, events: usize) {
        self.relayed
            .with_label_values(&["referral"])
            .inc_by(events as u64);
    }
}
