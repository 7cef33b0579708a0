//! The referral aggregate's storage.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::referral::{EventType, ListFilter, ListScope, Referral};
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

#[async_trait]
pub trait ReferralRepo {
    async fn get_referral(&mut self, id: ReferralId) -> Result<Option<Referral>>;

    /// Inserts `referral` unless its (created_by, request_id) exists; concurrent
    /// replays wait for the first to commit and then see it.
    async fn insert_referral(&mut self, referral: &Referral, fingerprint: &str) -> Result<Created>;

    /// Saves a referral changed by `Referral::apply` and appends the events the changes
    /// caused, describing it as saved. Moves its version on by one; `Error::Stale`
    /// when the stored version moved on since it was read.
    async fn save_referral(&mut self, referral: &mut Referral, events: &[EventType]) -> Result<()>;

    /// What `scope` may see and `filter` asks for, newest first.
    async fn list_referrals(
        &mut self,
        scope: &ListScope,
        filter: &ListFilter,
        page: PageRequest<ReferralId>,
    ) -> Result<Page<Referral, ReferralId>>;

    /// REQUESTED referrals past their deadline that are not yet marked breached.
    async fn overdue_referrals(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Referral>>;
}
