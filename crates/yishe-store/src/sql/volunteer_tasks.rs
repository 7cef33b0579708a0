//! `TaskRepo` in SQL.

macro_rules! impl_task_repo {
    ($tx:ident, $db:ty) => {
        #[::async_trait::async_trait]
        impl crate::TaskRepo for $tx {
            async fn insert_task(
                &mut self,
                t: &::yishe_domain::plan::VolunteerTask,
                fingerprint: &str,
            ) -> crate::Result<crate::TaskPosted> {
                let sealer = self.crypto.sealer();
                let inserted: Option<::uuid::Uuid> = ::sqlx::query_scalar(
                    "INSERT INTO volunteer_tasks (id, station_id, plan_id, intervention_id, \
                     referral_id, request_id, fingerprint, state, team_id, starts_at, \
                     claim_deadline, overdue, texts, supervisor_id, posted_by, claimed_by, \
                     claimed_at, reported_by, reported_at, reviewed_by, reviewed_at, created_at, \
                     updated_at, version, key_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) \
                     ON CONFLICT (station_id, request_id) DO NOTHING RETURNING id",
                )
                .bind(t.id.as_uuid())
                .bind(t.station.as_str())
                .bind(t.plan.as_uuid())
                .bind(t.intervention.as_uuid())
                .bind(t.referral.as_uuid())
                .bind(&t.request_id)
                .bind(fingerprint)
                .bind(t.state.as_str())
                .bind(t.team.map(|x| x.as_uuid()))
                .bind(t.starts_at)
                .bind(t.claim_deadline)
                .bind(t.overdue)
                .bind(crate::rows::seal_texts(t, &sealer))
                .bind(t.supervisor.map(|x| x.as_uuid()))
                .bind(&t.posted_by)
                .bind(t.claimed_by.map(|x| x.as_uuid()))
                .bind(t.claimed_at)
                .bind(t.reported_by.map(|x| x.as_uuid()))
                .bind(t.reported_at)
                .bind(t.reviewed_by.as_deref())
                .bind(t.reviewed_at)
                .bind(t.created_at)
                .bind(t.updated_at)
                .bind(t.version)
                .bind(sealer.key_id())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "volunteer task"))?;
                if inserted.is_some() {
                    return Ok(crate::TaskPosted::Inserted);
                }
                let sql = format!(
                    "{} WHERE t.station_id = $1 AND t.request_id = $2",
                    crate::rows::SELECT_TASK
                );
                let row: crate::rows::TaskRow = ::sqlx::query_as(&sql)
                    .bind(t.station.as_str())
                    .bind(&t.request_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                let fingerprint = row.fingerprint.clone();
                Ok(crate::TaskPosted::Existing(
                    Box::new(row.into_task(&self.crypto)?),
                    fingerprint,
                ))
            }

            async fn get_task(
                &mut self,
                id: ::yishe_domain::VolunteerTaskId,
            ) -> crate::Result<Option<::yishe_domain::plan::VolunteerTask>> {
                let sql = format!("{} WHERE t.id = $1", crate::rows::SELECT_TASK);
                let row: Option<crate::rows::TaskRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_task(&self.crypto)).transpose()
            }

            async fn save_task(&mut self, t: &::yishe_domain::plan::VolunteerTask) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                let done = ::sqlx::query(
                    "UPDATE volunteer_tasks SET state = $1, team_id = $2, overdue = $3, \
                     texts = $4, claimed_by = $5, claimed_at = $6, reported_by = $7, \
                     reported_at = $8, reviewed_by = $9, reviewed_at = $10, updated_at = $11, \
                     version = $12, key_id = $13, supervisor_id = $16 WHERE id = $14 AND version = $15",
                )
                .bind(t.state.as_str())
                .bind(t.team.map(|x| x.as_uuid()))
                .bind(t.overdue)
                .bind(crate::rows::seal_texts(t, &sealer))
                .bind(t.claimed_by.map(|x| x.as_uuid()))
                .bind(t.claimed_at)
                .bind(t.reported_by.map(|x| x.as_uuid()))
                .bind(t.reported_at)
                .bind(t.reviewed_by.as_deref())
                .bind(t.reviewed_at)
                .bind(t.updated_at)
                .bind(t.version)
                .bind(sealer.key_id())
                .bind(t.id.as_uuid())
                .bind(t.version - 1)
                .bind(t.supervisor.map(|x| x.as_uuid()))
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 { Ok(()) } else { Err(crate::Error::Stale) }
            }

            async fn list_tasks(
                &mut self,
                scope: &crate::TaskScope,
                plan: Option<::yishe_domain::PlanId>,
                page: ::yishe_domain::PageRequest<::yishe_domain::VolunteerTaskId>,
            ) -> crate::Result<::yishe_domain::Page<::yishe_domain::plan::VolunteerTask, ::yishe_domain::VolunteerTaskId>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_TASK);
                match scope {
                    crate::TaskScope::Station(station) => {
                        q.push(" WHERE t.station_id = ").push_bind(station.as_str().to_owned());
                    }
                    crate::TaskScope::Caseload { station, worker } => {
                        q.push(" JOIN referrals r ON r.id = t.referral_id WHERE t.station_id = ")
                            .push_bind(station.as_str().to_owned());
                        q.push(" AND r.assigned_worker_id = ").push_bind(worker.as_uuid());
                    }
                    crate::TaskScope::Team(team) => {
                        q.push(" WHERE t.team_id = ").push_bind(team.as_uuid());
                    }
                    crate::TaskScope::Board(station) => {
                        q.push(" WHERE t.station_id = ").push_bind(station.as_str().to_owned());
                        q.push(" AND t.state = ")
                            .push_bind(::yishe_domain::plan::TaskState::Posted.as_str());
                    }
                }
                if let Some(plan) = plan {
                    q.push(" AND t.plan_id = ").push_bind(plan.as_uuid());
                }
                if let Some(after) = page.after {
                    q.push(" AND t.id < ").push_bind(after.as_uuid());
                }
                q.push(" ORDER BY t.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::TaskRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let tasks = rows
                    .into_iter()
                    .map(|row| row.into_task(&self.crypto))
                    .collect::<crate::Result<Vec<_>>>()?;
                Ok(::yishe_domain::Page::from_rows(tasks, page.limit, |t| t.id))
            }

            async fn open_tasks_of_plan(
                &mut self,
                plan: ::yishe_domain::PlanId,
            ) -> crate::Result<Vec<::yishe_domain::plan::VolunteerTask>> {
                let sql = format!(
                    "{} WHERE t.plan_id = $1 AND t.state IN ($2, $3) ORDER BY t.id",
                    crate::rows::SELECT_TASK
                );
                let rows: Vec<crate::rows::TaskRow> = ::sqlx::query_as(&sql)
                    .bind(plan.as_uuid())
                    .bind(::yishe_domain::plan::TaskState::Posted.as_str())
                    .bind(::yishe_domain::plan::TaskState::Claimed.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_task(&self.crypto)).collect()
            }

            async fn open_tasks_of_referral(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<Vec<::yishe_domain::plan::VolunteerTask>> {
                let sql = format!(
                    "{} WHERE t.referral_id = $1 AND t.state IN ($2, $3) ORDER BY t.id",
                    crate::rows::SELECT_TASK
                );
                let rows: Vec<crate::rows::TaskRow> = ::sqlx::query_as(&sql)
                    .bind(referral.as_uuid())
                    .bind(::yishe_domain::plan::TaskState::Posted.as_str())
                    .bind(::yishe_domain::plan::TaskState::Claimed.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_task(&self.crypto)).collect()
            }

            async fn overdue_tasks(
                &mut self,
                now: ::chrono::DateTime<::chrono::Utc>,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::plan::VolunteerTask>> {
                let sql = format!(
                    "{} WHERE t.state = $1 AND NOT t.overdue AND t.claim_deadline < $2 \
                     ORDER BY t.claim_deadline LIMIT $3",
                    crate::rows::SELECT_TASK
                );
                let rows: Vec<crate::rows::TaskRow> = ::sqlx::query_as(&sql)
                    .bind(::yishe_domain::plan::TaskState::Posted.as_str())
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_task(&self.crypto)).collect()
            }

            async fn reseal_tasks(&mut self, limit: u32) -> crate::Result<usize> {
                let sealer = self.crypto.sealer();
                let current = sealer.key_id();
                let sql = format!(
                    "{} WHERE t.key_id <> $1 ORDER BY t.id LIMIT $2",
                    crate::rows::SELECT_TASK
                );
                let rows: Vec<crate::rows::TaskRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut done = 0;
                for row in rows {
                    let task = row.into_task(&self.crypto)?;
                    let changed = ::sqlx::query(
                        "UPDATE volunteer_tasks SET texts = $1, key_id = $2 \
                         WHERE id = $3 AND version = $4",
                    )
                    .bind(crate::rows::seal_texts(&task, &sealer))
                    .bind(&current)
                    .bind(task.id.as_uuid())
                    .bind(task.version)
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                Ok(done)
            }

            async fn delete_tasks_of(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<()> {
                ::sqlx::query("DELETE FROM volunteer_tasks WHERE referral_id = $1")
                    .bind(referral.as_uuid())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_task_repo;
