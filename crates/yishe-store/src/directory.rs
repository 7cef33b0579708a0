//! The station directory's storage: departments, social workers, API keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::directory::{ApiKey, Department, SocialWorker};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{DepartmentId, HospitalId, SocialWorkerId, StationId};

use crate::Result;

#[async_trait]
pub trait DirectoryRepo {
    /// `Error::AlreadyExists` when the hospital has the code already.
    async fn insert_department(&mut self, department: &Department) -> Result<()>;
    async fn get_department(&mut self, id: DepartmentId) -> Result<Option<Department>>;
    /// The hospital's department with this code (as in its HIS).
    async fn department_by_code(
        &mut self,
        hospital: &HospitalId,
        code: &str,
    ) -> Result<Option<Department>>;
    async fn list_departments(&mut self, hospital: Option<&HospitalId>) -> Result<Vec<Department>>;

    async fn insert_worker(&mut self, worker: &SocialWorker) -> Result<()>;
    /// Saves a changed worker and moves its version on by one; `Error::Stale` when the
    /// stored version moved on since it was read.
    async fn save_worker(&mut self, worker: &mut SocialWorker) -> Result<()>;
    async fn get_worker(&mut self, id: SocialWorkerId) -> Result<Option<SocialWorker>>;
    /// Reads the worker and locks the row until commit, so that two concurrent
    /// assignments cannot both pass the caseload check.
    async fn lock_worker(&mut self, id: SocialWorkerId) -> Result<Option<SocialWorker>>;
    async fn list_workers(
        &mut self,
        station: &StationId,
        include_inactive: bool,
    ) -> Result<Vec<SocialWorker>>;

    async fn insert_api_key(&mut self, key: &ApiKey) -> Result<()>;
    async fn get_api_key(&mut self, id: ApiKeyId) -> Result<Option<ApiKey>>;
    async fn list_api_keys(&mut self, include_revoked: bool) -> Result<Vec<ApiKey>>;
    /// Marks the key revoked (once); `None` if there is no such key.
    async fn revoke_api_key(&mut self, id: ApiKeyId, at: DateTime<Utc>) -> Result<Option<ApiKey>>;
    /// Whether any valid key of `role` exists (used to bootstrap the first admin key).
    async fn has_valid_key(&mut self, role: &str) -> Result<bool>;
    /// Links a valid supervisor key without a worker to `worker`; whether it did.
    async fn link_api_key(&mut self, id: ApiKeyId, worker: SocialWorkerId) -> Result<bool>;
}
