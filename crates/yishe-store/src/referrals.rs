//! The referral aggregate's storage.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::referral::{
    EventType, ListFilter, ListOrder, ListPosition, ListScope, Referral, ReferralEvent,
};
use yishe_domain::{Page, PageRequest, ReferralId};

use crate::Result;

/// The result of an insert that is idempotent by request id.
#[derive(Debug)]
pub enum Created {
    /// The referral is new.
    Inserted,
    /// A referral with the same caller and request id exists: here it is, with the
    /// fingerprint of the payload it was created from.
    Existing(Box<Referral>, String),
}

/// What `create_referral` did.
#[derive(Debug)]
pub enum CreateOutcome {
    /// The referral is new, with its event and audit row.
    Created,
    /// The same caller sent the same payload under the same request id again: here is
    /// the referral the first request made; the replay is in the audit log
    /// (`referral.create.replay`) in this transaction.
    Replayed(Box<Referral>),
    /// The caller reused the request id for another payload: here is the referral it
    /// first named. Nothing was written.
    RequestIdReused(Box<Referral>),
}

#[async_trait]
pub trait ReferralRepo {
    async fn get_referral(&mut self, id: ReferralId) -> Result<Option<Referral>>;

    /// Holds the referral's row until the transaction ends (on PostgreSQL; SQLite's
    /// single writer holds everything already): the writes that must not pass a
    /// closure's checks (a volunteer task, a plan version) and the closure itself take
    /// it first, so one waits for the other and then sees what it did.
    async fn lock_referral(&mut self, id: ReferralId) -> Result<()>;

    /// The open cases (accepted, in progress, on hold) assigned to `worker`, oldest
    /// first.
    async fn open_referrals_of_worker(
        &mut self,
        worker: yishe_domain::SocialWorkerId,
    ) -> Result<Vec<Referral>>;

    /// Inserts `referral` unless its hospital's `request_id` exists (whichever key sent
    /// it); concurrent
    /// replays wait for the first to commit and then see it.
    async fn insert_referral(&mut self, referral: &Referral, fingerprint: &str) -> Result<Created>;

    /// Inserts `referral` as `insert_referral` does and, only if it is new, its CREATED
    /// `event` and the `audit` row of its creation: in one round trip where the engine
    /// allows, since this is the busiest write there is. The audit row names the
    /// referral alone (it has no `resources`). A replay of the same payload
    /// (`fingerprint`) audits the replay instead (in the same round trip on PostgreSQL,
    /// so a resend costs no more than a create).
    async fn create_referral(
        &mut self,
        referral: &Referral,
        fingerprint: &str,
        event: &ReferralEvent,
        audit: &crate::AuditEntry,
    ) -> Result<CreateOutcome>;

    /// Saves a referral changed by `Referral::apply` and appends the events the changes
    /// caused, describing it as saved. Moves its version on by one; `Error::Stale`
    /// when the stored version moved on since it was read.
    async fn save_referral(&mut self, referral: &mut Referral, events: &[EventType]) -> Result<()>;

    /// REQUESTED referrals past their deadline that are not yet marked breached.
    async fn overdue_referrals(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Referral>>;

    // Maintenance hooks (see `SealedReferrals`).

    /// Seals up to `limit` referrals not under the current key again with it. Only
    /// the sealed columns change, not the version: nothing a caller sees changed.
    async fn reseal_referrals(&mut self, limit: u32) -> Result<usize>;

    /// Up to `limit` referrals in a final status, last changed before `closed_before`
    /// and not yet purged.
    async fn expired_referrals(
        &mut self,
        closed_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReferralId>>;

    /// Removes a referral's patient details, consent and notes, keeping what the
    /// statistics need, and marks it purged at `now`.
    async fn anonymise_referral(&mut self, id: ReferralId, now: DateTime<Utc>) -> Result<()>;
}

/// Referrals seal the patient, consent and notes; retention anonymises them.
pub(crate) struct SealedReferrals;

#[async_trait]
impl crate::maintenance::Sealed for SealedReferrals {
    fn tables(&self) -> &'static [&'static str] {
        &["referrals"]
    }

    async fn reseal(&self, tx: &mut dyn crate::Tx, limit: u32) -> Result<usize> {
        tx.reseal_referrals(limit).await
    }

    async fn forget(
        &self,
        tx: &mut dyn crate::Tx,
        referral: ReferralId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        tx.anonymise_referral(referral, now).await
    }
}

/// Referrals read as committed, outside any write transaction: a list read this way
/// does not hold the writer while it reads (on SQLite every other write would wait).
#[async_trait]
pub trait ReferralReads: Send + Sync + std::fmt::Debug {
    /// What `scope` may see and `filter` asks for, in `order`, as committed.
    async fn list_committed_referrals(
        &self,
        scope: &ListScope,
        filter: &ListFilter,
        page: PageRequest<ListPosition>,
        order: ListOrder,
    ) -> Result<Page<Referral, ListPosition>>;

    /// The station's other referrals of `referral`'s patient (by the keyed hash of the
    /// HIS patient id, in the same hospital) that are open, ended since `since`, or
    /// had a risk flag raised since `since`; newest first, at most `HISTORY_LIMIT`.
    async fn patient_history(
        &self,
        referral: &Referral,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<yishe_domain::referral::HistoryEntry>>;
}

/// The most history entries read beside one referral.
pub const HISTORY_LIMIT: u32 = 50;
