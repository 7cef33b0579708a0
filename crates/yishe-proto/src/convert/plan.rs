//! Service plan messages to and from the domain. Coded values (kinds, comparators,
//! states) travel as the domain's names so the domain names an unknown one; dates are
//! `google.type.Date`.

use chrono::{Datelike, NaiveDate};
use yishe_domain::plan::{
    self as domain, CreatePlan, DateDraft, GetPlan, GoalDraft, GoalProgressDraft,
    InterventionDraft, InterventionMove, InterventionState, ListPlans, MeasureDraft, PLAN_PAGE,
    PlanDraft, PlanMask, PlanState, PlanStep, PlanView, PlanWork, ProgressOccasion, StepPlan,
    UpdatePlan, WorkOnPlan,
};
use yishe_domain::{GoalId, InterventionId, PlanId, ReferralId, Violations};

use super::coded::{inbound, outbound};
use super::parse;
use super::time::to_timestamp;
use crate::Date;
use crate::plan as wire;

fn date_draft(d: Option<Date>) -> Option<DateDraft> {
    d.map(|d| DateDraft {
        year: d.year,
        month: d.month,
        day: d.day,
    })
}

fn date_to_proto(d: Option<NaiveDate>) -> Option<Date> {
    d.map(|d| Date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    })
}

/// A plan's content as sent (output-only fields ignored).
pub fn plan_draft(p: wire::ServicePlan) -> PlanDraft {
    PlanDraft {
        goals: p.goals.into_iter().map(goal_draft).collect(),
        interventions: p
            .interventions
            .into_iter()
            .map(intervention_draft)
            .collect(),
        review_date: date_draft(p.review_date),
    }
}

fn goal_draft(g: wire::Goal) -> GoalDraft {
    use wire::goal::Measure;
    GoalDraft {
        id: g.goal_id,
        problems: g.problem_ids,
        description: g.description,
        measure: g.measure.map(|m| match m {
            Measure::InstrumentTarget(t) => MeasureDraft::InstrumentTarget {
                instrument_id: t.instrument_id,
                comparator: inbound!(t.comparator, wire::Comparator, "COMPARATOR_"),
                target: t.target,
            },
            Measure::AttainmentScale(s) => MeasureDraft::AttainmentScale {
                levels: s
                    .levels
                    .into_iter()
                    .map(|l| (l.level, l.description))
                    .collect(),
            },
        }),
        target_date: date_draft(g.target_date),
    }
}

fn intervention_draft(i: wire::Intervention) -> InterventionDraft {
    InterventionDraft {
        id: i.intervention_id,
        goals: i.goal_ids,
        kind: inbound!(i.kind, wire::InterventionKind, "INTERVENTION_KIND_"),
        description: i.description,
        responsible: i.responsible_worker_id,
        due: date_draft(i.due_date),
    }
}

pub fn create_request(r: wire::CreatePlanRequest) -> Result<CreatePlan, Violations> {
    let mut v = Violations::new();
    let referral = parse::id(
        "referral_id",
        &r.referral_id,
        "a referral id",
        ReferralId::parse,
        &mut v,
    );
    let request_id = v.required_text("request_id", &r.request_id, parse::MAX_REQUEST_ID);
    if r.plan.is_none() {
        v.add("plan", "is required: the goals and interventions");
    }
    match (referral, r.plan) {
        (Some(referral), Some(plan)) if v.is_empty() => Ok(CreatePlan {
            referral,
            request_id,
            draft: plan_draft(plan),
        }),
        _ => Err(v),
    }
}

fn plan_id(text: &str, v: &mut Violations) -> Option<PlanId> {
    parse::id("plan_id", text, "a plan id", PlanId::parse, v)
}

pub fn get_request(r: wire::GetPlanRequest) -> Result<GetPlan, Violations> {
    let mut v = Violations::new();
    let id = plan_id(&r.plan_id, &mut v);
    match id {
        Some(id) => Ok(GetPlan {
            id,
            version: (r.version != 0).then_some(r.version),
        }),
        None => Err(v),
    }
}

pub fn list_request(r: wire::ListPlansRequest) -> Result<ListPlans, Violations> {
    let mut v = Violations::new();
    let referral = parse::optional_id(
        "referral_id",
        &r.referral_id,
        "a referral id",
        ReferralId::parse,
        &mut v,
    );
    let state = match inbound!(r.state, wire::PlanState, "PLAN_STATE_").as_str() {
        "" => None,
        name => {
            let state = PlanState::parse(name);
            if state.is_none() {
                v.add("state", "is not a plan state");
            }
            state
        }
    };
    let page = parse::page(r.page_size, &r.page_token, PLAN_PAGE, PlanId::parse, &mut v);
    v.into_result(ListPlans {
        referral,
        state,
        page,
    })
}

