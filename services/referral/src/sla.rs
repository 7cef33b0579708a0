//! The SLA watch: referrals still REQUESTED at their acceptance deadline are marked
//! breached (an event and a metric), once each.

use std::time::Duration;

use yishe_runtime::Shutdown;

use crate::service::ReferralService;

pub(crate) async fn run(service: ReferralService, every: Duration, shutdown: Shutdown) {
    loop {
        loop {
            match service.mark_sla_breaches().await {
                // A full batch: more may be overdue.
                Ok(n) if n >= crate::service::SLA_BATCH as usize => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "sla check failed; retrying later");
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
