//! Retention: referrals closed longer ago than the retention period lose their patient
//! details, consent and notes. Runs on a schedule and as `yishe-server purge`; every
//! purged referral and every run is audited.

use std::time::Duration;

use yishe_domain::{AuditAction, Clock};
use yishe_runtime::Shutdown;
use yishe_store::{AuditEntry, Store};

use crate::error::Error;

const BATCH: u32 = 200;

/// Anonymises every referral closed more than `retention` ago; returns how many.
pub async fn purge_expired(
    store: &Store,
    clock: &dyn Clock,
    retention: Duration,
) -> Result<usize, Error> {
    let window = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    let now = clock.now();
    let closed_before = now
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let mut total = 0;
    loop {
        let purged = store
            .purge_closed_referrals(closed_before, now, BATCH)
            .await?;
        if !purged.is_empty() {
            let mut tx = store.begin().await?;
            for id in &purged {
                tx.append_audit(&AuditEntry::system(AuditAction::RetentionPurge, id, now))
                    .await?;
            }
            tx.commit().await?;
        }
        total += purged.len();
        if purged.len() < BATCH as usize {
            break;
        }
    }
    let run = AuditEntry::system(AuditAction::RetentionRun, "", now).with_purpose(format!(
        "{total} referrals closed before {} anonymised",
        closed_before.to_rfc3339()
    ));
    store.append_audit_alone(&run).await?;
    tracing::info!(purged = total, "retention run finished");
    Ok(total)
}

/// Removes the feed's events relayed more than `retention` ago (never the newest);
/// returns how many. They carry no patient data, so nothing is audited per event.
pub(crate) async fn prune_feed(
    store: &Store,
    clock: &dyn Clock,
    retention: Duration,
) -> Result<usize, Error> {
    let window = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    let before = clock
        .now()
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let mut total = 0;
    loop {
        let pruned = store.prune_feed(before, BATCH).await?;
        total += pruned;
        if pruned < BATCH as usize {
            break;
        }
    }
    if total > 0 {
        tracing::info!(pruned = total, "feed events past retention removed");
    }
    Ok(total)
}

/// How long closed referrals and feed events are kept, and how often the job runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Periods {
    pub(crate) closed_referrals: Duration,
    pub(crate) feed: Duration,
    pub(crate) every: Duration,
}

pub(crate) async fn run(
    store: Store,
    clock: std::sync::Arc<dyn Clock>,
    periods: Periods,
    shutdown: Shutdown,
) {
    loop {
        if let Err(error) = purge_expired(&store, clock.as_ref(), periods.closed_referrals).await {
            tracing::warn!(%error, "retention run failed; retrying at the next interval");
        }
        if let Err(error) = prune_feed(&store, clock.as_ref(), periods.feed).await {
            tracing::warn!(%error, "feed pruning failed; retrying at the next interval");
        }
        tokio::select! {
            _ = tokio::time::sleep(periods.every) => {}
            _ = shutdown.wait() => return,
        }
    }
}
