//! The service plan aggregate's storage: the plan record (pointers to its versions, the
//! work done on it) and each version.

use async_trait::async_trait;
use yishe_domain::plan::{Plan, PlanState, PlanVersion};
use yishe_domain::{Page, PageRequest, PlanId, ReferralId, SocialWorkerId, StationId};

use crate::Result;

/// The result of drafting a plan, idempotent by the station's request id.
#[derive(Debug)]
pub enum PlanInserted {
    Inserted,
    /// The station already used the request id: that plan (at its newest version),
    /// with the fingerprint of the request that made it.
    Existing(Box<(Plan, PlanVersion)>, String),
    /// The referral already has a plan (made by another request): its id.
    ReferralHasPlan(PlanId),
}

/// Which plans a list may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanScope {
    /// Every plan of the station (supervisors).
    Station(StationId),
    /// Plans of the station's referrals assigned to this worker.
    Caseload {
        station: StationId,
        worker: SocialWorkerId,
    },
}

#[async_trait]
pub trait PlanRepo {
    /// Inserts a plan with its first version unless the station used its request id
    /// or the referral has a plan.
    async fn insert_plan(
        &mut self,
        plan: &Plan,
        first: &PlanVersion,
        fingerprint: &str,
    ) -> Result<PlanInserted>;

    async fn get_plan(&mut self, id: PlanId) -> Result<Option<Plan>>;

    async fn get_plan_version(&mut self, id: PlanId, version: u32) -> Result<Option<PlanVersion>>;

    /// Writes the plan record, whose `revision` is one more than the stored one;
    /// `Error::Stale` otherwise.
    async fn save_plan(&mut self, plan: &Plan) -> Result<()>;

    /// Adds a version.
    async fn insert_plan_version(&mut self, version: &PlanVersion) -> Result<()>;

    /// Rewrites a version (its state, its draft content, its decision): always under
    /// a plan record saved in the same transaction, whose revision guards it.
    async fn update_plan_version(&mut self, version: &PlanVersion) -> Result<()>;

    /// The plans `scope` may see, at their newest versions, newest plan first.
    async fn list_plans(
        &mut self,
        scope: &PlanScope,
        referral: Option<ReferralId>,
        state: Option<PlanState>,
        page: PageRequest<PlanId>,
    ) -> Result<Page<(Plan, PlanVersion), PlanId>>;

    // Maintenance hooks (see `SealedPlans`).

    /// Seals up to `limit` plan records and versions not under the current key again.
    async fn reseal_plans(&mut self, limit: u32) -> Result<usize>;

    /// Deletes a referral's plan with its versions.
    async fn delete_plans_of(&mut self, referral: ReferralId) -> Result<()>;
}

/// Plan records seal the work done, versions their goals, interventions and decision,
/// volunteer tasks their texts: casework content, so retention deletes them with the
/// referral's assessments.
pub(crate) struct SealedPlans;

#[async_trait]
impl crate::maintenance::Sealed for SealedPlans {
    fn tables(&self) -> &'static [&'static str] {
        &["service_plans", "service_plan_versions", "volunteer_tasks"]
    }

    async fn reseal(&self, tx: &mut dyn crate::Tx, limit: u32) -> Result<usize> {
        let done = tx.reseal_plans(limit).await?;
        let left = limit.saturating_sub(done as u32);
        Ok(done + tx.reseal_tasks(left).await?)
    }

    async fn forget(
        &self,
        tx: &mut dyn crate::Tx,
        referral: ReferralId,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        // Tasks name their plan: they go first.
        tx.delete_tasks_of(referral).await?;
        tx.delete_plans_of(referral).await
    }
}
