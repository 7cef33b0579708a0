//! `DirectoryRepo` in SQL.

macro_rules! impl_directory_repo {
    ($tx:ident, $db:ty, $lock_worker:literal) => {
        #[::async_trait::async_trait]
        impl crate::DirectoryRepo for $tx {
            async fn insert_department(
                &mut self,
                d: &::yishe_domain::directory::Department,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO departments (id, hospital_id, code, name, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(d.id.as_uuid())
                .bind(d.hospital.as_str())
                .bind(&d.code)
                .bind(&d.name)
                .bind(d.created_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "a department with this code"))?;
                Ok(())
            }

            async fn get_department(
                &mut self,
                id: ::yishe_domain::DepartmentId,
            ) -> crate::Result<Option<::yishe_domain::directory::Department>> {
                if let Some(known) = self.local.departments.get(id) {
                    return Ok(Some(known));
                }
                let row: Option<crate::rows::DepartmentRow> = ::sqlx::query_as(
                    "SELECT id, hospital_id, code, name, created_at FROM departments WHERE id = $1",
                )
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.tx)
                .await?;
                let found: Option<::yishe_domain::directory::Department> =
                    row.map(TryInto::try_into).transpose()?;
                self.read_departments.extend(found.clone());
                Ok(found)
            }

            async fn department_by_code(
                &mut self,
                hospital: &::yishe_domain::HospitalId,
                code: &str,
            ) -> crate::Result<Option<::yishe_domain::directory::Department>> {
                let row: Option<crate::rows::DepartmentRow> = ::sqlx::query_as(
                    "SELECT id, hospital_id, code, name, created_at FROM departments \
                     WHERE hospital_id = $1 AND code = $2",
                )
                .bind(hospital.as_str())
                .bind(code)
                .fetch_optional(&mut *self.tx)
                .await?;
                let found: Option<::yishe_domain::directory::Department> =
                    row.map(TryInto::try_into).transpose()?;
                self.read_departments.extend(found.clone());
                Ok(found)
            }

            async fn list_departments(
                &mut self,
                hospital: Option<&::yishe_domain::HospitalId>,
            ) -> crate::Result<Vec<::yishe_domain::directory::Department>> {
                let rows: Vec<crate::rows::DepartmentRow> = ::sqlx::query_as(
                    "SELECT id, hospital_id, code, name, created_at FROM departments \
                     WHERE ($1 IS NULL OR hospital_id = $1) ORDER BY hospital_id, code",
                )
                .bind(hospital.map(|h| h.as_str().to_owned()))
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_worker(
                &mut self,
                w: &::yishe_domain::directory::SocialWorker,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO social_workers (id, station_id, display_name, level, caseload_limit, \
                     active, created_at, updated_at, version, on_leave) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(w.id.as_uuid())
                .bind(w.station.as_str())
                .bind(&w.display_name)
                .bind(w.level.as_str())
                .bind(w.caseload_limit)
                .bind(w.active)
                .bind(w.created_at)
                .bind(w.updated_at)
                .bind(w.version)
                .bind(w.on_leave)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "social worker"))?;
                Ok(())
            }

            async fn save_worker(
                &mut self,
                w: &mut ::yishe_domain::directory::SocialWorker,
            ) -> crate::Result<()> {
                w.version += 1;
                let done = ::sqlx::query(
                    "UPDATE social_workers SET display_name = $1, level = $2, caseload_limit = $3, \
                     active = $4, updated_at = $5, version = $6, on_leave = $9 \
                     WHERE id = $7 AND version = $8",
                )
                .bind(&w.display_name)
                .bind(w.level.as_str())
                .bind(w.caseload_limit)
                .bind(w.active)
                .bind(w.updated_at)
                .bind(w.version)
                .bind(w.id.as_uuid())
                .bind(w.version - 1)
                .bind(w.on_leave)
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 {
                    // Whether the worker's credentials work may have changed with them.
                    self.changed_keys = true;
                    Ok(())
                } else {
                    w.version -= 1;
                    Err(crate::Error::Stale)
                }
            }

            async fn get_worker(
                &mut self,
                id: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<Option<::yishe_domain::directory::SocialWorker>> {
                let sql = format!("{} WHERE w.id = $1", crate::sql::SELECT_WORKER.as_str());
                let row: Option<crate::rows::WorkerRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn lock_worker(
                &mut self,
                id: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<Option<::yishe_domain::directory::SocialWorker>> {
                // Lock first, count after: the count then runs in a statement that starts
                // once the lock is ours, and so sees every assignment committed before.
                ::sqlx::query($lock_worker)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                self.get_worker(id).await
            }

            async fn list_workers(
                &mut self,
                station: &::yishe_domain::StationId,
                include_inactive: bool,
            ) -> crate::Result<Vec<::yishe_domain::directory::SocialWorker>> {
                let sql = format!(
                    "{} WHERE w.station_id = $1 AND (w.active OR $2) ORDER BY w.display_name, w.id",
                    crate::sql::SELECT_WORKER.as_str()
                );
                let rows: Vec<crate::rows::WorkerRow> = ::sqlx::query_as(&sql)
                    .bind(station.as_str())
                    .bind(include_inactive)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_api_key(
                &mut self,
                k: &::yishe_domain::directory::ApiKey,
            ) -> crate::Result<()> {
                self.changed_keys = true;
                let departments: Vec<::uuid::Uuid> = k.departments.iter().map(|d| d.as_uuid()).collect();
                ::sqlx::query(
                    "INSERT INTO api_keys (id, display_name, role, hospital_id, department_ids, \
                     station_id, social_worker_id, secret_hash, created_at, revoked_at, \
                     certificate_subject, read_only, volunteer_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(k.id.as_uuid())
                .bind(&k.display_name)
                .bind(k.role.as_str())
                .bind(k.hospital.as_ref().map(|h| h.as_str().to_owned()))
                .bind(crate::rows::to_json(&departments))
                .bind(k.station.as_ref().map(|s| s.as_str().to_owned()))
                .bind(k.worker.map(|w| w.as_uuid()))
                .bind(&k.secret_hash)
                .bind(k.created_at)
                .bind(k.revoked_at)
                .bind(k.certificate_subject.as_deref())
                .bind(k.read_only)
                .bind(k.volunteer.map(|v| v.as_uuid()))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "api key"))?;
                Ok(())
            }

            async fn get_api_key(
                &mut self,
                id: ::yishe_domain::ids::ApiKeyId,
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                let sql = format!("{} WHERE id = $1", crate::sql::SELECT_API_KEY);
                let row: Option<crate::rows::ApiKeyRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_api_keys(
                &mut self,
                include_revoked: bool,
            ) -> crate::Result<Vec<::yishe_domain::directory::ApiKey>> {
                let sql = format!(
                    "{} WHERE revoked_at IS NULL OR $1 ORDER BY id",
                    crate::sql::SELECT_API_KEY
                );
                let rows: Vec<crate::rows::ApiKeyRow> = ::sqlx::query_as(&sql)
                    .bind(include_revoked)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn revoke_api_key(
                &mut self,
                id: ::yishe_domain::ids::ApiKeyId,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                self.changed_keys = true;
                ::sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(at)
                    .bind(id.as_uuid())
                    .execute(&mut *self.tx)
                    .await?;
                self.get_api_key(id).await
            }

            async fn link_api_key(
                &mut self,
                id: ::yishe_domain::ids::ApiKeyId,
                worker: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<bool> {
                self.changed_keys = true;
                let done = ::sqlx::query(
                    "UPDATE api_keys SET social_worker_id = $1 WHERE id = $2 AND role = $3 \
                     AND social_worker_id IS NULL AND revoked_at IS NULL",
                )
                .bind(worker.as_uuid())
                .bind(id.as_uuid())
                .bind(::yishe_domain::Role::Supervisor.as_str())
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn has_valid_key(&mut self, role: &str) -> crate::Result<bool> {
                let count: i64 = ::sqlx::query_scalar(
                    "SELECT COUNT(*) FROM api_keys WHERE role = $1 AND revoked_at IS NULL",
                )
                .bind(role)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(count > 0)
            }
        }
    };
}

pub(crate) use impl_directory_repo;
