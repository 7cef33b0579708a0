//! The referral aggregate's storage.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::ReferralId;
use yishe_domain::referral::{ListFilter, ListScope, Referral};

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

/// One page of a list, newest first.
#[derive(Debug)]
pub struct ReferralPage {
    pub referrals: Vec<Referral>,
    /// The last id of this page, when more may follow.
    pub next_after: Option<ReferralId>,
}

#[async_trait]
pub trait ReferralRepo {
    async fn get_referral(&mut self, id: ReferralId) -> Result<Option<Referral>>;

    /// Inserts `referral` unless its (created_by, request_id) exists; concurrent
    /// replays wait for the first to commit and then see it.
    async fn insert_referral(&mut self, referral: &Referral, fingerprint: &str) -> Result<Created>;

    /// Writes the changed referral, whose `version` is one more than the stored one;
    /// `Error::Stale` when the stored version moved on.
    async fn update_referral(&mut self, referral: &Referral) -> Result<()>;

    async fn list_referrals(
        &mut self,
        scope: &ListScope,
        filter: &ListFilter,
        after: Option<ReferralId>,
        limit: u32,
    ) -> Result<ReferralPage>;

    /// REQUESTED referrals past their deadline that are not yet marked breached.
    async fn overdue_referrals(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Referral>>;
}
