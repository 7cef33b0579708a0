//! A plan's content as it arrives, and its validation: every goal addresses problems
//! the assessments found and has one measure; every intervention serves goals of the
//! same version. Ids sent back keep goals and interventions across versions.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assessment::Instrument;
use crate::named::Named;
use crate::plan::{
    ATTAINMENT_LEVELS, Comparator, Goal, Intervention, InterventionKind, Measure, PlanContent,
};
use crate::{GoalId, InterventionId, SocialWorkerId, Violations};

const MAX_GOALS: usize = 20;
const MAX_INTERVENTIONS: usize = 50;
const MAX_PROBLEMS_PER_GOAL: usize = 30;
const MAX_GOAL_TEXT: usize = 1000;
const MAX_LEVEL_TEXT: usize = 500;
const MAX_INTERVENTION_TEXT: usize = 1000;

/// A calendar date as sent (year, month, day); all zero means not set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DateDraft {
    pub year: i32,
    pub month: i32,
    pub day: i32,
}

/// A measure as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MeasureDraft {
    InstrumentTarget {
        instrument_id: String,
        comparator: String,
        target: i32,
    },
    /// The levels as sent: (level, description).
    AttainmentScale { levels: Vec<(i32, String)> },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoalDraft {
    /// Empty for a new goal.
    pub id: String,
    pub problems: Vec<String>,
    pub description: String,
    pub measure: Option<MeasureDraft>,
    pub target_date: Option<DateDraft>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InterventionDraft {
    /// Empty for a new intervention.
    pub id: String,
    /// Goal ids, or `#n` for the n-th goal of the same request.
    pub goals: Vec<String>,
    pub kind: String,
    pub description: String,
    pub responsible: String,
    pub due: Option<DateDraft>,
}

/// Goals, interventions and the review date as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanDraft {
    pub goals: Vec<GoalDraft>,
    pub interventions: Vec<InterventionDraft>,
    pub review_date: Option<DateDraft>,
}

/// What a draft is checked against.
#[derive(Debug, Clone, Copy)]
pub struct DraftContext<'a> {
    /// The ids of the problems the referral's assessments identified.
    pub problems: &'a HashSet<String>,
    /// The version this one follows (for an update or a revision): a goal or an
    /// intervention named by id must be one of it, or of the plan in force.
    pub before: &'a [&'a PlanContent],
    pub now: DateTime<Utc>,
}

impl DateDraft {
    /// The date, or a violation at `field`; all zero is `None`.
    pub fn parse(self, v: &mut Violations, field: &str) -> Option<NaiveDate> {
        if self == DateDraft::default() {
            return None;
        }
        let date = u32::try_from(self.month)
            .ok()
            .zip(u32::try_from(self.day).ok())
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(self.year, m, d))
            .filter(|_| (1..=9999).contains(&self.year));
        if date.is_none() {
            v.add(field, "must be a valid calendar date");
        }
        date
    }
}

impl PlanDraft {
    /// Validates the draft, naming every offending field under `plan.`.
    pub fn validate(self, cx: DraftContext<'_>) -> Result<PlanContent, Violations> {
        let mut v = Violations::new();
        if self.goals.is_empty() {
            v.add("plan.goals", "a plan needs at least one goal");
        }
        if self.goals.len() > MAX_GOALS {
            v.add("plan.goals", format!("lists at most {MAX_GOALS} goals"));
        }
        if self.interventions.len() > MAX_INTERVENTIONS {
            v.add(
                "plan.interventions",
                format!("lists at most {MAX_INTERVENTIONS} interventions"),
            );
        }
        // Every goal sent keeps its place, valid or not, so an intervention naming
        // `#n` is checked against the goal sent n-th rather than failing with it.
        let sent: Vec<(GoalId, Option<Goal>)> = self
            .goals
            .into_iter()
            .enumerate()
            .map(|(i, g)| g.validate(&mut v, &format!("plan.goals[{i}]"), cx))
            .collect();
        let ids: Vec<GoalId> = sent.iter().map(|(id, _)| *id).collect();
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(*id) {
                v.add(
                    format!("plan.goals[{i}].goal_id"),
                    "names a goal listed twice",
                );
            }
        }
        let goals: Vec<Goal> = sent.into_iter().filter_map(|(_, g)| g).collect();
        let mut interventions = Vec::new();
        let mut seen = HashSet::new();
        for (i, d) in self.interventions.into_iter().enumerate() {
            let at = format!("plan.interventions[{i}]");
            if let Some(intervention) = d.validate(&mut v, &at, &ids, cx) {
                if !seen.insert(intervention.id) {
                    v.add(
                        format!("{at}.intervention_id"),
                        "names an intervention listed twice",
                    );
                }
                interventions.push(intervention);
            }
        }
        let review_date = self
            .review_date
            .and_then(|d| d.parse(&mut v, "plan.review_date"));
        v.into_result(PlanContent {
            goals,
            interventions,
            review_date,
        })
    }
}

