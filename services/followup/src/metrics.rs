//! The follow-up service's metrics: contacts recorded by channel, the time from a
//! referral to its first contact, follow-ups by what happened to them (scheduled, done,
//! missed, cancelled, overdue, escalated) and purpose, and, read at each scrape, the
//! follow-ups still scheduled, overdue and escalated.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use prometheus::{HistogramVec, IntCounterVec};
use yishe_domain::followup::{Channel, Purpose};
use yishe_domain::referral::Referral;
use yishe_runtime::Metrics;
use yishe_runtime::metrics::HUMAN_WAIT_BUCKETS;
use yishe_store::Gauges;

#[derive(Debug, Clone)]
pub(crate) struct FollowUpMetrics {
    contacts: IntCounterVec,
    follow_ups: IntCounterVec,
    time_to_first_contact_seconds: HistogramVec,
}

impl FollowUpMetrics {
    /// Registers the metrics in `metrics`, and the open follow-ups read from `gauges`
    /// at each scrape.
    pub(crate) fn register(metrics: &Metrics, gauges: Arc<dyn Gauges>) -> Self {
        register_open(metrics, gauges);
        Self {
            contacts: metrics.counter(
                "yishe_contacts_recorded_total",
                "Contacts with patients or families recorded, by channel.",
                &["channel"],
            ),
            follow_ups: metrics.counter(
                "yishe_follow_ups_total",
                "Follow-ups by what happened (scheduled, done, missed, cancelled, overdue, escalated) and purpose.",
                &["event", "purpose"],
            ),
            time_to_first_contact_seconds: metrics.histogram(
                "yishe_referral_time_to_first_contact_seconds",
                "Seconds from a referral's creation to the first contact with the patient or family.",
                &["station", "priority"],
                HUMAN_WAIT_BUCKETS,
            ),
        }
    }

    pub(crate) fn contact(&self, channel: Channel) {
        self.contacts.with_label_values(&[channel.as_str()]).inc();
    }

    /// The first contact of `referral` happened `at`.
    pub(crate) fn first_contact(&self, referral: &Referral, at: DateTime<Utc>) {
        let waited = (at - referral.created_at).num_milliseconds().max(0);
        self.time_to_first_contact_seconds
            .with_label_values(&[referral.station.as_str(), referral.priority.as_str()])
            .observe(waited as f64 / 1000.0);
    }

    pub(crate) fn follow_up(&self, event: &'static str, purpose: Purpose) {
        self.follow_ups
            .with_label_values(&[event, purpose.as_str()])
            .inc();
    }
}

/// `yishe_follow_ups_open`, read from the database at each scrape.
fn register_open(metrics: &Metrics, gauges: Arc<dyn Gauges>) {
    let open = metrics.gauge(
        "yishe_follow_ups_open",
        "Follow-ups scheduled and not yet done, missed or cancelled, by station and purpose, \
         and whether they passed their grace period (overdue) and were escalated to a supervisor.",
        &["station", "purpose", "overdue", "escalated"],
    );
    metrics.on_scrape(move || {
        let (open, gauges) = (open.clone(), gauges.clone());
        async move {
            match gauges.open_follow_ups().await {
                Ok(counts) => {
                    open.reset();
                    for c in counts {
                        open.with_label_values(&[
                            c.station.as_str(),
                            c.purpose.as_str(),
                            if c.overdue { "true" } else { "false" },
                            if c.escalated { "true" } else { "false" },
                        ])
                        .set(c.count);
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot refresh open follow-up counts"),
            }
        }
    });
}
