//! `ReferralRepo` in SQL.

macro_rules! impl_referral_repo {
    ($tx:ident, $db:ty, create_referral = $create_referral:expr,
     lock_referral = $lock_referral:literal) => {
        /// Binds a new referral's 27 columns, in the order of `INSERT_REFERRAL`.
        fn bind_referral<'q>(
            query: ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments<'q>>,
            r: &::yishe_domain::referral::Referral,
            fingerprint: &str,
            crypto: &crate::Crypto,
        ) -> ::sqlx::query::Query<'q, $db, <$db as ::sqlx::Database>::Arguments<'q>> {
            let c = crate::rows::ReferralColumns::of(r, fingerprint, &crypto.sealer());
            query
                .bind(c.id)
                .bind(c.created_by)
                .bind(c.request_id)
                .bind(c.fingerprint)
                .bind(c.hospital_id)
                .bind(c.department_id)
                .bind(c.station_id)
                .bind(c.clinician)
                .bind(c.patient)
                .bind(c.reasons)
                .bind(c.note)
                .bind(c.priority)
                .bind(c.consent)
                .bind(c.status)
                .bind(c.rejection_reason)
                .bind(c.status_note)
                .bind(c.assigned_worker_id)
                .bind(c.acceptance_deadline)
                .bind(c.sla_breached)
                .bind(c.accepted_at)
                .bind(c.created_at)
                .bind(c.updated_at)
                .bind(c.version)
                .bind(c.patient_lookup)
                .bind(c.key_id)
                .bind(c.placer_order_id)
                .bind(c.previous_referral_id)
        }

        /// How many goals an approved closure marked `result`: plain, for the reports.
        fn goals_marked(
            r: &::yishe_domain::referral::Referral,
            result: ::yishe_domain::referral::GoalResultKind,
        ) -> Option<i64> {
            r.closure
                .as_ref()
                .filter(|c| c.state == ::yishe_domain::referral::ClosureState::Approved)
                .map(|c| c.goals.iter().filter(|g| g.result == result).count() as i64)
        }

        impl $tx {
            /// The stored row of the referral a replay of `r`'s request id finds.
            async fn existing_row(
                &mut self,
                r: &::yishe_domain::referral::Referral,
            ) -> crate::Result<crate::rows::ReferralRow> {
                let sql = format!(
                    "{} WHERE r.hospital_id = $1 AND r.request_id = $2",
                    crate::sql::SELECT_REFERRAL
                );
                Ok(::sqlx::query_as(&sql)
                    .bind(r.hospital.as_str())
                    .bind(&r.request_id)
                    .fetch_one(&mut *self.tx)
                    .await?)
            }

            /// A create of `r` that found its request id taken by `first`: a replay of
            /// the same payload (audited here unless the statement did), or a reuse of
            /// the id; or `r` itself, committed by a batch whose answer was lost.
            async fn not_created(
                &mut self,
                r: &::yishe_domain::referral::Referral,
                first: crate::rows::ReferralRow,
                replay_audited: bool,
                fingerprint: &str,
                audit: &crate::AuditEntry,
            ) -> crate::Result<crate::CreateOutcome> {
                if first.id == r.id.as_uuid() {
                    self.appended_events = true;
                    return Ok(crate::CreateOutcome::Created);
                }
                let stored_fingerprint = first.fingerprint.clone();
                let first = Box::new(first.into_referral(&self.crypto)?);
                if stored_fingerprint != fingerprint {
                    return Ok(crate::CreateOutcome::RequestIdReused(first));
                }
                if !replay_audited {
                    crate::AuditLog::append_audit(self, &crate::sql::replay_audit(audit, first.id)).await?;
                }
                Ok(crate::CreateOutcome::Replayed(first))
            }

            /// Writes the changed referral, whose `version` is one more than the stored
            /// one; `Error::Stale` when the stored version moved on.
            async fn update_referral(
                &mut self,
                r: &::yishe_domain::referral::Referral,
            ) -> crate::Result<()> {
                // Every sensitive column is sealed again with the current key, so a row
                // is always under one key (the one `key_id` names).
                let sealed = crate::rows::SealedReferral::of(r, &self.crypto.sealer());
                let done = ::sqlx::query(
                    "UPDATE referrals SET priority = $1, status = $2, rejection_reason = $3, \
                     status_note = $4, assigned_worker_id = $5, sla_breached = $6, accepted_at = $7, \
                     updated_at = $8, version = $9, station_id = $10, patient = $13, consent = $14, \
                     note = $15, patient_lookup = $16, key_id = $17, acceptance_deadline = $18, \
                     ended_at = $19, first_contact_at = $20, closure = $21, closure_state = $22, \
                     outcome = $23, reopened_from_id = $24, goals_met = $25, \
                     goals_partly_met = $26, goals_not_met = $27 \
                     WHERE id = $11 AND version = $12",
                )
                .bind(r.priority.as_str())
                .bind(r.status.as_str())
                .bind(r.status_reason.rejection_reason.map(|x| x.as_str()))
                .bind(&sealed.status_note)
                .bind(r.assigned_worker.map(|w| w.as_uuid()))
                .bind(r.sla_breached)
                .bind(r.accepted_at)
                .bind(r.updated_at)
                .bind(r.version)
                .bind(r.station.as_str())
                .bind(r.id.as_uuid())
                .bind(r.version - 1)
                .bind(&sealed.patient)
                .bind(&sealed.consent)
                .bind(&sealed.note)
                .bind(&sealed.patient_lookup)
                .bind(&sealed.key_id)
                .bind(r.acceptance_deadline)
                .bind(r.ended_at)
                .bind(r.first_contact_at)
                .bind(&sealed.closure)
                .bind(r.closure.as_ref().map(|c| c.state.as_str()))
                .bind(r.closure.as_ref().map(|c| c.outcome.as_str()))
                .bind(r.reopened_from.map(|id| id.as_uuid()))
                .bind(goals_marked(r, ::yishe_domain::referral::GoalResultKind::Met))
                .bind(goals_marked(r, ::yishe_domain::referral::GoalResultKind::PartlyMet))
                .bind(goals_marked(r, ::yishe_domain::referral::GoalResultKind::NotMet))
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 { Ok(()) } else { Err(crate::Error::Stale) }
            }
        }

        #[::async_trait::async_trait]
        impl crate::ReferralRepo for $tx {
            async fn get_referral(
                &mut self,
                id: ::yishe_domain::ReferralId,
            ) -> crate::Result<Option<::yishe_domain::referral::Referral>> {
                let sql = format!("{} WHERE r.id = $1", crate::sql::SELECT_REFERRAL);
                let row: Option<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|row| row.into_referral(&self.crypto)).transpose()
            }

            async fn lock_referral(&mut self, id: ::yishe_domain::ReferralId) -> crate::Result<()> {
                ::sqlx::query($lock_referral)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn open_referrals_of_worker(
                &mut self,
                worker: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<Vec<::yishe_domain::referral::Referral>> {
                let sql = format!(
                    "{} WHERE r.assigned_worker_id = $1 AND r.status IN ({}) ORDER BY r.id",
                    crate::sql::SELECT_REFERRAL,
                    crate::sql::statuses(|s| s.is_open_case())
                );
                let rows: Vec<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                    .bind(worker.as_uuid())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter()
                    .map(|row| row.into_referral(&self.crypto))
                    .collect()
            }

            async fn insert_referral(
                &mut self,
                r: &::yishe_domain::referral::Referral,
                fingerprint: &str,
            ) -> crate::Result<crate::Created> {
                let sql = format!("{} RETURNING id", crate::sql::INSERT_REFERRAL);
                let inserted = bind_referral(::sqlx::query(&sql), r, fingerprint, &self.crypto)
                    .fetch_optional(&mut *self.tx)
                    .await
                    .map_err(|e| crate::Error::from_sqlx(e, "referral"))?;
                if inserted.is_some() {
                    return Ok(crate::Created::Inserted);
                }
                let row = self.existing_row(r).await?;
                let fingerprint = row.fingerprint.clone();
                Ok(crate::Created::Existing(Box::new(row.into_referral(&self.crypto)?), fingerprint))
            }

            async fn create_referral(
                &mut self,
                r: &::yishe_domain::referral::Referral,
                fingerprint: &str,
                event: &::yishe_domain::referral::ReferralEvent,
                audit: &crate::AuditEntry,
            ) -> crate::Result<crate::CreateOutcome> {
                use ::sqlx::Row as _;
                debug_assert!(audit.resources.is_empty(), "a create's audit row names one referral");
                // Where the create commits by itself, with others that arrived with it
                // (PostgreSQL); a create not inserted there runs alone below, which
                // tells a replay from a reused request id.
                let batched = self
                    .tx
                    .create_in_batch(|| {
                        crate::pg_create_batches::NewReferral::of(r, fingerprint, &self.crypto, event, audit)
                    })
                    .await;
                match batched {
                    crate::pg_create_batches::Batched::Inserted => {
                        self.appended_events = true;
                        return Ok(crate::CreateOutcome::Created);
                    }
                    crate::pg_create_batches::Batched::Existing { first, replay_audited } => {
                        return self.not_created(r, *first, replay_audited, fingerprint, audit).await;
                    }
                    crate::pg_create_batches::Batched::RunAlone => {}
                }
                // Binds $1..$27 (the referral), $28..$29 (its event), $30..$39 (the
                // audit row), $40 (the event's trace context), in the order of
                // `CREATE_REFERRAL`.
                let rows = bind_referral(::sqlx::query($create_referral), r, fingerprint, &self.crypto)
                    .bind(event.id)
                    .bind(crate::rows::to_json(event))
                    .bind(audit.id)
                    .bind(audit.occurred_at)
                    .bind(&audit.subject)
                    .bind(&audit.role)
                    .bind(&audit.action)
                    .bind(&audit.resource_kind)
                    .bind(&audit.resource_id)
                    .bind(&audit.request_id)
                    .bind(&audit.outcome)
                    .bind(&audit.purpose)
                    .bind(crate::trace_context::current())
                    // Every statement of it runs (on SQLite it is three).
                    .fetch_all(&mut *self.tx)
                    .await
                    .map_err(|e| crate::Error::from_sqlx(e, "referral"))?;
                let row = rows.first();
                let column = |name: &str| -> Option<::uuid::Uuid> {
                    row.and_then(|row| row.try_get::<Option<::uuid::Uuid>, _>(name).ok().flatten())
                };
                if column("inserted").is_some() {
                    self.appended_events = true;
                    return Ok(crate::CreateOutcome::Created);
                }
                // A replay. The statement may have read the first referral and audited
                // the replay itself (PostgreSQL, unless the first create committed while
                // it ran); otherwise both take a statement each here.
                let existing = match row {
                    Some(row) if column("id").is_some() => {
                        <crate::rows::ReferralRow as ::sqlx::FromRow<_>>::from_row(row)?
                    }
                    _ => self.existing_row(r).await?,
                };
                let replay_audited = row
                    .and_then(|row| row.try_get::<bool, _>("replay_audited").ok())
                    .unwrap_or(false);
                self.not_created(r, existing, replay_audited, fingerprint, audit).await
            }

            async fn save_referral(
                &mut self,
                referral: &mut ::yishe_domain::referral::Referral,
                events: &[::yishe_domain::referral::EventType],
            ) -> crate::Result<()> {
                referral.version += 1;
                if let Err(error) = self.update_referral(referral).await {
                    referral.version -= 1;
                    return Err(error);
                }
                for event in events {
                    let event = ::yishe_domain::referral::ReferralEvent::of(
                        *event,
                        referral,
                        referral.updated_at,
                    );
                    crate::EventLog::append_event(self, &event).await?;
                }
                Ok(())
            }

            async fn overdue_referrals(
                &mut self,
                now: ::chrono::DateTime<::chrono::Utc>,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::referral::Referral>> {
                let sql = format!(
                    "{} WHERE r.status = 'REQUESTED' AND r.sla_breached = FALSE \
                     AND r.acceptance_deadline < $1 ORDER BY r.id LIMIT $2",
                    crate::sql::SELECT_REFERRAL
                );
                let rows: Vec<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|row| row.into_referral(&self.crypto)).collect()
            }

            async fn reseal_referrals(&mut self, limit: u32) -> crate::Result<usize> {
                let sealer = self.crypto.sealer();
                let current = sealer.key_id();
                let sql = format!(
                    "{} WHERE r.key_id IS NULL OR r.key_id <> $1 ORDER BY r.id LIMIT $2",
                    crate::sql::SELECT_REFERRAL
                );
                let rows: Vec<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                    .bind(&current)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut done = 0;
                for row in rows {
                    let referral = row.into_referral(&self.crypto)?;
                    let sealed = crate::rows::SealedReferral::of(&referral, &sealer);
                    let changed = ::sqlx::query(
                        "UPDATE referrals SET patient = $1, consent = $2, note = $3, status_note = $4, \
                         patient_lookup = $5, key_id = $6, closure = $9 WHERE id = $7 AND version = $8",
                    )
                    .bind(&sealed.patient)
                    .bind(&sealed.consent)
                    .bind(&sealed.note)
                    .bind(&sealed.status_note)
                    .bind(&sealed.patient_lookup)
                    .bind(&sealed.key_id)
                    .bind(referral.id.as_uuid())
                    .bind(referral.version)
                    .bind(&sealed.closure)
                    .execute(&mut *self.tx)
                    .await?;
                    done += changed.rows_affected() as usize;
                }
                Ok(done)
            }

            async fn expired_referrals(
                &mut self,
                closed_before: ::chrono::DateTime<::chrono::Utc>,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::ReferralId>> {
                let sql = format!(
                    "SELECT id FROM referrals WHERE purged_at IS NULL AND updated_at < $1 \
                     AND status IN ({}) ORDER BY id LIMIT $2",
                    crate::sql::statuses(|s| s.is_terminal())
                );
                let ids: Vec<::uuid::Uuid> = ::sqlx::query_scalar(&sql)
                    .bind(closed_before)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                Ok(ids.into_iter().map(::yishe_domain::ReferralId::from_uuid).collect())
            }

            async fn anonymise_referral(
                &mut self,
                id: ::yishe_domain::ReferralId,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> crate::Result<()> {
                let Some(mut referral) = crate::ReferralRepo::get_referral(self, id).await? else {
                    return Ok(());
                };
                referral.patient = ::yishe_domain::referral::Patient::removed();
                referral.consent.given_by.clear();
                referral.consent.justification.clear();
                if let Some(withdrawal) = referral.consent.withdrawal.as_mut() {
                    withdrawal.withdrawn_by.clear();
                }
                referral.note.clear();
                referral.status_reason.note.clear();
                // The outcome and the counts stay for the statistics; the words go.
                if let Some(closure) = referral.closure.as_mut() {
                    closure.summary.clear();
                    closure.decision_note.clear();
                }
                let sealed = crate::rows::SealedReferral::of(&referral, &self.crypto.sealer());
                ::sqlx::query(
                    "UPDATE referrals SET patient = $1, consent = $2, note = $3, status_note = $4, \
                     patient_lookup = NULL, key_id = $5, purged_at = $6, closure = $8 WHERE id = $7",
                )
                .bind(&sealed.patient)
                .bind(&sealed.consent)
                .bind(&sealed.note)
                .bind(&sealed.status_note)
                .bind(&sealed.key_id)
                .bind(now)
                .bind(id.as_uuid())
                .bind(&sealed.closure)
                .execute(&mut *self.tx)
                .await?;
                // The closing event told the department the summary: its stored copies
                // (sealed) go too. Erasure is rare and the feed bounded by retention, so
                // finding them by the referral's id in the payload is cheap enough.
                for (table, key) in [("referral_outbox", "id"), ("referral_feed", "sequence")] {
                    let sql = format!("SELECT {key}, payload FROM {table} WHERE payload LIKE $1");
                    let rows: Vec<(i64, String)> = ::sqlx::query_as(&sql)
                        .bind(format!("%{id}%"))
                        .fetch_all(&mut *self.tx)
                        .await?;
                    for (row, payload) in rows {
                        let Ok(mut event) = ::serde_json::from_str::<
                            ::yishe_domain::referral::ReferralEvent,
                        >(&payload) else {
                            continue;
                        };
                        if event.referral != id {
                            continue;
                        }
                        let Some(notice) = event.closure.as_mut() else {
                            continue;
                        };
                        notice.summary.clear();
                        let update = format!("UPDATE {table} SET payload = $1 WHERE {key} = $2");
                        ::sqlx::query(&update)
                            .bind(crate::rows::to_json(&event))
                            .bind(row)
                            .execute(&mut *self.tx)
                            .await?;
                    }
                }
                Ok(())
            }
        }
    };
}

/// The statement that lists referrals, for one engine: shared by the list itself and
/// by the plan check, so that the plan checked is the plan run.
macro_rules! impl_referral_list {
    ($db:ty) => {
        /// A page of the referrals `scope` lets the caller see that match `filter`,
        /// newest first; `prefix` goes before the SELECT (an EXPLAIN).
        fn referral_list_query(
            prefix: &str,
            crypto: &crate::Crypto,
            scope: &::yishe_domain::referral::ListScope,
            filter: &::yishe_domain::referral::ListFilter,
            page: ::yishe_domain::PageRequest<::yishe_domain::referral::ListPosition>,
            order: ::yishe_domain::referral::ListOrder,
        ) -> ::sqlx::QueryBuilder<'static, $db> {
            use ::yishe_domain::referral::{ListOrder, ListScope};
            let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                "{prefix}{}",
                crate::sql::SELECT_REFERRAL
            ));
            q.push(" WHERE 1 = 1");
            match scope {
                ListScope::Departments {
                    hospital,
                    departments,
                } if !departments.is_empty() => {
                    q.push(" AND r.hospital_id = ")
                        .push_bind(hospital.as_str().to_owned());
                    q.push(" AND r.department_id IN (");
                    let mut list = q.separated(", ");
                    for d in departments {
                        list.push_bind(d.as_uuid());
                    }
                    q.push(")");
                }
                ListScope::Station(station) => {
                    q.push(" AND r.station_id = ")
                        .push_bind(station.as_str().to_owned());
                }
                ListScope::Caseload { station, worker } => {
                    q.push(" AND r.station_id = ")
                        .push_bind(station.as_str().to_owned());
                    q.push(" AND (r.assigned_worker_id IS NULL");
                    if let Some(worker) = worker {
                        q.push(" OR r.assigned_worker_id = ")
                            .push_bind(worker.as_uuid());
                    }
                    q.push(")");
                }
                ListScope::Departments { .. } | ListScope::Nothing => {
                    q.push(" AND 1 = 0");
                }
            }
            if let Some(status) = filter.status {
                q.push(" AND r.status = ").push_bind(status.as_str());
            }
            if let Some(priority) = filter.priority {
                q.push(" AND r.priority = ").push_bind(priority.as_str());
            }
            if let Some(his_patient_id) = &filter.his_patient_id {
                q.push(" AND r.patient_lookup = ")
                    .push_bind(crypto.lookup(his_patient_id));
            }
            if let Some(placer_order_id) = &filter.placer_order_id {
                q.push(" AND r.placer_order_id = ")
                    .push_bind(placer_order_id.clone());
            }
            if let Some(state) = filter.closure_state {
                q.push(" AND r.closure_state = ").push_bind(state.as_str());
            }
            if let Some(department) = filter.department {
                q.push(" AND r.department_id = ")
                    .push_bind(department.as_uuid());
            }
            match filter.assigned_worker {
                Some(Some(worker)) => {
                    q.push(" AND r.assigned_worker_id = ")
                        .push_bind(worker.as_uuid());
                }
                Some(None) => {
                    q.push(" AND r.assigned_worker_id IS NULL");
                }
                None => {}
            }
            if let Some(after) = filter.updated_after {
                q.push(" AND r.updated_at > ").push_bind(after);
            }
            if let Some(after) = filter.created_after {
                // Ids are UUIDv7, in creation order: bounding the id as well makes the
                // term a range of the primary key instead of a walk through all older
                // referrals. The bound is a second early, as the id is drawn just after
                // the creation time is read.
                let floor =
                    ::yishe_domain::ReferralId::first_at(after - ::chrono::Duration::seconds(1));
                q.push(" AND r.id > ").push_bind(floor.as_uuid());
                q.push(" AND r.created_at > ").push_bind(after);
            }
            // Keyset pagination in the list's order: after the last row of the page
            // before, by row values (both engines compare them in index order).
            match (order, page.after) {
                (ListOrder::NewestFirst, Some(after)) => {
                    q.push(" AND r.id < ").push_bind(after.id.as_uuid());
                }
                (ListOrder::OldestFirst, Some(after)) => {
                    q.push(" AND r.id > ").push_bind(after.id.as_uuid());
                }
                (ListOrder::UpdatedFirst, Some(after)) => {
                    q.push(" AND (r.updated_at, r.id) > (")
                        .push_bind(after.updated_at)
                        .push(", ")
                        .push_bind(after.id.as_uuid())
                        .push(")");
                }
                (ListOrder::UpdatedLast, Some(after)) => {
                    q.push(" AND (r.updated_at, r.id) < (")
                        .push_bind(after.updated_at)
                        .push(", ")
                        .push_bind(after.id.as_uuid())
                        .push(")");
                }
                (_, None) => {}
            }
            q.push(match order {
                ListOrder::NewestFirst => " ORDER BY r.id DESC",
                ListOrder::OldestFirst => " ORDER BY r.id",
                ListOrder::UpdatedFirst => " ORDER BY r.updated_at, r.id",
                ListOrder::UpdatedLast => " ORDER BY r.updated_at DESC, r.id DESC",
            });
            q.push(" LIMIT ").push_bind(i64::from(page.limit) + 1);
            q
        }
    };
}