impl GoalDraft {
    /// The goal's id (kept, or new) and the goal when it is valid.
    fn validate(
        self,
        v: &mut Violations,
        at: &str,
        cx: DraftContext<'_>,
    ) -> (GoalId, Option<Goal>) {
        let before = if self.id.trim().is_empty() {
            None
        } else {
            let found =
                GoalId::parse(&self.id).and_then(|id| cx.before.iter().find_map(|c| c.goal(id)));
            if found.is_none() {
                v.add(
                    format!("{at}.goal_id"),
                    "is not a goal of this plan (leave it empty for a new goal)",
                );
            }
            found
        };
        if self.problems.is_empty() {
            v.add(
                format!("{at}.problem_ids"),
                "name at least one problem of the assessment that the goal addresses",
            );
        }
        if self.problems.len() > MAX_PROBLEMS_PER_GOAL {
            v.add(
                format!("{at}.problem_ids"),
                format!("names at most {MAX_PROBLEMS_PER_GOAL} problems"),
            );
        }
        for (j, p) in self.problems.iter().enumerate() {
            if !cx.problems.contains(p.trim()) {
                v.add(
                    format!("{at}.problem_ids[{j}]"),
                    "is not a problem identified in this referral's assessments",
                );
            }
        }
        let description = v.required_text(
            &format!("{at}.description"),
            &self.description,
            MAX_GOAL_TEXT,
        );
        let measure = match self.measure {
            None => {
                v.add(
                    format!("{at}.measure"),
                    "is required: an instrument_target or an attainment_scale",
                );
                None
            }
            Some(m) => m.validate(v, at),
        };
        let target_date = self
            .target_date
            .and_then(|d| d.parse(v, &format!("{at}.target_date")));
        let id = before.map_or_else(GoalId::new, |g| g.id);
        let goal = measure.map(|measure| Goal {
            id,
            problems: self.problems.iter().map(|p| p.trim().to_owned()).collect(),
            description,
            measure,
            target_date,
            set_at: before.map_or(cx.now, |g| g.set_at),
        });
        (id, goal)
    }
}

