//! The assessment service's metrics, registered in the process's registry: instruments
//! scored, risk flags raised and the time to acknowledge them, and the flags still open
//! with the age of the oldest (read at each scrape).

use std::sync::Arc;

use prometheus::{HistogramVec, IntCounterVec};
use yishe_domain::Clock;
use yishe_domain::assessment::{Assessment, RiskFlag};
use yishe_runtime::Metrics;
use yishe_runtime::metrics::HUMAN_WAIT_BUCKETS;
use yishe_store::Gauges;

/// Up to three days: a flag left longer is an incident, not a distribution.
const ACKNOWLEDGEMENT_BUCKETS: &[f64] = HUMAN_WAIT_BUCKETS.split_at(9).0;

#[derive(Debug, Clone)]
pub(crate) struct AssessmentMetrics {
    instruments_scored: IntCounterVec,
    risk_flags_raised: IntCounterVec,
    time_to_acknowledge_seconds: HistogramVec,
}

impl AssessmentMetrics {
    /// Registers the metrics in `metrics`, and the open-flags gauge read from `gauges`
    /// at each scrape.
    pub(crate) fn register(
        metrics: &Metrics,
        gauges: Arc<dyn Gauges>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let open = metrics.gauge(
            "yishe_risk_flags_open",
            "Risk flags not yet acknowledged by a supervisor, by station and kind.",
            &["station", "kind"],
        );
        let oldest = metrics.gauge(
            "yishe_risk_flag_oldest_unacknowledged_seconds",
            "How long ago the oldest risk flag still unacknowledged was raised, by station and kind.",
            &["station", "kind"],
        );
        metrics.on_scrape(move || {
            let (open, oldest, gauges, now) =
                (open.clone(), oldest.clone(), gauges.clone(), clock.now());
            async move {
                match gauges.open_risk_flags().await {
                    Ok(flags) => {
                        open.reset();
                        oldest.reset();
                        for f in flags {
                            let labels = [f.station.as_str(), f.kind.as_str()];
                            open.with_label_values(&labels).set(f.count);
                            let age = (now - f.oldest_raised_at).num_seconds().max(0);
                            oldest.with_label_values(&labels).set(age);
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot refresh open risk flag counts"),
                }
            }
        });
        Self {
            instruments_scored: metrics.counter(
                "yishe_assessment_instruments_scored_total",
                "Instruments scored in submitted or amended assessments.",
                &["instrument"],
            ),
            risk_flags_raised: metrics.counter(
                "yishe_risk_flags_raised_total",
                "Risk flags raised by assessments, by instrument and kind of risk.",
                &["instrument", "kind"],
            ),
            time_to_acknowledge_seconds: metrics.histogram(
                "yishe_risk_flag_time_to_acknowledge_seconds",
                "Seconds from a risk flag to a supervisor's acknowledgement.",
                &["kind"],
                ACKNOWLEDGEMENT_BUCKETS,
            ),
        }
    }

    pub(crate) fn scored(&self, assessment: &Assessment) {
        for r in &assessment.content.responses {
            self.instruments_scored
                .with_label_values(&[r.instrument.id()])
                .inc();
        }
    }

    pub(crate) fn raised(&self, flag: &RiskFlag) {
        self.risk_flags_raised
            .with_label_values(&[flag.instrument.id(), flag.kind.as_str()])
            .inc();
    }

    pub(crate) fn acknowledged(&self, flag: &RiskFlag) {
        if let Some(ack) = &flag.acknowledgement {
            let waited = (ack.at - flag.raised_at).num_milliseconds().max(0);
            self.time_to_acknowledge_seconds
                .with_label_values(&[flag.kind.as_str()])
                .observe(waited as f64 / 1000.0);
        }
    }
}
