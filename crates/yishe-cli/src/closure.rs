//! `yishe referral close|approve-closure|return-closure|withdraw-closure|reopen`, and
//! how a closure reads in Chinese.

use serde_json::{Value, json};
use yishe_proto::plan::InterventionKind;
use yishe_proto::referral::*;

use crate::args::CloseReferral;
use crate::enums::{parse, short};
use crate::failure::Failure;

/// The closure request the command line describes.
pub(crate) fn request(a: CloseReferral, etag: String) -> Result<RequestClosureRequest, Failure> {
    let outcome = parse(
        "CLOSURE_OUTCOME_",
        &a.outcome,
        ClosureOutcome::from_str_name,
        ClosureOutcome::as_str_name,
        "closure outcome",
    )? as i32;
    let mut services = Vec::new();
    for given in &a.services {
        let (kind, count) = given
            .split_once('=')
            .ok_or_else(|| Failure::local(format!("--service {given:?}: write KIND=COUNT")))?;
        let kind = parse(
            "INTERVENTION_KIND_",
            kind,
            InterventionKind::from_str_name,
            InterventionKind::as_str_name,
            "intervention kind",
        )? as i32;
        let count = count
            .trim()
            .parse()
            .map_err(|_| Failure::local(format!("--service {given:?}: COUNT is a number")))?;
        services.push(ServiceDelivered { kind, count });
    }
    let mut goals = Vec::new();
    for given in &a.goals {
        let (goal_id, result) = given.split_once('=').ok_or_else(|| {
            Failure::local(format!(
                "--goal {given:?}: write GOAL_ID=MET, PARTLY_MET or NOT_MET"
            ))
        })?;
        let (result, level) = match result.split_once(':') {
            Some((result, level)) => {
                let level = level.trim().parse().map_err(|_| {
                    Failure::local(format!("--goal {given:?}: the level is -2 to 2"))
                })?;
                (result, Some(level))
            }
            None => (result, None),
        };
        let result = parse(
            "GOAL_RESULT_KIND_",
            result,
            GoalResultKind::from_str_name,
            GoalResultKind::as_str_name,
            "goal result",
        )? as i32;
        goals.push(GoalResult {
            goal_id: goal_id.trim().to_owned(),
            result,
            attainment_level: level,
        });
    }
    Ok(RequestClosureRequest {
        referral_id: a.target.id,
        etag,
        closure: Some(Closure {
            outcome,
            summary: a.summary,
            services_delivered: services,
            goal_results: goals,
            satisfaction: a.satisfaction,
            ..Default::default()
        }),
    })
}

/// An outcome in Chinese, with its code.
fn outcome(o: ClosureOutcome) -> String {
    let zh = match o {
        ClosureOutcome::Unspecified => return String::new(),
        ClosureOutcome::GoalsMet => "目标达成",
        ClosureOutcome::GoalsPartiallyMet => "目标部分达成",
        ClosureOutcome::ReferredElsewhere => "已转介其他机构",
        ClosureOutcome::Other => "其他",
        ClosureOutcome::PatientDeclinedServices => "患者拒绝服务",
        ClosureOutcome::PatientDischargedOrTransferred => "患者出院或转院",
        ClosureOutcome::PatientDied => "患者离世",
        ClosureOutcome::LostContact => "失去联系",
    };
    format!("{zh} ({})", short("CLOSURE_OUTCOME_", o.as_str_name()))
}

fn state(s: ClosureState) -> &'static str {
    match s {
        ClosureState::Unspecified => "",
        ClosureState::PendingApproval => "待审批",
        ClosureState::Returned => "已退回",
        ClosureState::Withdrawn => "已撤回",
        ClosureState::Approved => "已批准",
    }
}

fn result(r: GoalResultKind) -> &'static str {
    match r {
        GoalResultKind::Unspecified => "",
        GoalResultKind::Met => "达成",
        GoalResultKind::PartlyMet => "部分达成",
        GoalResultKind::NotMet => "未达成",
    }
}

/// A closure as the CLI shows it.
pub(crate) fn json(c: &Closure) -> Value {
    json!({
        "state": state(c.state()),
        "outcome": outcome(c.outcome()),
        "summary": c.summary,
        "services_delivered": c.services_delivered.iter().map(|s| format!(
            "{}×{}",
            short("INTERVENTION_KIND_", s.kind().as_str_name()),
            s.count
        )).collect::<Vec<_>>(),
        "goal_results": c.goal_results.iter().map(|g| match g.attainment_level {
            Some(level) => format!("{}: {} (GAS {level:+})", g.goal_id, result(g.result())),
            None => format!("{}: {}", g.goal_id, result(g.result())),
        }).collect::<Vec<_>>(),
        "satisfaction": c.satisfaction_label,
        "requested_by": c.requested_by_name,
        "request_time": crate::output::local(&c.request_time),
        "decide_time": crate::output::local(&c.decide_time),
        "decision_note": c.decision_note,
    })
}
