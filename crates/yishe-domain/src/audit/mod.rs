//! The audit log: who did what to which record, when, with what outcome; each row
//! sealed into a hash chain so that an edit shows.

mod action;
mod checkpoint;
mod entry;
mod requests;

pub use action::{AuditAction, Outcome};
pub use checkpoint::{AuditCheckpoint, CHECKPOINT_KIND};
pub use entry::{AuditEntry, AuditRecord, ChainLink, Verification};
pub use requests::{AUDIT_PAGE, ListAuditRecords};
