//! A plan as a caller reads it: one version, with the plan's work, the latest scores its
//! instrument targets read, and the names of the people it mentions.

use std::collections::BTreeMap;

use crate::plan::{Plan, PlanVersion, Reading};
use crate::{GoalId, SocialWorkerId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub plan: Plan,
    pub version: PlanVersion,
    pub readings: BTreeMap<GoalId, Reading>,
    /// Display names of the social workers the version and its work name.
    pub names: BTreeMap<SocialWorkerId, String>,
}

impl PlanView {
    /// Every social worker the view names: author, approver, the responsible, and
    /// whoever recorded work.
    pub fn people(version: &PlanVersion, plan: &Plan) -> Vec<SocialWorkerId> {
        let mut people: Vec<SocialWorkerId> = version
            .author_worker
            .into_iter()
            .chain(version.decision.as_ref().map(|d| d.by_worker))
            .chain(version.content.interventions.iter().map(|i| i.responsible))
            .chain(plan.progress_people())
            .collect();
        people.sort();
        people.dedup();
        people
    }

    pub fn name(&self, worker: Option<SocialWorkerId>) -> String {
        worker
            .and_then(|w| self.names.get(&w).cloned())
            .unwrap_or_default()
    }
}

impl Plan {
    fn progress_people(&self) -> impl Iterator<Item = SocialWorkerId> + '_ {
        self.work
            .progress
            .iter()
            .filter_map(|p| p.recorded_by_worker)
            .chain(
                self.work
                    .interventions
                    .values()
                    .filter_map(|w| w.changed_by_worker),
            )
    }
}
