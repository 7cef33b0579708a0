//! Work on the version in force: moving an intervention and recording progress on a
//! goal. Nothing here starts before a supervisor approved a version holding it.

use yishe_domain::plan::{InterventionState, PlanRefusal, PlanView, PlanWork, WorkOnPlan};
use yishe_domain::{AuditAction, Outcome};
use yishe_runtime::auth::RequestContext;

use crate::error::{Record, Refusal, Result, moved};
use crate::reading::{assessments_of, plan_for, require_open, version_of, view};
use crate::service::PlanService;
use crate::tasks::withdraw_tasks;

impl PlanService {
    /// Moves an intervention or records goal progress; answers the version in force.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn work(&self, ctx: &RequestContext, request: WorkOnPlan) -> Result<PlanView> {
        let WorkOnPlan { id, etag, work } = request;
        let action = match &work {
            PlanWork::Intervention(_) => AuditAction::PlanIntervention,
            PlanWork::Progress(_) => AuditAction::PlanProgress,
        };
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (mut plan, referral) = plan_for(&mut *tx, ctx, id).await?;
            referral_id = Some(referral.id);
            etag.check(plan.revision, "plan")?;
            require_open(&referral)?;
            let in_force = match plan.in_force_version {
                Some(n) => Some(version_of(&mut *tx, &plan, n).await?),
                None => None,
            };
            let newest = version_of(&mut *tx, &plan, plan.newest_version).await?;
            let mut kind_moved = None;
            match work {
                PlanWork::Intervention(change) => {
                    // An intervention no version names is not found; one only a draft
                    // names is not approved yet.
                    let known = [Some(&newest), in_force.as_ref()]
                        .into_iter()
                        .flatten()
                        .find_map(|v| v.content.intervention(change.intervention));
                    let kind = known.ok_or(Refusal::NotFound(Record::Intervention))?.kind;
                    let to = change.to;
                    let intervention = change.intervention;
                    plan.work
                        .move_intervention(in_force.as_ref(), change, &ctx.caller, now)
                        .map_err(moved)?;
                    if matches!(to, InterventionState::Done | InterventionState::Cancelled) {
                        let reason = "介入已结束 (the intervention ended)";
                        withdraw_tasks(&mut *tx, plan.id, |i| i == intervention, reason, now)
                            .await?;
                    }
                    kind_moved = Some((kind, to));
                }
                PlanWork::Progress(progress) => {
                    let known = newest.content.goal(progress.goal).is_some()
                        || in_force
                            .as_ref()
                            .is_some_and(|v| v.content.goal(progress.goal).is_some());
                    if !known {
                        return Err(Refusal::NotFound(Record::Goal).into());
                    }
                    plan.work
                        .record_progress(in_force.as_ref(), progress, &ctx.caller, now)
                        .map_err(moved)?;
                }
            }
            plan.revision += 1;
            plan.updated_at = now;
            tx.save_plan(&plan).await?;
            tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
                .await?;
            let assessments = assessments_of(&mut *tx, referral.id).await?;
            // The rules above refuse all work before a version is in force.
            let shown = in_force.ok_or(Refusal::Rule(PlanRefusal::NotApproved { what: "plan" }))?;
            let shown = view(&mut *tx, plan, shown, &assessments).await?;
            tx.commit().await?;
            if let Some((kind, state)) = kind_moved {
                self.metrics.moved(kind, state);
            }
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, action, referral_id, result).await
    }
}
