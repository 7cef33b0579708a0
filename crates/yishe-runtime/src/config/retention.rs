//! How long closed referrals keep their patient details, and the feed its events.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionConfig {
    /// Days a closed referral keeps its patient details, consent and notes; then
    /// they are removed (audit rows are never removed).
    pub closed_referral_retention_days: u32,
    /// How often the retention job runs, in seconds.
    pub retention_interval_secs: u64,
    /// Days the referral feed keeps an event; a watch resuming from an older cursor
    /// is told CURSOR_EXPIRED and resynchronises.
    pub feed_retention_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            closed_referral_retention_days: 3650,
            retention_interval_secs: 24 * 3600,
            // Long enough to ride out a month-long HIS outage; events are small.
            feed_retention_days: 90,
        }
    }
}

impl RetentionConfig {
    pub fn retention(&self) -> Duration {
        Duration::from_secs(u64::from(self.closed_referral_retention_days) * 24 * 3600)
    }

    pub fn feed_retention(&self) -> Duration {
        Duration::from_secs(u64::from(self.feed_retention_days) * 24 * 3600)
    }

    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.retention_interval_secs)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.closed_referral_retention_days == 0
            || self.retention_interval_secs == 0
            || self.feed_retention_days == 0
        {
            return Err(
                "closed_referral_retention_days, retention_interval_secs and \
                 feed_retention_days must be positive"
                    .into(),
            );
        }
        Ok(())
    }
}
