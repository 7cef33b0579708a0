//! Rows as both engines return them, and their conversion to domain types. Enums are
//! stored by their stable names, nested values as JSON text.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::directory::{ApiKey, CertificationLevel, Department, SocialWorker};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::referral::{
    Referral, ReferralEvent, ReferralReason, RejectionReason, Status, StatusReason,
};
use yishe_domain::{
    DepartmentId, HospitalId, Priority, ReferralId, Role, SocialWorkerId, StationId,
};

use crate::{AuditEntry, Crypto, Error, Result};

fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("unreadable {what}"))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values serialize")
}

pub(crate) fn reasons_json(reasons: &[ReferralReason]) -> String {
    to_json(&reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>())
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReferralRow {
    id: Uuid,
    created_by: String,
    request_id: String,
    pub(crate) fingerprint: String,
    hospital_id: String,
    department_id: Uuid,
    station_id: String,
    clinician: String,
    patient: String,
    reasons: String,
    note: String,
    priority: String,
    consent: String,
    status: String,
    rejection_reason: Option<String>,
    status_note: String,
    assigned_worker_id: Option<Uuid>,
    assigned_worker_name: Option<String>,
    acceptance_deadline: DateTime<Utc>,
    sla_breached: bool,
    accepted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

/// A referral's sensitive columns as stored: sealed with the current key.
pub(crate) struct SealedReferral {
    pub(crate) patient: String,
    pub(crate) consent: String,
    pub(crate) note: String,
    pub(crate) status_note: String,
    pub(crate) patient_lookup: String,
    pub(crate) key_id: String,
}

/// The associated data binding a sealed value to its row and column.
fn context(id: Uuid, field: &str) -> String {
    format!("referral:{id}:{field}")
}

impl SealedReferral {
    pub(crate) fn of(r: &Referral, crypto: &Crypto) -> Self {
        let id = r.id.as_uuid();
        Self {
            patient: crypto.seal(&context(id, "patient"), &to_json(&r.patient)),
            consent: crypto.seal(&context(id, "consent"), &to_json(&r.consent)),
            note: crypto.seal(&context(id, "note"), &r.note),
            status_note: crypto.seal(&context(id, "status_note"), &r.status_reason.note),
            patient_lookup: crypto.lookup(&r.patient.his_patient_id),
            key_id: crypto.current_key_id(),
        }
    }
}

impl ReferralRow {
    /// The referral, its sensitive columns decrypted.
    pub(crate) fn into_referral(self, crypto: &Crypto) -> Result<Referral> {
        let id = self.id;
        let open = |field: &str, value: &str| crypto.open(&context(id, field), value);
        let patient = open("patient", &self.patient)?;
        let consent = open("consent", &self.consent)?;
        let note = open("note", &self.note)?;
        let status_note = open("status_note", &self.status_note)?;
        let row = ReferralRow {
            patient,
            consent,
            note,
            status_note,
            ..self
        };
        row.into_plain()
    }

    fn into_plain(self) -> Result<Referral> {
        let row = self;
        let reasons: Vec<String> = from_json(&row.reasons, "reasons")?;
        Ok(Referral {
            id: ReferralId::from_uuid(row.id),
            request_id: row.request_id,
            created_by: row.created_by,
            hospital: HospitalId::parse(&row.hospital_id).ok_or_else(|| corrupt("hospital id"))?,
            department: DepartmentId::from_uuid(row.department_id),
            clinician: from_json(&row.clinician, "clinician")?,
            patient: from_json(&row.patient, "patient")?,
            reasons: reasons
                .iter()
                .map(|r| ReferralReason::parse(r).ok_or_else(|| corrupt("reason")))
                .collect::<Result<_>>()?,
            note: row.note,
            priority: Priority::parse(&row.priority).ok_or_else(|| corrupt("priority"))?,
            consent: from_json(&row.consent, "consent")?,
            status: Status::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            status_reason: StatusReason {
                rejection_reason: row
                    .rejection_reason
                    .map(|r| RejectionReason::parse(&r).ok_or_else(|| corrupt("rejection reason")))
                    .transpose()?,
                note: row.status_note,
            },
            station: StationId::parse(&row.station_id).ok_or_else(|| corrupt("station id"))?,
            assigned_worker: row.assigned_worker_id.map(SocialWorkerId::from_uuid),
            assigned_worker_name: row.assigned_worker_name,
            acceptance_deadline: row.acceptance_deadline,
            sla_breached: row.sla_breached,
            accepted_at: row.accepted_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    id: Uuid,
    hospital_id: String,
    code: String,
    name: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<DepartmentRow> for Department {
    type Error = Error;

    fn try_from(row: DepartmentRow) -> Result<Self> {
        Ok(Department {
            id: DepartmentId::from_uuid(row.id),
            hospital: HospitalId::parse(&row.hospital_id).ok_or_else(|| corrupt("hospital id"))?,
            code: row.code,
            name: row.name,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkerRow {
    id: Uuid,
    station_id: String,
    display_name: String,
    level: String,
    caseload_limit: i32,
    active: bool,
    open_cases: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<WorkerRow> for SocialWorker {
    type Error = Error;

    fn try_from(row: WorkerRow) -> Result<Self> {
        Ok(SocialWorker {
            id: SocialWorkerId::from_uuid(row.id),
            station: StationId::parse(&row.station_id).ok_or_else(|| corrupt("station id"))?,
            display_name: row.display_name,
            level: CertificationLevel::parse(&row.level).ok_or_else(|| corrupt("level"))?,
            caseload_limit: row.caseload_limit,
            active: row.active,
            open_cases: i32::try_from(row.open_cases).unwrap_or(i32::MAX),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    id: Uuid,
    display_name: String,
    role: String,
    hospital_id: Option<String>,
    department_ids: String,
    station_id: Option<String>,
    social_worker_id: Option<Uuid>,
    certificate_subject: Option<String>,
    read_only: bool,
    secret_hash: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = Error;

    fn try_from(row: ApiKeyRow) -> Result<Self> {
        let departments: Vec<Uuid> = from_json(&row.department_ids, "department ids")?;
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(row.id),
            display_name: row.display_name,
            role: Role::parse(&row.role).ok_or_else(|| corrupt("role"))?,
            hospital: row
                .hospital_id
                .map(|h| HospitalId::parse(&h).ok_or_else(|| corrupt("hospital id")))
                .transpose()?,
            departments: departments
                .into_iter()
                .map(DepartmentId::from_uuid)
                .collect(),
            station: row
                .station_id
                .map(|s| StationId::parse(&s).ok_or_else(|| corrupt("station id")))
                .transpose()?,
            worker: row.social_worker_id.map(SocialWorkerId::from_uuid),
            certificate_subject: row.certificate_subject,
            read_only: row.read_only,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FeedRow {
    sequence: i64,
    payload: String,
}

impl TryFrom<FeedRow> for ReferralEvent {
    type Error = Error;

    fn try_from(row: FeedRow) -> Result<Self> {
        let mut event: ReferralEvent = from_json(&row.payload, "event")?;
        event.sequence = Some(u64::try_from(row.sequence).map_err(|_| corrupt("sequence"))?);
        Ok(event)
    }
}

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

impl From<LinkedAuditRow> for crate::chain::AuditRecord {
    fn from(row: LinkedAuditRow) -> Self {
        let link = match (row.sequence, row.previous_hash, row.hash) {
            (Some(sequence), Some(previous), Some(hash)) => {
                Some((sequence.max(0) as u64, previous, hash))
            }
            _ => None,
        };
        crate::chain::AuditRecord {
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

impl From<ChainRow> for crate::chain::ChainLink {
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
            }),
            _ => None,
        };
        crate::chain::ChainLink {
            sequence: row.sequence.max(0) as u64,
            audit_id: row.audit_id,
            previous_hash: row.previous_hash,
            hash: row.hash,
            entry,
        }
    }
}
