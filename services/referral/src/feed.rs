//! The feed: a relay task moves committed outbox events into the ordered feed, and
//! each watcher tails the feed from its cursor. Watchers wake when the relay moves
//! events (an in-process signal), and poll now and then for events another process's
//! relay moved.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use yishe_domain::Caller;
use yishe_domain::referral::{ReferralEvent, can_see};
use yishe_runtime::Shutdown;
use yishe_store::FeedRelay;

use crate::error::Error;
use crate::metrics::ReferralMetrics;

const RELAY_BATCH: u32 = 500;
const READ_BATCH: u32 = 200;
/// How often the relay looks for events without being woken (commits made by other
/// processes sharing a PostgreSQL database).
const RELAY_POLL: Duration = Duration::from_millis(250);
/// How often a watcher looks at the feed even without a signal.
const WATCH_POLL: Duration = Duration::from_secs(1);

/// The relay's side: woken by the store when this process commits events, it
/// announces progress to watchers.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    store: Arc<dyn FeedRelay>,
    moved: watch::Receiver<u64>,
    moved_tx: Arc<watch::Sender<u64>>,
    shutdown: Shutdown,
}

impl Feed {
    pub(crate) fn new(store: Arc<dyn FeedRelay>, shutdown: Shutdown) -> Self {
        let (moved_tx, moved) = watch::channel(0);
        Self {
            store,
            moved,
            moved_tx: Arc::new(moved_tx),
            shutdown,
        }
    }

    /// Runs the relay until shutdown.
    pub(crate) async fn run_relay(self, metrics: ReferralMetrics) {
        loop {
            match self.store.relay_events(RELAY_BATCH).await {
                Ok(0) => {}
                Ok(n) => {
                    metrics.relayed(n);
                    self.moved_tx.send_modify(|count| *count += n as u64);
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

    /// A stream of the events `caller` may see, after `after`, until the client goes
    /// away or the server shuts down.
    pub(crate) fn watch(
        &self,
        caller: Caller,
        after: u64,
    ) -> ReceiverStream<Result<ReferralEvent, Error>> {
        let (sender, receiver) = mpsc::channel(64);
        let feed = self.clone();
        tokio::spawn(async move { feed.tail(caller, after, sender).await });
        ReceiverStream::new(receiver)
    }

    async fn tail(
        self,
        caller: Caller,
        mut cursor: u64,
        sender: mpsc::Sender<Result<ReferralEvent, Error>>,
    ) {
        let mut moved = self.moved.clone();
        loop {
            let batch = match self.store.feed_after(cursor, READ_BATCH).await {
                Ok(batch) => batch,
                Err(error) => {
                    let _ = sender.send(Err(Error::Store(error))).await;
                    return;
                }
            };
            let full = batch.len() == READ_BATCH as usize;
            for event in batch {
                cursor = event.sequence.unwrap_or(cursor);
                if can_see(&caller, event.scope()) && sender.send(Ok(event)).await.is_err() {
                    return; // the client went away
                }
            }
            if full {
                continue;
            }
            tokio::select! {
                _ = moved.changed() => {}
                _ = tokio::time::sleep(WATCH_POLL) => {}
                _ = sender.closed() => return,
                _ = self.shutdown.wait() => return,
            }
        }
    }
}