pub(crate) use impl_referral_list;

/// `ReferralReads` for one engine, on its readers: committed rows, outside any write
/// transaction.
macro_rules! impl_referral_reads {
    ($name:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::ReferralReads for $name {
            async fn list_committed_referrals(
                &self,
                scope: &::yishe_domain::referral::ListScope,
                filter: &::yishe_domain::referral::ListFilter,
                page: ::yishe_domain::PageRequest<::yishe_domain::referral::ListPosition>,
                order: ::yishe_domain::referral::ListOrder,
            ) -> crate::Result<
                ::yishe_domain::Page<
                    ::yishe_domain::referral::Referral,
                    ::yishe_domain::referral::ListPosition,
                >,
            > {
                let mut q = referral_list_query("", &self.crypto, scope, filter, page, order);
                let rows: Vec<crate::rows::ReferralRow> =
                    q.build_query_as().fetch_all(&self.$readers).await?;
                let referrals: Vec<::yishe_domain::referral::Referral> = rows
                    .into_iter()
                    .map(|row| row.into_referral(&self.crypto))
                    .collect::<crate::Result<_>>()?;
                Ok(::yishe_domain::Page::from_rows(
                    referrals,
                    page.limit,
                    |r| ::yishe_domain::referral::ListPosition::after(r, order),
                ))
            }

            async fn patient_history(
                &self,
                referral: &::yishe_domain::referral::Referral,
                since: ::chrono::DateTime<::chrono::Utc>,
            ) -> crate::Result<Vec<::yishe_domain::referral::HistoryEntry>> {
                // Erased (or never known): nothing to match on.
                if referral.patient.his_patient_id.is_empty() {
                    return Ok(Vec::new());
                }
                let rows: Vec<crate::rows::HistoryRow> =
                    ::sqlx::query_as(&crate::sql::PATIENT_HISTORY)
                        .bind(self.crypto.lookup(&referral.patient.his_patient_id))
                        .bind(referral.hospital.as_str())
                        .bind(referral.station.as_str())
                        .bind(referral.id.as_uuid())
                        .bind(since)
                        .bind(i64::from(crate::HISTORY_LIMIT))
                        .fetch_all(&self.$readers)
                        .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

pub(crate) use impl_referral_reads;
pub(crate) use impl_referral_repo;
