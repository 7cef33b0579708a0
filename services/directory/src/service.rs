//! The directory use-cases: departments, social workers and API keys of the station.
//! Each administrative change is audited in its own transaction.

use yishe_domain::directory::{
    ApiKey, Department, DepartmentDraft, KeyDraft, KeyReferences, SocialWorker, UpdateWorker,
    WorkerDraft,
};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{AuditAction, HospitalId, Outcome, Role, StationId, Violations};
use yishe_runtime::auth::{RequestContext, secrets};
use yishe_store::{Store, Tx};

use crate::error::{Error, Refusal, Result};

#[derive(Debug, Clone)]
pub(crate) struct DirectoryService {
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
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_department(
        &self,
        ctx: &RequestContext,
        draft: DepartmentDraft,
    ) -> Result<Department> {
        let department = draft.validate(ctx.now()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        tx.insert_department(&department).await?;
        tx.append_audit(&ctx.audit(AuditAction::DepartmentCreate, department.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(department)
    }

    /// HIS integrations see their own hospital's departments only.
    pub(crate) async fn list_departments(
        &self,
        ctx: &RequestContext,
        requested: Option<HospitalId>,
    ) -> Result<Vec<Department>> {
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
    pub(crate) async fn create_worker(
        &self,
        ctx: &RequestContext,
        draft: WorkerDraft,
    ) -> Result<SocialWorker> {
        let station = station_of(ctx)?;
        let worker = draft.validate(station, ctx.now()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        tx.insert_worker(&worker).await?;
        tx.append_audit(&ctx.audit(AuditAction::SocialWorkerCreate, worker.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(worker)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn update_worker(
        &self,
        ctx: &RequestContext,
        request: UpdateWorker,
    ) -> Result<SocialWorker> {
        let station = station_of(ctx)?;
        let change = request.draft.change(request.mask).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let mut worker = tx
            .get_worker(request.id)
            .await?
            .filter(|w| w.station == station)
            .ok_or(Refusal::SocialWorkerNotFound)?;
        request.etag.check(worker.version, "social worker")?;
        worker.apply(change, ctx.now());
        tx.save_worker(&mut worker).await?;
        tx.append_audit(&ctx.audit(AuditAction::SocialWorkerUpdate, worker.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(worker)
    }

    pub(crate) async fn list_workers(
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
    pub(crate) async fn create_api_key(
        &self,
        ctx: &RequestContext,
        draft: KeyDraft,
    ) -> Result<(ApiKey, String)> {
        let station = station_of(ctx)?;
        let mut tx = self.store.begin().await?;
        let known = references(&mut *tx, &draft).await?;
        let key = draft
            .validate(&station, &known, ctx.now())
            .map_err(Error::Invalid)?;
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

    pub(crate) async fn list_api_keys(&self, include_revoked: bool) -> Result<Vec<ApiKey>> {
        let mut tx = self.store.begin().await?;
        Ok(tx.list_api_keys(include_revoked).await?)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn revoke_api_key(
        &self,
        ctx: &RequestContext,
        id: ApiKeyId,
    ) -> Result<ApiKey> {
        let mut tx = self.store.begin().await?;
        let key = tx
            .revoke_api_key(id, ctx.now())
            .await?
            .ok_or(Refusal::ApiKeyNotFound)?;
        tx.append_audit(&ctx.audit(AuditAction::ApiKeyRevoke, id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(key_id = %id, "api key revoked");
        Ok(key)
    }
}

/// The departments and the worker a key draft names, as far as they exist.
async fn references(tx: &mut dyn Tx, draft: &KeyDraft) -> Result<KeyReferences> {
    let mut known = KeyReferences::default();
    for id in draft.department_ids() {
        if let Some(department) = tx.get_department(id).await? {
            known.departments.push((id, department.hospital));
        }
    }
    if let Some(id) = draft.worker_id()
        && let Some(worker) = tx.get_worker(id).await?
    {
        known.worker = Some((id, worker.station));
    }
    Ok(known)
}
