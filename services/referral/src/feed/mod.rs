//! The feed: a relay task moves committed outbox events into the ordered feed; one
//! reader per process keeps the newest events in memory (the tail), woken when a
//! relay anywhere moved events; each watcher reads the tail, and the database (a few
//! watchers at a time) only while it is behind the tail. Delivery then costs what the
//! events a watcher may see cost, not a query per watcher per commit.

mod reader;
mod stream;
mod tail;
mod watcher;

pub(crate) use stream::Publisher;
pub use stream::StreamTarget;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use yishe_domain::referral::{ReferralEvent, WatchEvents};
use yishe_domain::{Caller, Clock};
use yishe_runtime::Shutdown;
use yishe_store::FeedRelay;

use crate::error::Error;
use crate::metrics::ReferralMetrics;
use tail::Tail;

const RELAY_BATCH: u32 = 500;
/// How often the relay looks for events without being woken (commits made by other
/// processes sharing a PostgreSQL database).
const RELAY_POLL: Duration = Duration::from_millis(250);
/// Watchers reading the database at once while behind the tail: the rest wait, so
/// that a crowd reconnecting after a restart cannot take the connections writers need.
const CATCHING_UP_AT_ONCE: usize = 2;

/// The feed of one process: its relay, its tail, and the watchers reading them.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    store: Arc<dyn FeedRelay>,
    tail: Arc<Tail>,
    catching_up: Arc<Semaphore>,
    /// How long a watcher may stay silent before it sends a checkpoint.
    checkpoint_interval: Duration,
    metrics: ReferralMetrics,
    clock: Arc<dyn Clock>,
    shutdown: Shutdown,
}

/// What a watcher's stream carries.
#[derive(Debug)]
pub(crate) enum Item {
    /// An event, shared with every other watcher.
    Event(Arc<ReferralEvent>),
    /// The watcher's cursor, sent while it has nothing to deliver.
    Checkpoint(u64),
}

pub(crate) type Delivery = Result<Item, Error>;

impl Feed {
    /// A feed whose tail keeps the newest `tail_events` events and whose watchers
    /// send a checkpoint after `checkpoint_interval` without anything to deliver; its
    /// lag is measured on `clock`.
    pub(crate) fn new(
        store: Arc<dyn FeedRelay>,
        tail_events: usize,
        checkpoint_interval: Duration,
        (metrics, clock): (ReferralMetrics, Arc<dyn Clock>),
        shutdown: Shutdown,
    ) -> Self {
        Self {
            store,
            tail: Arc::new(Tail::new(tail_events)),
            catching_up: Arc::new(Semaphore::new(CATCHING_UP_AT_ONCE)),
            checkpoint_interval,
            metrics,
            clock,
            shutdown,
        }
    }

    /// Runs the relay until shutdown. The store announces each batch it moves.
    pub(crate) async fn run_relay(self) {
        loop {
            match self.store.relay_events(RELAY_BATCH).await {
                Ok(0) => {}
                Ok(n) => {
                    self.metrics.relayed(n);
                    // More may be waiting: go again at once.
                    continue;
                }
                Err(error) => tracing::warn!(%error, "feed relay failed; retrying"),
            }
            tokio::select! {
                _ = self.store.events_committed().notified() => {}
                _ = tokio::time::sleep(RELAY_POLL) => {}
                _ = self.shutdown.wait() => return,
            }
        }
    }

    /// Runs the process's one reader of the feed, which fills the tail, until
    /// shutdown.
    pub(crate) async fn run_reader(self) {
        reader::run(
            self.store,
            self.tail,
            (self.metrics, self.clock),
            self.shutdown,
        )
        .await
    }

    /// A stream of the events `caller` may see that pass the watch's filters, from
    /// where it starts, with checkpoints while idle, until the client goes away (and
    /// the stream is dropped) or the server shuts down.
    pub(crate) fn watch(
        &self,
        caller: Caller,
        watch: WatchEvents,
    ) -> impl futures_util::Stream<Item = Delivery> + Send + 'static {
        let watcher = watcher::Watcher::new(self.clone(), caller, watch);
        futures_util::stream::unfold(watcher, |mut watcher| async move {
            let delivery = watcher.next().await?;
            Some((delivery, watcher))
        })
    }
}
