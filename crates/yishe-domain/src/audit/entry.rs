//! One row of the audit log, and its place in the hash chain once sealed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Caller;
use crate::audit::{AuditAction, Outcome};

/// One audit row, as stored and chained: text, so that rows written by any version of
/// Yishe read back and verify as written. Carries ids, never patient data. Built by
/// `AuditEntry::of` (a caller's act), `AuditEntry::system` (Yishe's own) or the
/// authentication layer (a refused call, named by its method path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: String,
    pub role: String,
    /// What was done (an `AuditAction`, such as `referral.get`), or the method path of
    /// a call refused before it reached a use-case.
    pub action: String,
    pub resource_kind: String,
    pub resource_id: String,
    pub request_id: String,
    /// `ok`, or the error code the caller received (an `Outcome`).
    pub outcome: String,
    /// Why, when the caller had to say (a break-glass reason); empty otherwise.
    pub purpose: String,
    /// The records a read returned, in order, when it returned several (one row per
    /// list call names them all); empty otherwise.
    pub resources: Vec<String>,
}

impl AuditEntry {
    /// The row recording that `caller` did `action` to the record `resource_id` (of
    /// the action's kind) at `at`, in the request `request_id`.
    pub fn of(
        caller: &Caller,
        request_id: &str,
        action: AuditAction,
        resource_id: impl ToString,
        outcome: Outcome,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: at,
            subject: caller.subject.clone(),
            role: caller.role.as_str().to_owned(),
            action: action.as_str().to_owned(),
            resource_kind: action.resource_kind().to_owned(),
            resource_id: resource_id.to_string(),
            request_id: request_id.to_owned(),
            outcome: outcome.as_str().to_owned(),
            purpose: String::new(),
            resources: Vec::new(),
        }
    }

    /// The row for something Yishe did on its own (an SLA breach, the first admin
    /// key, a retention run) at `at`.
    pub fn system(action: AuditAction, resource_id: impl ToString, at: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: at,
            subject: "system".to_owned(),
            role: "system".to_owned(),
            action: action.as_str().to_owned(),
            resource_kind: action.resource_kind().to_owned(),
            resource_id: resource_id.to_string(),
            request_id: String::new(),
            outcome: Outcome::Ok.as_str().to_owned(),
            purpose: String::new(),
            resources: Vec::new(),
        }
    }

    /// The same row about every record in `resources` (a read that returned several):
    /// it names them instead of one.
    pub fn about_each(self, resources: Vec<String>) -> Self {
        Self {
            resource_id: String::new(),
            resources,
            ..self
        }
    }

    /// The same row, with the reason the caller gave (a break-glass reason).
    pub fn with_purpose(self, purpose: impl Into<String>) -> Self {
        Self {
            purpose: purpose.into(),
            ..self
        }
    }
}

/// A sealed link, with its record as it stands now (`None` if the row is gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub sequence: u64,
    pub audit_id: uuid::Uuid,
    pub previous_hash: String,
    pub hash: String,
    pub entry: Option<AuditEntry>,
    /// Records the row names that a search for who saw them would not find (their
    /// note in the store's index of sightings is gone): the row itself may verify, but
    /// the log no longer answers for it.
    pub unfindable: Vec<String>,
}

/// A record with its place in the chain, if sealed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub entry: AuditEntry,
    /// (sequence, previous hash, hash)
    pub link: Option<(u64, String, String)>,
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    pub verified: u64,
    pub unsealed: u64,
    pub head_hash: String,
    /// The first broken link: (sequence, audit id, what is wrong).
    pub broken: Option<(u64, String, String)>,
    /// Checkpoints the chain was found to agree with.
    pub checkpoints: u64,
}
