//! The auditor's use-cases. Each read of the log writes an audit row of its own.

use yishe_domain::audit::{
    AuditCheckpoint, AuditRecord, ChainLink, ListAuditRecords, Verification,
};
use yishe_domain::{AuditAction, Outcome, Page};
use yishe_runtime::auth::RequestContext;
use yishe_store::{CheckpointSigner, Store};

use crate::error::Error;

/// Links per read while exporting.
pub(crate) const EXPORT_BATCH: u32 = 500;

#[derive(Debug, Clone)]
pub(crate) struct AuditService {
    store: Store,
}

impl AuditService {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    /// Records that the caller read the audit log.
    async fn audit_the_auditor(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        detail: String,
    ) -> Result<(), Error> {
        self.store
            .append_audit_alone(&ctx.audit(action, detail, Outcome::Ok))
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list(
        &self,
        ctx: &RequestContext,
        request: ListAuditRecords,
    ) -> Result<Page<AuditRecord, uuid::Uuid>, Error> {
        self.audit_the_auditor(ctx, AuditAction::AuditList, String::new())
            .await?;
        let limit = request.page.limit;
        let records = self
            .store
            .list_audit(
                request.resource_kind.as_deref(),
                request.resource_id.as_deref(),
                request.action.as_deref(),
                request.page.after,
                limit + 1,
            )
            .await?;
        Ok(Page::from_rows(records, limit, |r| r.entry.id))
    }

    /// Verifies the chain, and holds it against `checkpoints` kept outside; with the
    /// installation's checkpoint public key.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn verify(
        &self,
        ctx: &RequestContext,
        checkpoints: Vec<AuditCheckpoint>,
    ) -> Result<(Verification, String), Error> {
        let detail = if checkpoints.is_empty() {
            String::new()
        } else {
            format!("{} checkpoints", checkpoints.len())
        };
        self.audit_the_auditor(ctx, AuditAction::AuditVerify, detail)
            .await?;
        let signer = CheckpointSigner::of(self.store.crypto());
        // A checkpoint this installation did not sign is bad evidence, not a broken
        // chain: named as such, before anything is walked.
        let mut forged = yishe_domain::Violations::new();
        for (i, checkpoint) in checkpoints.iter().enumerate() {
            if let Err(why) = signer.verify(checkpoint) {
                forged.add(format!("checkpoints[{i}]"), why);
            }
        }
        if !forged.is_empty() {
            return Err(Error::Invalid(forged));
        }
        let verification =
            yishe_store::verify_against(self.store.as_ref(), &checkpoints, &signer).await?;
        if let Some((sequence, _, problem)) = &verification.broken {
            tracing::error!(sequence, %problem, "audit chain broken");
        }
        Ok((verification, signer.public_key()))
    }

    /// Starts an export of the links after `after` up to `to` (0: to the end): audits it.
    pub(crate) async fn begin_export(
        &self,
        ctx: &RequestContext,
        after: u64,
        to: u64,
    ) -> Result<(), Error> {
        let range = if to == 0 {
            format!("{}..", after + 1)
        } else {
            format!("{}..={to}", after + 1)
        };
        self.audit_the_auditor(ctx, AuditAction::AuditExport, range)
            .await
    }

    /// The next links after `after`, with the checkpoints kept for them.
    pub(crate) async fn links_after(
        &self,
        after: u64,
    ) -> Result<(Vec<ChainLink>, Vec<AuditCheckpoint>), Error> {
        let links = self.store.audit_chain_after(after, EXPORT_BATCH).await?;
        let last = links.last().map_or(after, |l| l.sequence);
        let checkpoints = self.store.audit_checkpoints(after, last).await?;
        Ok((links, checkpoints))
    }
}
