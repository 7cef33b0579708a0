//! The overdue watch: volunteer tasks still on the board past their claim deadline are
//! marked overdue (an event for the station and a metric), once each.

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_runtime::Shutdown;

use crate::service::PlanService;
use crate::tasks::OVERDUE_BATCH;

pub(crate) async fn run(
    service: PlanService,
    clock: Arc<dyn Clock>,
    every: Duration,
    shutdown: Shutdown,
) {
    loop {
        loop {
            match service.mark_overdue_tasks(clock.now()).await {
                // A full batch: more may be overdue.
                Ok(n) if n >= OVERDUE_BATCH as usize => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "volunteer task watch failed; retrying later");
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
