//! The one reader per process that keeps the tail filled: woken when a relay moved
//! events (this process's at once; on PostgreSQL any process's, by NOTIFY), and
//! looking now and then in case it was not told.

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_runtime::Shutdown;
use yishe_store::FeedRelay;

use super::tail::Tail;
use crate::metrics::ReferralMetrics;

const READ_BATCH: u32 = 500;
/// How often the reader looks without being told: processes sharing a SQLite file
/// cannot tell each other, and a notification sent while a listener reconnects is
/// lost.
const LOOK_EVERY: Duration = Duration::from_millis(500);
/// How long the reader lets events gather after being told the feed moved. Each push
/// wakes every watcher; at 200 events a second this makes a push carry several.
const GATHER: Duration = Duration::from_millis(10);
/// How long to wait before asking again when the database does not answer.
const RETRY_AFTER: Duration = Duration::from_secs(1);

pub(super) async fn run(
    store: Arc<dyn FeedRelay>,
    tail: Arc<Tail>,
    (metrics, clock): (ReferralMetrics, Arc<dyn Clock>),
    shutdown: Shutdown,
) {
    let mut moved = store.feed_moved();
    // Where the feed stands: the tail holds what comes after.
    loop {
        match store.feed_head().await {
            Ok(head) => {
                tail.start_at(head);
                break;
            }
            Err(error) => tracing::warn!(%error, "cannot find the feed's head; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY_AFTER) => {}
            _ = shutdown.wait() => return,
        }
    }
    loop {
        // Marked seen before reading, so a move announced during the read wakes us.
        moved.borrow_and_update();
        let head = tail.head().unwrap_or_default();
        match store.feed_after(head, READ_BATCH).await {
            Ok(batch) => {
                let full = batch.len() == READ_BATCH as usize;
                metrics.fed(&batch, clock.now());
                // This process's part in each event's trace: the one read that puts it
                // before all of its watchers (a span per watcher would cost more than
                // the delivery itself).
                let _fanning_out: Vec<tracing::Span> = batch
                    .iter()
                    .filter(|event| event.trace_context.is_some())
                    .map(|event| {
                        let span = tracing::info_span!(
                            "feed.fan_out",
                            otel.kind = "consumer",
                            event.sequence = event.sequence
                        );
                        yishe_store::trace_context::follow(&span, event.trace_context.as_deref());
                        span
                    })
                    .collect();
                tail.push(batch);
                if full {
                    continue;
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the feed; retrying"),
        }
        tokio::select! {
            changed = moved.changed() => if changed.is_err() { return },
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = shutdown.wait() => return,
        }
        // Events committed in the next moments join this read: every watcher is woken
        // once for all of them rather than once each.
        tokio::time::sleep(GATHER).await;
    }
}