impl MeasureDraft {
    fn validate(self, v: &mut Violations, at: &str) -> Option<Measure> {
        match self {
            MeasureDraft::InstrumentTarget {
                instrument_id,
                comparator,
                target,
            } => {
                let field = format!("{at}.instrument_target");
                let instrument = Instrument::parse(&instrument_id);
                match instrument {
                    None => v.add(
                        format!("{field}.instrument_id"),
                        "is not an instrument Yishe scores",
                    ),
                    Some(i) if !i.has_total() => v.add(
                        format!("{field}.instrument_id"),
                        "has no total to set a target on",
                    ),
                    Some(i) => {
                        let (low, high) = i.total_range();
                        if !(low..=high).contains(&target) {
                            v.add(
                                format!("{field}.target"),
                                format!("must be within the instrument's range, {low} to {high}"),
                            );
                        }
                    }
                }
                let comparator = Comparator::parse(&comparator);
                if comparator.is_none() {
                    let names: Vec<&str> = Comparator::all().iter().map(|c| c.as_str()).collect();
                    v.add(
                        format!("{field}.comparator"),
                        format!("must be one of {}", names.join(", ")),
                    );
                }
                Some(Measure::InstrumentTarget {
                    instrument: instrument?,
                    comparator: comparator?,
                    target,
                })
            }
            MeasureDraft::AttainmentScale { levels } => {
                let field = format!("{at}.attainment_scale.levels");
                let mut texts = Vec::new();
                if levels.len() != 5 {
                    v.add(
                        &field,
                        "must be exactly five levels, -2 to +2, each described",
                    );
                    return None;
                }
                for level in ATTAINMENT_LEVELS {
                    match levels.iter().position(|(l, _)| *l == level) {
                        Some(i) => texts.push(v.required_text(
                            &format!("{field}[{i}].description"),
                            &levels[i].1,
                            MAX_LEVEL_TEXT,
                        )),
                        None => v.add(&field, format!("must describe level {level:+}")),
                    }
                }
                (texts.len() == 5).then_some(Measure::AttainmentScale { levels: texts })
            }
        }
    }
}

impl InterventionDraft {
    fn validate(
        self,
        v: &mut Violations,
        at: &str,
        goals: &[GoalId],
        cx: DraftContext<'_>,
    ) -> Option<Intervention> {
        let id = if self.id.trim().is_empty() {
            Some(InterventionId::new())
        } else {
            let found = InterventionId::parse(&self.id)
                .filter(|id| cx.before.iter().any(|c| c.intervention(*id).is_some()));
            if found.is_none() {
                v.add(
                    format!("{at}.intervention_id"),
                    "is not an intervention of this plan (leave it empty for a new one)",
                );
            }
            found
        };
        if self.goals.is_empty() {
            v.add(format!("{at}.goal_ids"), "name at least one goal it serves");
        }
        let mut served = Vec::new();
        for (j, g) in self.goals.iter().enumerate() {
            let g = g.trim();
            let found = match g.strip_prefix('#') {
                Some(n) => n.parse::<usize>().ok().and_then(|n| goals.get(n)).copied(),
                None => GoalId::parse(g).filter(|id| goals.contains(id)),
            };
            match found {
                Some(id) => served.push(id),
                None => v.add(
                    format!("{at}.goal_ids[{j}]"),
                    "is not a goal of this version (a goal id, or #n for the n-th goal sent)",
                ),
            }
        }
        let kind = InterventionKind::parse(&self.kind);
        if kind.is_none() {
            v.add(
                format!("{at}.kind"),
                "is required: the kind of intervention",
            );
        }
        let description = v.required_text(
            &format!("{at}.description"),
            &self.description,
            MAX_INTERVENTION_TEXT,
        );
        let responsible = SocialWorkerId::parse(&self.responsible);
        if responsible.is_none() {
            v.add(
                format!("{at}.responsible_worker_id"),
                "is required: the social worker responsible",
            );
        }
        let due = self.due.and_then(|d| d.parse(v, &format!("{at}.due_date")));
        Some(Intervention {
            id: id?,
            goals: served,
            kind: kind?,
            description,
            responsible: responsible?,
            due,
        })
    }
}

