//! One watcher: the events its caller may see after its cursor, read from the tail,
//! or from the database while the tail no longer (or not yet) holds them. It is the
//! response stream itself, polled by the connection: no task or channel of its own
//! between the tail and the client.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::watch;
use yishe_domain::Caller;
use yishe_domain::referral::{ReferralEvent, can_see};

use super::tail::Read;
use super::{Delivery, Feed};
use crate::error::{Error, Refusal};

/// Events taken from the tail at a time (the tail's lock is held meanwhile).
const TAIL_READ: usize = 256;
/// Events read from the database at a time while behind.
const DATABASE_READ: u32 = 200;

pub(super) struct Watcher {
    feed: Feed,
    caller: Caller,
    /// The sequence of the last event passed (delivered, or not the caller's to see).
    cursor: u64,
    /// Changes when the tail moves.
    moved: watch::Receiver<u64>,
    /// Events read and not yet passed.
    ready: VecDeque<Arc<ReferralEvent>>,
    /// An error was delivered: the stream ends.
    failed: bool,
}

impl Watcher {
    pub(super) fn new(feed: Feed, caller: Caller, after: u64) -> Self {
        let moved = feed.tail.subscribe();
        Self {
            feed,
            caller,
            cursor: after,
            moved,
            ready: VecDeque::new(),
            failed: false,
        }
    }

    /// The next event the caller may see; UNAVAILABLE once when the server shuts down
    /// (so a client can tell a shutdown from the end of the feed, and reconnects from
    /// its last sequence), then `None`; `None` after any error delivered.
    pub(super) async fn next(&mut self) -> Option<Delivery> {
        loop {
            while let Some(event) = self.ready.pop_front() {
                self.cursor = event.sequence.unwrap_or(self.cursor);
                if can_see(&self.caller, event.scope()) {
                    return Some(Ok(event));
                }
            }
            if self.failed {
                return None;
            }
            // Marked seen before reading, so a push during the read wakes us.
            self.moved.borrow_and_update();
            match self.feed.tail.read(self.cursor, TAIL_READ) {
                Read::Events(events) => self.ready.extend(events),
                Read::UpToDate => {
                    if self.wait_for_the_tail().await.is_none() {
                        return self.shut_down();
                    }
                }
                Read::Behind => {
                    let read = {
                        let _turn = self.feed.catching_up.acquire().await;
                        self.feed.store.feed_after(self.cursor, DATABASE_READ).await
                    };
                    match read {
                        // At the database's head, and the tail is not there yet
                        // (starting, or its reader behind): wait for it.
                        Ok(batch) if batch.is_empty() => {
                            if self.wait_for_the_tail().await.is_none() {
                                return self.shut_down();
                            }
                        }
                        Ok(batch) => self.ready.extend(batch.into_iter().map(Arc::new)),
                        Err(error) => {
                            self.failed = true;
                            return Some(Err(Error::Store(error)));
                        }
                    }
                }
            }
        }
    }

    /// The stream's last answer when the server shuts down.
    fn shut_down(&mut self) -> Option<Delivery> {
        self.failed = true;
        Some(Err(Refusal::ShuttingDown.into()))
    }

    /// Until the tail moves; `None` when the server shuts down first.
    async fn wait_for_the_tail(&mut self) -> Option<()> {
        tokio::select! {
            changed = self.moved.changed() => changed.ok(),
            _ = self.feed.shutdown.wait() => None,
        }
    }
}
