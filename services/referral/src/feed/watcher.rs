//! One watcher: the events its caller may see after its cursor that pass its filters,
//! read from the tail, or from the database while the tail no longer (or not yet)
//! holds them; a checkpoint with its cursor whenever it has had nothing to deliver for
//! a while. It is the response stream itself, polled by the connection: no task or
//! channel of its own between the tail and the client.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::time::Instant;
use yishe_domain::Caller;
use yishe_domain::referral::{FeedStart, ReferralEvent, WatchEvents, can_see_event};

use super::tail::Read;
use super::{Delivery, Feed, Item};
use crate::error::{Error, Refusal};
use crate::metrics::Watching;

/// Events taken from the tail at a time (the tail's lock is held meanwhile).
const TAIL_READ: usize = 256;
/// Events read from the database at a time while behind.
const DATABASE_READ: u32 = 200;

pub(super) struct Watcher {
    feed: Feed,
    caller: Caller,
    watch: WatchEvents,
    /// The sequence of the last event passed (delivered, or not for this watch);
    /// `None` until the start was resolved against the feed.
    cursor: Option<u64>,
    /// Changes when the tail moves.
    moved: watch::Receiver<u64>,
    /// Events read and not yet passed.
    ready: VecDeque<Arc<ReferralEvent>>,
    /// When the watch last sent anything: a checkpoint is due an interval later.
    last_sent: Instant,
    /// A checkpoint to send before anything else (a watch started "now").
    checkpoint_first: bool,
    /// An error was delivered: the stream ends.
    failed: bool,
    /// Counts this stream among the process's watchers while it lives.
    _counted: Watching,
}

impl Watcher {
    pub(super) fn new(feed: Feed, caller: Caller, watch: WatchEvents) -> Self {
        let moved = feed.tail.subscribe();
        let counted = feed.metrics.watching();
        Self {
            feed,
            caller,
            watch,
            cursor: None,
            moved,
            ready: VecDeque::new(),
            last_sent: Instant::now(),
            checkpoint_first: false,
            failed: false,
            _counted: counted,
        }
    }

    /// The next event or checkpoint; a refusal when the start is out of the feed's
    /// range; UNAVAILABLE once when the server shuts down (so a client can tell a
    /// shutdown from the end of the feed, and reconnects from its last position), then
    /// `None`; `None` after any error delivered.
    pub(super) async fn next(&mut self) -> Option<Delivery> {
        if self.failed {
            return None;
        }
        let mut cursor = match self.cursor {
            Some(cursor) => cursor,
            None => match self.start().await {
                Ok(cursor) => cursor,
                Err(error) => return self.fail(error),
            },
        };
        if std::mem::take(&mut self.checkpoint_first) {
            return Some(Ok(self.checkpoint(cursor)));
        }
        loop {
            while let Some(event) = self.ready.pop_front() {
                cursor = event.sequence.unwrap_or(cursor);
                self.cursor = Some(cursor);
                if can_see_event(&self.caller, &event) && self.watch.wants(&event) {
                    let event = match self.as_stored(event).await {
                        Ok(event) => event,
                        Err(error) => return self.fail(Error::Store(error)),
                    };
                    self.last_sent = Instant::now();
                    return Some(Ok(Item::Event(event)));
                }
            }
            // Busy with events this watch skips: its position still goes out in time.
            if Instant::now() >= self.checkpoint_due() {
                return Some(Ok(self.checkpoint(cursor)));
            }
            // Marked seen before reading, so a push during the read wakes us.
            self.moved.borrow_and_update();
            match self.feed.tail.read(cursor, TAIL_READ) {
                Read::Events(events) => self.ready.extend(events),
                Read::UpToDate => match self.wait_for_the_tail().await {
                    Waited::Moved => {}
                    Waited::Idle => return Some(Ok(self.checkpoint(cursor))),
                    Waited::ShuttingDown => return self.fail(Refusal::ShuttingDown.into()),
                },
                Read::Behind => {
                    let read = {
                        let _turn = self.feed.catching_up.acquire().await;
                        self.feed.store.feed_after(cursor, DATABASE_READ).await
                    };
                    match read {
                        // At the database's head, and the tail is not there yet
                        // (starting, or its reader behind): wait for it.
                        Ok(batch) if batch.is_empty() => match self.wait_for_the_tail().await {
                            Waited::Moved => {}
                            Waited::Idle => return Some(Ok(self.checkpoint(cursor))),
                            Waited::ShuttingDown => {
                                return self.fail(Refusal::ShuttingDown.into());
                            }
                        },
                        // The feed has no gaps: one means events were removed by
                        // retention while this watcher was behind them.
                        Ok(batch) => match first_gap(cursor, &batch) {
                            Some(oldest) => {
                                return self.fail(Refusal::CursorExpired { oldest }.into());
                            }
                            None => self.ready.extend(batch.into_iter().map(Arc::new)),
                        },
                        Err(error) => return self.fail(Error::Store(error)),
                    }
                }
            }
        }
    }

