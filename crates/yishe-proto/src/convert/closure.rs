//! Closure (结案) and reopening messages to and from the domain.

use yishe_domain::referral::{
    Closure, ClosureDraft, ClosureStep, ClosureStepKind, GoalResultDraft, ReopenReferral,
    RequestClosure,
};
use yishe_domain::{ReferralId, Violations};

use super::coded::{inbound, outbound};
use super::parse;
use super::time::to_timestamp;
use crate::plan as plan_wire;
use crate::referral as wire;

/// The referral and etag of a closure step, parsed.
fn target(
    id: &str,
    etag: &str,
    v: &mut Violations,
) -> (Option<ReferralId>, Option<yishe_domain::Etag>) {
    (
        super::referral::referral_id(id, v),
        parse::etag("etag", etag, v),
    )
}

pub fn request_closure_request(
    r: wire::RequestClosureRequest,
) -> Result<RequestClosure, Violations> {
    let mut v = Violations::new();
    let (id, etag) = target(&r.referral_id, &r.etag, &mut v);
    let c = r.closure.unwrap_or_default();
    let draft = ClosureDraft {
        outcome: inbound!(c.outcome, wire::ClosureOutcome, "CLOSURE_OUTCOME_"),
        summary: c.summary,
        services: c
            .services_delivered
            .iter()
            .map(|s| {
                let kind = inbound!(s.kind, plan_wire::InterventionKind, "INTERVENTION_KIND_");
                (kind, s.count)
            })
            .collect(),
        goals: c
            .goal_results
            .iter()
            .map(|g| GoalResultDraft {
                goal_id: g.goal_id.clone(),
                result: inbound!(g.result, wire::GoalResultKind, "GOAL_RESULT_KIND_"),
                level: g.attainment_level,
            })
            .collect(),
        satisfaction: c.satisfaction,
    };
    match (id, etag) {
        (Some(id), Some(etag)) if v.is_empty() => Ok(RequestClosure { id, etag, draft }),
        _ => Err(v),
    }
}

fn step(
    id: &str,
    etag: &str,
    step: ClosureStepKind,
    note: String,
) -> Result<ClosureStep, Violations> {
    let mut v = Violations::new();
    let (id, etag) = target(id, etag, &mut v);
    let note = yishe_domain::referral::decision_note(&note, step == ClosureStepKind::Return)
        .map_err(|bad| parse::merge(&mut v, bad));
    match (id, etag, note) {
        (Some(id), Some(etag), Ok(note)) if v.is_empty() => Ok(ClosureStep {
            id,
            etag,
            step,
            note,
        }),
        _ => Err(v),
    }
}

pub fn approve_closure_request(r: wire::ApproveClosureRequest) -> Result<ClosureStep, Violations> {
    step(&r.referral_id, &r.etag, ClosureStepKind::Approve, r.note)
}

pub fn return_closure_request(r: wire::ReturnClosureRequest) -> Result<ClosureStep, Violations> {
    step(&r.referral_id, &r.etag, ClosureStepKind::Return, r.note)
}

pub fn withdraw_closure_request(
    r: wire::WithdrawClosureRequest,
) -> Result<ClosureStep, Violations> {
    step(
        &r.referral_id,
        &r.etag,
        ClosureStepKind::Withdraw,
        String::new(),
    )
}

pub fn reopen_request(r: wire::ReopenReferralRequest) -> Result<ReopenReferral, Violations> {
    let mut v = Violations::new();
    let (id, etag) = target(&r.referral_id, &r.etag, &mut v);
    let reason =
        yishe_domain::referral::reopen_reason(&r.reason).map_err(|bad| parse::merge(&mut v, bad));
    match (id, etag, reason) {
        (Some(id), Some(etag), Ok(reason)) if v.is_empty() => {
            Ok(ReopenReferral { id, etag, reason })
        }
        _ => Err(v),
    }
}

/// A closure on the wire; the satisfaction label is the caller's to fill (it is the
/// station's scale, not the referral's).
pub fn closure_to_proto(c: &Closure) -> wire::Closure {
    wire::Closure {
        state: outbound!(c.state, wire::ClosureState, "CLOSURE_STATE_"),
        outcome: outcome_to_proto(c.outcome),
        summary: c.summary.clone(),
        services_delivered: c
            .services
            .iter()
            .map(|s| wire::ServiceDelivered {
                kind: outbound!(s.kind, plan_wire::InterventionKind, "INTERVENTION_KIND_"),
                count: s.count,
            })
            .collect(),
        goal_results: c
            .goals
            .iter()
            .map(|g| wire::GoalResult {
                goal_id: g.goal.to_string(),
                result: outbound!(g.result, wire::GoalResultKind, "GOAL_RESULT_KIND_"),
                attainment_level: g.level,
            })
            .collect(),
        satisfaction: c.satisfaction.unwrap_or_default(),
        satisfaction_label: String::new(),
        requested_by_name: c.requested_by.name.clone(),
        request_time: Some(to_timestamp(c.requested_at)),
        decide_time: c.decided_at.map(to_timestamp),
        decision_note: c.decision_note.clone(),
    }
}

pub fn outcome_to_proto(o: yishe_domain::referral::ClosureOutcome) -> i32 {
    outbound!(o, wire::ClosureOutcome, "CLOSURE_OUTCOME_")
}
