//! `PlanRepo` in SQL.

macro_rules! impl_plan_repo {
    ($tx:ident, $db:ty) => {
        #[::async_trait::async_trait]
        impl crate::PlanRepo for $tx {
            async fn insert_plan(
                &mut self,
                plan: &::yishe_domain::plan::Plan,
                first: &::yishe_domain::plan::PlanVersion,
                fingerprint: &str,
            ) -> crate::Result<crate::PlanInserted> {
                let sealer = self.crypto.sealer();
                // Either unique constraint (the station's request id, the referral's
                // one plan) turns the insert into nothing; which one is read below.
                let inserted: Option<::uuid::Uuid> = ::sqlx::query_scalar(
                    "INSERT INTO service_plans (id, referral_id, station_id, request_id, \
                     fingerprint, newest_version, newest_state, in_force_version, work, \
                     revision, created_by, created_at, updated_at, key_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(plan.id.as_uuid())
                .bind(plan.referral.as_uuid())
                .bind(plan.station.as_str())
                .bind(&plan.request_id)
                .bind(fingerprint)
                .bind(i64::from(plan.newest_version))
                .bind(plan.newest_state.as_str())
                .bind(plan.in_force_version.map(i64::from))
                .bind(crate::rows::seal_work(plan, &sealer))
                .bind(plan.revision)
                .bind(&plan.created_by)
                .bind(plan.created_at)
                .bind(plan.updated_at)
                .bind(sealer.key_id())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "service plan"))?;
                if inserted.is_some() {
                    crate::PlanRepo::insert_plan_version(self, first).await?;
                    return Ok(crate::PlanInserted::Inserted);
                }
                let sql = format!(
                    "{} WHERE p.station_id = $1 AND p.request_id = $2",
                    crate::rows::SELECT_PLAN_WITH_NEWEST
                );
                let replay: Option<crate::rows::PlanWithNewestRow> = ::sqlx::query_as(&sql)
                    .bind(plan.station.as_str())
                    .bind(&plan.request_id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                if let Some(row) = replay {
                    let fingerprint = row.plan.fingerprint.clone();
                    let existing = (
                        row.plan.into_plan(&self.crypto)?,
                        row.version.into_version(&self.crypto)?,
                    );
                    return Ok(crate::PlanInserted::Existing(
                        Box::new(existing),
                        fingerprint,
                    ));
                }
                let other: ::uuid::Uuid =
                    ::sqlx::query_scalar("SELECT id FROM service_plans WHERE referral_id = $1")
                        .bind(plan.referral.as_uuid())
                        .fetch_one(&mut *self.tx)
                        .await?;
                Ok(crate::PlanInserted::ReferralHasPlan(
                    ::yishe_domain::PlanId::from_uuid(other),
                ))
            }

            async fn get_plan(
                &mut self,
                id: ::yishe_domain::PlanId,
            ) -> crate::Result<Option<::yishe_domain::plan::Plan>> {
                let sql = format!("{} WHERE p.id = $1", crate::rows::SELECT_PLAN);
                let row: Option<crate::rows::PlanRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_plan(&self.crypto)).transpose()
            }

            async fn get_plan_version(
                &mut self,
                id: ::yishe_domain::PlanId,
                version: u32,
            ) -> crate::Result<Option<::yishe_domain::plan::PlanVersion>> {
                let sql = format!(
                    "{} WHERE v.plan_id = $1 AND v.version = $2",
                    crate::rows::SELECT_PLAN_VERSION
                );
                let row: Option<crate::rows::PlanVersionRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .bind(i64::from(version))
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_version(&self.crypto)).transpose()
            }

            async fn save_plan(&mut self, plan: &::yishe_domain::plan::Plan) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                let done = ::sqlx::query(
                    "UPDATE service_plans SET newest_version = $1, newest_state = $2, \
                     in_force_version = $3, work = $4, revision = $5, updated_at = $6, \
                     key_id = $7 WHERE id = $8 AND revision = $9",
                )
                .bind(i64::from(plan.newest_version))
                .bind(plan.newest_state.as_str())
                .bind(plan.in_force_version.map(i64::from))
                .bind(crate::rows::seal_work(plan, &sealer))
                .bind(plan.revision)
                .bind(plan.updated_at)
                .bind(sealer.key_id())
                .bind(plan.id.as_uuid())
                .bind(plan.revision - 1)
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(crate::Error::Stale)
                }
            }

            async fn insert_plan_version(
                &mut self,
                v: &::yishe_domain::plan::PlanVersion,
            ) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                ::sqlx::query(
                    "INSERT INTO service_plan_versions (plan_id, version, state, body, author, \
                     author_worker, created_at, submitted_at, decided_at, key_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(v.plan.as_uuid())
                .bind(i64::from(v.version))
                .bind(v.state.as_str())
                .bind(crate::rows::seal_body(v, &sealer))
                .bind(&v.author)
                .bind(v.author_worker.map(|w| w.as_uuid()))
                .bind(v.created_at)
                .bind(v.submitted_at)
                .bind(v.decision.as_ref().map(|d| d.at))
                .bind(sealer.key_id())
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "service plan version"))?;
                Ok(())
            }

            async fn update_plan_version(
                &mut self,
                v: &::yishe_domain::plan::PlanVersion,
            ) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                let done = ::sqlx::query(
                    "UPDATE service_plan_versions SET state = $1, body = $2, submitted_at = $3, \
                     decided_at = $4, key_id = $5 WHERE plan_id = $6 AND version = $7",
                )
                .bind(v.state.as_str())
                .bind(crate::rows::seal_body(v, &sealer))
                .bind(v.submitted_at)
                .bind(v.decision.as_ref().map(|d| d.at))
                .bind(sealer.key_id())
                .bind(v.plan.as_uuid())
                .bind(i64::from(v.version))
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(crate::Error::Stale)
                }
            }

            async fn list_plans(
                &mut self,
                scope: &crate::PlanScope,
                referral: Option<::yishe_domain::ReferralId>,
                state: Option<::yishe_domain::plan::PlanState>,
                page: ::yishe_domain::PageRequest<::yishe_domain::PlanId>,
            ) -> crate::Result<
                ::yishe_domain::Page<
                    (
                        ::yishe_domain::plan::Plan,
                        ::yishe_domain::plan::PlanVersion,
                    ),
                    ::yishe_domain::PlanId,
                >,
            > {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_PLAN_WITH_NEWEST);
                match scope {
                    crate::PlanScope::Station(station) => {
                        q.push(" WHERE p.station_id = ")
                            .push_bind(station.as_str().to_owned());
                    }
                    crate::PlanScope::Caseload { station, worker } => {
                        q.push(" JOIN referrals r ON r.id = p.referral_id WHERE p.station_id = ")
                            .push_bind(station.as_str().to_owned());
                        q.push(" AND r.assigned_worker_id = ")
                            .push_bind(worker.as_uuid());
                    }
                }
                if let Some(referral) = referral {
                    q.push(" AND p.referral_id = ")
                        .push_bind(referral.as_uuid());
                }
                if let Some(state) = state {
                    q.push(" AND p.newest_state = ").push_bind(state.as_str());
                }
                if let Some(after) = page.after {
                    q.push(" AND p.id < ").push_bind(after.as_uuid());
                }
                q.push(" ORDER BY p.id DESC LIMIT ")
                    .push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::PlanWithNewestRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let plans = rows
                    .into_iter()
                    .map(|row| {
                        Ok((
                            row.plan.into_plan(&self.crypto)?,
                            row.version.into_version(&self.crypto)?,
                        ))
                    })
                    .collect::<crate::Result<Vec<_>>>()?;
                Ok(::yishe_domain::Page::from_rows(
                    plans,
                    page.limit,
                    |(p, _)| p.id,
                ))
            }

            async fn reseal_plans(&mut self, limit: u32) -> crate::Result<usize> {
                let sealer = self.crypto.sealer();
                let current = sealer.key_id();
                let sql = format!(
                    "{} WHERE p.key_id <> $1 ORDER BY p.id LIMIT $2",
                    crate::rows::SELECT_PLAN
                );
                let plans: Vec<crate::rows::PlanRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut done = 0;
                for row in plans {
                    let plan = row.into_plan(&self.crypto)?;
                    // The revision stays: sealing again is not a change a caller made.
                    let changed = ::sqlx::query(
                        "UPDATE service_plans SET work = $1, key_id = $2 \
                         WHERE id = $3 AND revision = $4",
                    )
                    .bind(crate::rows::seal_work(&plan, &sealer))
                    .bind(&current)
                    .bind(plan.id.as_uuid())
                    .bind(plan.revision)
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                let left = limit.saturating_sub(done as u32);
                if left == 0 {
                    return Ok(done);
                }
                let sql = format!(
                    "{} WHERE v.key_id <> $1 ORDER BY v.plan_id, v.version LIMIT $2",
                    crate::rows::SELECT_PLAN_VERSION
                );
                let versions: Vec<crate::rows::PlanVersionRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(left))
                    .fetch_all(&mut *self.tx)
                    .await?;
                for row in versions {
                    let version = row.into_version(&self.crypto)?;
                    let changed = ::sqlx::query(
                        "UPDATE service_plan_versions SET body = $1, key_id = $2 \
                         WHERE plan_id = $3 AND version = $4",
                    )
                    .bind(crate::rows::seal_body(&version, &sealer))
                    .bind(&current)
                    .bind(version.plan.as_uuid())
                    .bind(i64::from(version.version))
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                Ok(done)
            }

            async fn delete_plans_of(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<()> {
                for sql in [
                    "DELETE FROM service_plan_versions WHERE plan_id IN \
                     (SELECT id FROM service_plans WHERE referral_id = $1)",
                    "DELETE FROM service_plans WHERE referral_id = $1",
                ] {
                    ::sqlx::query(sql)
                        .bind(referral.as_uuid())
                        .execute(&mut *self.tx)
                        .await?;
                }
                Ok(())
            }
        }
    };
}

pub(crate) use impl_plan_repo;
