//! The directory use-cases: departments, social workers and API keys of the station.

use yishe_domain::directory::{
    ApiKey, CertificationLevel, Department, MAX_CASELOAD_LIMIT, SocialWorker,
};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{
    AuditAction, DepartmentId, Etag, HospitalId, Outcome, Role, SocialWorkerId, StationId,
    Violations,
};
use yishe_runtime::auth::{RequestContext, secrets};
use yishe_store::Store;

use crate::error::{Error, Result};

const NAME: usize = 100;

/// A department as received.
#[derive(Debug, Clone, Default)]
pub struct DepartmentDraft {
    pub hospital_id: String,
    pub code: String,
    pub name: String,
}

/// A social worker as received.
#[derive(Debug, Clone, Default)]
pub struct WorkerDraft {
    pub display_name: String,
    pub level: Option<CertificationLevel>,
    pub caseload_limit: i32,
    pub active: bool,
}

/// Which fields an update changes.
#[derive(Debug, Clone, Default)]
pub struct WorkerMask {
    pub display_name: bool,
    pub level: bool,
    pub caseload_limit: bool,
    pub active: bool,
}

impl WorkerMask {
    pub fn parse(paths: &[String]) -> Result<Self> {
        let mut mask = WorkerMask::default();
        let mut v = Violations::new();
        if paths.is_empty() {
            v.add("update_mask", "is required: name the fields to change");
        }
        for path in paths {
            match path.as_str() {
                "display_name" => mask.display_name = true,
                "certification_level" => mask.level = true,
                "caseload_limit" => mask.caseload_limit = true,
                "active" => mask.active = true,
                other => v.add("update_mask", format!("{other:?} cannot be changed")),
            }
        }
        v.into_result(mask).map_err(Error::Invalid)
    }
}

/// An API key as received.
#[derive(Debug, Clone, Default)]
pub struct KeyDraft {
    pub display_name: String,
    pub role: Option<Role>,
    pub hospital_id: String,
    pub department_ids: Vec<String>,
    pub social_worker_id: String,
    pub certificate_subject: String,
    pub read_only: bool,
}

#[derive(Debug, Clone)]
pub struct DirectoryService {
    store: Store,
}

/// Station roles act for their own station; a key without one acts for none.
fn station_of(ctx: &RequestContext) -> Result<StationId> {
    ctx.caller.station.clone().ok_or_else(|| {
        Error::Invalid(Violations::one(
            "station_id",
            "the caller belongs to no station",
        ))
    })
}

