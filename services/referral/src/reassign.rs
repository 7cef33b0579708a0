//! Staff who leave or go on leave: the supervisors' list of the open work that waits
//! on an inactive or absent worker, and the one call that moves it to another. Each
//! case moves as an assignment does (its ASSIGNED event and audit row); the
//! follow-ups scheduled for the worker and the volunteer tasks they supervise follow.

use yishe_domain::directory::SocialWorker;
use yishe_domain::referral::{Actor, Change, ReassignWork, Referral};
use yishe_domain::{AuditAction, FollowUpId, Outcome, ReferralId, VolunteerTaskId};
use yishe_runtime::auth::RequestContext;
use yishe_store::Tx;

use crate::error::{Refusal, Result};
use crate::service::ReferralService;

/// One worker's open work.
#[derive(Debug, Clone)]
pub(crate) struct WaitingWork {
    pub(crate) worker: SocialWorker,
    pub(crate) referrals: Vec<ReferralId>,
    pub(crate) follow_ups: Vec<FollowUpId>,
    pub(crate) tasks: Vec<VolunteerTaskId>,
}

/// What a reassignment moved.
#[derive(Debug, Clone)]
pub(crate) struct Moved {
    pub(crate) referrals: Vec<Referral>,
    pub(crate) follow_ups: usize,
    pub(crate) tasks: usize,
}

impl ReferralService {
    /// The station's inactive or on-leave workers who still hold open work.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn reassignments(&self, ctx: &RequestContext) -> Result<Vec<WaitingWork>> {
        let station = ctx.caller.station.clone().ok_or(Refusal::WorkerNotFound)?;
        let mut tx = self.store.begin().await?;
        let mut waiting = Vec::new();
        for worker in tx.list_workers(&station, true).await? {
            if worker.active && !worker.on_leave {
                continue;
            }
            let work = work_of(&mut *tx, worker).await?;
            if !(work.referrals.is_empty() && work.follow_ups.is_empty() && work.tasks.is_empty()) {
                waiting.push(work);
            }
        }
        // Who saw which cases wait: one row naming them all, as a list is audited.
        let shown = waiting
            .iter()
            .flat_map(|w| w.referrals.iter().map(ToString::to_string))
            .collect();
        tx.append_audit(
            &ctx.audit(AuditAction::ReferralList, "", Outcome::Ok)
                .about_each(shown),
        )
        .await?;
        tx.commit().await?;
        Ok(waiting)
    }

    /// Moves `request.from`'s open work to `request.to`, all or nothing.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn reassign(
        &self,
        ctx: &RequestContext,
        request: ReassignWork,
    ) -> Result<Moved> {
        let now = ctx.now();
        let by = Actor::Caller(ctx.caller.role);
        let result = async {
            let mut tx = self.store.begin().await?;
            let of_station = |w: &SocialWorker| ctx.caller.station.as_ref() == Some(&w.station);
            let from = tx
                .get_worker(request.from)
                .await?
                .filter(of_station)
                .ok_or(Refusal::WorkerNotFound)?;
            let mut to = tx
                .lock_worker(request.to)
                .await?
                .filter(of_station)
                .ok_or(Refusal::WorkerNotFound)?;
            let mut moved = Moved {
                referrals: Vec::new(),
                follow_ups: 0,
                tasks: 0,
            };
            for mut referral in tx.open_referrals_of_worker(from.id).await? {
                tx.lock_referral(referral.id).await?;
                let event = referral.apply(Change::Assign(to.clone()), by, now)?;
                // The next case counts this one against the receiver's limit.
                to.open_cases += 1;
                tx.save_referral(&mut referral, &[event]).await?;
                tx.append_audit(&ctx.audit(AuditAction::ReferralAssign, referral.id, Outcome::Ok))
                    .await?;
                for mut task in tx.open_tasks_of_referral(referral.id).await? {
                    if task.supervisor == Some(from.id) {
                        task.supervisor = Some(to.id);
                        task.updated_at = now;
                        task.version += 1;
                        tx.save_task(&task).await?;
                        tx.append_audit(&ctx.audit(
                            AuditAction::TaskReassign,
                            task.id,
                            Outcome::Ok,
                        ))
                        .await?;
                        moved.tasks += 1;
                    }
                }
                moved.referrals.push(referral);
            }
            for mut follow_up in tx.scheduled_follow_ups_for(from.id).await? {
                follow_up.assignee = Some(to.id);
                follow_up.updated_at = now;
                follow_up.version += 1;
                tx.save_follow_up(&follow_up).await?;
                tx.append_audit(&ctx.audit(
                    AuditAction::FollowUpReassign,
                    follow_up.referral,
                    Outcome::Ok,
                ))
                .await?;
                moved.follow_ups += 1;
            }
            tx.commit().await?;
            tracing::info!(
                cases = moved.referrals.len(),
                follow_ups = moved.follow_ups,
                tasks = moved.tasks,
                "open work reassigned"
            );
            Ok(moved)
        }
        .await;
        if let Err(error) = &result {
            ctx.audit_refusal(
                &self.store,
                AuditAction::ReferralAssign,
                request.from,
                error,
            )
            .await;
        }
        result
    }
}

/// A worker's open cases, the follow-ups scheduled for them and the open tasks of
/// their cases they supervise.
async fn work_of(tx: &mut dyn Tx, worker: SocialWorker) -> Result<WaitingWork> {
    let referrals = tx.open_referrals_of_worker(worker.id).await?;
    let mut tasks = Vec::new();
    for referral in &referrals {
        tasks.extend(
            tx.open_tasks_of_referral(referral.id)
                .await?
                .into_iter()
                .filter(|t| t.supervisor == Some(worker.id))
                .map(|t| t.id),
        );
    }
    let follow_ups = tx
        .scheduled_follow_ups_for(worker.id)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    Ok(WaitingWork {
        referrals: referrals.iter().map(|r| r.id).collect(),
        follow_ups,
        tasks,
        worker,
    })
}
