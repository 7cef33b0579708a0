//! The audit hash chain: each sealed record is linked to the one before by
//! H(previous hash, the record's fields), H being SHA-256 or SM3. The link is computed
//! by one sealer after the business transaction committed, never inside it, so
//! writers do not queue behind the chain's head.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use async_trait::async_trait;
use yishe_domain::audit::AuditCheckpoint;
pub use yishe_domain::audit::{AuditRecord, ChainLink, Verification};

use crate::{AuditEntry, Result, Transactions};

/// The audit chain's role: the sealer, the auditor's reads, and audit rows written
/// alone.
#[async_trait]
pub trait AuditChain: Transactions {
    /// Appends one audit row in a transaction of its own: for a refused attempt,
    /// whose own transaction rolled back or never began, and for reads of the audit
    /// log itself.
    async fn append_audit_alone(&self, entry: &AuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.append_audit(entry).await?;
        tx.commit().await
    }

    /// Links up to `limit` committed audit rows into the hash chain with `hash` (one
    /// sealer at a time); returns how many it sealed.
    async fn seal_audit(&self, limit: u32, hash: ChainHash) -> Result<usize>;

    /// Chain links with a sequence greater than `after`, in order, with their rows.
    async fn audit_chain_after(&self, after: u64, limit: u32) -> Result<Vec<ChainLink>>;

    /// Audit rows written but not yet sealed.
    async fn unsealed_audit_count(&self) -> Result<u64>;

    /// The last sealed link: its sequence and hash.
    async fn audit_chain_head(&self) -> Result<Option<(u64, String)>>;

    /// The hash of the link at `sequence`, if there is one.
    async fn audit_link_hash(&self, sequence: u64) -> Result<Option<String>>;

    /// Keeps a published checkpoint (once per sequence), for the export.
    async fn record_checkpoint(&self, checkpoint: &AuditCheckpoint) -> Result<()>;

    /// The kept checkpoints with a sequence in `after..=to`, in order.
    async fn audit_checkpoints(&self, after: u64, to: u64) -> Result<Vec<AuditCheckpoint>>;

    /// Audit rows, oldest first, optionally about one kind of record, one record or one
    /// action, after the row `after`.
    async fn list_audit(
        &self,
        resource_kind: Option<&str>,
        resource_id: Option<&str>,
        action: Option<&str>,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>>;
}

/// The `previous_hash` of the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an SM3 link's hash begins.
const SM3_MARK: &str = "sm3:";

/// The hash that links the chain: SHA-256, or SM3 (GB/T 32905) for stations whose
/// 密评 asks for the national algorithms. Each link says which it was made with: an SM3
/// link's hash is stored as `sm3:<hex>`, a SHA-256 link's as plain hex (as every link
/// sealed before SM3 was). So the sealer can change hash at any link, and the whole
/// chain, links of both, still verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainHash {
    #[default]
    Sha256,
    Sm3,
}

impl ChainHash {
    /// The hash a stored link was made with.
    pub fn of_link(hash: &str) -> Self {
        if hash.starts_with(SM3_MARK) {
            ChainHash::Sm3
        } else {
            ChainHash::Sha256
        }
    }
}

/// The hash of `entry` linked after `previous`, made with `hash`.
pub fn link_hash(hash: ChainHash, previous: &str, entry: &AuditEntry) -> String {
    match hash {
        ChainHash::Sha256 => hex::encode(digest::<Sha256>(previous, entry)),
        ChainHash::Sm3 => format!(
            "{SM3_MARK}{}",
            hex::encode(digest::<sm3::Sm3>(previous, entry))
        ),
    }
}

/// The fields are joined with a separator that cannot occur in them, times in RFC
/// 3339 with microseconds, so both engines hash the same bytes.
fn digest<D: Digest>(previous: &str, entry: &AuditEntry) -> Vec<u8> {
    let occurred = entry
        .occurred_at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let id = entry.id.to_string();
    let fields = [
        previous,
        id.as_str(),
        occurred.as_str(),
        &entry.subject,
        &entry.role,
        &entry.action,
        &entry.resource_kind,
        &entry.resource_id,
        &entry.request_id,
        &entry.outcome,
    ];
    let mut hasher = D::new();
    for field in fields {
        hasher.update(field.as_bytes());
        hasher.update([0x1f]);
    }
    // Added later: hashed only when present, so links sealed before them stay valid.
    if !entry.purpose.is_empty() {
        hasher.update(entry.purpose.as_bytes());
        hasher.update([0x1f]);
    }
    if !entry.resources.is_empty() {
        // Tagged, so a list of records can never hash like a purpose.
        hasher.update(b"resources");
        for resource in &entry.resources {
            hasher.update([0x1e]);
            hasher.update(resource.as_bytes());
        }
        hasher.update([0x1f]);
    }
    hasher.finalize().to_vec()
}

