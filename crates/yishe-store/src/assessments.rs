//! The assessment aggregate's storage: assessments with their versions, and the risk
//! flags they raise.

use async_trait::async_trait;
use yishe_domain::assessment::{Assessment, RiskFlag};
use yishe_domain::{
    AssessmentId, Page, PageRequest, ReferralId, RiskFlagId, SocialWorkerId, StationId,
};

use crate::Result;

/// The result of a submission that is idempotent by request id.
#[derive(Debug)]
pub enum Submitted {
    Inserted,
    /// An assessment with the same caller and request id exists: here it is (current
    /// version), with the fingerprint of the submission it came from.
    Existing(Box<Assessment>, String),
}

/// Which risk flags a list may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RiskFlagScope {
    /// Every flag of the station (supervisors).
    Station(StationId),
    /// Flags on the station's referrals assigned to this worker.
    Caseload {
        station: StationId,
        worker: SocialWorkerId,
    },
}

#[async_trait]
pub trait AssessmentRepo {
    /// Inserts version 1 of `assessment`, made at `station` (its referral's), unless
    /// the station already used its request id (whichever of its keys sent it).
    async fn insert_assessment(
        &mut self,
        assessment: &Assessment,
        station: &yishe_domain::StationId,
        fingerprint: &str,
    ) -> Result<Submitted>;

    /// Adds `assessment.version` as the next version; `Error::Stale` when another
    /// amendment got there first.
    async fn add_assessment_version(&mut self, assessment: &Assessment) -> Result<()>;

    /// One assessment at `version`, or at its current version.
    async fn get_assessment(
        &mut self,
        id: AssessmentId,
        version: Option<u32>,
    ) -> Result<Option<Assessment>>;

    /// A referral's assessments at their current versions, newest first.
    async fn list_assessments(
        &mut self,
        referral: ReferralId,
        page: PageRequest<AssessmentId>,
    ) -> Result<Page<Assessment, AssessmentId>>;

    /// Inserts a flag unless the same assessment already raised that kind of risk on
    /// that instrument; returns whether it was inserted.
    async fn insert_risk_flag(&mut self, flag: &RiskFlag) -> Result<bool>;

    async fn get_risk_flag(&mut self, id: RiskFlagId) -> Result<Option<RiskFlag>>;

    /// Writes an acknowledged flag whose `version` is one more than the stored one;
    /// `Error::Stale` otherwise.
    async fn update_risk_flag(&mut self, flag: &RiskFlag) -> Result<()>;

    async fn list_risk_flags(
        &mut self,
        scope: &RiskFlagScope,
        referral: Option<ReferralId>,
        open_only: bool,
        page: PageRequest<RiskFlagId>,
    ) -> Result<Page<RiskFlag, RiskFlagId>>;

    // Maintenance hooks (see `SealedAssessments`).

    /// Seals up to `limit` assessment versions and risk flags not under the current key
    /// again with it. Versions never change otherwise, so a row still under its old key
    /// is the row that was read.
    async fn reseal_assessments(&mut self, limit: u32) -> Result<usize>;

    /// Deletes a referral's assessments, their versions and its risk flags.
    async fn delete_assessments_of(&mut self, referral: ReferralId) -> Result<()>;
}

/// Assessment versions seal their content and reasons, risk flags their notes; they are
/// clinical content through and through, so retention deletes them.
pub(crate) struct SealedAssessments;

#[async_trait]
impl crate::maintenance::Sealed for SealedAssessments {
    fn tables(&self) -> &'static [&'static str] {
        &["assessment_versions", "risk_flags"]
    }

    async fn reseal(&self, tx: &mut dyn crate::Tx, limit: u32) -> Result<usize> {
        tx.reseal_assessments(limit).await
    }

    async fn forget(
        &self,
        tx: &mut dyn crate::Tx,
        referral: ReferralId,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        tx.delete_assessments_of(referral).await
    }
}
