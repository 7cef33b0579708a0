//! Retention: referrals closed longer ago than the retention period lose their patient
//! details, consent and notes. Runs on a schedule and as `yishe-server purge`; every
//! purged referral and every run is audited.

use std::time::Duration;

use chrono::Utc;
use yishe_domain::referral::truncate_to_micros;
use yishe_runtime::Shutdown;
use yishe_store::Store;

use crate::audit;
use crate::error::Error;

const BATCH: u32 = 200;

/// Anonymises every referral closed more than `retention` ago; returns how many.
pub async fn purge_expired(store: &Store, retention: Duration) -> Result<usize, Error> {
    let window = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    let closed_before = truncate_to_micros(Utc::now())
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
    let mut total = 0;
    loop {
        let purged = store.purge_closed_referrals(closed_before, BATCH).await?;
        if !purged.is_empty() {
            let mut tx = store.begin().await?;
            for id in &purged {
                tx.append_audit(&audit::system_entry("retention.purge", *id))
                    .await?;
            }
            tx.commit().await?;
        }
        total += purged.len();
        if purged.len() < BATCH as usize {
            break;
        }
    }
    let mut tx = store.begin().await?;
    let mut run = audit::system_entry(
        "retention.run",
        yishe_domain::ReferralId::from_uuid(uuid::Uuid::nil()),
    );
    run.resource_kind = "retention".into();
    run.resource_id = String::new();
    run.purpose = format!(
        "{total} referrals closed before {} anonymised",
        closed_before.to_rfc3339()
    );
    tx.append_audit(&run).await?;
    tx.commit().await?;
    tracing::info!(purged = total, "retention run finished");
    Ok(total)
}

pub(crate) async fn run(store: Store, retention: Duration, every: Duration, shutdown: Shutdown) {
    loop {
        if let Err(error) = purge_expired(&store, retention).await {
            tracing::warn!(%error, "retention run failed; retrying at the next interval");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait() => return,
        }
    }
}
