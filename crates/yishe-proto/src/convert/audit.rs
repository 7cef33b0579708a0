//! Audit messages.

use yishe_domain::Violations;
use yishe_domain::audit::{
    AUDIT_PAGE, AuditCheckpoint, AuditEntry, AuditRecord, CHECKPOINT_KIND, ChainLink,
    ListAuditRecords,
};

use super::parse;
use super::time::{from_timestamp, to_timestamp};

/// The most checkpoints one verification takes.
pub const MAX_CHECKPOINTS: usize = 10_000;

/// The checkpoints a VerifyAuditChain holds the chain against.
pub fn verify_request(
    r: wire::VerifyAuditChainRequest,
) -> Result<Vec<AuditCheckpoint>, Violations> {
    let mut v = Violations::new();
    if r.checkpoints.len() > MAX_CHECKPOINTS {
        v.add("checkpoints", format!("at most {MAX_CHECKPOINTS}"));
        return Err(v);
    }
    let checkpoints = r
        .checkpoints
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let signed_at = c.sign_time.as_ref().and_then(from_timestamp);
            if signed_at.is_none() {
                v.add(format!("checkpoints[{i}].sign_time"), "is required");
            }
            for (field, empty) in [
                ("head_hash", c.head_hash.is_empty()),
                ("public_key", c.public_key.is_empty()),
                ("signature", c.signature.is_empty()),
                ("sequence", c.sequence == 0),
            ] {
                if empty {
                    v.add(format!("checkpoints[{i}].{field}"), "is required");
                }
            }
            Some(AuditCheckpoint {
                kind: CHECKPOINT_KIND.to_owned(),
                sequence: c.sequence,
                head_hash: c.head_hash,
                signed_at: signed_at?,
                public_key: c.public_key,
                signature: c.signature,
            })
        })
        .collect();
    v.into_result(checkpoints)
}

pub fn checkpoint_to_proto(c: &AuditCheckpoint) -> wire::AuditCheckpoint {
    wire::AuditCheckpoint {
        sequence: c.sequence,
        head_hash: c.head_hash.clone(),
        sign_time: Some(to_timestamp(c.signed_at)),
        public_key: c.public_key.clone(),
        signature: c.signature.clone(),
    }
}

/// A checkpoint from the wire, as the published line spells it.
pub fn checkpoint_from_proto(c: &wire::AuditCheckpoint) -> Option<AuditCheckpoint> {
    Some(AuditCheckpoint {
        kind: CHECKPOINT_KIND.to_owned(),
        sequence: c.sequence,
        head_hash: c.head_hash.clone(),
        signed_at: from_timestamp(c.sign_time.as_ref()?)?,
        public_key: c.public_key.clone(),
        signature: c.signature.clone(),
    })
}
use crate::audit as wire;

pub fn list_request(r: wire::ListAuditRecordsRequest) -> Result<ListAuditRecords, Violations> {
    let mut v = Violations::new();
    let page = parse::page(
        r.page_size,
        &r.page_token,
        AUDIT_PAGE,
        |t| uuid::Uuid::try_parse(t).ok(),
        &mut v,
    );
    if !r.resource_id.is_empty() && r.resource_kind.is_empty() {
        v.add("resource_kind", "is required with resource_id");
    }
    let given = |text: String| Some(text).filter(|t| !t.is_empty());
    v.into_result(ListAuditRecords {
        resource_kind: given(r.resource_kind),
        resource_id: given(r.resource_id),
        action: given(r.action),
        page,
    })
}

/// An audit row on the wire, with its place in the chain once sealed.
pub fn record_to_proto(record: &AuditRecord) -> wire::AuditRecord {
    let (sequence, previous_hash, hash) = record.link.clone().unwrap_or_default();
    entry_to_proto(&record.entry, sequence, previous_hash, hash)
}

/// A chain link on the wire; a link whose row is gone keeps only its id and hashes.
pub fn link_to_proto(link: ChainLink) -> wire::AuditRecord {
    match &link.entry {
        Some(entry) => entry_to_proto(entry, link.sequence, link.previous_hash, link.hash),
        None => wire::AuditRecord {
            id: link.audit_id.to_string(),
            sequence: link.sequence,
            previous_hash: link.previous_hash,
            hash: link.hash,
            ..Default::default()
        },
    }
}

fn entry_to_proto(
    entry: &AuditEntry,
    sequence: u64,
    previous_hash: String,
    hash: String,
) -> wire::AuditRecord {
    wire::AuditRecord {
        id: entry.id.to_string(),
        occur_time: Some(to_timestamp(entry.occurred_at)),
        subject: entry.subject.clone(),
        role: entry.role.clone(),
        action: entry.action.clone(),
        resource_kind: entry.resource_kind.clone(),
        resource_id: entry.resource_id.clone(),
        request_id: entry.request_id.clone(),
        outcome: entry.outcome.clone(),
        purpose: entry.purpose.clone(),
        resource_ids: entry.resources.clone(),
        sequence,
        previous_hash,
        hash,
    }
}
