//! Closure settings (`[closure]`): the reopening period, the satisfaction scale and
//! the follow-ups closure schedules per outcome.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use yishe_domain::referral::{
    ClosureOutcome, ClosureRules, default_follow_up_days, default_satisfaction_levels,
};

/// Settings of closure and reopening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClosureConfig {
    /// How many days after a case ended a supervisor may reopen it.
    pub reopen_days: u32,
    /// The satisfaction scale's labels, lowest first (two to ten levels).
    pub satisfaction_levels: Vec<String>,
    /// Days after discharge (or closure) at which follow-ups are due, per outcome
    /// (`goals_met = [7, 30]`, `lost_contact = []`; in any case, as the environment
    /// spells it lower); an outcome left out keeps its default, an empty list
    /// schedules none.
    pub follow_up_days: BTreeMap<String, Vec<u32>>,
}

impl Default for ClosureConfig {
    fn default() -> Self {
        Self {
            reopen_days: 30,
            satisfaction_levels: default_satisfaction_levels(),
            follow_up_days: default_follow_up_days()
                .into_iter()
                .map(|(outcome, days)| (outcome.as_str().to_ascii_lowercase(), days))
                .collect(),
        }
    }
}

impl ClosureConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if !(1..=365).contains(&self.reopen_days) {
            return Err("closure.reopen_days must be 1 to 365".into());
        }
        if !(2..=10).contains(&self.satisfaction_levels.len())
            || self.satisfaction_levels.iter().any(|l| l.trim().is_empty())
        {
            return Err("closure.satisfaction_levels must name 2 to 10 levels".into());
        }
        for (outcome, days) in &self.follow_up_days {
            if outcome_named(outcome).is_none() {
                return Err(format!(
                    "closure.follow_up_days names {outcome}, which is no closure outcome"
                ));
            }
            if days.iter().any(|d| !(1..=365).contains(d)) {
                return Err(format!(
                    "closure.follow_up_days.{outcome} must be days from 1 to 365"
                ));
            }
        }
        Ok(())
    }

    /// The rules the referral service applies.
    pub fn rules(&self) -> ClosureRules {
        let mut follow_up_days = default_follow_up_days();
        for (outcome, days) in &self.follow_up_days {
            if let Some(outcome) = outcome_named(outcome) {
                follow_up_days.insert(outcome, days.clone());
            }
        }
        ClosureRules {
            reopen_period: chrono::Duration::days(i64::from(self.reopen_days)),
            satisfaction_levels: self.satisfaction_levels.clone(),
            follow_up_days,
        }
    }
}

/// The outcome a setting names, in any case.
fn outcome_named(name: &str) -> Option<ClosureOutcome> {
    ClosureOutcome::parse(&name.to_ascii_uppercase())
}
