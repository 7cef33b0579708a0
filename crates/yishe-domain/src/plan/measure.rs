//! Reading a goal's instrument target from the referral's assessments: the latest total
//! of that instrument recorded since the goal was set, and whether it meets the target.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::assessment::Assessment;
use crate::plan::{Measure, PlanContent};
use crate::{AssessmentId, GoalId};

/// The latest score a goal's instrument target reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub total: i32,
    pub assessment: AssessmentId,
    pub assessed_at: DateTime<Utc>,
    pub met: bool,
}

/// For each goal of `content` with an instrument target, the latest total among
/// `assessments` (current versions) that took place since the goal was set.
pub fn readings(content: &PlanContent, assessments: &[Assessment]) -> BTreeMap<GoalId, Reading> {
    let mut out = BTreeMap::new();
    for goal in &content.goals {
        let Measure::InstrumentTarget {
            instrument,
            comparator,
            target,
        } = &goal.measure
        else {
            continue;
        };
        let latest = assessments
            .iter()
            .filter(|a| a.content.assessed_at >= goal.set_at)
            .filter_map(|a| {
                a.content
                    .responses
                    .iter()
                    .find(|r| r.instrument == *instrument)
                    .and_then(|r| r.total)
                    .map(|total| (a.content.assessed_at, a.id, total))
            })
            .max_by_key(|(at, id, _)| (*at, *id));
        if let Some((assessed_at, assessment, total)) = latest {
            out.insert(
                goal.id,
                Reading {
                    total,
                    assessment,
                    assessed_at,
                    met: comparator.holds(total, *target),
                },
            );
        }
    }
    out
}
