//! The feed relay's role: moving committed outbox events into the ordered, gap-free
//! feed, reading the feed, and hearing when it moved.

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

    /// The sequence of the newest event in the feed; 0 while it is empty.
    async fn feed_head(&self) -> Result<u64>;

    /// Removes up to `limit` of the oldest events, those before the first relayed at
    /// or after `before` (a prefix: the feed kept has no holes), never the newest;
    /// returns how many. A watcher whose cursor falls before what is left is
    /// told its cursor expired.
    async fn prune_feed(&self, before: chrono::DateTime<chrono::Utc>, limit: u32) -> Result<usize>;

    /// The sequences of the oldest and the newest event the feed keeps; 0 and 0 while
    /// it is empty.
    async fn feed_bounds(&self) -> Result<(u64, u64)>;

    /// Changes when the feed may have moved: at once when this process's relay moved
    /// events, and on PostgreSQL when any process's relay did (one NOTIFY per relay
    /// batch, heard on a connection of its own, which starts with the first call).
    /// Processes sharing a SQLite file are not told of each other's moves: their
    /// readers also look now and then.
    fn feed_moved(&self) -> tokio::sync::watch::Receiver<u64>;

    /// Whether this process's relay held the relay lock on its last run (always, on
    /// an engine without one): the work that follows the relay, such as publishing
    /// the feed to an event stream, is then this process's to do.
    fn leads_relay(&self) -> bool;

    /// The sequence of the last feed event `stream` acknowledged; 0 before the first.
    async fn stream_cursor(&self, stream: &str) -> Result<u64>;

    /// Moves `stream`'s cursor from `from` to `to`, durably; false (and nothing
    /// changed) when the cursor no longer stands at `from` because another relay
    /// moved it meanwhile.
    async fn advance_stream_cursor(&self, stream: &str, from: u64, to: u64) -> Result<bool>;
}
