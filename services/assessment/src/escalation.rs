//! What a recorded assessment does to its referral, inside the submission's own
//! transaction: the first assessment starts the work (ACCEPTED → IN_PROGRESS), and each
//! risk the answers show raises a flag, lifts the referral to at least URGENT and puts
//! a RISK_FLAG_RAISED event (ids, status and priority; never answers) into the feed.
//! Each flag also schedules a safety-check follow-up. The station's supervisors watch
//! the feed and list the open flags.

use chrono::{DateTime, Utc};
use yishe_domain::RiskFlagId;
use yishe_domain::assessment::{Assessment, RiskFlag};
use yishe_domain::followup::{Channel, FollowUpDraft, Purpose};
use yishe_domain::referral::{Actor, Change, Referral, Status};
use yishe_domain::{AuditAction, Outcome};
use yishe_runtime::auth::RequestContext;
use yishe_store::Tx;

use crate::error::Result;

/// What the assessment changed, for metrics and logs after the commit.
#[derive(Debug, Default)]
pub(crate) struct Consequences {
    /// A new version was written (false for a replay).
    pub(crate) recorded: bool,
    pub(crate) raised: Vec<RiskFlag>,
}

/// Schedules the safety check a raised flag calls for, due `within` from now and
/// escalated to the supervisors as soon as it is overdue (no grace period), for the
/// referral's worker; once per flag (its request id is the flag's).
async fn schedule_safety_check(
    tx: &mut dyn Tx,
    referral: &Referral,
    flag: &RiskFlag,
    within: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    let draft = FollowUpDraft {
        purpose: Purpose::SafetyCheck.as_str().to_owned(),
        channel: Channel::WardVisit.as_str().to_owned(),
        due_at: Some(now + within),
        ..FollowUpDraft::default()
    };
    let mut check = draft
        .validate(
            referral.id,
            referral.station.clone(),
            format!("safety-check:{}", flag.id),
            referral.assigned_worker,
            "system".to_owned(),
            now,
        )
        .map_err(yishe_runtime::Failure::Invalid)?;
    check.grace_hours = 0;
    tx.insert_follow_up(&check, "safety-check").await?;
    tx.append_audit(&yishe_store::AuditEntry::system(
        AuditAction::FollowUpSchedule,
        referral.id,
        now,
    ))
    .await?;
    Ok(())
}

/// Applies the consequences of `assessment` (a new version just written) to
/// `referral` in `tx`.
pub(crate) async fn apply(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    mut referral: Referral,
    assessment: &Assessment,
    safety_within: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Consequences> {
    let by = Actor::Caller(ctx.caller.role);
    let mut events = Vec::new();
    if referral.status == Status::Accepted {
        events.push(referral.apply(Change::StartWork, by, now)?);
    }
    let mut raised = Vec::new();
    for (instrument, kind) in assessment.content.risks() {
        let flag = RiskFlag {
            id: RiskFlagId::new(),
            referral: referral.id,
            station: referral.station.clone(),
            assessment: assessment.id,
            assessment_version: assessment.version,
            instrument,
            kind,
            raised_at: now,
            acknowledgement: None,
            version: 1,
        };
        // An amendment showing a risk its assessment already raised adds nothing.
        if tx.insert_risk_flag(&flag).await? {
            events.push(referral.apply(Change::RiskRaised, by, now)?);
            schedule_safety_check(tx, &referral, &flag, safety_within, now).await?;
            tx.append_audit(&ctx.audit(AuditAction::RiskFlagRaise, referral.id, Outcome::Ok))
                .await?;
            raised.push(flag);
        }
    }
    if !events.is_empty() {
        tx.save_referral(&mut referral, &events).await?;
    }
    Ok(Consequences {
        recorded: true,
        raised,
    })
}
