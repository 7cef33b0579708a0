//! The referral service's settings: deadlines to accept, how often they are
//! checked, how many of the newest feed events each process keeps in memory, and how
//! often an idle watch sends a checkpoint.

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
    /// How long, in seconds, a watch of the feed may have nothing to deliver before
    /// it sends a checkpoint (which also keeps idle streams open through firewalls).
    pub feed_checkpoint_interval_secs: u64,
    /// How far back, in days, a referral read by the station shows the patient's
    /// other cases (ended, or with a risk flag, in that time; open ones always).
    pub patient_history_days: u32,
    /// A NATS server with JetStream (`nats://host:4222`) the relay also publishes
    /// every event of the feed to, for the hospital's other systems; empty: none.
    pub nats_url: String,
    /// The first token of every subject published (`<prefix>.station.…`,
    /// `<prefix>.hospital.…`); the streams are named after it in capitals
    /// (`YISHE_STATIONS`, `YISHE_DEPARTMENTS`).
    pub nats_subject_prefix: String,
}

impl Default for ReferralConfig {
    fn default() -> Self {
        Self {
            acceptance_deadlines: AcceptanceDeadlines::default(),
            sla_check_interval_secs: 30,
            // About a minute at 200 events a second, in a few megabytes.
            feed_tail_events: 10_000,
            // Well inside the idle timeouts of hospital firewalls (often a few minutes).
            feed_checkpoint_interval_secs: 30,
            patient_history_days: 365,
            nats_url: String::new(),
            nats_subject_prefix: "yishe".into(),
        }
    }
}

impl ReferralConfig {
    pub fn patient_history(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.patient_history_days))
    }

    pub fn sla_check_interval(&self) -> Duration {
        Duration::from_secs(self.sla_check_interval_secs)
    }

    pub fn feed_checkpoint_interval(&self) -> Duration {
        Duration::from_secs(self.feed_checkpoint_interval_secs)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.sla_check_interval_secs == 0 {
            return Err("sla_check_interval_secs must be positive".into());
        }
        if self.feed_tail_events == 0 {
            return Err("feed_tail_events must be positive".into());
        }
        if self.feed_checkpoint_interval_secs == 0 {
            return Err("feed_checkpoint_interval_secs must be positive".into());
        }
        // Refused at start rather than found out by a publisher that never connects.
        for server in self
            .nats_url
            .split(',')
            .filter(|_| !self.nats_url.is_empty())
        {
            let host = ["nats://", "tls://", "ws://", "wss://"]
                .iter()
                .find_map(|scheme| server.trim().strip_prefix(scheme));
            if host.is_none_or(|host| host.is_empty() || host.contains(char::is_whitespace)) {
                return Err(format!(
                    "nats_url {server:?} must be nats://host:port (or tls://, ws://, wss://; \
                     several separated by commas)"
                ));
            }
        }
        let prefix = &self.nats_subject_prefix;
        if prefix.is_empty()
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            return Err(format!(
                "nats_subject_prefix {prefix:?} must be letters, digits, '-' or '_'"
            ));
        }
        self.acceptance_deadlines.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_nats(url: &str) -> Result<(), String> {
        ReferralConfig {
            nats_url: url.into(),
            ..ReferralConfig::default()
        }
        .validate()
    }

    #[test]
    fn a_nats_url_names_its_scheme_and_host() {
        assert!(with_nats("").is_ok(), "empty: no publishing");
        assert!(with_nats("nats://nats:4222").is_ok());
        assert!(with_nats("tls://a:4222, nats://b:4222").is_ok());
        for bad in [
            "nats:4222",
            "http://nats:4222",
            "nats://",
            "nats://a b:4222",
        ] {
            let error = with_nats(bad).unwrap_err();
            assert!(error.contains("nats_url"), "{bad}: {error}");
        }
    }
}
