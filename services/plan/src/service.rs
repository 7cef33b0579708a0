//! Drafting, reading and editing plans. Each use-case runs in one transaction with its
//! audit row, against the referral (the patient's record); a refused attempt is audited
//! in a transaction of its own.

use yishe_domain::plan::{
    CreatePlan, DraftContext, GetPlan, ListPlans, Plan, PlanState, PlanVersion, PlanView,
    UpdatePlan, Work,
};
use yishe_domain::{AuditAction, Outcome, Page, PlanId, Role};
use yishe_runtime::auth::RequestContext;
use yishe_store::{PlanInserted, PlanScope, Store};

use crate::error::{Error, Refusal, Result};
use crate::metrics::PlanMetrics;
use crate::reading::{
    assessments_of, plan_for, problem_ids, referral_for, require_open, validated, version_of, view,
};

/// Everything the use-cases need.
#[derive(Debug, Clone)]
pub(crate) struct PlanService {
    pub(crate) store: Store,
    pub(crate) metrics: PlanMetrics,
}

impl PlanService {
    pub(crate) fn new(store: Store, metrics: PlanMetrics) -> Self {
        Self { store, metrics }
    }

    /// Drafts a referral's plan, or returns the one a replay of the same request made.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create(
        &self,
        ctx: &RequestContext,
        request: CreatePlan,
    ) -> Result<PlanView> {
        let CreatePlan {
            referral: referral_id,
            request_id,
            draft,
        } = request;
        let fingerprint = yishe_runtime::fingerprint::of(&(referral_id, &draft));
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let referral = referral_for(&mut *tx, ctx, referral_id).await?;
            let assessments = assessments_of(&mut *tx, referral_id).await?;
            if assessments.is_empty() {
                return Err(Refusal::AssessmentRequired.into());
            }
            let problems = problem_ids(&assessments);
            let cx = DraftContext {
                problems: &problems,
                before: &[],
                now,
            };
            let content = validated(&mut *tx, &referral, draft, cx).await?;
            let plan = Plan {
                id: PlanId::new(),
                referral: referral_id,
                station: referral.station.clone(),
                request_id,
                newest_version: 1,
                newest_state: PlanState::Draft,
                in_force_version: None,
                work: Work::default(),
                revision: 1,
                created_by: ctx.caller.subject.clone(),
                created_at: now,
                updated_at: now,
            };
            let first = PlanVersion {
                plan: plan.id,
                version: 1,
                state: PlanState::Draft,
                content,
                revision_reason: String::new(),
                author: ctx.caller.subject.clone(),
                author_worker: ctx.caller.worker,
                contributors: Vec::new(),
                created_at: now,
                submitted_at: None,
                decision: None,
            };
            let (plan, version, action) = match tx.insert_plan(&plan, &first, &fingerprint).await? {
                PlanInserted::Existing(existing, stored) if stored == fingerprint => {
                    let (plan, version) = *existing;
                    (plan, version, AuditAction::PlanCreateReplay)
                }
                PlanInserted::Existing(..) => return Err(Refusal::RequestIdReused.into()),
                PlanInserted::ReferralHasPlan(id) => return Err(Refusal::PlanExists(id).into()),
                // Checked after the insert so that a replay returns the first result
                // even if the case has moved on; dropping `tx` undoes the insert.
                PlanInserted::Inserted => {
                    require_open(&referral)?;
                    (plan, first, AuditAction::PlanCreate)
                }
            };
            tx.append_audit(&ctx.audit(action, referral_id, Outcome::Ok))
                .await?;
            let shown = view(&mut *tx, plan, version, &assessments).await?;
            tx.commit().await?;
            if action == AuditAction::PlanCreate {
                self.metrics.step("created");
            }
            Ok(shown)
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::PlanCreate,
            Some(referral_id),
            result,
        )
        .await
    }

    /// A plan at `version`, or at its newest.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn get(&self, ctx: &RequestContext, request: GetPlan) -> Result<PlanView> {
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (plan, referral) = plan_for(&mut *tx, ctx, request.id).await?;
            referral_id = Some(referral.id);
            let version = version_of(
                &mut *tx,
                &plan,
                request.version.unwrap_or(plan.newest_version),
            )
            .await?;
            let assessments = assessments_of(&mut *tx, referral.id).await?;
            tx.append_audit(&ctx.audit(AuditAction::PlanGet, referral.id, Outcome::Ok))
                .await?;
            let shown = view(&mut *tx, plan, version, &assessments).await?;
            tx.commit().await?;
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, AuditAction::PlanGet, referral_id, result)
            .await
    }

    /// The plans the caller may see at their newest versions, newest first: one audit
    /// row names every referral whose plan it returned.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list(
        &self,
        ctx: &RequestContext,
        request: ListPlans,
    ) -> Result<Page<PlanView, PlanId>> {
        let result = self.try_list(ctx, request).await;
        ctx.audited(&self.store, AuditAction::PlanList, None::<String>, result)
            .await
    }

    async fn try_list(
        &self,
        ctx: &RequestContext,
        request: ListPlans,
    ) -> Result<Page<PlanView, PlanId>> {
        let station = ctx.caller.own_station().map_err(Error::Invalid)?;
        let scope = match (ctx.caller.role, ctx.caller.worker) {
            (Role::Supervisor, _) => PlanScope::Station(station),
            (_, Some(worker)) => PlanScope::Caseload { station, worker },
            // A social worker's credential always names its worker record.
            (_, None) => {
                return Ok(Page {
                    items: Vec::new(),
                    next_after: None,
                });
            }
        };
        let mut tx = self.store.begin().await?;
        let page = tx
            .list_plans(&scope, request.referral, request.state, request.page)
            .await?;
        let mut items = Vec::with_capacity(page.items.len());
        for (plan, version) in page.items {
            let assessments = assessments_of(&mut *tx, plan.referral).await?;
            items.push(view(&mut *tx, plan, version, &assessments).await?);
        }
        let referrals: Vec<String> = items.iter().map(|v| v.plan.referral.to_string()).collect();
        tx.append_audit(
            &ctx.audit(AuditAction::PlanList, "", Outcome::Ok)
                .about_each(referrals),
        )
        .await?;
        tx.commit().await?;
        Ok(Page {
            items,
            next_after: page.next_after,
        })
    }

    /// Replaces parts of the newest version while it is a draft.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn update(
        &self,
        ctx: &RequestContext,
        request: UpdatePlan,
    ) -> Result<PlanView> {
        let UpdatePlan {
            id,
            etag,
            mask,
            draft,
        } = request;
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (mut plan, referral) = plan_for(&mut *tx, ctx, id).await?;
            referral_id = Some(referral.id);
            etag.check(plan.revision, "plan")?;
            require_open(&referral)?;
            let mut version = version_of(&mut *tx, &plan, plan.newest_version).await?;
            version
                .require(PlanState::Draft, "changed")
                .map_err(Refusal::from)?;
            version.changed_by(&ctx.caller.subject, ctx.caller.worker);
            let in_force = match plan.in_force_version {
                Some(n) => Some(version_of(&mut *tx, &plan, n).await?),
                None => None,
            };
            let mut merged = version.content.to_draft();
            if mask.goals {
                merged.goals = draft.goals;
            }
            if mask.interventions {
                merged.interventions = draft.interventions;
            }
            if mask.review_date {
                merged.review_date = draft.review_date;
            }
            let assessments = assessments_of(&mut *tx, referral.id).await?;
            let problems = problem_ids(&assessments);
            let before: Vec<_> = std::iter::once(&version.content)
                .chain(in_force.as_ref().map(|v| &v.content))
                .collect();
            let cx = DraftContext {
                problems: &problems,
                before: &before,
                now,
            };
            version.content = validated(&mut *tx, &referral, merged, cx).await?;
            plan.revision += 1;
            plan.updated_at = now;
            tx.update_plan_version(&version).await?;
            tx.save_plan(&plan).await?;
            tx.append_audit(&ctx.audit(AuditAction::PlanUpdate, referral.id, Outcome::Ok))
                .await?;
            let shown = view(&mut *tx, plan, version, &assessments).await?;
            tx.commit().await?;
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, AuditAction::PlanUpdate, referral_id, result)
            .await
    }
}
