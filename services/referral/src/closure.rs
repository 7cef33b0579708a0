//! Closure (结案) and reopening. The referral service owns the referral's status, so
//! closure lives here; what may still block it (risk flags, volunteer tasks, the plan)
//! is other services' rows, read through the store in the closure's own transaction,
//! so nothing can open between the check and the status change.

use chrono::{DateTime, Utc};
use yishe_domain::followup::{Channel, FollowUpDraft, Phase, Purpose};
use yishe_domain::plan::{InterventionState, Measure, PlanState};
use yishe_domain::referral::{
    Actor, Change, ClosureApprover, ClosureError, ClosurePerson, ClosureRefusal, ClosureRequest,
    ClosureStep, ClosureStepKind, DepartureKind, EventType, OpenWork, Referral, ReferralEvent,
    ReopenReferral, RequestClosure,
};
use yishe_domain::{AuditAction, Outcome, PageRequest, Role};
use yishe_runtime::auth::RequestContext;
use yishe_store::{CreateOutcome, PlanScope, RiskFlagScope, Tx};

use crate::error::{Error, Result};
use crate::service::{ReferralService, visible_for_change};

/// The most open risk flags one closure check counts (one is enough to refuse).
const FLAGS_COUNTED: u32 = 100;

impl ReferralService {
    /// The assigned worker asks to close the case.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn request_closure(
        &self,
        ctx: &RequestContext,
        request: RequestClosure,
    ) -> Result<Referral> {
        let action = AuditAction::ReferralClosureRequest;
        let id = request.id;
        let result = async {
            let levels = self.closure_rules().satisfaction_levels.len() as u32;
            let checked = request.draft.validate(levels).map_err(Error::Invalid)?;
            let mut tx = self.store.begin().await?;
            // Held until the commit: no volunteer task or plan version slips in
            // between the checks below and the request.
            tx.lock_referral(id).await?;
            let mut referral = visible_for_change(&mut *tx, ctx, id, &request.etag).await?;
            let by = person(&mut *tx, ctx).await?;
            // The rules of the referral first (who asks, its status): a caller who may
            // not close the case learns nothing of what is still open in it.
            let change = Change::RequestClosure {
                request: checked.clone(),
                by: by.clone(),
            };
            referral.apply(change, Actor::Caller(ctx.caller.role), ctx.now())?;
            let work = open_work(&mut *tx, &referral).await?;
            let checked = checked.check_against(&work).map_err(closure_error)?;
            // Services taken from the plan are stored as the request's own.
            if let Some(closure) = referral.closure.as_mut() {
                closure.services = checked.services;
            }
            self.save(tx, ctx, referral, EventType::ClosureRequested, action)
                .await
        }
        .await;
        if let Err(error) = &result {
            self.refused(ctx, action, id, error).await;
        }
        result
    }

    /// A supervisor's approval or return, or the worker's withdrawal, of the pending
    /// closure. Approval checks the open work again (a flag may have been raised since
    /// the request), ends the case, and schedules the follow-ups after closure.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn closure_step(
        &self,
        ctx: &RequestContext,
        request: ClosureStep,
    ) -> Result<Referral> {
        let action = match request.step {
            ClosureStepKind::Approve => AuditAction::ReferralClosureApprove,
            ClosureStepKind::Return => AuditAction::ReferralClosureReturn,
            ClosureStepKind::Withdraw => AuditAction::ReferralClosureWithdraw,
        };
        let id = request.id;
        let result = async {
            let mut tx = self.store.begin().await?;
            tx.lock_referral(id).await?;
            let mut referral = visible_for_change(&mut *tx, ctx, id, &request.etag).await?;
            let by = person(&mut *tx, ctx).await?;
            let change = match request.step {
                ClosureStepKind::Withdraw => Change::WithdrawClosure { by },
                step => Change::DecideClosure {
                    approver: approver(&mut *tx, &referral, by).await?,
                    approve: step == ClosureStepKind::Approve,
                    note: request.note.clone(),
                },
            };
            let now = ctx.now();
            let event = referral.apply(change, Actor::Caller(ctx.caller.role), now)?;
            if request.step == ClosureStepKind::Approve {
                let stored = referral.closure.as_ref().expect("an approved closure");
                let work = open_work(&mut *tx, &referral).await?;
                // The goals marked at the request must still be the plan's: a revision
                // approved since asks for a fresh request, not for fields the approver
                // never sent.
                match ClosureRequest::of(stored).check_against(&work) {
                    Err(ClosureError::Invalid(_)) => {
                        return Err(Error::Change(ClosureRefusal::PlanChanged.into()));
                    }
                    checked => checked.map_err(closure_error)?,
                };
                self.schedule_after_closure(&mut *tx, &referral, now)
                    .await?;
            }
            self.save(tx, ctx, referral, event, action).await
        }
        .await;
        match &result {
            Ok(referral) if request.step == ClosureStepKind::Approve => {
                self.metrics.closed(referral);
            }
            Ok(_) => {}
            Err(error) => self.refused(ctx, action, id, error).await,
        }
        result
    }

    /// The follow-ups closure schedules by the station's pattern for the outcome,
    /// counted from the patient's discharge when the department reported one.
    async fn schedule_after_closure(
        &self,
        tx: &mut dyn Tx,
        referral: &Referral,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(closure) = referral.closure.as_ref() else {
            return Ok(());
        };
        let departure = referral.patient.departure.as_ref();
        let discharged = departure.is_some_and(|d| d.kind != DepartureKind::Died);
        if departure.is_some_and(|d| d.kind == DepartureKind::Died) {
            return Ok(());
        }
        let from = departure.map_or(now, |d| d.at);
        let purpose = if discharged {
            Purpose::PostDischarge
        } else {
            Purpose::CheckIn
        };
        for (days, due) in self
            .closure_rules()
            .follow_ups_due(closure.outcome, from, now)
        {
            let draft = FollowUpDraft {
                phase: Phase::AfterClosure.as_str().to_owned(),
                purpose: purpose.as_str().to_owned(),
                channel: Channel::Phone.as_str().to_owned(),
                due_at: Some(due),
                ..FollowUpDraft::default()
            };
            let follow_up = draft
                .validate(
                    referral.id,
                    referral.station.clone(),
                    format!("after-closure:{}:{days}", referral.id),
                    referral.assigned_worker,
                    "system".to_owned(),
                    now,
                )
                .map_err(Error::Invalid)?;
            tx.insert_follow_up(&follow_up, "after-closure").await?;
            tx.append_audit(&yishe_store::AuditEntry::system(
                AuditAction::FollowUpSchedule,
                referral.id,
                now,
            ))
            .await?;
        }
        Ok(())
    }

    /// A supervisor reopens a closed case into a new referral linked to it.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn reopen(
        &self,
        ctx: &RequestContext,
        request: ReopenReferral,
    ) -> Result<Referral> {
        let action = AuditAction::ReferralReopen;
        let id = request.id;
        let result = async {
            let now = ctx.now();
            let mut tx = self.store.begin().await?;
            let closed = visible_for_change(&mut *tx, ctx, id, &request.etag).await?;
            let mut reopened = closed
                .reopened(
                    &ctx.caller.subject,
                    request.reason,
                    self.closure_rules().reopen_period,
                    now,
                )
                .map_err(|refusal| Error::Change(refusal.into()))?;
            // The order number stays with the department's open referral that holds it
            // now, if one does (a department may have referred the patient again).
            if let Some(number) = reopened.placer_order_id.clone()
                && self
                    .open_referral_with_order(ctx, &reopened.hospital, &number)
                    .await
                    .is_some()
            {
                reopened.placer_order_id = None;
            }
            // The same worker, when still active with room for the case.
            if let Some(worker_id) = closed.assigned_worker
                && let Some(worker) = tx.lock_worker(worker_id).await?
            {
                let assign = Change::Assign(worker);
                if reopened
                    .apply(assign, Actor::Caller(Role::Supervisor), now)
                    .is_err()
                {
                    tracing::info!(referral_id = %closed.id, "reopened case left unassigned: its worker cannot take it");
                }
            }
            let fingerprint = "reopen";
            let created = tx
                .create_referral(
                    &reopened,
                    fingerprint,
                    &ReferralEvent::of(EventType::Created, &reopened, now),
                    &ctx.audit(action, reopened.id, Outcome::Ok),
                )
                .await?;
            match created {
                CreateOutcome::Created => {}
                // Only a supervisor of the station reopens: the first reopening is theirs
                // to see.
                CreateOutcome::Replayed(existing) | CreateOutcome::RequestIdReused(existing) => {
                    return Err(Error::Change(
                        ClosureRefusal::AlreadyReopened(existing.id).into(),
                    ));
                }
            }
            tx.save_referral(&mut reopened, &[EventType::Reopened])
                .await?;
            // The closed case's follow-ups after closure are the reopened case's work
            // now, planned anew by its worker.
            crate::case_work::cancel(
                &mut *tx,
                &closed,
                |f| f.phase == Phase::AfterClosure,
                "个案已重新开案 (the case was reopened)",
                now,
            )
            .await?;
            // Audited against both: who reopened the closed case, and how the new began.
            tx.append_audit(&ctx.audit(action, closed.id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            tracing::info!(referral_id = %reopened.id, "closed case reopened");
            Ok(reopened)
        }
        .await;
        if let Err(error) = &result {
            self.refused(ctx, action, id, error).await;
        }
        result
    }
}

/// The caller as a person of the station: their credential and linked worker record.
async fn person(tx: &mut dyn Tx, ctx: &RequestContext) -> Result<ClosurePerson> {
    let name = match ctx.caller.worker {
        Some(worker) => tx
            .get_worker(worker)
            .await?
            .map(|w| w.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(ClosurePerson {
        subject: ctx.caller.subject.clone(),
        worker: ctx.caller.worker,
        name,
    })
}

/// The caller as the approver of `referral`'s closure: their worker record's level, and
/// whether it is an active worker of the referral's station.
async fn approver(
    tx: &mut dyn Tx,
    referral: &Referral,
    person: ClosurePerson,
) -> Result<ClosureApprover> {
    let record = match person.worker {
        Some(worker) => tx.get_worker(worker).await?,
        None => None,
    };
    let of_station = record
        .as_ref()
        .is_some_and(|w| w.active && w.station == referral.station);
    Ok(ClosureApprover {
        level: record.map(|w| w.level),
        of_station,
        person,
    })
}

/// What the case still holds open, from the rows of the assessment and plan services.
async fn open_work(tx: &mut dyn Tx, referral: &Referral) -> Result<OpenWork> {
    let station = referral.station.clone();
    let flags = tx
        .list_risk_flags(
            &RiskFlagScope::Station(station.clone()),
            Some(referral.id),
            true,
            PageRequest {
                after: None,
                limit: FLAGS_COUNTED,
            },
        )
        .await?;
    let tasks = tx.open_tasks_of_referral(referral.id).await?;
    let mut work = OpenWork {
        unacknowledged_risk_flags: flags.items.len(),
        open_volunteer_tasks: tasks.len(),
        ..OpenWork::default()
    };
    let plans = tx
        .list_plans(
            &PlanScope::Station(station),
            Some(referral.id),
            None,
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await?;
    let Some((plan, newest)) = plans.items.into_iter().next() else {
        return Ok(work);
    };
    if newest.state == PlanState::PendingApproval {
        work.pending_plan_version = Some(newest.version);
    }
    if let Some(in_force) = plan.in_force_version {
        let Some(version) = tx.get_plan_version(plan.id, in_force).await? else {
            return Ok(work);
        };
        work.goals = version
            .content
            .goals
            .iter()
            .map(|g| (g.id, matches!(g.measure, Measure::AttainmentScale { .. })))
            .collect();
        work.done_interventions = version
            .content
            .interventions
            .iter()
            .filter(|i| plan.work.state_of(i.id) == InterventionState::Done)
            .map(|i| i.kind)
            .collect();
    }
    Ok(work)
}

fn closure_error(error: ClosureError) -> Error {
    match error {
        ClosureError::Invalid(v) => Error::Invalid(v),
        ClosureError::Refused(refusal) => Error::Change(refusal.into()),
    }
}
