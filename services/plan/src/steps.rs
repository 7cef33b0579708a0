//! The steps of a version through approval: submit, approve, return, revise. Each
//! commits with its audit row and, where the feed hears of it, its event: PLAN_APPROVED
//! or PLAN_REVISED for the department, PLAN_SUBMITTED and PLAN_RETURNED for the
//! station only.

use yishe_domain::plan::{
    Approver, PlanState, PlanStep, PlanVersion, PlanView, StepPlan, decide, revision_reason,
};
use yishe_domain::referral::{EventType, PlanRef, ReferralEvent};
use yishe_domain::{AuditAction, Outcome};
use yishe_runtime::auth::RequestContext;

use crate::error::{Error, Refusal, Result, decision};
use crate::reading::{assessments_of, plan_for, require_open, version_of, view};
use crate::service::PlanService;
use crate::tasks::withdraw_tasks;

impl PlanService {
    /// Takes `step` on the plan's newest version.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn step(&self, ctx: &RequestContext, request: StepPlan) -> Result<PlanView> {
        let StepPlan { id, etag, step } = request;
        let action = match &step {
            PlanStep::Submit => AuditAction::PlanSubmit,
            PlanStep::Approve { .. } => AuditAction::PlanApprove,
            PlanStep::Return { .. } => AuditAction::PlanReturn,
            PlanStep::Revise { .. } => AuditAction::PlanRevise,
        };
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (mut plan, referral) = plan_for(&mut *tx, ctx, id).await?;
            referral_id = Some(referral.id);
            etag.check(plan.revision, "plan")?;
            require_open(&referral)?;
            let mut newest = version_of(&mut *tx, &plan, plan.newest_version).await?;
            let mut event = None;
            let (shown, metric) = match step {
                PlanStep::Submit => {
                    newest
                        .require(PlanState::Draft, "submitted")
                        .map_err(Refusal::from)?;
                    newest.state = PlanState::PendingApproval;
                    newest.submitted_at = Some(now);
                    tx.update_plan_version(&newest).await?;
                    event = Some(EventType::PlanSubmitted);
                    (newest, "submitted")
                }
                PlanStep::Approve { note } | PlanStep::Return { note } => {
                    let approve = action == AuditAction::PlanApprove;
                    let record = match ctx.caller.worker {
                        Some(worker) => tx.get_worker(worker).await?,
                        None => None,
                    };
                    let approver = Approver {
                        caller: &ctx.caller,
                        level: record.as_ref().map(|w| w.level),
                        of_station: record
                            .as_ref()
                            .is_some_and(|w| w.active && w.station == referral.station),
                    };
                    let decided = decide(&newest, approver, &referral.reasons, approve, &note, now)
                        .map_err(decision)?;
                    newest.decision = Some(decided);
                    if approve {
                        newest.state = PlanState::Approved;
                        if let Some(before) = plan.in_force_version {
                            let mut replaced = version_of(&mut *tx, &plan, before).await?;
                            replaced.state = PlanState::Superseded;
                            tx.update_plan_version(&replaced).await?;
                            let content = &newest.content;
                            let dropped = |i| content.intervention(i).is_none();
                            let reason = "修订后的计划不再包含此介入 (dropped by the revision)";
                            withdraw_tasks(&mut *tx, plan.id, dropped, reason, now).await?;
                        }
                        event = Some(if plan.in_force_version.is_some() {
                            EventType::PlanRevised
                        } else {
                            EventType::PlanApproved
                        });
                        plan.in_force_version = Some(newest.version);
                    } else {
                        newest.state = PlanState::Returned;
                        event = Some(EventType::PlanReturned);
                    }
                    tx.update_plan_version(&newest).await?;
                    (newest, if approve { "approved" } else { "returned" })
                }
                PlanStep::Revise { reason } => {
                    let reason = revision_reason(&reason).map_err(Error::Invalid)?;
                    if !matches!(newest.state, PlanState::Approved | PlanState::Returned) {
                        return Err(Refusal::Rule(yishe_domain::plan::PlanRefusal::WrongState {
                            version: newest.version,
                            state: newest.state,
                            what: "revised (a draft or a submission is open)",
                        })
                        .into());
                    }
                    let next = PlanVersion {
                        plan: plan.id,
                        version: newest.version + 1,
                        state: PlanState::Draft,
                        content: newest.content,
                        revision_reason: reason,
                        author: ctx.caller.subject.clone(),
                        author_worker: ctx.caller.worker,
                        contributors: Vec::new(),
                        created_at: now,
                        submitted_at: None,
                        decision: None,
                    };
                    tx.insert_plan_version(&next).await?;
                    plan.newest_version = next.version;
                    (next, "revised")
                }
            };
            plan.newest_state = shown.state;
            plan.revision += 1;
            plan.updated_at = now;
            tx.save_plan(&plan).await?;
            if let Some(event_type) = event {
                let about = PlanRef {
                    id: plan.id,
                    version: shown.version,
                };
                tx.append_event(&ReferralEvent::of_plan(event_type, &referral, about, now))
                    .await?;
            }
            tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
                .await?;
            let assessments = assessments_of(&mut *tx, referral.id).await?;
            let shown = view(&mut *tx, plan, shown, &assessments).await?;
            tx.commit().await?;
            self.metrics.step(metric);
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, action, referral_id, result).await
    }
}
