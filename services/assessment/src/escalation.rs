//! What a recorded assessment does to its referral, inside the submission's own
//! transaction: the first assessment starts the work (ACCEPTED → IN_PROGRESS), and each
//! risk the answers show raises a flag, lifts the referral to at least URGENT and puts
//! a RISK_FLAG_RAISED event (ids, status and priority; never answers) into the feed.
//! The station's supervisors watch the feed and list the open flags.

use chrono::{DateTime, Utc};
use yishe_domain::assessment::{Assessment, RiskFlag};
use yishe_domain::referral::{Command, EventType, Referral, ReferralEvent, Status};
use yishe_domain::{AuditAction, Outcome, Priority, RiskFlagId};
use yishe_runtime::auth::RequestContext;
use yishe_store::Tx;

use crate::error::Result;

/// What the assessment changed, for metrics and logs after the commit.
#[derive(Debug, Default)]
pub(crate) struct Consequences {
    /// A new version was written (false for a replay).
    pub(crate) recorded: bool,
    pub(crate) raised: Vec<RiskFlag>,
    pub(crate) started: bool,
}

/// Applies the consequences of `assessment` (a new version just written) to
/// `referral` in `tx`.
pub(crate) async fn apply(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    mut referral: Referral,
    assessment: &Assessment,
    now: DateTime<Utc>,
) -> Result<Consequences> {
    let mut done = Consequences {
        recorded: true,
        ..Default::default()
    };
    if referral.status == Status::Accepted {
        referral.status = referral
            .status
            .apply_as(Command::StartWork, ctx.caller.role)?;
        done.started = true;
    }
    for (instrument, kind) in assessment.content.risks() {
        let raised = RiskFlag {
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
        if tx.insert_risk_flag(&raised).await? {
            done.raised.push(raised);
        }
    }
    if !done.raised.is_empty() {
        referral.priority = referral.priority.at_least(Priority::Urgent);
    }
    if !done.started && done.raised.is_empty() {
        return Ok(done);
    }
    referral.updated_at = now;
    referral.version += 1;
    tx.update_referral(&referral).await?;
    if done.started {
        tx.append_event(&ReferralEvent::of(EventType::Started, &referral, now))
            .await?;
    }
    for _ in &done.raised {
        tx.append_event(&ReferralEvent::of(
            EventType::RiskFlagRaised,
            &referral,
            now,
        ))
        .await?;
        tx.append_audit(&ctx.audit(AuditAction::RiskFlagRaise, referral.id, Outcome::Ok))
            .await?;
    }
    Ok(done)
}
