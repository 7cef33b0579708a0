//! `yishe plan …` and `yishe intervention …`: a plan drafted from a JSON file, read as
//! a supervisor reads it, taken through approval, and worked on once approved.

use yishe_proto::plan::*;

use crate::args::{InterventionCommand, Output, PlanCommand, PlanTarget};
use crate::client::Connection;
use crate::failure::Failure;
use crate::output::local;
use crate::output::rows;
use crate::plan_view::{date, plan_json, print, state_zh};

/// Prints a plan: readable by default, JSON or its id on request.
fn show(output: Output, plan: Option<ServicePlan>) -> Result<(), Failure> {
    let plan = plan.ok_or_else(|| Failure::local("the server answered without a plan"))?;
    match output {
        Output::Table | Output::Csv => print(&plan),
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(&plan_json(&plan)).expect("json")
        ),
        Output::Id => println!("{}", plan.plan_id),
    }
    Ok(())
}

/// The plan's id and the etag to send: the one given, or the plan's current one.
async fn resolve(c: &Connection, target: PlanTarget) -> Result<(String, String), Failure> {
    if let Some(etag) = target.etag {
        return Ok((target.id, etag));
    }
    let current = c
        .plans()
        .get_plan(GetPlanRequest {
            plan_id: target.id.clone(),
            version: 0,
        })
        .await?
        .into_inner()
        .plan
        .ok_or_else(|| Failure::local("the server answered without a plan"))?;
    Ok((target.id, current.etag))
}

pub(crate) async fn run(command: PlanCommand, c: &Connection) -> Result<(), Failure> {
    let mut plans = c.plans();
    let plan = match command {
        PlanCommand::Create {
            referral,
            file,
            request_id,
        } => {
            let mut read = crate::plan_file::read(&file)?;
            crate::plan_names::resolve(c, &referral, &mut read.plan).await?;
            plans
                .create_plan(CreatePlanRequest {
                    referral_id: referral,
                    plan: Some(read.plan),
                    request_id: request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Export { id, version } => {
            let plan = plans
                .get_plan(GetPlanRequest {
                    plan_id: id,
                    version,
                })
                .await?
                .into_inner()
                .plan
                .ok_or_else(|| Failure::local("the server answered without a plan"))?;
            let file = crate::plan_file::write(&plan);
            println!("{}", serde_json::to_string_pretty(&file).expect("json"));
            return Ok(());
        }
        PlanCommand::Show { id, version } => {
            plans
                .get_plan(GetPlanRequest {
                    plan_id: id,
                    version,
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::List {
            referral,
            pending,
            page_size,
            page_token,
        } => {
            let page = plans
                .list_plans(ListPlansRequest {
                    referral_id: referral,
                    state: if pending {
                        PlanState::PendingApproval as i32
                    } else {
                        0
                    },
                    page_size,
                    page_token,
                })
                .await?
                .into_inner();
            let values = page
                .plans
                .iter()
                .map(|p| {
                    let mut v = plan_json(p);
                    v["state"] = serde_json::json!(state_zh(p.state()));
                    v["goals"] = serde_json::json!(p.goals.len());
                    v["interventions"] = serde_json::json!(p.interventions.len());
                    v["review_date"] = serde_json::json!(date(&p.review_date));
                    v["submitted"] = serde_json::json!(local(&p.submit_time));
                    v
                })
                .collect();
            rows(
                c.output,
                values,
                &[
                    "id",
                    "referral_id",
                    "version",
                    "state",
                    "author",
                    "submitted",
                    "goals",
                    "interventions",
                    "review_date",
                ],
                Some(("next_page_token", page.next_page_token)),
            );
            return Ok(());
        }
        PlanCommand::Edit { target, file } => {
            let mut read = crate::plan_file::read(&file)?;
            let current = plans
                .get_plan(GetPlanRequest {
                    plan_id: target.id.clone(),
                    version: 0,
                })
                .await?
                .into_inner()
                .plan
                .ok_or_else(|| Failure::local("the server answered without a plan"))?;
            crate::plan_names::resolve(c, &current.referral_id, &mut read.plan).await?;
            let plan_id = target.id;
            let etag = target.etag.unwrap_or(current.etag);
            plans
                .update_plan(UpdatePlanRequest {
                    plan: Some(ServicePlan {
                        plan_id,
                        ..read.plan
                    }),
                    etag,
                    update_mask: Some(prost_types::FieldMask { paths: read.parts }),
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Submit(target) => {
            let (plan_id, etag) = resolve(c, target).await?;
            plans
                .submit_plan(SubmitPlanRequest { plan_id, etag })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Approve { target, note } => {
            plans
                .approve_plan(ApprovePlanRequest {
                    plan_id: target.id,
                    etag: target.etag,
                    note,
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Return { target, note } => {
            plans
                .return_plan(ReturnPlanRequest {
                    plan_id: target.id,
                    etag: target.etag,
                    note,
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Revise { target, reason } => {
            let (plan_id, etag) = resolve(c, target).await?;
            plans
                .revise_plan(RevisePlanRequest {
                    plan_id,
                    etag,
                    reason,
                })
                .await?
                .into_inner()
                .plan
        }
        PlanCommand::Progress {
            target,
            goal,
            note,
            level,
            closure,
        } => {
            let (plan_id, etag) = resolve(c, target).await?;
            plans
                .record_goal_progress(RecordGoalProgressRequest {
                    plan_id,
                    etag,
                    goal_id: goal,
                    note,
                    attainment_level: level,
                    occasion: if closure {
                        ProgressOccasion::Closure
                    } else {
                        ProgressOccasion::Review
                    } as i32,
                })
                .await?
                .into_inner()
                .plan
        }
    };
    show(c.output, plan)
}

pub(crate) async fn intervention(
    command: InterventionCommand,
    c: &Connection,
) -> Result<(), Failure> {
    let (target, intervention_id, state, reason) = match command {
        InterventionCommand::Start {
            target,
            intervention,
        } => (
            target,
            intervention,
            InterventionState::InProgress,
            String::new(),
        ),
        InterventionCommand::Done {
            target,
            intervention,
        } => (target, intervention, InterventionState::Done, String::new()),
        InterventionCommand::Cancel {
            target,
            intervention,
            reason,
        } => (target, intervention, InterventionState::Cancelled, reason),
    };
    let (plan_id, etag) = resolve(c, target).await?;
    let plan = c
        .plans()
        .update_intervention_state(UpdateInterventionStateRequest {
            plan_id,
            etag,
            intervention_id,
            state: state as i32,
            reason,
        })
        .await?
        .into_inner()
        .plan;
    show(c.output, plan)
}
