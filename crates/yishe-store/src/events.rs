//! The outbox side of the referral feed: events appended in the change's transaction.

use async_trait::async_trait;
use yishe_domain::referral::ReferralEvent;

use crate::Result;

#[async_trait]
pub trait EventLog {
    /// Appends an event to the outbox; the relay moves it into the feed once committed.
    async fn append_event(&mut self, event: &ReferralEvent) -> Result<()>;
}
