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
    resources: Option<String>,
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
            resources: resources_from(row.resources.as_deref()),
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
    resources: Option<String>,
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
                resources: resources_from(row.resources.as_deref()),
            }),
            _ => None,
        };
        crate::ChainLink {
            sequence: row.sequence.max(0) as u64,
            audit_id: row.audit_id,
            previous_hash: row.previous_hash,
            hash: row.hash,
            entry,
            unfindable: Vec::new(),
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

/// The records an audit row names, as stored in its `resources`: a JSON array, or NULL
/// when it names none (or names them in audit_resources, written before migration
/// 0030).
pub(crate) fn resources_json(resources: &[String]) -> Option<String> {
    (!resources.is_empty()).then(|| super::to_json(&resources))
}

/// The records named by a stored `resources`. A value that is not a JSON array of
/// strings (edited behind Yishe's back) is kept whole as one name, so the chain's
/// verification shows the row as changed rather than failing to read it.
fn resources_from(stored: Option<&str>) -> Vec<String> {
    match stored {
        None => Vec::new(),
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| vec![text.to_owned()]),
    }
}

/// The ids of the rows in `items` that name no records in their own row: rows written
/// before migration 0030 name theirs in audit_resources, which is read for these.
pub(crate) fn named_elsewhere<T>(items: &[T], entry: impl Fn(&T) -> &AuditEntry) -> Vec<Uuid> {
    items
        .iter()
        .map(entry)
        .filter(|e| e.resources.is_empty())
        .map(|e| e.id)
        .collect()
}

/// The minute in which an audit row saw its records, as the range of audit ids
/// (UUIDv7, which begin with their Unix time in milliseconds) written in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sighting {
    pub(crate) from: Uuid,
    pub(crate) until: Uuid,
}

impl Sighting {
    const MINUTE_MS: u64 = 60_000;

    /// The minute of the audit row `id`. An id that does not begin with its time (not
    /// a v7, which Yishe never writes) is given every id, so the row is still found,
    /// by a longer read.
    pub(crate) fn minute_of(id: Uuid) -> Self {
        let at = match id.get_version() {
            Some(uuid::Version::SortRand) => id.get_timestamp(),
            _ => None,
        };
        let Some(at) = at else {
            return Self {
                from: Uuid::nil(),
                until: Uuid::max(),
            };
        };
        let (seconds, nanos) = at.to_unix();
        let ms = seconds * 1000 + u64::from(nanos) / 1_000_000;
        let minute = ms - ms % Self::MINUTE_MS;
        Self {
            from: Self::first_id_at(minute),
            until: Self::first_id_at(minute + Self::MINUTE_MS),
        }
    }

    /// The smallest UUIDv7 of millisecond `ms`: the time in the first 48 bits, the
    /// rest zero, so every id of that millisecond or later sorts at or after it (as
    /// bytes, which is how both engines order UUIDs).
    fn first_id_at(ms: u64) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        Uuid::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sighting_is_the_minute_of_ids_around_its_row() {
        let id = Uuid::now_v7();
        let seen = Sighting::minute_of(id);
        assert!(seen.from <= id && id < seen.until, "{seen:?} holds {id}");
        let ms = |u: Uuid| {
            u.as_bytes()[..6]
                .iter()
                .fold(0u64, |n, byte| n << 8 | u64::from(*byte))
        };
        assert_eq!(ms(seen.from) % 60_000, 0);
        assert_eq!(ms(seen.until) - ms(seen.from), 60_000);
        // The greatest id of the minute's last millisecond is inside.
        let mut last = [0xffu8; 16];
        last[..6].copy_from_slice(&(ms(seen.until) - 1).to_be_bytes()[2..]);
        let last = Uuid::from_bytes(last);
        assert!(
            seen.from < last && last < seen.until,
            "{last} inside {seen:?}"
        );
    }

    #[test]
    fn an_id_without_a_time_is_seen_everywhere() {
        // A v4, and a v6, which carries a time but does not begin with it.
        for id in [
            Uuid::from_u128(0x1234_5678_9abc_4def_8123_4567_89ab_cdef),
            Uuid::from_u128(0x1ef1_a2b3_c4d5_6e7f_8123_4567_89ab_cdef),
        ] {
            let seen = Sighting::minute_of(id);
            assert_eq!((seen.from, seen.until), (Uuid::nil(), Uuid::max()), "{id}");
        }
    }

    #[test]
    fn stored_names_read_back_and_an_edited_value_stays_visible() {
        let names = vec!["a".to_owned(), "b\"x".to_owned()];
        let stored = resources_json(&names);
        assert_eq!(resources_from(stored.as_deref()), names);
        assert_eq!(resources_json(&[]), None);
        assert_eq!(resources_from(None), Vec::<String>::new());
        assert_eq!(
            resources_from(Some("not json")),
            vec!["not json".to_owned()]
        );
    }
}
