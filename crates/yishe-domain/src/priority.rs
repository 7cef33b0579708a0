//! Priorities and the acceptance deadline each one sets.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How soon the station must respond to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    Routine,
    Urgent,
    Emergency,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Routine, Priority::Urgent, Priority::Emergency];

    /// The stable name used in storage, filters and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Routine => "ROUTINE",
            Priority::Urgent => "URGENT",
            Priority::Emergency => "EMERGENCY",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// This priority, raised to `floor` if it is lower (a risk never lowers one).
    pub fn at_least(self, floor: Priority) -> Priority {
        self.max(floor)
    }
}

/// How long the station has to accept or reject a referral, per priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceDeadlines {
    #[serde(with = "seconds")]
    pub emergency: Duration,
    #[serde(with = "seconds")]
    pub urgent: Duration,
    #[serde(with = "seconds")]
    pub routine: Duration,
}

impl Default for AcceptanceDeadlines {
    /// The defaults of the domain: EMERGENCY 1 h, URGENT 24 h, ROUTINE 72 h.
    fn default() -> Self {
        Self {
            emergency: Duration::from_secs(3600),
            urgent: Duration::from_secs(24 * 3600),
            routine: Duration::from_secs(72 * 3600),
        }
    }
}

impl AcceptanceDeadlines {
    pub fn window(&self, priority: Priority) -> Duration {
        match priority {
            Priority::Emergency => self.emergency,
            Priority::Urgent => self.urgent,
            Priority::Routine => self.routine,
        }
    }

    /// The deadline for a referral of `priority` received at `received`.
    pub fn deadline(&self, priority: Priority, received: DateTime<Utc>) -> DateTime<Utc> {
        let window =
            chrono::Duration::from_std(self.window(priority)).unwrap_or(chrono::Duration::MAX);
        received
            .checked_add_signed(window)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Each window must be positive, and a more urgent priority may not have a longer
    /// window than a less urgent one.
    pub fn validate(&self) -> Result<(), String> {
        if self.emergency.is_zero() || self.urgent.is_zero() || self.routine.is_zero() {
            return Err("acceptance deadlines must be positive".into());
        }
        if self.emergency > self.urgent || self.urgent > self.routine {
            return Err("acceptance deadlines must satisfy emergency <= urgent <= routine".into());
        }
        Ok(())
    }
}

/// Durations in config files are whole seconds.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(value.as_secs())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_deadlines_follow_the_domain() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        let d = AcceptanceDeadlines::default();
        assert_eq!(
            d.deadline(Priority::Emergency, at),
            at + chrono::Duration::hours(1)
        );
        assert_eq!(
            d.deadline(Priority::Urgent, at),
            at + chrono::Duration::hours(24)
        );
        assert_eq!(
            d.deadline(Priority::Routine, at),
            at + chrono::Duration::hours(72)
        );
    }

    #[test]
    fn inverted_deadlines_are_refused() {
        let d = AcceptanceDeadlines {
            emergency: Duration::from_secs(7200),
            urgent: Duration::from_secs(3600),
            routine: Duration::from_secs(3600),
        };
        assert!(d.validate().is_err());
        assert!(AcceptanceDeadlines::default().validate().is_ok());
    }

    #[test]
    fn priority_names_round_trip() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        assert_eq!(Priority::parse("routine"), None);
    }
}
