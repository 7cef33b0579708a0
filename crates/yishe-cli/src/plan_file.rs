//! A plan written by hand as JSON, for `yishe plan create` and `yishe plan edit`:
//!
//! ```json
//! {
//!   "review_date": "2026-12-31",
//!   "goals": [
//!     { "problems": ["emotional"],
//!       "description": "情绪低落缓解",
//!       "target": { "instrument": "phq9", "comparator": "below", "value": 10 },
//!       "target_date": "2027-01-31" },
//!     { "id": "<goal id, to keep a goal in an edit>",
//!       "problems": ["financial"], "description": "获得医疗救助",
//!       "levels": { "-2": "…", "-1": "…", "0": "…", "1": "…", "2": "…" } }
//!   ],
//!   "interventions": [
//!     { "goals": ["#0"], "kind": "counselling", "description": "每周两次心理疏导",
//!       "responsible": "assigned", "due": "2026-12-20" }
//!   ]
//! }
//! ```
//!
//! `yishe plan export` writes a plan in this shape with every id, so an edit starts
//! from what is there: a goal or intervention sent back with its `id` keeps its
//! progress and state. A goal of the same file is named `#0`, `#1`, … by its position. A problem is its id
//! or its category (the latest assessment's problem of that category), a responsible
//! worker an id or `assigned` (see `plan_names`). The server checks everything; this
//! only turns the file into the request and names what it cannot read.

use serde::Deserialize;
use yishe_proto::plan::*;

use crate::enums::parse;
use crate::failure::Failure;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    #[serde(default)]
    review_date: Option<String>,
    #[serde(default)]
    goals: Option<Vec<GoalFile>>,
    #[serde(default)]
    interventions: Option<Vec<InterventionFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalFile {
    #[serde(default)]
    id: String,
    problems: Vec<String>,
    description: String,
    #[serde(default)]
    target: Option<TargetFile>,
    #[serde(default)]
    levels: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default)]
    target_date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    instrument: String,
    comparator: String,
    value: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterventionFile {
    #[serde(default)]
    id: String,
    goals: Vec<String>,
    kind: String,
    description: String,
    responsible: String,
    #[serde(default)]
    due: Option<String>,
}

/// What the file holds: the plan and which parts it names (for an edit's mask).
pub(crate) struct Read {
    pub(crate) plan: ServicePlan,
    pub(crate) parts: Vec<String>,
}

pub(crate) fn read(path: &str) -> Result<Read, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::local(format!("cannot read {path}: {e}")))?;
    let file: PlanFile =
        serde_json::from_str(&text).map_err(|e| Failure::local(format!("{path}: {e}")))?;
    let mut parts = Vec::new();
    let mut plan = ServicePlan::default();
    if let Some(date) = &file.review_date {
        plan.review_date = Some(self::date("review_date", date)?);
        parts.push("review_date".to_owned());
    }
    if let Some(goals) = file.goals {
        plan.goals = goals
            .into_iter()
            .enumerate()
            .map(|(i, g)| goal(i, g))
            .collect::<Result<_, _>>()?;
        parts.push("goals".to_owned());
    }
    if let Some(interventions) = file.interventions {
        plan.interventions = interventions
            .into_iter()
            .enumerate()
            .map(|(i, x)| intervention(i, x))
            .collect::<Result<_, _>>()?;
        parts.push("interventions".to_owned());
    }
    Ok(Read { plan, parts })
}

/// `2026-12-31` as a `google.type.Date`.
pub(crate) fn date(field: &str, text: &str) -> Result<yishe_proto::Date, Failure> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::local(format!("{field}: {text:?} is not a date like 2026-12-31")))?;
    use chrono::Datelike;
    Ok(yishe_proto::Date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    })
}

