//! The directory use-cases: departments, social workers and API keys of the station.
//! Each administrative change is audited in its own transaction; creates with a
//! request id replay for a resend.

use yishe_domain::directory::{
    ApiKey, Department, DepartmentDraft, DirectoryCursor, KeyDraft, KeyReferences, SocialWorker,
    UpdateWorker, WorkerDraft, key_of, page_of,
};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{
    AuditAction, DepartmentId, HospitalId, Outcome, Page, PageRequest, Role, SocialWorkerId,
    StationId,
};
use yishe_runtime::auth::{RequestContext, secrets};
use yishe_store::{Store, Tx};

use crate::error::{Error, Refusal, Result};
use crate::idempotency::Idempotent;

/// Runs an idempotent create, and once more when it met a unique rule: a concurrent
/// resend of the same request may have taken the code or the request id first, and
/// once that has committed the second try replays it. `create` is told whether it is
/// the last try, when a unique rule it meets is the caller's to hear.
async fn replaying<T, F, Fut>(create: F) -> Result<T>
where
    F: Fn(bool) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match create(false).await {
        Err(Error::Store(yishe_store::Error::AlreadyExists(_))) => create(true).await,
        done => done,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct DirectoryService {
    store: Store,
}

/// Station roles act for their own station; a key without one acts for none.
pub(crate) fn station_of(ctx: &RequestContext) -> Result<StationId> {
    ctx.caller.own_station().map_err(Error::Invalid)
}

impl DirectoryService {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_department(
        &self,
        ctx: &RequestContext,
        draft: DepartmentDraft,
        request_id: Option<String>,
    ) -> Result<Department> {
        let station = station_of(ctx)?;
        let idempotent = Idempotent::of(&station, request_id, "department", &draft);
        let department = draft.validate(ctx.now()).map_err(Error::Invalid)?;
        replaying(|last_try| {
            self.try_create_department(ctx, &department, idempotent.as_ref(), last_try)
        })
        .await
    }

    async fn try_create_department(
        &self,
        ctx: &RequestContext,
        department: &Department,
        idempotent: Option<&Idempotent>,
        last_try: bool,
    ) -> Result<Department> {
        let mut tx = self.store.begin().await?;
        if let Some(idempotent) = idempotent
            && let Some(id) = idempotent.earlier(&mut *tx).await?
        {
            let id = DepartmentId::from_uuid(id);
            let earlier = tx.get_department(id).await?.ok_or_else(|| {
                yishe_store::Error::Corrupt("a request names a missing department".into())
            })?;
            tx.append_audit(&ctx.audit(AuditAction::DepartmentCreateReplay, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(earlier);
        }
        match tx.insert_department(department).await {
            // With a request id, the code may be a concurrent resend's: `replaying`
            // tries again and finds it; on the last try it is another department's.
            Err(yishe_store::Error::AlreadyExists(_)) if idempotent.is_none() || last_try => {
                return Err(Refusal::DepartmentCodeInUse.into());
            }
            inserted => inserted?,
        }
        if let Some(idempotent) = idempotent {
            idempotent
                .record(&mut *tx, department.id.as_uuid(), ctx.now())
                .await?;
        }
        tx.append_audit(&ctx.audit(AuditAction::DepartmentCreate, department.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(department.clone())
    }

    /// HIS integrations see their own hospital's departments only.
    pub(crate) async fn list_departments(
        &self,
        ctx: &RequestContext,
        requested: Option<HospitalId>,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<Department, DirectoryCursor>> {
        let hospital = match (ctx.caller.role, &ctx.caller.hospital) {
            (Role::HisIntegration, own) => {
                if requested.is_some() && requested.as_ref() != own.as_ref() {
                    return Ok(page_of(Vec::new(), |_: &Department| String::new(), page));
                }
                own.clone()
            }
            _ => requested,
        };
        let mut tx = self.store.begin().await?;
        let departments = tx.list_departments(hospital.as_ref()).await?;
        Ok(page_of(
            departments,
            |d| key_of(&[d.hospital.as_str(), &d.code]),
            page,
        ))
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_worker(
        &self,
        ctx: &RequestContext,
        draft: WorkerDraft,
        request_id: Option<String>,
    ) -> Result<SocialWorker> {
        let station = station_of(ctx)?;
        let idempotent = Idempotent::of(&station, request_id, "social_worker", &draft);
        let worker = draft.validate(station, ctx.now()).map_err(Error::Invalid)?;
        replaying(|_| self.try_create_worker(ctx, &worker, idempotent.as_ref())).await
    }

    async fn try_create_worker(
        &self,
        ctx: &RequestContext,
        worker: &SocialWorker,
        idempotent: Option<&Idempotent>,
    ) -> Result<SocialWorker> {
        let mut tx = self.store.begin().await?;
        if let Some(idempotent) = idempotent
            && let Some(id) = idempotent.earlier(&mut *tx).await?
        {
            let id = SocialWorkerId::from_uuid(id);
            let earlier = tx.get_worker(id).await?.ok_or_else(|| {
                yishe_store::Error::Corrupt("a request names a missing social worker".into())
            })?;
            tx.append_audit(&ctx.audit(AuditAction::SocialWorkerCreateReplay, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(earlier);
        }
        tx.insert_worker(worker).await?;
        if let Some(idempotent) = idempotent {
            idempotent
                .record(&mut *tx, worker.id.as_uuid(), ctx.now())
                .await?;
        }
        tx.append_audit(&ctx.audit(AuditAction::SocialWorkerCreate, worker.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(worker.clone())
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

    /// The worker record the caller's credential is linked to, if any (for the
    /// caller's own greeting: a worker deactivated since reads as none).
    pub(crate) async fn own_worker(&self, ctx: &RequestContext) -> Result<Option<SocialWorker>> {
        let Some(id) = ctx.caller.worker else {
            return Ok(None);
        };
        let mut tx = self.store.begin().await?;
        Ok(tx.get_worker(id).await?.filter(|w| w.active))
    }

    pub(crate) async fn list_workers(
        &self,
        ctx: &RequestContext,
        include_inactive: bool,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<SocialWorker, DirectoryCursor>> {
        let station = station_of(ctx)?;
        let mut tx = self.store.begin().await?;
        let workers = tx.list_workers(&station, include_inactive).await?;
        Ok(page_of(
            workers,
            |w| key_of(&[&w.display_name, &w.id.to_string()]),
            page,
        ))
    }

    /// Creates a key for the caller's station (or, for an HIS, for a hospital's
    /// departments); returns it with its secret, which is never stored.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_api_key(
        &self,
        ctx: &RequestContext,
        draft: KeyDraft,
        request_id: Option<String>,
    ) -> Result<(ApiKey, String)> {
        let station = station_of(ctx)?;
        let idempotent = Idempotent::of(&station, request_id, "api_key", &draft);
        replaying(|_| self.try_create_api_key(ctx, &station, draft.clone(), idempotent.as_ref()))
            .await
    }

    /// The key and its secret; a resend gets the first key without it (the secret is
    /// never stored, so it cannot be shown twice).
    async fn try_create_api_key(
        &self,
        ctx: &RequestContext,
        station: &StationId,
        draft: KeyDraft,
        idempotent: Option<&Idempotent>,
    ) -> Result<(ApiKey, String)> {
        let mut tx = self.store.begin().await?;
        if let Some(idempotent) = idempotent
            && let Some(id) = idempotent.earlier(&mut *tx).await?
        {
            let id = ApiKeyId::from_uuid(id);
            let earlier = tx.get_api_key(id).await?.ok_or_else(|| {
                yishe_store::Error::Corrupt("a request names a missing api key".into())
            })?;
            tx.append_audit(&ctx.audit(AuditAction::ApiKeyCreateReplay, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok((earlier, String::new()));
        }
        let known = references(&mut *tx, &draft).await?;
        let key = draft
            .validate(station, &known, ctx.now())
            .map_err(Error::Invalid)?;
        let secret = secrets::generate();
        let key = ApiKey {
            secret_hash: secrets::hash(&secret),
            ..key
        };
        tx.insert_api_key(&key).await?;
        if let Some(idempotent) = idempotent {
            idempotent
                .record(&mut *tx, key.id.as_uuid(), ctx.now())
                .await?;
        }
        tx.append_audit(&ctx.audit(AuditAction::ApiKeyCreate, key.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(key_id = %key.id, role = key.role.as_str(), "api key created");
        Ok((key, secret))
    }

    /// The keys, or only the valid supervisor keys not linked to a person (which
    /// cannot approve plans until linked).
    pub(crate) async fn list_api_keys(
        &self,
        include_revoked: bool,
        unlinked_supervisors_only: bool,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<ApiKey, DirectoryCursor>> {
        let mut tx = self.store.begin().await?;
        let mut keys = tx.list_api_keys(include_revoked).await?;
        if unlinked_supervisors_only {
            keys.retain(|k| {
                k.role == Role::Supervisor && k.worker.is_none() && k.revoked_at.is_none()
            });
        }
        // Ids are time-ordered: by id is oldest first.
        Ok(page_of(keys, |k| k.id.to_string(), page))
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
    if let Some(id) = draft.volunteer_id()
        && let Some(volunteer) = tx.get_volunteer(id).await?
    {
        known.volunteer = Some((id, volunteer.station));
    }
    Ok(known)
}
