//! What the station already knows of a patient when one of their referrals is read:
//! their other referrals at the station that are open, ended within the history
//! period, or carry a risk flag raised in it (found by the keyed hash of the HIS
//! patient id). Shown to the station only, never to the department; a second open
//! referral for a shared reason is marked a possible duplicate for the station to
//! decide (rejecting it as DUPLICATE, or working both).

use chrono::{DateTime, Utc};

use crate::referral::{Referral, ReferralReason, Status};
use crate::{ReferralId, SocialWorkerId};

/// Another referral of the same patient, as the station sees it beside this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub referral: ReferralId,
    pub status: Status,
    pub reasons: Vec<ReferralReason>,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Risk flags on it not yet acknowledged.
    pub open_risk_flags: u32,
    /// Risk flags raised on it within the history period, acknowledged or not.
    pub recent_risk_flags: u32,
    /// Open, and for a reason this referral has too.
    pub possible_duplicate: bool,
    /// Who works it: a social worker sees only the entries they could open (their own
    /// and the unassigned), as with referrals themselves.
    pub assigned_worker: Option<SocialWorkerId>,
}

impl HistoryEntry {
    /// Marks the entry a possible duplicate of `referral`: both open, a reason shared.
    pub fn compared_with(self, referral: &Referral) -> Self {
        self.compared_with_one(referral.status, &referral.reasons)
    }

    fn compared_with_one(mut self, status: Status, reasons: &[ReferralReason]) -> Self {
        self.possible_duplicate = !self.status.is_terminal()
            && !status.is_terminal()
            && self.reasons.iter().any(|r| reasons.contains(r));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: Status, reasons: Vec<ReferralReason>) -> HistoryEntry {
        HistoryEntry {
            referral: ReferralId::new(),
            status,
            reasons,
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            ended_at: None,
            open_risk_flags: 0,
            recent_risk_flags: 0,
            possible_duplicate: false,
            assigned_worker: None,
        }
    }

    #[test]
    fn an_open_referral_for_a_shared_reason_is_a_possible_duplicate() {
        let reasons = [
            ReferralReason::FinancialHardship,
            ReferralReason::EndOfLifeCare,
        ];
        let compare =
            |e: HistoryEntry, status| e.compared_with_one(status, &reasons).possible_duplicate;
        let same = || entry(Status::Accepted, vec![ReferralReason::EndOfLifeCare]);
        assert!(compare(same(), Status::Requested));
        assert!(!compare(same(), Status::Cancelled), "this one ended");
        let other_reason = entry(Status::Requested, vec![ReferralReason::SocialIsolation]);
        assert!(!compare(other_reason, Status::Requested));
        let closed = entry(Status::Completed, vec![ReferralReason::EndOfLifeCare]);
        assert!(!compare(closed, Status::Requested));
    }
}
