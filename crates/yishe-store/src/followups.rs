//! Contacts and follow-ups: recorded idempotently by the station's request id, listed
//! for a referral or a worker's due list, and what the overdue watch looks for.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::followup::{Contact, DuePosition, FollowUp, FollowUpFilter};
use yishe_domain::{ContactId, Page, PageRequest, ReferralId, SocialWorkerId, StationId};

use crate::Result;

/// The result of an idempotent record.
#[derive(Debug)]
pub enum Recorded<T> {
    Inserted,
    /// The station already used the request id: what it recorded, with the
    /// fingerprint of that request.
    Existing(Box<T>, String),
}

/// Which follow-ups a list may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpScope {
    /// Every follow-up of the station (supervisors).
    Station(StationId),
    /// Those of the station's referrals assigned to this worker.
    Caseload {
        station: StationId,
        worker: SocialWorkerId,
    },
}

#[async_trait]
pub trait FollowUpRepo {
    async fn insert_contact(
        &mut self,
        contact: &Contact,
        fingerprint: &str,
    ) -> Result<Recorded<Contact>>;

    /// A referral's contacts, newest first.
    async fn list_contacts(
        &mut self,
        referral: ReferralId,
        page: PageRequest<ContactId>,
    ) -> Result<Page<Contact, ContactId>>;

    /// The contacts of a referral that shared a note with the department, newest
    /// first, at most `limit`.
    async fn shared_contacts(&mut self, referral: ReferralId, limit: u32) -> Result<Vec<Contact>>;

    async fn insert_follow_up(
        &mut self,
        follow_up: &FollowUp,
        fingerprint: &str,
    ) -> Result<Recorded<FollowUp>>;

    async fn get_follow_up(&mut self, id: yishe_domain::FollowUpId) -> Result<Option<FollowUp>>;

    /// Writes a follow-up whose `version` is one more than the stored one;
    /// `Error::Stale` otherwise.
    async fn save_follow_up(&mut self, follow_up: &FollowUp) -> Result<()>;

    /// Follow-ups `scope` may see that `filter` asks for, soonest due first.
    async fn list_follow_ups(
        &mut self,
        scope: &FollowUpScope,
        filter: &FollowUpFilter,
        page: PageRequest<DuePosition>,
    ) -> Result<Page<FollowUp, DuePosition>>;

    /// The follow-ups still SCHEDULED for `worker`, soonest due first.
    async fn scheduled_follow_ups_for(&mut self, worker: SocialWorkerId) -> Result<Vec<FollowUp>>;

    /// A referral's follow-ups still SCHEDULED, soonest due first.
    async fn scheduled_follow_ups_of(&mut self, referral: ReferralId) -> Result<Vec<FollowUp>>;

    /// Up to `limit` scheduled follow-ups the overdue watch must look at now: past
    /// their grace period and not yet overdue, or overdue and due for escalation.
    async fn follow_ups_to_mark(&mut self, now: DateTime<Utc>, limit: u32)
    -> Result<Vec<FollowUp>>;

    // Maintenance hooks (see `SealedFollowUps`).

    async fn reseal_followups(&mut self, limit: u32) -> Result<usize>;

    async fn delete_followups_of(&mut self, referral: ReferralId) -> Result<()>;
}

/// Contacts seal who took part and what happened; follow-ups their notes and
/// attempts: casework content, deleted with the referral's assessments.
pub(crate) struct SealedFollowUps;

#[async_trait]
impl crate::maintenance::Sealed for SealedFollowUps {
    fn tables(&self) -> &'static [&'static str] {
        &["contacts", "follow_ups"]
    }

    async fn reseal(&self, tx: &mut dyn crate::Tx, limit: u32) -> Result<usize> {
        tx.reseal_followups(limit).await
    }

    async fn forget(
        &self,
        tx: &mut dyn crate::Tx,
        referral: ReferralId,
        _now: DateTime<Utc>,
    ) -> Result<()> {
        tx.delete_followups_of(referral).await
    }
}
