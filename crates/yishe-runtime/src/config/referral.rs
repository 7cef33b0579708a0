//! The referral service's settings: deadlines to accept, how often they are
//! checked, and how many of the newest feed events each process keeps in memory.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use yishe_domain::AcceptanceDeadlines;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralConfig {
    /// Acceptance deadline per priority, in seconds.
    pub acceptance_deadlines: AcceptanceDeadlines,
    /// How often overdue referrals are looked for, in seconds.
    pub sla_check_interval_secs: u64,
    /// The newest feed events each process keeps in memory for its watchers; a
    /// watcher further behind reads the database until it catches up.
    pub feed_tail_events: usize,
}

impl Default for ReferralConfig {
    fn default() -> Self {
        Self {
            acceptance_deadlines: AcceptanceDeadlines::default(),
            sla_check_interval_secs: 30,
            // About a minute at 200 events a second, in a few megabytes.
            feed_tail_events: 10_000,
        }
    }
}

impl ReferralConfig {
    pub fn sla_check_interval(&self) -> Duration {
        Duration::from_secs(self.sla_check_interval_secs)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.sla_check_interval_secs == 0 {
            return Err("sla_check_interval_secs must be positive".into());
        }
        if self.feed_tail_events == 0 {
            return Err("feed_tail_events must be positive".into());
        }
        self.acceptance_deadlines.validate()
    }
}
