//! `AssessmentRepo` in SQL.

macro_rules! impl_assessment_repo {
    ($tx:ident, $db:ty) => {
        impl $tx {
            async fn insert_version(
                &mut self,
                a: &::yishe_domain::assessment::Assessment,
            ) -> crate::Result<()> {
                let sealed = crate::rows::SealedVersion::of(a, &self.crypto.sealer());
                ::sqlx::query(
                    "INSERT INTO assessment_versions (assessment_id, version, content, \
                     amendment_reason, recorded_by, recorded_by_worker, recorded_at, key_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(a.id.as_uuid())
                .bind(i64::from(a.version))
                .bind(&sealed.content)
                .bind(&sealed.amendment_reason)
                .bind(&a.recorded_by)
                .bind(a.recorded_by_worker.map(|w| w.as_uuid()))
                .bind(a.recorded_at)
                .bind(&sealed.key_id)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "assessment version"))?;
                Ok(())
            }
        }

        #[::async_trait::async_trait]
        impl crate::AssessmentRepo for $tx {
            async fn insert_assessment(
                &mut self,
                a: &::yishe_domain::assessment::Assessment,
                station: &::yishe_domain::StationId,
                fingerprint: &str,
            ) -> crate::Result<crate::Submitted> {
                let inserted: Option<::uuid::Uuid> = ::sqlx::query_scalar(
                    "INSERT INTO assessments (id, referral_id, created_by, request_id, fingerprint, \
                     current_version, created_at, updated_at, station_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (station_id, request_id) DO NOTHING RETURNING id",
                )
                .bind(a.id.as_uuid())
                .bind(a.referral.as_uuid())
                .bind(&a.created_by)
                .bind(&a.request_id)
                .bind(fingerprint)
                .bind(i64::from(a.current_version))
                .bind(a.created_at)
                .bind(a.recorded_at)
                .bind(station.as_str())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "assessment"))?;
                if inserted.is_some() {
                    self.insert_version(a).await?;
                    return Ok(crate::Submitted::Inserted);
                }
                let sql = format!(
                    "{} WHERE a.station_id = $1 AND a.request_id = $2 AND v.version = a.current_version",
                    crate::rows::SELECT_ASSESSMENT
                );
                let row: crate::rows::AssessmentRow = ::sqlx::query_as(&sql)
                    .bind(station.as_str())
                    .bind(&a.request_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                let fingerprint = row.fingerprint.clone();
                Ok(crate::Submitted::Existing(
                    Box::new(row.into_assessment(&self.crypto)?),
                    fingerprint,
                ))
            }

            async fn add_assessment_version(
                &mut self,
                a: &::yishe_domain::assessment::Assessment,
            ) -> crate::Result<()> {
                let moved = ::sqlx::query(
                    "UPDATE assessments SET current_version = $1, updated_at = $2 \
                     WHERE id = $3 AND current_version = $4",
                )
                .bind(i64::from(a.version))
                .bind(a.recorded_at)
                .bind(a.id.as_uuid())
                .bind(i64::from(a.version) - 1)
                .execute(&mut *self.tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err(crate::Error::Stale);
                }
                self.insert_version(a).await
            }

            async fn get_assessment(
                &mut self,
                id: ::yishe_domain::AssessmentId,
                version: Option<u32>,
            ) -> crate::Result<Option<::yishe_domain::assessment::Assessment>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_ASSESSMENT);
                q.push(" WHERE a.id = ").push_bind(id.as_uuid());
                match version {
                    Some(version) => {
                        q.push(" AND v.version = ").push_bind(i64::from(version));
                    }
                    None => {
                        q.push(" AND v.version = a.current_version");
                    }
                }
                let row: Option<crate::rows::AssessmentRow> =
                    q.build_query_as().fetch_optional(&mut *self.tx).await?;
                row.map(|row| row.into_assessment(&self.crypto)).transpose()
            }

            async fn list_assessments(
                &mut self,
                referral: ::yishe_domain::ReferralId,
                page: ::yishe_domain::PageRequest<::yishe_domain::AssessmentId>,
            ) -> crate::Result<::yishe_domain::Page<::yishe_domain::assessment::Assessment, ::yishe_domain::AssessmentId>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_ASSESSMENT);
                q.push(" WHERE v.version = a.current_version AND a.referral_id = ")
                    .push_bind(referral.as_uuid());
                if let Some(after) = page.after {
                    q.push(" AND a.id < ").push_bind(after.as_uuid());
                }
                q.push(" ORDER BY a.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::AssessmentRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let assessments: Vec<::yishe_domain::assessment::Assessment> = rows
                    .into_iter()
                    .map(|row| row.into_assessment(&self.crypto))
                    .collect::<crate::Result<_>>()?;
                Ok(::yishe_domain::Page::from_rows(assessments, page.limit, |a| a.id))
            }

            async fn insert_risk_flag(
                &mut self,
                f: &::yishe_domain::assessment::RiskFlag,
            ) -> crate::Result<bool> {
                let sealer = self.crypto.sealer();
                let note = crate::rows::seal_flag_note(f, &sealer);
                let inserted: Option<::uuid::Uuid> = ::sqlx::query_scalar(
                    "INSERT INTO risk_flags (id, referral_id, station_id, assessment_id, \
                     assessment_version, instrument, kind, raised_at, acknowledged_by, \
                     acknowledged_at, note, key_id, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10, $11) \
                     ON CONFLICT (assessment_id, instrument, kind) DO NOTHING RETURNING id",
                )
                .bind(f.id.as_uuid())
                .bind(f.referral.as_uuid())
                .bind(f.station.as_str())
                .bind(f.assessment.as_uuid())
                .bind(i64::from(f.assessment_version))
                .bind(f.instrument.id())
                .bind(f.kind.as_str())
                .bind(f.raised_at)
                .bind(&note)
                .bind(sealer.key_id())
                .bind(f.version)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "risk flag"))?;
                Ok(inserted.is_some())
            }

            async fn get_risk_flag(
                &mut self,
                id: ::yishe_domain::RiskFlagId,
            ) -> crate::Result<Option<::yishe_domain::assessment::RiskFlag>> {
                let sql = format!("{} WHERE f.id = $1", crate::rows::SELECT_RISK_FLAG);
                let row: Option<crate::rows::RiskFlagRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_flag(&self.crypto)).transpose()
            }

            async fn update_risk_flag(
                &mut self,
                f: &::yishe_domain::assessment::RiskFlag,
            ) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                let note = crate::rows::seal_flag_note(f, &sealer);
                let ack = f.acknowledgement.as_ref();
                let done = ::sqlx::query(
                    "UPDATE risk_flags SET acknowledged_by = $1, acknowledged_at = $2, note = $3, \
                     key_id = $4, version = $5 WHERE id = $6 AND version = $7",
                )
                .bind(ack.map(|a| a.by.clone()))
                .bind(ack.map(|a| a.at))
                .bind(&note)
                .bind(sealer.key_id())
                .bind(f.version)
                .bind(f.id.as_uuid())
                .bind(f.version - 1)
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 { Ok(()) } else { Err(crate::Error::Stale) }
            }

            async fn list_risk_flags(
                &mut self,
                scope: &crate::RiskFlagScope,
                referral: Option<::yishe_domain::ReferralId>,
                open_only: bool,
                page: ::yishe_domain::PageRequest<::yishe_domain::RiskFlagId>,
            ) -> crate::Result<::yishe_domain::Page<::yishe_domain::assessment::RiskFlag, ::yishe_domain::RiskFlagId>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_RISK_FLAG);
                match scope {
                    crate::RiskFlagScope::Station(station) => {
                        q.push(" WHERE f.station_id = ").push_bind(station.as_str().to_owned());
                    }
                    crate::RiskFlagScope::Caseload { station, worker } => {
                        q.push(" JOIN referrals r ON r.id = f.referral_id WHERE f.station_id = ")
                            .push_bind(station.as_str().to_owned());
                        q.push(" AND r.assigned_worker_id = ").push_bind(worker.as_uuid());
                    }
                }
                if let Some(referral) = referral {
                    q.push(" AND f.referral_id = ").push_bind(referral.as_uuid());
                }
                if open_only {
                    q.push(" AND f.acknowledged_at IS NULL");
                }
                if let Some(after) = page.after {
                    q.push(" AND f.id < ").push_bind(after.as_uuid());
                }
                q.push(" ORDER BY f.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::RiskFlagRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let flags: Vec<::yishe_domain::assessment::RiskFlag> = rows
                    .into_iter()
                    .map(|row| row.into_flag(&self.crypto))
                    .collect::<crate::Result<_>>()?;
                Ok(::yishe_domain::Page::from_rows(flags, page.limit, |f| f.id))
            }

            async fn reseal_assessments(&mut self, limit: u32) -> crate::Result<usize> {
                let sealer = self.crypto.sealer();
                let current = sealer.key_id();
                let sql = format!(
                    "{} WHERE v.key_id <> $1 ORDER BY v.assessment_id, v.version LIMIT $2",
                    crate::rows::SELECT_ASSESSMENT
                );
                let versions: Vec<crate::rows::AssessmentRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut done = 0;
                for row in versions {
                    let assessment = row.into_assessment(&self.crypto)?;
                    let sealed = crate::rows::SealedVersion::of(&assessment, &sealer);
                    let changed = ::sqlx::query(
                        "UPDATE assessment_versions SET content = $1, amendment_reason = $2, \
                         key_id = $3 WHERE assessment_id = $4 AND version = $5",
                    )
                    .bind(&sealed.content)
                    .bind(&sealed.amendment_reason)
                    .bind(&sealed.key_id)
                    .bind(assessment.id.as_uuid())
                    .bind(i64::from(assessment.version))
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                let left = limit.saturating_sub(done as u32);
                if left == 0 {
                    return Ok(done);
                }
                let sql = format!(
                    "{} WHERE f.key_id <> $1 ORDER BY f.id LIMIT $2",
                    crate::rows::SELECT_RISK_FLAG
                );
                let flags: Vec<crate::rows::RiskFlagRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(left))
                    .fetch_all(&mut *self.tx)
                    .await?;
                for row in flags {
                    let flag = row.into_flag(&self.crypto)?;
                    let changed = ::sqlx::query(
                        "UPDATE risk_flags SET note = $1, key_id = $2 WHERE id = $3 AND version = $4",
                    )
                    .bind(crate::rows::seal_flag_note(&flag, &sealer))
                    .bind(&current)
                    .bind(flag.id.as_uuid())
                    .bind(flag.version)
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                Ok(done)
            }

            async fn delete_assessments_of(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<()> {
                for sql in [
                    "DELETE FROM risk_flags WHERE referral_id = $1",
                    "DELETE FROM assessment_versions WHERE assessment_id IN \
                     (SELECT id FROM assessments WHERE referral_id = $1)",
                    "DELETE FROM assessments WHERE referral_id = $1",
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

pub(crate) use impl_assessment_repo;