pub fn update_request(r: wire::UpdatePlanRequest) -> Result<UpdatePlan, Violations> {
    let mut v = Violations::new();
    let plan = r.plan.unwrap_or_default();
    let id = plan_id(&plan.plan_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let mut mask = PlanMask::default();
    let paths = r.update_mask.map(|m| m.paths).unwrap_or_default();
    v.field_mask(
        &paths,
        &mut [
            ("goals", &mut mask.goals),
            ("interventions", &mut mask.interventions),
            ("review_date", &mut mask.review_date),
        ],
        "the parts of the draft to replace",
    );
    match (id, etag) {
        (Some(id), Some(etag)) if v.is_empty() => Ok(UpdatePlan {
            id,
            etag,
            mask,
            draft: plan_draft(plan),
        }),
        _ => Err(v),
    }
}

fn step(plan: &str, etag: &str, step: PlanStep) -> Result<StepPlan, Violations> {
    let mut v = Violations::new();
    let id = plan_id(plan, &mut v);
    let etag = parse::etag("etag", etag, &mut v);
    match (id, etag) {
        (Some(id), Some(etag)) => Ok(StepPlan { id, etag, step }),
        _ => Err(v),
    }
}

pub fn submit_request(r: wire::SubmitPlanRequest) -> Result<StepPlan, Violations> {
    step(&r.plan_id, &r.etag, PlanStep::Submit)
}

pub fn approve_request(r: wire::ApprovePlanRequest) -> Result<StepPlan, Violations> {
    step(&r.plan_id, &r.etag, PlanStep::Approve { note: r.note })
}

pub fn return_request(r: wire::ReturnPlanRequest) -> Result<StepPlan, Violations> {
    step(&r.plan_id, &r.etag, PlanStep::Return { note: r.note })
}

pub fn revise_request(r: wire::RevisePlanRequest) -> Result<StepPlan, Violations> {
    step(&r.plan_id, &r.etag, PlanStep::Revise { reason: r.reason })
}

pub fn intervention_request(
    r: wire::UpdateInterventionStateRequest,
) -> Result<WorkOnPlan, Violations> {
    let mut v = Violations::new();
    let id = plan_id(&r.plan_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let intervention = parse::id(
        "intervention_id",
        &r.intervention_id,
        "an intervention id",
        InterventionId::parse,
        &mut v,
    );
    let to = InterventionState::parse(&inbound!(
        r.state,
        wire::InterventionState,
        "INTERVENTION_STATE_"
    ));
    if to.is_none() {
        v.add("state", "is required: IN_PROGRESS, DONE or CANCELLED");
    }
    match (id, etag, intervention, to) {
        (Some(id), Some(etag), Some(intervention), Some(to)) => Ok(WorkOnPlan {
            id,
            etag,
            work: PlanWork::Intervention(InterventionMove {
                intervention,
                to,
                reason: r.reason,
            }),
        }),
        _ => Err(v),
    }
}

pub fn progress_request(r: wire::RecordGoalProgressRequest) -> Result<WorkOnPlan, Violations> {
    let mut v = Violations::new();
    let id = plan_id(&r.plan_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let goal = parse::id("goal_id", &r.goal_id, "a goal id", GoalId::parse, &mut v);
    let occasion = match inbound!(r.occasion, wire::ProgressOccasion, "PROGRESS_OCCASION_").as_str()
    {
        "" => Some(ProgressOccasion::Review),
        name => ProgressOccasion::parse(name),
    };
    if occasion.is_none() {
        v.add("occasion", "must be REVIEW or CLOSURE");
    }
    match (id, etag, goal, occasion) {
        (Some(id), Some(etag), Some(goal), Some(occasion)) => Ok(WorkOnPlan {
            id,
            etag,
            work: PlanWork::Progress(GoalProgressDraft {
                goal,
                note: r.note,
                level: r.attainment_level,
                occasion,
            }),
        }),
        _ => Err(v),
    }
}

/// A plan at one version, as a station role reads it.
pub fn plan_to_proto(view: &PlanView) -> wire::ServicePlan {
    let PlanView { plan, version, .. } = view;
    wire::ServicePlan {
        plan_id: plan.id.to_string(),
        referral_id: plan.referral.to_string(),
        version: version.version,
        newest_version: plan.newest_version,
        in_force_version: plan.in_force_version.unwrap_or(0),
        state: outbound!(version.state, wire::PlanState, "PLAN_STATE_"),
        goals: version
            .content
            .goals
            .iter()
            .map(|g| goal_to_proto(view, g))
            .collect(),
        interventions: version
            .content
            .interventions
            .iter()
            .map(|i| intervention_to_proto(view, i))
            .collect(),
        review_date: date_to_proto(version.content.review_date),
        revision_reason: version.revision_reason.clone(),
        author_worker_id: version
            .author_worker
            .map(|w| w.to_string())
            .unwrap_or_default(),
        author_name: view.name(version.author_worker),
        decision: version.decision.as_ref().map(|d| wire::PlanDecision {
            approved: d.approved,
            supervisor_worker_id: d.by_worker.to_string(),
            supervisor_name: view.name(Some(d.by_worker)),
            note: d.note.clone(),
            decide_time: Some(to_timestamp(d.at)),
        }),
        create_time: Some(to_timestamp(version.created_at)),
        submit_time: version.submitted_at.map(to_timestamp),
        etag: plan.etag().to_string(),
        station_id: plan.station.to_string(),
    }
}

fn goal_to_proto(view: &PlanView, g: &domain::Goal) -> wire::Goal {
    use wire::goal::Measure;
    let measure = match &g.measure {
        domain::Measure::InstrumentTarget {
            instrument,
            comparator,
            target,
        } => {
            let reading = view.readings.get(&g.id);
            Measure::InstrumentTarget(wire::InstrumentTarget {
                instrument_id: instrument.id().to_owned(),
                comparator: outbound!(comparator, wire::Comparator, "COMPARATOR_"),
                target: *target,
                latest_total: reading.map(|r| r.total),
                latest_assessment_id: reading
                    .map(|r| r.assessment.to_string())
                    .unwrap_or_default(),
                latest_assess_time: reading.map(|r| to_timestamp(r.assessed_at)),
                met: reading.is_some_and(|r| r.met),
            })
        }
        domain::Measure::AttainmentScale { levels } => {
            Measure::AttainmentScale(wire::AttainmentScale {
                levels: domain::ATTAINMENT_LEVELS
                    .zip(levels)
                    .map(|(level, description)| wire::AttainmentLevel {
                        level,
                        description: description.clone(),
                    })
                    .collect(),
                latest_level: view.plan.work.latest_level(g.id),
            })
        }
    };
    wire::Goal {
        goal_id: g.id.to_string(),
        problem_ids: g.problems.clone(),
        description: g.description.clone(),
        measure: Some(measure),
        target_date: date_to_proto(g.target_date),
        progress: view
            .plan
            .work
            .progress
            .iter()
            .filter(|p| p.goal == g.id)
            .map(|p| wire::GoalProgress {
                entry_id: p.id.to_string(),
                note: p.note.clone(),
                attainment_level: p.level,
                occasion: outbound!(p.occasion, wire::ProgressOccasion, "PROGRESS_OCCASION_"),
                recorded_by_worker_id: p
                    .recorded_by_worker
                    .map(|w| w.to_string())
                    .unwrap_or_default(),
                recorded_by_name: view.name(p.recorded_by_worker),
                record_time: Some(to_timestamp(p.recorded_at)),
            })
            .collect(),
    }
}

fn intervention_to_proto(view: &PlanView, i: &domain::Intervention) -> wire::Intervention {
    let work = view.plan.work.interventions.get(&i.id);
    wire::Intervention {
        intervention_id: i.id.to_string(),
        goal_ids: i.goals.iter().map(ToString::to_string).collect(),
        kind: outbound!(i.kind, wire::InterventionKind, "INTERVENTION_KIND_"),
        description: i.description.clone(),
        responsible_worker_id: i.responsible.to_string(),
        responsible_worker_name: view.name(Some(i.responsible)),
        due_date: date_to_proto(i.due),
        state: outbound!(
            view.plan.work.state_of(i.id),
            wire::InterventionState,
            "INTERVENTION_STATE_"
        ),
        cancel_reason: work
            .filter(|w| w.state == InterventionState::Cancelled)
            .map(|w| w.reason.clone())
            .unwrap_or_default(),
        state_change_time: work.map(|w| to_timestamp(w.changed_at)),
    }
}
