//! Volunteer task messages to and from the domain. What a volunteer may not see of a
//! task on the board (the patient's name, who claimed it, reports and reviews) is left
//! out here, by the caller's sight.

use yishe_domain::plan::{
    ListTasks, PostTask, TASK_PAGE, TaskDraft, TaskSight, TaskStep, TaskView,
};
use yishe_domain::{InterventionId, PlanId, Violations, VolunteerTaskId, VolunteerTeamId};

use super::coded::outbound;
use super::parse;
use super::time::to_timestamp;
use crate::plan as wire;

pub fn post_request(r: wire::PostVolunteerTaskRequest) -> Result<PostTask, Violations> {
    let mut v = Violations::new();
    let t = r.task.unwrap_or_default();
    let plan = parse::id(
        "task.plan_id",
        &t.plan_id,
        "a plan id",
        PlanId::parse,
        &mut v,
    );
    let intervention = parse::id(
        "task.intervention_id",
        &t.intervention_id,
        "an intervention id",
        InterventionId::parse,
        &mut v,
    );
    let team = parse::optional_id(
        "task.team_id",
        &t.team_id,
        "a volunteer team id",
        VolunteerTeamId::parse,
        &mut v,
    );
    let request_id = v.required_text("request_id", &r.request_id, parse::MAX_REQUEST_ID);
    let draft = TaskDraft {
        instructions: t.instructions,
        ward: t.ward,
        bed: t.bed,
        starts_at: parse::time("task.start_time", t.start_time, &mut v),
        claim_deadline: parse::time("task.claim_deadline", t.claim_deadline, &mut v),
        team,
    };
    match (plan, intervention) {
        (Some(plan), Some(intervention)) if v.is_empty() => Ok(PostTask {
            plan,
            intervention,
            request_id,
            draft,
        }),
        _ => Err(v),
    }
}

fn task_id(text: &str, v: &mut Violations) -> Option<VolunteerTaskId> {
    parse::id(
        "task_id",
        text,
        "a volunteer task id",
        VolunteerTaskId::parse,
        v,
    )
}

pub fn get_request(r: wire::GetVolunteerTaskRequest) -> Result<VolunteerTaskId, Violations> {
    let mut v = Violations::new();
    task_id(&r.task_id, &mut v).ok_or(v)
}

pub fn list_request(r: wire::ListVolunteerTasksRequest) -> Result<ListTasks, Violations> {
    let mut v = Violations::new();
    let plan = parse::optional_id("plan_id", &r.plan_id, "a plan id", PlanId::parse, &mut v);
    let page = parse::page(
        r.page_size,
        &r.page_token,
        TASK_PAGE,
        VolunteerTaskId::parse,
        &mut v,
    );
    v.into_result(ListTasks {
        board: r.board,
        plan,
        page,
    })
}

pub fn claim_request(
    r: wire::ClaimVolunteerTaskRequest,
) -> Result<(VolunteerTaskId, TaskStep), Violations> {
    let mut v = Violations::new();
    task_id(&r.task_id, &mut v)
        .map(|id| (id, TaskStep::Claim))
        .ok_or(v)
}

fn with_etag(
    task: &str,
    etag: &str,
    step: impl FnOnce(yishe_domain::Etag) -> TaskStep,
) -> Result<(VolunteerTaskId, TaskStep), Violations> {
    let mut v = Violations::new();
    let id = task_id(task, &mut v);
    let etag = parse::etag("etag", etag, &mut v);
    match (id, etag) {
        (Some(id), Some(etag)) => Ok((id, step(etag))),
        _ => Err(v),
    }
}

pub fn report_request(
    r: wire::ReportVolunteerTaskRequest,
) -> Result<(VolunteerTaskId, TaskStep), Violations> {
    with_etag(&r.task_id, &r.etag, |etag| TaskStep::Report {
        etag,
        report: r.report,
    })
}

pub fn review_request(
    r: wire::ReviewVolunteerTaskRequest,
) -> Result<(VolunteerTaskId, TaskStep), Violations> {
    with_etag(&r.task_id, &r.etag, |etag| TaskStep::Review {
        etag,
        review: r.review,
    })
}

pub fn cancel_request(
    r: wire::CancelVolunteerTaskRequest,
) -> Result<(VolunteerTaskId, TaskStep), Violations> {
    with_etag(&r.task_id, &r.etag, |etag| TaskStep::Cancel {
        etag,
        reason: r.reason,
    })
}

/// A task as the caller may see it.
pub fn task_to_proto(view: &TaskView) -> wire::VolunteerTask {
    let t = &view.task;
    let full = view.sight == TaskSight::Full;
    // Who did what on the task: for staff and the team that held it, even once done.
    let held = matches!(view.sight, TaskSight::Full | TaskSight::Closed);
    let only_held = |text: &str| if held { text.to_owned() } else { String::new() };
    wire::VolunteerTask {
        task_id: t.id.to_string(),
        plan_id: t.plan.to_string(),
        intervention_id: t.intervention.to_string(),
        referral_id: t.referral.to_string(),
        instructions: t.texts.instructions.clone(),
        ward: t.texts.ward.clone(),
        bed: t.texts.bed.clone(),
        start_time: Some(to_timestamp(t.starts_at)),
        claim_deadline: Some(to_timestamp(t.claim_deadline)),
        team_id: t.team.map(|x| x.to_string()).unwrap_or_default(),
        team_name: view.team_name.clone(),
        supervising_worker_id: t.supervisor.map(|x| x.to_string()).unwrap_or_default(),
        supervising_worker_name: view.supervisor_name.clone(),
        state: outbound!(t.state, wire::VolunteerTaskState, "VOLUNTEER_TASK_STATE_"),
        patient_name: if full {
            view.patient_name.clone()
        } else {
            String::new()
        },
        overdue: t.overdue,
        claimed_by_volunteer_id: if held {
            t.claimed_by.map(|x| x.to_string()).unwrap_or_default()
        } else {
            String::new()
        },
        claim_time: t.claimed_at.filter(|_| held).map(to_timestamp),
        report: only_held(&t.texts.report),
        reported_by_volunteer_id: if held {
            t.reported_by.map(|x| x.to_string()).unwrap_or_default()
        } else {
            String::new()
        },
        report_time: t.reported_at.filter(|_| held).map(to_timestamp),
        review: only_held(&t.texts.review),
        review_time: t.reviewed_at.filter(|_| held).map(to_timestamp),
        cancel_reason: only_held(&t.texts.cancel_reason),
        create_time: Some(to_timestamp(t.created_at)),
        etag: t.etag().to_string(),
    }
}
