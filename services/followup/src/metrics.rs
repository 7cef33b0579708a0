//! The follow-up service's metrics: contacts recorded by channel, and follow-ups by what
//! happened to them (scheduled, done, missed, cancelled, overdue, escalated) and purpose.

use prometheus::IntCounterVec;
use yishe_domain::followup::{Channel, Purpose};
use yishe_runtime::Metrics;

#[derive(Debug, Clone)]
pub(crate) struct FollowUpMetrics {
    contacts: IntCounterVec,
    follow_ups: IntCounterVec,
}

impl FollowUpMetrics {
    pub(crate) fn register(metrics: &Metrics) -> Self {
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
        }
    }

    pub(crate) fn contact(&self, channel: Channel) {
        self.contacts.with_label_values(&[channel.as_str()]).inc();
    }

    pub(crate) fn follow_up(&self, event: &'static str, purpose: Purpose) {
        self.follow_ups
            .with_label_values(&[event, purpose.as_str()])
            .inc();
    }
}
