//! Audit rows, alone and with their chain links, and the records a row names.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AuditEntry;

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    subject: String,
    role: String,
    action: String,
    resource_kind: String,
    resource_id: String,
    request_id: String,
    outcome: String,
    purpose: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            id: row.id,
            occurred_at: row.occurred_at,
            subject: row.subject,
            role: row.role,
            action: row.action,
            resource_kind: row.resource_kind,
            resource_id: row.resource_id,
            request_id: row.request_id,
            outcome: row.outcome,
            purpose: row.purpose,
            resources: Vec::new(),
        }
    }
}

/// An audit row waiting for the sealer.
#[derive(sqlx::FromRow)]
pub(crate) struct PendingAuditRow {
    pub(crate) pending_id: i64,
    #[sqlx(flatten)]
    pub(crate) audit: AuditRow,
}

/// An audit row with its chain link, if sealed.
#[derive(sqlx::FromRow)]
pub(crate) struct LinkedAuditRow {
    #[sqlx(flatten)]
    audit: AuditRow,
    sequence: Option<i64>,
    previous_hash: Option<String>,
    hash: Option<String>,
}

impl From<LinkedAuditRow> for crate::AuditRecord {
    fn from(row: LinkedAuditRow) -> Self {
        let link = match (row.sequence, row.previous_hash, row.hash) {
            (Some(sequence), Some(previous), Some(hash)) => {
                Some((sequence.max(0) as u64, previous, hash))
            }
            _ => None,
        };
        crate::AuditRecord {
            entry: row.audit.into(),
            link,
        }
    }
}

/// A chain link with its audit row as it stands now (all `None` if the row is gone).
#[derive(sqlx::FromRow)]
pub(crate) struct ChainRow {
    sequence: i64,
    audit_id: Uuid,
    previous_hash: String,
    hash: String,
    id: Option<Uuid>,
    occurred_at: Option<DateTime<Utc>>,
    subject: Option<String>,
    role: Option<String>,
    action: Option<String>,
    resource_kind: Option<String>,
    resource_id: Option<String>,
    request_id: Option<String>,
    outcome: Option<String>,
    purpose: Option<String>,
}

impl From<ChainRow> for crate::ChainLink {
    fn from(row: ChainRow) -> Self {
        let entry = match (row.id, row.occurred_at) {
            (Some(id), Some(occurred_at)) => Some(AuditEntry {
                id,
                occurred_at,
                subject: row.subject.unwrap_or_default(),
                role: row.role.unwrap_or_default(),
                action: row.action.unwrap_or_default(),
                resource_kind: row.resource_kind.unwrap_or_default(),
                resource_id: row.resource_id.unwrap_or_default(),
                request_id: row.request_id.unwrap_or_default(),
                outcome: row.outcome.unwrap_or_default(),
                purpose: row.purpose.unwrap_or_default(),
                resources: Vec::new(),
            }),
            _ => None,
        };
        crate::ChainLink {
            sequence: row.sequence.max(0) as u64,
            audit_id: row.audit_id,
            previous_hash: row.previous_hash,
            hash: row.hash,
            entry,
        }
    }
}

/// Puts the records each audit row names (`named`, by audit id) into its entry;
/// `entry` finds the entry in each of `items`.
pub(crate) fn attach_resources<T>(
    items: &mut [T],
    mut named: std::collections::HashMap<Uuid, Vec<String>>,
    entry: impl Fn(&mut T) -> &mut AuditEntry,
) {
    for item in items {
        let entry = entry(item);
        if let Some(resources) = named.remove(&entry.id) {
            entry.resources = resources;
        }
    }
}
