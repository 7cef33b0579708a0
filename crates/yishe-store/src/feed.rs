//! The feed relay's role: moving committed outbox events into the ordered, gap-free
//! feed, and reading the feed.

use async_trait::async_trait;
use yishe_domain::referral::ReferralEvent;

use crate::Result;

#[async_trait]
pub trait FeedRelay: Send + Sync + std::fmt::Debug {
    /// Notified when a transaction of this process commits feed events, so the relay
    /// moves them at once (relays of other processes poll).
    fn events_committed(&self) -> &tokio::sync::Notify;

    /// Moves up to `limit` committed outbox events into the feed, in the order they
    /// became visible, giving each the next sequence. Only one relay works at a time
    /// (on PostgreSQL, the holder of an advisory lock); returns how many it moved, or
    /// 0 when another relay holds the lock.
    async fn relay_events(&self, limit: u32) -> Result<usize>;

    /// Feed events with a sequence greater than `after`, in order.
    async fn feed_after(&self, after: u64, limit: u32) -> Result<Vec<ReferralEvent>>;
}
