//! Audit rows for referral reads and writes.

use yishe_domain::ReferralId;
use yishe_runtime::auth::RequestContext;
use yishe_store::AuditEntry;

/// The row recording that the caller of `ctx` did `action` to `referral`.
pub(crate) fn entry(
    ctx: &RequestContext,
    action: &str,
    referral: Option<ReferralId>,
    outcome: &str,
) -> AuditEntry {
    ctx.audit(
        action,
        "referral",
        referral.map(|r| r.to_string()).unwrap_or_default(),
        outcome,
    )
}

/// The row for a change the system made on its own (an SLA breach).
pub(crate) fn system_entry(action: &str, referral: ReferralId) -> AuditEntry {
    AuditEntry::system(action, "referral", referral.to_string())
}
