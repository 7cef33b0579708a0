//! `FollowUpRepo` in SQL.

macro_rules! impl_followup_repo {
    ($tx:ident, $db:ty) => {
        impl $tx {
            /// Binds a follow-up's columns in the order of `FOLLOW_UP_COLUMNS`.
            fn bind_follow_up<'q>(
                q: ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments<'q>>,
                f: &::yishe_domain::followup::FollowUp,
                texts: String,
                key_id: String,
            ) -> ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments<'q>> {
                q.bind(f.phase.as_str())
                    .bind(f.purpose.as_str())
                    .bind(crate::rows::instruments_json(f))
                    .bind(f.channel.as_str())
                    .bind(f.due_at)
                    .bind(i64::from(f.grace_hours))
                    .bind(f.overdue_at())
                    .bind(f.assignee.map(|w| w.as_uuid()))
                    .bind(f.state.as_str())
                    .bind(f.overdue)
                    .bind(f.escalate_at)
                    .bind(f.escalated)
                    .bind(f.outcome.map(|o| o.as_str()))
                    .bind(f.assessment.map(|a| a.as_uuid()))
                    .bind(texts)
                    .bind(f.updated_at)
                    .bind(f.version)
                    .bind(key_id)
            }
        }

        #[::async_trait::async_trait]
        impl crate::FollowUpRepo for $tx {
            async fn insert_contact(
                &mut self,
                c: &::yishe_domain::followup::Contact,
                fingerprint: &str,
            ) -> crate::Result<crate::Recorded<::yishe_domain::followup::Contact>> {
                let sealer = self.crypto.sealer();
                let inserted: Option<::uuid::Uuid> = ::sqlx::query_scalar(
                    "INSERT INTO contacts (id, referral_id, station_id, request_id, fingerprint, \
                     contact_at, channel, minutes, interventions, shared, first_contact, texts, \
                     recorded_by, recorded_by_worker, created_at, key_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                     ON CONFLICT (station_id, request_id) DO NOTHING RETURNING id",
                )
                .bind(c.id.as_uuid())
                .bind(c.referral.as_uuid())
                .bind(c.station.as_str())
                .bind(&c.request_id)
                .bind(fingerprint)
                .bind(c.at)
                .bind(c.channel.as_str())
                .bind(i64::from(c.minutes))
                .bind(crate::rows::interventions_json(c))
                .bind(c.shared())
                .bind(c.first)
                .bind(crate::rows::seal_contact(c, &sealer))
                .bind(&c.recorded_by)
                .bind(c.recorded_by_worker.map(|w| w.as_uuid()))
                .bind(c.created_at)
                .bind(sealer.key_id())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "contact"))?;
                if inserted.is_some() {
                    return Ok(crate::Recorded::Inserted);
                }
                let sql = format!(
                    "{} WHERE c.station_id = $1 AND c.request_id = $2",
                    crate::rows::SELECT_CONTACT
                );
                let row: crate::rows::ContactRow = ::sqlx::query_as(&sql)
                    .bind(c.station.as_str())
                    .bind(&c.request_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                let fingerprint = row.fingerprint.clone();
                Ok(crate::Recorded::Existing(
                    Box::new(row.into_contact(&self.crypto)?),
                    fingerprint,
                ))
            }

            async fn list_contacts(
                &mut self,
                referral: ::yishe_domain::ReferralId,
                page: ::yishe_domain::PageRequest<::yishe_domain::ContactId>,
            ) -> crate::Result<::yishe_domain::Page<::yishe_domain::followup::Contact, ::yishe_domain::ContactId>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_CONTACT);
                q.push(" WHERE c.referral_id = ").push_bind(referral.as_uuid());
                if let Some(after) = page.after {
                    q.push(" AND c.id < ").push_bind(after.as_uuid());
                }
                q.push(" ORDER BY c.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::ContactRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let contacts = rows
                    .into_iter()
                    .map(|row| row.into_contact(&self.crypto))
                    .collect::<crate::Result<Vec<_>>>()?;
                Ok(::yishe_domain::Page::from_rows(contacts, page.limit, |c| c.id))
            }

            async fn shared_contacts(
                &mut self,
                referral: ::yishe_domain::ReferralId,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::followup::Contact>> {
                let sql = format!(
                    "{} WHERE c.referral_id = $1 AND c.shared ORDER BY c.id DESC LIMIT $2",
                    crate::rows::SELECT_CONTACT
                );
                let rows: Vec<crate::rows::ContactRow> = ::sqlx::query_as(&sql)
                    .bind(referral.as_uuid())
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_contact(&self.crypto)).collect()
            }

            async fn insert_follow_up(
                &mut self,
                f: &::yishe_domain::followup::FollowUp,
                fingerprint: &str,
            ) -> crate::Result<crate::Recorded<::yishe_domain::followup::FollowUp>> {
                let sealer = self.crypto.sealer();
                let q = ::sqlx::query(
                    "INSERT INTO follow_ups (phase, purpose, instruments, channel, due_at, \
                     grace_hours, overdue_at, assignee_id, state, overdue, escalate_at, escalated, \
                     outcome, assessment_id, texts, updated_at, version, key_id, id, referral_id, \
                     station_id, request_id, fingerprint, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) \
                     ON CONFLICT (station_id, request_id) DO NOTHING",
                );
                let texts = crate::rows::seal_follow_up(f, &sealer);
                let done = Self::bind_follow_up(q, f, texts, sealer.key_id().to_owned())
                    .bind(f.id.as_uuid())
                    .bind(f.referral.as_uuid())
                    .bind(f.station.as_str())
                    .bind(&f.request_id)
                    .bind(fingerprint)
                    .bind(&f.created_by)
                    .bind(f.created_at)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| crate::Error::from_sqlx(e, "follow-up"))?;
                if done.rows_affected() == 1 {
                    return Ok(crate::Recorded::Inserted);
                }
                let sql = format!(
                    "{} WHERE f.station_id = $1 AND f.request_id = $2",
                    crate::rows::SELECT_FOLLOW_UP
                );
                let row: crate::rows::FollowUpRow = ::sqlx::query_as(&sql)
                    .bind(f.station.as_str())
                    .bind(&f.request_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                let fingerprint = row.fingerprint.clone();
                Ok(crate::Recorded::Existing(
                    Box::new(row.into_follow_up(&self.crypto)?),
                    fingerprint,
                ))
            }

            async fn get_follow_up(
                &mut self,
                id: ::yishe_domain::FollowUpId,
            ) -> crate::Result<Option<::yishe_domain::followup::FollowUp>> {
                let sql = format!("{} WHERE f.id = $1", crate::rows::SELECT_FOLLOW_UP);
                let row: Option<crate::rows::FollowUpRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_follow_up(&self.crypto)).transpose()
            }

            async fn save_follow_up(
                &mut self,
                f: &::yishe_domain::followup::FollowUp,
            ) -> crate::Result<()> {
                let sealer = self.crypto.sealer();
                let q = ::sqlx::query(
                    "UPDATE follow_ups SET phase = $1, purpose = $2, instruments = $3, \
                     channel = $4, due_at = $5, grace_hours = $6, overdue_at = $7, \
                     assignee_id = $8, state = $9, overdue = $10, escalate_at = $11, \
                     escalated = $12, outcome = $13, assessment_id = $14, texts = $15, \
                     updated_at = $16, version = $17, key_id = $18 WHERE id = $19 AND version = $20",
                );
                let texts = crate::rows::seal_follow_up(f, &sealer);
                let done = Self::bind_follow_up(q, f, texts, sealer.key_id().to_owned())
                    .bind(f.id.as_uuid())
                    .bind(f.version - 1)
                    .execute(&mut *self.tx)
                    .await?;
                if done.rows_affected() == 1 { Ok(()) } else { Err(crate::Error::Stale) }
            }

            async fn list_follow_ups(
                &mut self,
                scope: &crate::FollowUpScope,
                filter: &::yishe_domain::followup::FollowUpFilter,
                page: ::yishe_domain::PageRequest<::yishe_domain::followup::DuePosition>,
            ) -> crate::Result<::yishe_domain::Page<::yishe_domain::followup::FollowUp, ::yishe_domain::followup::DuePosition>> {
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::rows::SELECT_FOLLOW_UP);
                match scope {
                    crate::FollowUpScope::Station(station) => {
                        q.push(" WHERE f.station_id = ").push_bind(station.as_str().to_owned());
                    }
                    crate::FollowUpScope::Caseload { station, worker } => {
                        q.push(" JOIN referrals r ON r.id = f.referral_id WHERE f.station_id = ")
                            .push_bind(station.as_str().to_owned());
                        q.push(" AND r.assigned_worker_id = ").push_bind(worker.as_uuid());
                    }
                }
                if let Some(state) = filter.state {
                    q.push(" AND f.state = ").push_bind(state.as_str());
                }
                if let Some(worker) = filter.assignee {
                    q.push(" AND f.assignee_id = ").push_bind(worker.as_uuid());
                }
                if let Some(before) = filter.due_before {
                    q.push(" AND f.due_at < ").push_bind(before);
                }
                if filter.overdue_only {
                    q.push(" AND f.overdue");
                }
                if filter.escalated_only {
                    q.push(" AND f.escalated");
                }
                if let Some(referral) = filter.referral {
                    q.push(" AND f.referral_id = ").push_bind(referral.as_uuid());
                }
                if let Some(after) = page.after {
                    q.push(" AND (f.due_at > ").push_bind(after.due_at);
                    q.push(" OR (f.due_at = ").push_bind(after.due_at);
                    q.push(" AND f.id > ").push_bind(after.id.as_uuid());
                    q.push("))");
                }
                q.push(" ORDER BY f.due_at, f.id LIMIT ").push_bind(i64::from(page.limit) + 1);
                let rows: Vec<crate::rows::FollowUpRow> =
                    q.build_query_as().fetch_all(&mut *self.tx).await?;
                let items = rows
                    .into_iter()
                    .map(|row| row.into_follow_up(&self.crypto))
                    .collect::<crate::Result<Vec<_>>>()?;
                Ok(::yishe_domain::Page::from_rows(items, page.limit, |f| {
                    ::yishe_domain::followup::DuePosition {
                        due_at: f.due_at,
                        id: f.id,
                    }
                }))
            }

            async fn scheduled_follow_ups_for(
                &mut self,
                worker: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<Vec<::yishe_domain::followup::FollowUp>> {
                let sql = format!(
                    "{} WHERE f.assignee_id = $1 AND f.state = $2 ORDER BY f.due_at, f.id",
                    crate::rows::SELECT_FOLLOW_UP
                );
                let rows: Vec<crate::rows::FollowUpRow> = ::sqlx::query_as(&sql)
                    .bind(worker.as_uuid())
                    .bind(::yishe_domain::followup::FollowUpState::Scheduled.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_follow_up(&self.crypto)).collect()
            }

            async fn scheduled_follow_ups_of(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<Vec<::yishe_domain::followup::FollowUp>> {
                let sql = format!(
                    "{} WHERE f.referral_id = $1 AND f.state = $2 ORDER BY f.due_at, f.id",
                    crate::rows::SELECT_FOLLOW_UP
                );
                let rows: Vec<crate::rows::FollowUpRow> = ::sqlx::query_as(&sql)
                    .bind(referral.as_uuid())
                    .bind(::yishe_domain::followup::FollowUpState::Scheduled.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_follow_up(&self.crypto)).collect()
            }

            async fn follow_ups_to_mark(
                &mut self,
                now: ::chrono::DateTime<::chrono::Utc>,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::followup::FollowUp>> {
                let scheduled = ::yishe_domain::followup::FollowUpState::Scheduled.as_str();
                let mut found = Vec::new();
                for sql in [
                    "{} WHERE f.state = $1 AND NOT f.overdue AND f.overdue_at < $2 \
                     ORDER BY f.overdue_at LIMIT $3",
                    "{} WHERE f.state = $1 AND f.overdue AND NOT f.escalated \
                     AND f.escalate_at <= $2 ORDER BY f.escalate_at LIMIT $3",
                ] {
                    let sql = sql.replace("{}", crate::rows::SELECT_FOLLOW_UP);
                    let rows: Vec<crate::rows::FollowUpRow> = ::sqlx::query_as(&sql)
                        .bind(scheduled)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.tx)
                        .await?;
                    for row in rows {
                        found.push(row.into_follow_up(&self.crypto)?);
                    }
                }
                Ok(found)
            }

            async fn reseal_followups(&mut self, limit: u32) -> crate::Result<usize> {
                let sealer = self.crypto.sealer();
                let current = sealer.key_id();
                let mut done = 0;
                let sql = format!(
                    "{} WHERE c.key_id <> $1 ORDER BY c.id LIMIT $2",
                    crate::rows::SELECT_CONTACT
                );
                let rows: Vec<crate::rows::ContactRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                for row in rows {
                    let c = row.into_contact(&self.crypto)?;
                    let changed = ::sqlx::query("UPDATE contacts SET texts = $1, key_id = $2 WHERE id = $3")
                        .bind(crate::rows::seal_contact(&c, &sealer))
                        .bind(&current)
                        .bind(c.id.as_uuid())
                        .execute(&mut *self.tx)
                        .await?;
                    done += changed.rows_affected() as usize;
                }
                let left = limit.saturating_sub(done as u32);
                let sql = format!(
                    "{} WHERE f.key_id <> $1 ORDER BY f.id LIMIT $2",
                    crate::rows::SELECT_FOLLOW_UP
                );
                let rows: Vec<crate::rows::FollowUpRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(left))
                    .fetch_all(&mut *self.tx)
                    .await?;
                for row in rows {
                    let f = row.into_follow_up(&self.crypto)?;
                    let changed = ::sqlx::query(
                        "UPDATE follow_ups SET texts = $1, key_id = $2 WHERE id = $3 AND version = $4",
                    )
                    .bind(crate::rows::seal_follow_up(&f, &sealer))
                    .bind(&current)
                    .bind(f.id.as_uuid())
                    .bind(f.version)
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                Ok(done)
            }

            async fn delete_followups_of(
                &mut self,
                referral: ::yishe_domain::ReferralId,
            ) -> crate::Result<()> {
                for sql in [
                    "DELETE FROM contacts WHERE referral_id = $1",
                    "DELETE FROM follow_ups WHERE referral_id = $1",
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

pub(crate) use impl_followup_repo;
