//! The append-only audit log: who touched which record, how, and with what outcome.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Result;

/// One audit row. Carries ids, never patient data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: String,
    pub role: String,
    /// What was done, such as `referral.get` or `referral.accept`.
    pub action: String,
    pub resource_kind: String,
    pub resource_id: String,
    pub request_id: String,
    /// `ok`, or the error code the caller received.
    pub outcome: String,
    /// Why, when the caller had to say (a break-glass reason); empty otherwise.
    pub purpose: String,
}

#[async_trait]
pub trait AuditLog {
    async fn append_audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// The audit rows about one record, oldest first.
    ///
    /// (Reads for auditors go through `Database::list_audit`.)
    async fn audit_of(&mut self, resource_kind: &str, resource_id: &str)
    -> Result<Vec<AuditEntry>>;
}
