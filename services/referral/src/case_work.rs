//! What a change to a referral does to the case's other work, in the change's own
//! transaction: a case that ends takes its volunteer tasks and its during-case
//! follow-ups with it; the department's news of a death cancels every follow-up still
//! scheduled, and of a discharge moves ward visits to the phone.

use chrono::{DateTime, Utc};
use yishe_domain::AuditAction;
use yishe_domain::followup::{Channel, FollowUp, Phase};
use yishe_domain::referral::{DepartureKind, EventType, Referral};
use yishe_store::Tx;

use crate::error::Result;

/// Applies the consequences of `event`, just applied to `referral`, to the case's work.
pub(crate) async fn follow(
    tx: &mut dyn Tx,
    referral: &Referral,
    event: EventType,
    now: DateTime<Utc>,
) -> Result<()> {
    if referral.status.is_terminal() {
        // No volunteer goes on seeing where the patient lies.
        let open = tx.open_tasks_of_referral(referral.id).await?;
        yishe_store::withdraw_tasks(tx, open, "个案已结束 (the case ended)", now).await?;
        cancel(
            tx,
            referral,
            |f| f.phase == Phase::DuringCase,
            "个案已结束 (the case ended)",
            now,
        )
        .await?;
    }
    if event == EventType::DepartureReported {
        match referral.patient.departure.as_ref().map(|d| d.kind) {
            Some(DepartureKind::Died) => {
                cancel(tx, referral, |_| true, "患者已故 (the patient died)", now).await?;
            }
            Some(DepartureKind::Discharged | DepartureKind::TransferredOut) => {
                off_the_ward(tx, referral, now).await?;
            }
            None => {}
        }
    }
    Ok(())
}

/// Cancels the referral's scheduled follow-ups that `which` picks, each audited.
pub(crate) async fn cancel(
    tx: &mut dyn Tx,
    referral: &Referral,
    which: impl Fn(&FollowUp) -> bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for mut follow_up in tx.scheduled_follow_ups_of(referral.id).await? {
        if which(&follow_up) && follow_up.cancel(reason, now).is_ok() {
            follow_up.version += 1;
            tx.save_follow_up(&follow_up).await?;
            audit(tx, referral, AuditAction::FollowUpCancel, now).await?;
        }
    }
    Ok(())
}

/// A patient who left the hospital is not met on the ward: their scheduled ward visits
/// become phone calls, due when they were.
async fn off_the_ward(tx: &mut dyn Tx, referral: &Referral, now: DateTime<Utc>) -> Result<()> {
    for mut follow_up in tx.scheduled_follow_ups_of(referral.id).await? {
        if follow_up.channel == Channel::WardVisit {
            follow_up.channel = Channel::Phone;
            follow_up.updated_at = now;
            follow_up.version += 1;
            tx.save_follow_up(&follow_up).await?;
            audit(tx, referral, AuditAction::FollowUpReschedule, now).await?;
        }
    }
    Ok(())
}

async fn audit(
    tx: &mut dyn Tx,
    referral: &Referral,
    action: AuditAction,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.append_audit(&yishe_store::AuditEntry::system(action, referral.id, now))
        .await?;
    Ok(())
}
