//! What callers ask of the plan service, parsed: ids, etags, filters and page
//! positions typed; the content of a plan stays a draft that the domain validates.

use crate::plan::{GoalProgressDraft, InterventionMove, PlanDraft, PlanState};
use crate::{Etag, PageLimits, PageRequest, PlanId, ReferralId};

/// The default and the largest page of ListPlans.
pub const PLAN_PAGE: PageLimits = PageLimits {
    default: 50,
    max: 500,
};

/// Draft a referral's plan, idempotently by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePlan {
    pub referral: ReferralId,
    pub request_id: String,
    pub draft: PlanDraft,
}

/// Read a plan at `version`, or at its newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetPlan {
    pub id: PlanId,
    pub version: Option<u32>,
}

/// The plans the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPlans {
    pub referral: Option<ReferralId>,
    pub state: Option<PlanState>,
    pub page: PageRequest<PlanId>,
}

/// Which parts of a draft an update replaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanMask {
    pub goals: bool,
    pub interventions: bool,
    pub review_date: bool,
}

/// Change the newest version, a draft, read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePlan {
    pub id: PlanId,
    pub etag: Etag,
    pub mask: PlanMask,
    pub draft: PlanDraft,
}

/// What a supervisor or the author does to the newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanStep {
    Submit,
    Approve { note: String },
    Return { note: String },
    Revise { reason: String },
}

/// A step on a plan read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepPlan {
    pub id: PlanId,
    pub etag: Etag,
    pub step: PlanStep,
}

/// Work on the version in force, read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanWork {
    Intervention(InterventionMove),
    Progress(GoalProgressDraft),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOnPlan {
    pub id: PlanId,
    pub etag: Etag,
    pub work: PlanWork,
}
