//! The auditor's use-cases. Each read of the log writes an audit row of its own.

use yishe_domain::{AuditAction, Outcome, Violations};
use yishe_runtime::auth::RequestContext;
use yishe_store::{AuditRecord, ChainLink, Store, Verification};

use crate::error::Error;

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;
/// Links per read while exporting.
pub(crate) const EXPORT_BATCH: u32 = 500;

#[derive(Debug, Clone)]
pub struct AuditService {
    store: Store,
}

/// A page of audit records.
#[derive(Debug)]
pub struct Page {
    pub records: Vec<AuditRecord>,
    pub next_page_token: String,
}

impl AuditService {
    pub fn new(store: Store) -> Self {
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
    pub async fn list(
        &self,
        ctx: &RequestContext,
        resource_kind: &str,
        resource_id: &str,
        action: &str,
        page_size: i32,
        page_token: &str,
    ) -> Result<Page, Error> {
        let mut v = Violations::new();
        let limit = v.page_size(page_size, DEFAULT_PAGE, MAX_PAGE);
        let after = v.page_token(page_token, |t| uuid::Uuid::try_parse(t).ok());
        if !resource_id.is_empty() && resource_kind.is_empty() {
            v.add("resource_kind", "is required with resource_id");
        }
        if !v.is_empty() {
            return Err(Error::Invalid(v));
        }
        self.audit_the_auditor(ctx, AuditAction::AuditList, String::new())
            .await?;
        let kind = Some(resource_kind).filter(|k| !k.is_empty());
        let id = Some(resource_id).filter(|i| !i.is_empty());
        let action = Some(action).filter(|a| !a.is_empty());
        let mut records = self
            .store
            .list_audit(kind, id, action, after, limit + 1)
            .await?;
        let more = records.len() > limit as usize;
        records.truncate(limit as usize);
        let next_page_token = if more {
            records
                .last()
                .map(|r| r.entry.id.to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Page {
            records,
            next_page_token,
        })
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn verify(&self, ctx: &RequestContext) -> Result<Verification, Error> {
        self.audit_the_auditor(ctx, AuditAction::AuditVerify, String::new())
            .await?;
        let verification = yishe_store::verify(self.store.as_ref()).await?;
        if let Some((sequence, _, problem)) = &verification.broken {
            tracing::error!(sequence, %problem, "audit chain broken");
        }
        Ok(verification)
    }

    /// Starts an export: audits it and returns the first batch of links.
    pub async fn begin_export(
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

    pub async fn links_after(&self, after: u64) -> Result<Vec<ChainLink>, Error> {
        Ok(self.store.audit_chain_after(after, EXPORT_BATCH).await?)
    }
}
