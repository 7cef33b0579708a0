//! One watcher: the events its caller may see after its cursor, read from the tail,
//! or from the database while the tail no longer (or not yet) holds them.

use std::sync::Arc;

use tokio::sync::mpsc;
use yishe_domain::Caller;
use yishe_domain::referral::can_see;

use super::tail::Read;
use super::{Delivery, Feed};
use crate::error::Error;

/// Events taken from the tail at a time (the tail's lock is held meanwhile).
const TAIL_READ: usize = 256;
/// Events read from the database at a time while behind.
const DATABASE_READ: u32 = 200;

pub(super) async fn run(
    feed: Feed,
    caller: Caller,
    mut cursor: u64,
    sender: mpsc::Sender<Delivery>,
) {
    let mut moved = feed.tail.subscribe();
    loop {
        // Marked seen before reading, so a push during the read wakes us.
        moved.borrow_and_update();
        let events = match feed.tail.read(cursor, TAIL_READ) {
            Read::Events(events) => events,
            Read::UpToDate => {
                tokio::select! {
                    changed = moved.changed() => if changed.is_err() { return },
                    _ = sender.closed() => return,
                    _ = feed.shutdown.wait() => return,
                }
                continue;
            }
            Read::Behind => {
                let read = {
                    let _turn = feed.catching_up.acquire().await;
                    feed.store.feed_after(cursor, DATABASE_READ).await
                };
                match read {
                    Ok(batch) => {
                        let caught_up = batch.len() < DATABASE_READ as usize;
                        let events: Vec<_> = batch.into_iter().map(Arc::new).collect();
                        if caught_up && events.is_empty() {
                            // At the database's head, and the tail is not there yet
                            // (starting, or its reader behind): wait for it.
                            tokio::select! {
                                changed = moved.changed() => if changed.is_err() { return },
                                _ = sender.closed() => return,
                                _ = feed.shutdown.wait() => return,
                            }
                            continue;
                        }
                        events
                    }
                    Err(error) => {
                        let _ = sender.send(Err(Error::Store(error))).await;
                        return;
                    }
                }
            }
        };
        for event in events {
            cursor = event.sequence.unwrap_or(cursor);
            if can_see(&caller, event.scope()) && sender.send(Ok(event)).await.is_err() {
                return; // the client went away
            }
        }
    }
}
