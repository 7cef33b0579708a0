//! `yishe task …`: volunteer tasks as a social worker posts and reviews them and as a
//! volunteer finds them on the board, claims and reports them; times in the station's
//! local time.

use chrono::{NaiveDateTime, TimeZone};
use serde_json::{Value, json};
use yishe_proto::plan::*;

use crate::args::TaskCommand;
use crate::client::Connection;
use crate::enums::short;
use crate::failure::Failure;
use crate::output::local;
use crate::output::{record, rows};

fn state_zh(state: VolunteerTaskState) -> &'static str {
    match state {
        VolunteerTaskState::Posted => "待接单",
        VolunteerTaskState::Claimed => "已接单",
        VolunteerTaskState::Done => "已完成（待评阅）",
        VolunteerTaskState::Reviewed => "已评阅",
        VolunteerTaskState::Cancelled => "已取消",
        VolunteerTaskState::Unspecified => "",
    }
}

fn task_json(t: &VolunteerTask) -> Value {
    let mut state = state_zh(t.state()).to_owned();
    if t.overdue && t.state() == VolunteerTaskState::Posted {
        state.push_str("（已超过接单时限）");
    }
    json!({
        "id": t.task_id,
        "state": state,
        "state_code": short("VOLUNTEER_TASK_STATE_", t.state().as_str_name()),
        "instructions": t.instructions,
        "patient": t.patient_name,
        "where": format!("{} {}", t.ward, t.bed).trim().to_owned(),
        "when": local(&t.start_time),
        "claim_by": local(&t.claim_deadline),
        "team": t.team_name,
        "supervisor": t.supervising_worker_name,
        "report": t.report,
        "review": t.review,
        "cancel_reason": t.cancel_reason,
        "plan_id": t.plan_id,
        "intervention_id": t.intervention_id,
        "etag": t.etag,
    })
}

/// `2026-12-08 14:00` in the station's time zone as a timestamp.
pub(crate) fn at(flag: &str, text: &str) -> Result<prost_types::Timestamp, Failure> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M").map_err(|_| {
        Failure::local(format!(
            "{flag} {text:?}: write a local time like 2026-12-08 14:00"
        ))
    })?;
    let t = crate::output::zone()
        .from_local_datetime(&local)
        .single()
        .ok_or_else(|| Failure::local(format!("{flag} {text:?} is not a valid time")))?;
    Ok(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    })
}

async fn current(c: &Connection, id: &str) -> Result<VolunteerTask, Failure> {
    c.plans()
        .get_volunteer_task(GetVolunteerTaskRequest {
            task_id: id.to_owned(),
        })
        .await?
        .into_inner()
        .task
        .ok_or_else(|| Failure::local("the server answered without a task"))
}

async fn etag_of(c: &Connection, id: &str, etag: Option<String>) -> Result<String, Failure> {
    match etag {
        Some(etag) => Ok(etag),
        None => Ok(current(c, id).await?.etag),
    }
}

pub(crate) async fn run(command: TaskCommand, c: &Connection) -> Result<(), Failure> {
    let mut plans = c.plans();
    let task = match command {
        TaskCommand::Post {
            plan,
            intervention,
            instructions,
            at: when,
            claim_by,
            team,
            ward,
            bed,
            request_id,
        } => {
            plans
                .post_volunteer_task(PostVolunteerTaskRequest {
                    task: Some(VolunteerTask {
                        plan_id: plan,
                        intervention_id: intervention,
                        instructions,
                        start_time: Some(at("--at", &when)?),
                        claim_deadline: claim_by.map(|t| at("--claim-by", &t)).transpose()?,
                        team_id: team.unwrap_or_default(),
                        ward,
                        bed,
                        ..Default::default()
                    }),
                    request_id: request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
                })
                .await?
                .into_inner()
                .task
        }
        TaskCommand::Board | TaskCommand::List { .. } => {
            let (board, plan_id) = match command {
                TaskCommand::List { plan } => (false, plan),
                _ => (true, String::new()),
            };
            let page = plans
                .list_volunteer_tasks(ListVolunteerTasksRequest {
                    board,
                    plan_id,
                    page_size: 500,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let values = page.tasks.iter().map(task_json).collect();
            rows(
                c.output,
                values,
                &[
                    "id",
                    "state",
                    "when",
                    "where",
                    "instructions",
                    "patient",
                    "team",
                    "supervisor",
                ],
                Some(("next_page_token", page.next_page_token)),
            );
            return Ok(());
        }
        TaskCommand::Show { id } => Some(current(c, &id).await?),
        TaskCommand::Claim { id } => {
            plans
                .claim_volunteer_task(ClaimVolunteerTaskRequest { task_id: id })
                .await?
                .into_inner()
                .task
        }
        TaskCommand::Report { id, text, etag } => {
            let etag = etag_of(c, &id, etag).await?;
            plans
                .report_volunteer_task(ReportVolunteerTaskRequest {
                    task_id: id,
                    etag,
                    report: text,
                })
                .await?
                .into_inner()
                .task
        }
        TaskCommand::Review { id, text, etag } => {
            let etag = etag_of(c, &id, etag).await?;
            plans
                .review_volunteer_task(ReviewVolunteerTaskRequest {
                    task_id: id,
                    etag,
                    review: text,
                })
                .await?
                .into_inner()
                .task
        }
        TaskCommand::Cancel { id, reason, etag } => {
            let etag = etag_of(c, &id, etag).await?;
            plans
                .cancel_volunteer_task(CancelVolunteerTaskRequest {
                    task_id: id,
                    etag,
                    reason,
                })
                .await?
                .into_inner()
                .task
        }
    };
    let task = task.ok_or_else(|| Failure::local("the server answered without a task"))?;
    record(c.output, task_json(&task));
    Ok(())
}