fn goal(i: usize, g: GoalFile) -> Result<Goal, Failure> {
    let at = format!("goals[{i}]");
    let measure = match (g.target, g.levels) {
        (Some(t), None) => Some(goal::Measure::InstrumentTarget(InstrumentTarget {
            instrument_id: t.instrument,
            comparator: parse(
                "COMPARATOR_",
                &t.comparator,
                Comparator::from_str_name,
                Comparator::as_str_name,
                "comparator (below, at_most, at_least, above)",
            )? as i32,
            target: t.value,
            ..Default::default()
        })),
        (None, Some(levels)) => Some(goal::Measure::AttainmentScale(AttainmentScale {
            levels: levels
                .into_iter()
                .map(|(level, description)| {
                    let level = level.trim().trim_start_matches('+').parse().map_err(|_| {
                        Failure::local(format!("{at}.levels: {level:?} is not -2 … 2"))
                    })?;
                    Ok(AttainmentLevel { level, description })
                })
                .collect::<Result<_, Failure>>()?,
            ..Default::default()
        })),
        (Some(_), Some(_)) => {
            return Err(Failure::local(format!(
                "{at}: a goal has a target or levels, not both"
            )));
        }
        (None, None) => None,
    };
    Ok(Goal {
        goal_id: g.id,
        problem_ids: g.problems,
        description: g.description,
        measure,
        target_date: g
            .target_date
            .map(|d| date(&format!("{at}.target_date"), &d))
            .transpose()?,
        progress: Vec::new(),
    })
}

fn intervention(i: usize, x: InterventionFile) -> Result<Intervention, Failure> {
    let at = format!("interventions[{i}]");
    Ok(Intervention {
        intervention_id: x.id,
        goal_ids: x.goals,
        kind: parse(
            "INTERVENTION_KIND_",
            &x.kind,
            InterventionKind::from_str_name,
            InterventionKind::as_str_name,
            "intervention kind",
        )? as i32,
        description: x.description,
        responsible_worker_id: x.responsible,
        due_date: x.due.map(|d| date(&format!("{at}.due"), &d)).transpose()?,
        ..Default::default()
    })
}

/// A plan as a file `read` takes back: every goal and intervention with its id.
pub(crate) fn write(plan: &ServicePlan) -> serde_json::Value {
    use serde_json::json;
    let date = |d: &Option<yishe_proto::Date>| {
        d.as_ref()
            .map(|d| json!(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)))
            .unwrap_or(serde_json::Value::Null)
    };
    let goals: Vec<_> = plan
        .goals
        .iter()
        .map(|g| {
            let mut goal = json!({
                "id": g.goal_id,
                "problems": g.problem_ids,
                "description": g.description,
                "target_date": date(&g.target_date),
            });
            match &g.measure {
                Some(goal::Measure::InstrumentTarget(t)) => {
                    goal["target"] = json!({
                        "instrument": t.instrument_id,
                        "comparator": t.comparator().as_str_name()
                            .trim_start_matches("COMPARATOR_").to_ascii_lowercase(),
                        "value": t.target,
                    });
                }
                Some(goal::Measure::AttainmentScale(scale)) => {
                    let levels: serde_json::Map<String, serde_json::Value> = scale
                        .levels
                        .iter()
                        .map(|l| (l.level.to_string(), json!(l.description)))
                        .collect();
                    goal["levels"] = serde_json::Value::Object(levels);
                }
                None => {}
            }
            goal
        })
        .collect();
    let interventions: Vec<_> = plan
        .interventions
        .iter()
        .map(|x| {
            json!({
                "id": x.intervention_id,
                "goals": x.goal_ids,
                "kind": x.kind().as_str_name()
                    .trim_start_matches("INTERVENTION_KIND_").to_ascii_lowercase(),
                "description": x.description,
                "responsible": x.responsible_worker_id,
                "due": date(&x.due_date),
            })
        })
        .collect();
    json!({
        "review_date": date(&plan.review_date),
        "goals": goals,
        "interventions": interventions,
    })
}
