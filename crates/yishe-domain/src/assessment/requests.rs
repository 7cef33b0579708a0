//! What callers ask of the assessment service, parsed: ids, etags and page positions
//! typed; the content of a submission stays a draft that the domain validates and
//! scores.

use crate::assessment::AssessmentDraft;
use crate::{AssessmentId, Etag, PageLimits, PageRequest, ReferralId, RiskFlagId};

/// The default and the largest page of ListAssessments.
pub const ASSESSMENT_PAGE: PageLimits = PageLimits {
    default: 20,
    max: 100,
};

/// The default and the largest page of ListRiskFlags.
pub const RISK_FLAG_PAGE: PageLimits = PageLimits {
    default: 50,
    max: 500,
};

/// Record an assessment of a referral, idempotently by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitAssessment {
    pub referral: ReferralId,
    pub request_id: String,
    pub draft: AssessmentDraft,
}

/// Correct an assessment read at `etag`: its next version, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendAssessment {
    pub id: AssessmentId,
    pub etag: Etag,
    pub reason: String,
    pub draft: AssessmentDraft,
}

/// Read an assessment at its current version, or at `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetAssessment {
    pub id: AssessmentId,
    pub version: Option<u32>,
}

/// A referral's assessments, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListAssessments {
    pub referral: ReferralId,
    pub page: PageRequest<AssessmentId>,
}

/// The risk flags the caller may see, of one referral or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRiskFlags {
    pub referral: Option<ReferralId>,
    pub open_only: bool,
    pub page: PageRequest<RiskFlagId>,
}

/// A supervisor closes a flag read at `etag`, saying what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcknowledgeRiskFlag {
    pub id: RiskFlagId,
    pub etag: Etag,
    pub note: String,
}
