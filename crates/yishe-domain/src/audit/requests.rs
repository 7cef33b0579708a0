//! What an auditor asks of the audit log, parsed.

use crate::{PageLimits, PageRequest};

/// The default and the largest page of ListAuditRecords.
pub const AUDIT_PAGE: PageLimits = PageLimits {
    default: 100,
    max: 1000,
};

/// An auditor's list of audit rows, oldest first, optionally about one kind of record,
/// one record or one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListAuditRecords {
    pub resource_kind: Option<String>,
    pub resource_id: Option<String>,
    pub action: Option<String>,
    /// Rows after the row with this id.
    pub page: PageRequest<uuid::Uuid>,
}
