//! The overdue watch: without anyone asking, follow-ups past their grace period become
//! overdue and, after their delay, are escalated to the supervisors. It reads the
//! process's clock, so tests move time instead of waiting.

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_runtime::Shutdown;

use crate::service::{FollowUpService, WATCH_BATCH};

pub(crate) async fn run(
    service: FollowUpService,
    clock: Arc<dyn Clock>,
    every: Duration,
    shutdown: Shutdown,
) {
    loop {
        loop {
            match service.watch(clock.now()).await {
                // A full batch: more may be due.
                Ok(n) if n >= WATCH_BATCH as usize => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "follow-up watch failed; retrying later");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait() => return,
        }
    }
}
