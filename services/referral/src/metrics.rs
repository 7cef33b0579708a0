//! The referral service's metrics, registered in the process's registry: referrals
//! created, time to accept, SLA breaches, closures and break-glass reads; the feed's
//! relay, lag and watchers; and, read at each scrape, the referrals open in each
//! status, each station's caseload against its limit and the outbox's backlog.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use prometheus::{HistogramVec, IntCounterVec, IntGauge, IntGaugeVec};
use yishe_domain::Role;
use yishe_domain::referral::{Referral, ReferralEvent};
use yishe_runtime::Metrics;
use yishe_runtime::metrics::{HUMAN_WAIT_BUCKETS, NO_LABELS};
use yishe_store::Gauges;

/// From a few milliseconds (the relay woken at once) to the minutes of a stalled one.
const FEED_LAG_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

#[derive(Debug, Clone)]
pub(crate) struct ReferralMetrics {
    received: IntCounterVec,
    created: IntCounterVec,
    time_to_accept_seconds: HistogramVec,
    sla_breaches: IntCounterVec,
    break_glass: IntCounterVec,
    relayed: IntCounterVec,
    streamed: IntCounterVec,
    stream_failures: IntCounterVec,
    closures: IntCounterVec,
    feed_lag_seconds: HistogramVec,
    watchers: IntGaugeVec,
}

