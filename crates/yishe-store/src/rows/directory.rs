//! Department, social worker and API key rows.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::directory::{ApiKey, CertificationLevel, Department, SocialWorker};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{DepartmentId, HospitalId, Role, SocialWorkerId, StationId};

use super::{corrupt, from_json};
use crate::{Error, Result};

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
    on_leave: bool,
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
            on_leave: row.on_leave,
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
    volunteer_id: Option<Uuid>,
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
            volunteer: row.volunteer_id.map(yishe_domain::VolunteerId::from_uuid),
            certificate_subject: row.certificate_subject,
            read_only: row.read_only,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        })
    }
}