impl PlanContent {
    /// This content as a draft that validates back to it (ids kept), for an update
    /// that replaces only some parts.
    pub fn to_draft(&self) -> PlanDraft {
        let date = |d: Option<NaiveDate>| {
            d.map(|d| {
                use chrono::Datelike;
                DateDraft {
                    year: d.year(),
                    month: d.month() as i32,
                    day: d.day() as i32,
                }
            })
        };
        PlanDraft {
            goals: self
                .goals
                .iter()
                .map(|g| GoalDraft {
                    id: g.id.to_string(),
                    problems: g.problems.clone(),
                    description: g.description.clone(),
                    measure: Some(match &g.measure {
                        Measure::InstrumentTarget {
                            instrument,
                            comparator,
                            target,
                        } => MeasureDraft::InstrumentTarget {
                            instrument_id: instrument.id().to_owned(),
                            comparator: comparator.as_str().to_owned(),
                            target: *target,
                        },
                        Measure::AttainmentScale { levels } => MeasureDraft::AttainmentScale {
                            levels: ATTAINMENT_LEVELS.zip(levels.iter().cloned()).collect(),
                        },
                    }),
                    target_date: date(g.target_date),
                })
                .collect(),
            interventions: self
                .interventions
                .iter()
                .map(|i| InterventionDraft {
                    id: i.id.to_string(),
                    goals: i.goals.iter().map(ToString::to_string).collect(),
                    kind: i.kind.as_str().to_owned(),
                    description: i.description.clone(),
                    responsible: i.responsible.to_string(),
                    due: date(i.due),
                })
                .collect(),
            review_date: date(self.review_date),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap()
    }

    fn goal(problem: &str) -> GoalDraft {
        GoalDraft {
            problems: vec![problem.into()],
            description: "mood lifts".into(),
            measure: Some(MeasureDraft::InstrumentTarget {
                instrument_id: "phq9".into(),
                comparator: "BELOW".into(),
                target: 10,
            }),
            ..Default::default()
        }
    }

    fn intervention(goals: &[&str]) -> InterventionDraft {
        InterventionDraft {
            goals: goals.iter().map(|g| (*g).to_owned()).collect(),
            kind: "COUNSELLING".into(),
            description: "weekly talks".into(),
            responsible: SocialWorkerId::new().to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn interventions_name_goals_of_the_same_draft_by_position() {
        let problems: HashSet<String> = ["p1".to_owned()].into();
        let cx = DraftContext {
            problems: &problems,
            before: &[],
            now: now(),
        };
        let content = PlanDraft {
            goals: vec![goal("p1"), goal("p1")],
            interventions: vec![intervention(&["#1"])],
            review_date: Some(DateDraft {
                year: 2026,
                month: 12,
                day: 31,
            }),
        }
        .validate(cx)
        .unwrap();
        assert_eq!(content.interventions[0].goals, vec![content.goals[1].id]);

        // A kept goal keeps its id and when it was set.
        let later = DraftContext {
            before: &[&content],
            now: now() + chrono::Duration::days(3),
            ..cx
        };
        let mut again = content.to_draft();
        again.goals.push(goal("p1"));
        let revised = again.validate(later).unwrap();
        assert_eq!(revised.goals[0], content.goals[0]);
        assert_eq!(revised.goals[2].set_at, later.now);
    }

    #[test]
    fn every_bad_field_is_named() {
        let problems: HashSet<String> = ["p1".to_owned()].into();
        let cx = DraftContext {
            problems: &problems,
            before: &[],
            now: now(),
        };
        let mut scaled = goal("unknown");
        scaled.measure = Some(MeasureDraft::AttainmentScale {
            levels: vec![(0, "expected".into())],
        });
        let mut out_of_range = goal("p1");
        out_of_range.measure = Some(MeasureDraft::InstrumentTarget {
            instrument_id: "phq9".into(),
            comparator: "BELOW".into(),
            target: 40,
        });
        let v = PlanDraft {
            goals: vec![scaled, out_of_range],
            interventions: vec![intervention(&["#0", "#7"])],
            review_date: Some(DateDraft {
                year: 2026,
                month: 2,
                day: 30,
            }),
        }
        .validate(cx)
        .unwrap_err();
        for field in [
            "plan.goals[0].problem_ids[0]",
            "plan.goals[0].attainment_scale.levels",
            "plan.goals[1].instrument_target.target",
            "plan.interventions[0].goal_ids[1]",
            "plan.review_date",
        ] {
            assert!(v.names(field), "{field} not named in {v:?}");
        }
        assert!(!v.names("plan.interventions[0].goal_ids[0]"));
    }
}