impl ReferralMetrics {
    /// Registers the metrics in `metrics`, and the gauges read from `gauges` at each
    /// scrape.
    pub(crate) fn register(metrics: &Metrics, gauges: Arc<dyn Gauges>) -> Self {
        register_gauges(metrics, gauges);
        Self {
            received: metrics.counter(
                "yishe_referrals_received_total",
                "Referrals created, each once, by station and priority.",
                &["station", "priority"],
            ),
            created: metrics.counter(
                "yishe_referrals_created_total",
                "Referrals created, by station, priority and reason.",
                &["station", "priority", "reason"],
            ),
            time_to_accept_seconds: metrics.histogram(
                "yishe_referral_time_to_accept_seconds",
                "Seconds from a referral's creation to its acceptance.",
                &["station", "priority"],
                HUMAN_WAIT_BUCKETS,
            ),
            sla_breaches: metrics.counter(
                "yishe_referral_sla_breaches_total",
                "Referrals not accepted by their deadline.",
                &["station", "priority"],
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
            streamed: metrics.counter(
                "yishe_stream_events_published_total",
                "Feed events published to the NATS JetStream event stream and acknowledged.",
                &[],
            ),
            stream_failures: metrics.counter(
                "yishe_stream_publish_failures_total",
                "Attempts to publish the feed to NATS that failed (retried after a second).",
                &[],
            ),
            closures: metrics.counter(
                "yishe_closures_total",
                "Cases closed with a supervisor's approval, by station and outcome.",
                &["station", "outcome"],
            ),
            feed_lag_seconds: metrics.histogram(
                "yishe_feed_lag_seconds",
                "Seconds from an event's commit to its arrival in this process's feed, \
                 from where watchers read it.",
                NO_LABELS,
                FEED_LAG_BUCKETS,
            ),
            watchers: metrics.gauge(
                "yishe_feed_watchers",
                "Streams of WatchReferralEvents open on this process.",
                NO_LABELS,
            ),
        }
    }

    /// A new referral counts once, and once per reason.
    pub(crate) fn created(&self, referral: &Referral) {
        self.received
            .with_label_values(&[referral.station.as_str(), referral.priority.as_str()])
            .inc();
        for reason in &referral.reasons {
            self.created
                .with_label_values(&[
                    referral.station.as_str(),
                    referral.priority.as_str(),
                    reason.as_str(),
                ])
                .inc();
        }
    }

    pub(crate) fn accepted(&self, referral: &Referral) {
        if let Some(accepted) = referral.accepted_at {
            let waited = (accepted - referral.created_at).num_milliseconds().max(0);
            self.time_to_accept_seconds
                .with_label_values(&[referral.station.as_str(), referral.priority.as_str()])
                .observe(waited as f64 / 1000.0);
        }
    }

    /// An approved closure counts by its outcome.
    pub(crate) fn closed(&self, referral: &Referral) {
        if let Some(closure) = &referral.closure {
            self.closures
                .with_label_values(&[referral.station.as_str(), closure.outcome.as_str()])
                .inc();
        }
    }

    pub(crate) fn sla_breached(&self, referral: &Referral) {
        self.sla_breaches
            .with_label_values(&[referral.station.as_str(), referral.priority.as_str()])
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

    /// `events` reached the event stream.
    pub(crate) fn streamed(&self, events: usize) {
        self.streamed
            .with_label_values(NO_LABELS)
            .inc_by(events as u64);
    }

    /// A publishing attempt failed.
    pub(crate) fn stream_failed(&self) {
        self.stream_failures.with_label_values(NO_LABELS).inc();
    }
}

impl ReferralMetrics {
    /// Events arrived in this process's feed at `now`: how long after their commit.
    pub(crate) fn fed(&self, events: &[ReferralEvent], now: DateTime<Utc>) {
        let lag = self.feed_lag_seconds.with_label_values(NO_LABELS);
        for event in events {
            let waited = (now - event.occurred_at).num_milliseconds().max(0);
            lag.observe(waited as f64 / 1000.0);
        }
    }

    /// A watcher connected; it counts until the guard is dropped.
    pub(crate) fn watching(&self) -> Watching {
        let gauge = self.watchers.with_label_values(NO_LABELS);
        gauge.inc();
        Watching(gauge)
    }
}

/// One open stream of the feed, counted in `yishe_feed_watchers` while it lives.
#[derive(Debug)]
pub(crate) struct Watching(IntGauge);

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The gauges read from the database at each scrape: open referrals by station and
/// status, caseloads against limits, and the outbox's backlog.
fn register_gauges(metrics: &Metrics, gauges: Arc<dyn Gauges>) {
    let open = metrics.gauge(
        "yishe_referrals_open",
        "Referrals in each open status, by station.",
        &["station", "status"],
    );
    let open_cases = metrics.gauge(
        "yishe_caseload_open_cases",
        "Open cases assigned to the station's social workers.",
        &["station"],
    );
    let limit = metrics.gauge(
        "yishe_caseload_limit",
        "The sum of the caseload limits of the station's workers who may take new cases \
         (active, not on leave).",
        &["station"],
    );
    let at_limit = metrics.gauge(
        "yishe_caseload_workers_at_limit",
        "Workers who may take new cases and already hold their limit or more.",
        &["station"],
    );
    let outbox = metrics.gauge(
        "yishe_feed_outbox_pending",
        "Events committed and not yet moved into the feed.",
        NO_LABELS,
    );
    metrics.on_scrape(move || {
        let (open, open_cases, limit, at_limit, outbox, gauges) = (
            open.clone(),
            open_cases.clone(),
            limit.clone(),
            at_limit.clone(),
            outbox.clone(),
            gauges.clone(),
        );
        async move {
            match gauges.open_referrals().await {
                Ok(counts) => {
                    open.reset();
                    for c in counts {
                        open.with_label_values(&[c.station.as_str(), c.status.as_str()])
                            .set(c.count);
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot refresh open referral counts"),
            }
            match gauges.caseloads().await {
                Ok(caseloads) => {
                    for gauge in [&open_cases, &limit, &at_limit] {
                        gauge.reset();
                    }
                    for c in caseloads {
                        let station = [c.station.as_str()];
                        open_cases.with_label_values(&station).set(c.open_cases);
                        limit.with_label_values(&station).set(c.limit);
                        at_limit.with_label_values(&station).set(c.workers_at_limit);
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot refresh caseloads"),
            }
            match gauges.outbox_pending().await {
                Ok(n) => outbox.with_label_values(NO_LABELS).set(n),
                Err(error) => tracing::warn!(%error, "cannot count the outbox"),
            }
        }
    });
}
