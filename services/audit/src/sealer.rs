//! The sealer: one loop per process, one leader per database, keeping the unsealed
//! tail of the audit log to about a second, and anchoring the chain's head.

use std::time::Duration;

use std::sync::Arc;
use yishe_runtime::Shutdown;

use yishe_store::{AuditChain, ChainHash};

use crate::anchor::Anchor;

const BATCH: u32 = 500;
const IDLE: Duration = Duration::from_millis(500);

pub(crate) async fn run(
    store: Arc<dyn AuditChain>,
    hash: ChainHash,
    mut anchor: Anchor,
    shutdown: Shutdown,
) {
    loop {
        match store.seal_audit(BATCH, hash).await {
            Ok(n) if n as u32 == BATCH => continue,
            Ok(_) => anchor.publish_if_due(store.as_ref(), false).await,
            Err(error) => tracing::warn!(%error, "audit sealing failed; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(IDLE) => {}
            _ = shutdown.wait() => {
                // One last pass so a clean stop leaves nothing unsealed, and the last
                // head anchored; when the store has already closed, the next start
                // seals and anchors what is left.
                let _ = store.seal_audit(BATCH, hash).await;
                anchor.publish_if_due(store.as_ref(), true).await;
                return;
            }
        }
    }
}