    /// A closing event as the database holds it now, not as the tail remembers it: the
    /// summary it carries is erased with the patient's details (a read per closing
    /// event delivered, which are few).
    async fn as_stored(
        &self,
        event: Arc<ReferralEvent>,
    ) -> Result<Arc<ReferralEvent>, yishe_store::Error> {
        let (Some(sequence), Some(_)) = (event.sequence, event.closure.as_ref()) else {
            return Ok(event);
        };
        let stored = self.feed.store.feed_after(sequence - 1, 1).await?;
        Ok(match stored.into_iter().next() {
            Some(stored) if stored.id == event.id => Arc::new(stored),
            // Pruned meanwhile: nothing of it is said.
            _ => {
                let mut blank = (*event).clone();
                if let Some(notice) = blank.closure.as_mut() {
                    notice.summary.clear();
                }
                Arc::new(blank)
            }
        })
    }

    /// Where the watch starts, checked against what the feed holds.
    async fn start(&mut self) -> Result<u64, Error> {
        let cursor = match self.watch.start {
            // The oldest event kept: retention may have removed the first ones.
            FeedStart::Beginning | FeedStart::After(0) => {
                let (oldest, _) = self.feed.store.feed_bounds().await?;
                oldest.saturating_sub(1)
            }
            FeedStart::Now => {
                self.checkpoint_first = true;
                self.feed.store.feed_head().await?
            }
            FeedStart::After(after) => {
                let (oldest, head) = self.feed.store.feed_bounds().await?;
                if after > head {
                    return Err(Refusal::CursorAheadOfFeed { head }.into());
                }
                // Events right after the cursor were removed: what the client missed
                // cannot be told, so it must resynchronise.
                if oldest > after + 1 {
                    return Err(Refusal::CursorExpired { oldest }.into());
                }
                after
            }
        };
        self.cursor = Some(cursor);
        Ok(cursor)
    }

    fn checkpoint_due(&self) -> Instant {
        self.last_sent + self.feed.checkpoint_interval
    }

    fn checkpoint(&mut self, cursor: u64) -> Item {
        self.last_sent = Instant::now();
        Item::Checkpoint(cursor)
    }

    /// The stream's last answer.
    fn fail(&mut self, error: Error) -> Option<Delivery> {
        self.failed = true;
        Some(Err(error))
    }

    /// Until the tail moves, the checkpoint falls due, or the server shuts down.
    async fn wait_for_the_tail(&mut self) -> Waited {
        let due = self.checkpoint_due();
        tokio::select! {
            changed = self.moved.changed() => match changed {
                Ok(()) => Waited::Moved,
                Err(_) => Waited::ShuttingDown,
            },
            _ = tokio::time::sleep_until(due) => Waited::Idle,
            _ = self.feed.shutdown.wait() => Waited::ShuttingDown,
        }
    }
}

/// The sequence after the first gap in `batch`, read after `cursor`, if any.
fn first_gap(cursor: u64, batch: &[ReferralEvent]) -> Option<u64> {
    (cursor + 1..)
        .zip(batch)
        .find_map(|(expected, event)| event.sequence.filter(|&s| s != expected))
}

enum Waited {
    Moved,
    Idle,
    ShuttingDown,
}
