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

impl AuditEntry {
    /// The row for something Yishe did on its own (an SLA breach, the first admin
    /// key), now.
    pub fn system(action: &str, resource_kind: &str, resource_id: String) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: yishe_domain::referral::truncate_to_micros(Utc::now()),
            subject: "system".to_owned(),
            role: "system".to_owned(),
            action: action.to_owned(),
            resource_kind: resource_kind.to_owned(),
            resource_id,
            request_id: String::new(),
            outcome: "ok".to_owned(),
            purpose: String::new(),
        }
    }
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
