//! The append-only audit log: who touched which record, how, and with what outcome.

use async_trait::async_trait;
pub use yishe_domain::audit::AuditEntry;

use crate::Result;

#[async_trait]
pub trait AuditLog {
    async fn append_audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// The audit rows about one record, oldest first.
    ///
    /// (Reads for auditors go through `Database::list_audit`.)
    async fn audit_of(&mut self, resource_kind: &str, resource_id: &str)
    -> Result<Vec<AuditEntry>>;
}
