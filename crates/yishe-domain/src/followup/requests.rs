//! What callers ask of the follow-up service, parsed.

use chrono::{DateTime, Utc};

use crate::followup::{AttemptDraft, ContactDraft, FollowUpDraft, FollowUpOutcome, FollowUpState};
use crate::{
    AssessmentId, ContactId, Etag, FollowUpId, PageLimits, PageRequest, ReferralId, SocialWorkerId,
};

/// The default and the largest page of ListContacts.
pub const CONTACT_PAGE: PageLimits = PageLimits {
    default: 50,
    max: 500,
};

/// The default and the largest page of ListFollowUps.
pub const FOLLOW_UP_PAGE: PageLimits = PageLimits {
    default: 50,
    max: 500,
};

/// Record a contact of a referral, idempotently by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordContact {
    pub referral: ReferralId,
    pub request_id: String,
    pub draft: ContactDraft,
}

/// A referral's contacts, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListContacts {
    pub referral: ReferralId,
    pub page: PageRequest<ContactId>,
}

/// Schedule a follow-up of a referral, idempotently by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleFollowUp {
    pub referral: ReferralId,
    pub request_id: String,
    pub draft: FollowUpDraft,
}

/// Where a list of follow-ups (soonest due first) continues: the due time and id of
/// the last one returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePosition {
    pub due_at: DateTime<Utc>,
    pub id: FollowUpId,
}

impl DuePosition {
    /// `<microseconds since the epoch>.<id>`, as `Display` writes it.
    pub fn parse(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('.')?;
        let due_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Self {
            due_at,
            id: FollowUpId::parse(id)?,
        })
    }
}

impl std::fmt::Display for DuePosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.due_at.timestamp_micros(), self.id)
    }
}

/// Which follow-ups a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub state: Option<FollowUpState>,
    pub assignee: Option<SocialWorkerId>,
    pub due_before: Option<DateTime<Utc>>,
    pub overdue_only: bool,
    pub escalated_only: bool,
    pub referral: Option<ReferralId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFollowUps {
    pub filter: FollowUpFilter,
    pub page: PageRequest<DuePosition>,
}

/// What a caller does to a follow-up read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpStep {
    Reschedule {
        due_at: DateTime<Utc>,
        reason: String,
    },
    Attempt(AttemptDraft),
    Complete {
        outcome: Option<FollowUpOutcome>,
        note: String,
        assessment: Option<AssessmentId>,
    },
    Cancel {
        reason: String,
    },
}

/// A step on one follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFollowUp {
    pub id: FollowUpId,
    pub etag: Etag,
    pub step: FollowUpStep,
}
