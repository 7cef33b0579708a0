//! The station's closure settings as the referral service applies them: how long a
//! closed case may be reopened, the satisfaction scale, and which follow-ups closure
//! schedules for each outcome.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::referral::ClosureOutcome;

/// The closure settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRules {
    /// How long after it ended a closed case may be reopened.
    pub reopen_period: Duration,
    /// The satisfaction scale's labels, lowest first (level 1 is the first).
    pub satisfaction_levels: Vec<String>,
    /// Days after the patient's discharge (or the closure, when the department
    /// reported none) at which follow-ups are due, per outcome.
    pub follow_up_days: BTreeMap<ClosureOutcome, Vec<u32>>,
}

impl Default for ClosureRules {
    fn default() -> Self {
        Self {
            reopen_period: Duration::days(30),
            satisfaction_levels: default_satisfaction_levels(),
            follow_up_days: default_follow_up_days(),
        }
    }
}

/// A five-level scale, as stations commonly ask it.
pub fn default_satisfaction_levels() -> Vec<String> {
    ["很不满意", "不满意", "一般", "满意", "很满意"]
        .map(str::to_owned)
        .to_vec()
}

/// A week and a month after discharge where the case was served or handed on; none
/// where the patient declined, died or could not be reached.
pub fn default_follow_up_days() -> BTreeMap<ClosureOutcome, Vec<u32>> {
    ClosureOutcome::ALL
        .iter()
        .map(|outcome| {
            let days = match outcome {
                ClosureOutcome::PatientDeclinedServices
                | ClosureOutcome::PatientDied
                | ClosureOutcome::LostContact => vec![],
                _ => vec![7, 30],
            };
            (*outcome, days)
        })
        .collect()
}

impl ClosureRules {
    /// The label of satisfaction level `level` (1-based), if on the scale.
    pub fn satisfaction_label(&self, level: u32) -> Option<&str> {
        let index = usize::try_from(level).ok()?.checked_sub(1)?;
        self.satisfaction_levels.get(index).map(String::as_str)
    }

    /// When the follow-ups after a closure with `outcome` are due, counted from
    /// `from` (the discharge, or the closure); one already past is due an hour from
    /// `now` instead, so a late closure still schedules every follow-up.
    pub fn follow_ups_due(
        &self,
        outcome: ClosureOutcome,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<(u32, DateTime<Utc>)> {
        let soonest = now + Duration::hours(1);
        self.follow_up_days
            .get(&outcome)
            .into_iter()
            .flatten()
            .map(|days| {
                let due = from + Duration::days(i64::from(*days));
                (*days, due.max(soonest))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_are_counted_from_discharge_and_never_due_in_the_past() {
        let rules = ClosureRules::default();
        let discharge = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let now = discharge + Duration::days(10);
        let due = rules.follow_ups_due(ClosureOutcome::GoalsMet, discharge, now);
        assert_eq!(
            due,
            [
                (7, now + Duration::hours(1)),
                (30, discharge + Duration::days(30))
            ]
        );
        assert!(
            rules
                .follow_ups_due(ClosureOutcome::PatientDied, discharge, now)
                .is_empty()
        );
        assert_eq!(rules.satisfaction_label(4), Some("满意"));
        assert_eq!(rules.satisfaction_label(0), None);
        assert_eq!(rules.satisfaction_label(6), None);
    }
}