impl DirectoryService {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn create_department(
        &self,
        ctx: &RequestContext,
        draft: DepartmentDraft,
    ) -> Result<Department> {
        let mut v = Violations::new();
        let hospital = HospitalId::parse(&draft.hospital_id);
        if hospital.is_none() {
            v.add(
                "department.hospital_id",
                "is required: 1 to 64 letters, digits, '-', '_' or '.'",
            );
        }
        let code = v.required_text("department.code", &draft.code, 64);
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            v.add(
                "department.code",
                "may contain only letters, digits, '-' and '_'",
            );
        }
        let name = v.required_text("department.name", &draft.name, NAME);
        let (Some(hospital), true) = (hospital, v.is_empty()) else {
            return Err(Error::Invalid(v));
        };
        let department = Department {
            id: DepartmentId::new(),
            hospital,
            code,
            name,
            created_at: ctx.now(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_department(&department).await?;
        tx.append_audit(&ctx.audit(AuditAction::DepartmentCreate, department.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(department)
    }

    /// HIS integrations see their own hospital's departments only.
    pub async fn list_departments(
        &self,
        ctx: &RequestContext,
        hospital_id: &str,
    ) -> Result<Vec<Department>> {
        let requested = if hospital_id.trim().is_empty() {
            None
        } else {
            Some(HospitalId::parse(hospital_id).ok_or_else(|| {
                Error::Invalid(Violations::one(
                    "hospital_id",
                    "must be 1 to 64 letters, digits, '-', '_' or '.'",
                ))
            })?)
        };
        let hospital = match (ctx.caller.role, &ctx.caller.hospital) {
            (Role::HisIntegration, own) => {
                if requested.is_some() && requested.as_ref() != own.as_ref() {
                    return Ok(Vec::new());
                }
                own.clone()
            }
            _ => requested,
        };
        let mut tx = self.store.begin().await?;
        Ok(tx.list_departments(hospital.as_ref()).await?)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn create_worker(
        &self,
        ctx: &RequestContext,
        draft: WorkerDraft,
    ) -> Result<SocialWorker> {
        let station = station_of(ctx)?;
        let mut v = Violations::new();
        let display_name = v.required_text("social_worker.display_name", &draft.display_name, NAME);
        if draft.level.is_none() {
            v.add(
                "social_worker.certification_level",
                "is required: ASSISTANT, INTERMEDIATE or SENIOR",
            );
        }
        check_caseload_limit(&mut v, "social_worker.caseload_limit", draft.caseload_limit);
        let (Some(level), true) = (draft.level, v.is_empty()) else {
            return Err(Error::Invalid(v));
        };
        let at = ctx.now();
        let worker = SocialWorker {
            id: SocialWorkerId::new(),
            station,
            display_name,
            level,
            caseload_limit: draft.caseload_limit,
            active: true,
            open_cases: 0,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_worker(&worker).await?;
        tx.append_audit(&ctx.audit(AuditAction::SocialWorkerCreate, worker.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(worker)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn update_worker(
        &self,
        ctx: &RequestContext,
        id: &str,
        etag: &str,
        draft: WorkerDraft,
        mask: WorkerMask,
    ) -> Result<SocialWorker> {
        let station = station_of(ctx)?;
        let id = SocialWorkerId::parse(id).ok_or_else(|| {
            Error::Invalid(Violations::one(
                "social_worker.id",
                "must be a social worker id (a UUID)",
            ))
        })?;
        let mut v = Violations::new();
        let etag = Etag::parse(etag);
        if etag.is_none() {
            v.add("social_worker.etag", "is required: send the etag last read");
        }
        let display_name = mask
            .display_name
            .then(|| v.required_text("social_worker.display_name", &draft.display_name, NAME));
        if mask.level && draft.level.is_none() {
            v.add(
                "social_worker.certification_level",
                "must be ASSISTANT, INTERMEDIATE or SENIOR",
            );
        }
        if mask.caseload_limit {
            check_caseload_limit(&mut v, "social_worker.caseload_limit", draft.caseload_limit);
        }
        let (Some(etag), true) = (etag, v.is_empty()) else {
            return Err(Error::Invalid(v));
        };
        let mut tx = self.store.begin().await?;
        let mut worker = tx
            .get_worker(id)
            .await?
            .filter(|w| w.station == station)
            .ok_or(Error::NotFound("social worker"))?;
        etag.check(worker.version, "social worker")?;
        if let Some(name) = display_name {
            worker.display_name = name;
        }
        if let (true, Some(level)) = (mask.level, draft.level) {
            worker.level = level;
        }
        if mask.caseload_limit {
            worker.caseload_limit = draft.caseload_limit;
        }
        if mask.active {
            worker.active = draft.active;
        }
        worker.updated_at = ctx.now();
        worker.version += 1;
        tx.update_worker(&worker).await?;
        tx.append_audit(&ctx.audit(AuditAction::SocialWorkerUpdate, worker.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(worker)
    }

    pub async fn list_workers(
        &self,
        ctx: &RequestContext,
        include_inactive: bool,
    ) -> Result<Vec<SocialWorker>> {
        let station = station_of(ctx)?;
        let mut tx = self.store.begin().await?;
        Ok(tx.list_workers(&station, include_inactive).await?)
    }

    /// Creates a key for the caller's station (or, for an HIS, for a hospital's
    /// departments); returns it with its secret, which is never stored.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn create_api_key(
        &self,
        ctx: &RequestContext,
        draft: KeyDraft,
    ) -> Result<(ApiKey, String)> {
        let station = station_of(ctx)?;
        let mut tx = self.store.begin().await?;
        let key = self
            .checked_key(&mut *tx, draft, &station, ctx.now())
            .await?;
        let secret = secrets::generate();
        let key = ApiKey {
            secret_hash: secrets::hash(&secret),
            ..key
        };
        tx.insert_api_key(&key).await?;
        tx.append_audit(&ctx.audit(AuditAction::ApiKeyCreate, key.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(key_id = %key.id, role = key.role.as_str(), "api key created");
        Ok((key, secret))
    }

    async fn checked_key(
        &self,
        tx: &mut dyn yishe_store::Tx,
        draft: KeyDraft,
        station: &StationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ApiKey> {
        let mut v = Violations::new();
        let display_name = v.required_text("api_key.display_name", &draft.display_name, NAME);
        let mut key = ApiKey {
            id: ApiKeyId::new(),
            display_name,
            role: Role::Ops,
            hospital: None,
            departments: Vec::new(),
            station: None,
            worker: None,
            certificate_subject: None,
            read_only: draft.read_only,
            secret_hash: String::new(),
            created_at: now,
            revoked_at: None,
        };
        let Some(role) = draft.role else {
            v.add("api_key.role", "is required");
            return Err(Error::Invalid(v));
        };
        key.role = role;
        let worker_id = draft.social_worker_id.trim();
        if role == Role::HisIntegration {
            key.hospital = HospitalId::parse(&draft.hospital_id);
            if key.hospital.is_none() {
                v.add("api_key.hospital_id", "is required for an HIS integration");
            }
            if draft.department_ids.is_empty() {
                v.add(
                    "api_key.department_ids",
                    "needs at least one department for an HIS integration",
                );
            }
            for (i, text) in draft.department_ids.iter().enumerate() {
                let field = format!("api_key.department_ids[{i}]");
                match DepartmentId::parse(text) {
                    None => v.add(field, "must be a department id (a UUID)"),
                    Some(id) => match tx.get_department(id).await? {
                        Some(d) if Some(&d.hospital) == key.hospital.as_ref() => {
                            key.departments.push(id)
                        }
                        _ => v.add(field, "is not a registered department of that hospital"),
                    },
                }
            }
        } else {
            if !draft.hospital_id.trim().is_empty() || !draft.department_ids.is_empty() {
                v.add("api_key.hospital_id", "is only for HIS integrations");
            }
            key.station = Some(station.clone());
        }
        let subject = v.optional_text(
            "api_key.certificate_subject",
            &draft.certificate_subject,
            255,
        );
        if !subject.is_empty() {
            if role == Role::HisIntegration {
                key.certificate_subject = Some(subject);
            } else {
                v.add(
                    "api_key.certificate_subject",
                    "is only for HIS integrations",
                );
            }
        }
        let needs_worker = role == Role::SocialWorker;
        let may_have_worker = matches!(role, Role::SocialWorker | Role::Supervisor);
        if worker_id.is_empty() {
            if needs_worker {
                v.add(
                    "api_key.social_worker_id",
                    "is required for a social worker's key",
                );
            }
        } else if !may_have_worker {
            v.add(
                "api_key.social_worker_id",
                "is only for social worker and supervisor keys",
            );
        } else {
            match SocialWorkerId::parse(worker_id) {
                None => v.add(
                    "api_key.social_worker_id",
                    "must be a social worker id (a UUID)",
                ),
                Some(id) => match tx.get_worker(id).await? {
                    Some(w) if &w.station == station => key.worker = Some(id),
                    _ => v.add(
                        "api_key.social_worker_id",
                        "is not a social worker of this station",
                    ),
                },
            }
        }
        v.into_result(key).map_err(Error::Invalid)
    }

    pub async fn list_api_keys(&self, include_revoked: bool) -> Result<Vec<ApiKey>> {
        let mut tx = self.store.begin().await?;
        Ok(tx.list_api_keys(include_revoked).await?)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn revoke_api_key(&self, ctx: &RequestContext, id: &str) -> Result<ApiKey> {
        let id = ApiKeyId::parse(id).ok_or_else(|| {
            Error::Invalid(Violations::one(
                "api_key_id",
                "must be an API key id (a UUID)",
            ))
        })?;
        let mut tx = self.store.begin().await?;
        let key = tx
            .revoke_api_key(id, ctx.now())
            .await?
            .ok_or(Error::NotFound("api key"))?;
        tx.append_audit(&ctx.audit(AuditAction::ApiKeyRevoke, id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(key_id = %id, "api key revoked");
        Ok(key)
    }
}

fn check_caseload_limit(v: &mut Violations, field: &str, limit: i32) {
    if !(1..=MAX_CASELOAD_LIMIT).contains(&limit) {
        v.add(field, format!("must be 1 to {MAX_CASELOAD_LIMIT}"));
    }
}

#[cfg(test)]
mod tests {
    use super::WorkerMask;

    #[test]
    fn masks_name_known_fields_only() {
        let mask = WorkerMask::parse(&["active".into(), "caseload_limit".into()]).unwrap();
        assert!(mask.active && mask.caseload_limit && !mask.display_name && !mask.level);
        assert!(WorkerMask::parse(&[]).is_err());
        assert!(WorkerMask::parse(&["station_id".into()]).is_err());
    }
}