/// Walks the whole chain, recomputing every link.
pub async fn verify(db: &dyn AuditChain) -> Result<Verification> {
    let mut result = Verification {
        head_hash: GENESIS.to_owned(),
        ..Default::default()
    };
    let mut expected_sequence = 1;
    loop {
        let page = db.audit_chain_after(expected_sequence - 1, 1000).await?;
        if page.is_empty() {
            break;
        }
        for link in page {
            let problem = if link.sequence != expected_sequence {
                Some(format!("link {expected_sequence} is missing"))
            } else if link.previous_hash != result.head_hash {
                Some("the link does not follow the one before".to_owned())
            } else {
                match &link.entry {
                    None => Some("the audit record was deleted".to_owned()),
                    Some(entry)
                        if link_hash(
                            ChainHash::of_link(&link.hash),
                            &link.previous_hash,
                            entry,
                        ) != link.hash =>
                    {
                        Some("the audit record was changed after it was sealed".to_owned())
                    }
                    Some(_) if !link.unfindable.is_empty() => Some(format!(
                        "a search for who saw {} (of the {} records the row names) would \
                         not find it: the note of its sighting was removed",
                        link.unfindable[0],
                        link.entry.as_ref().map_or(0, |e| e.resources.len()),
                    )),
                    Some(_) => None,
                }
            };
            if let Some(problem) = problem {
                result.broken = Some((expected_sequence, link.audit_id.to_string(), problem));
                result.unsealed = db.unsealed_audit_count().await?;
                return Ok(result);
            }
            result.head_hash = link.hash;
            result.verified += 1;
            expected_sequence += 1;
        }
    }
    result.unsealed = db.unsealed_audit_count().await?;
    Ok(result)
}

/// `verify`, then each checkpoint held against the chain: signed by this installation
/// (the caller checks signatures first, to refuse bad evidence as such; a checkpoint
/// that fails here too is reported), and the chain holds its link. A chain ending before a checkpoint lost its tail;
/// another hash at a checkpoint's sequence means the links were rewritten.
pub async fn verify_against(
    db: &dyn AuditChain,
    checkpoints: &[AuditCheckpoint],
    signer: &crate::CheckpointSigner,
) -> Result<Verification> {
    let mut result = verify(db).await?;
    if result.broken.is_some() {
        return Ok(result);
    }
    let mut sorted: Vec<&AuditCheckpoint> = checkpoints.iter().collect();
    sorted.sort_by_key(|c| c.sequence);
    for checkpoint in sorted {
        let sequence = checkpoint.sequence;
        let problem = if let Err(why) = signer.verify(checkpoint) {
            Some(format!("the checkpoint of sequence {sequence} {why}"))
        } else if sequence > result.verified {
            Some(format!(
                "the chain ends at sequence {} but the checkpoint signed at {} shows sequence \
                 {sequence}: links after {} were removed",
                result.verified,
                checkpoint.signed_at.to_rfc3339(),
                result.verified
            ))
        } else if db.audit_link_hash(sequence).await?.as_deref()
            != Some(checkpoint.head_hash.as_str())
        {
            Some(format!(
                "the link at sequence {sequence} is not the one the checkpoint signed at {} shows",
                checkpoint.signed_at.to_rfc3339()
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            result.broken = Some((sequence.min(result.verified + 1), String::new(), problem));
            return Ok(result);
        }
        result.checkpoints += 1;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::nil(),
            occurred_at: chrono::DateTime::from_timestamp(1_700_000_000, 123_000).unwrap(),
            subject: "k".into(),
            role: "supervisor".into(),
            action: "referral.get".into(),
            resource_kind: "referral".into(),
            resource_id: "r".into(),
            request_id: "q".into(),
            outcome: "ok".into(),
            purpose: String::new(),
            resources: Vec::new(),
        }
    }

    #[test]
    fn every_field_and_the_previous_link_count() {
        let base = link_hash(ChainHash::Sha256, GENESIS, &entry());
        assert_eq!(base.len(), 64);
        assert_eq!(base, link_hash(ChainHash::Sha256, GENESIS, &entry()));
        let mut changed = entry();
        changed.outcome = "not_found".into();
        assert_ne!(base, link_hash(ChainHash::Sha256, GENESIS, &changed));
        assert_ne!(base, link_hash(ChainHash::Sha256, &base, &entry()));
        // Moving text between fields changes the hash too.
        let mut shifted = entry();
        shifted.subject = "ksupervisor".into();
        shifted.role = String::new();
        assert_ne!(base, link_hash(ChainHash::Sha256, GENESIS, &shifted));
    }

    #[test]
    fn an_sm3_link_says_so_and_hashes_with_sm3() {
        let sm3 = link_hash(ChainHash::Sm3, GENESIS, &entry());
        let hex = sm3.strip_prefix("sm3:").expect("marked");
        assert_eq!(hex.len(), 64);
        assert_ne!(hex, link_hash(ChainHash::Sha256, GENESIS, &entry()));
        assert_eq!(ChainHash::of_link(&sm3), ChainHash::Sm3);
        assert_eq!(
            ChainHash::of_link(&link_hash(ChainHash::Sha256, GENESIS, &entry())),
            ChainHash::Sha256
        );
        // SM3 itself, on GB/T 32905's example "abc".
        assert_eq!(
            hex::encode(<sm3::Sm3 as Digest>::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
