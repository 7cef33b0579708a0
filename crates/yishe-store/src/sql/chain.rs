//! `AuditChain` in SQL: the sealer on the writer, the auditor's reads on the readers'
//! pool.

macro_rules! impl_audit_chain {
    ($name:ident, $db:ty, readers = $readers:ident, seal_lock = $seal_lock:expr
     $(, append_alone = $append_alone:path)?) => {
        #[::async_trait::async_trait]
        impl crate::AuditChain for $name {
            $(
                async fn append_audit_alone(&self, entry: &crate::AuditEntry) -> crate::Result<()> {
                    $append_alone(self, entry).await
                }
            )?

            /// Links committed audit rows into the chain, in the order they were queued,
            /// under the sealer lock. Returns how many it sealed (0 when another sealer
            /// holds the lock).
            async fn seal_audit(&self, limit: u32, hash: crate::ChainHash) -> crate::Result<usize> {
                let mut tx = self.begin_write().await?;
                // The engine's lock that makes one sealer the leader, if it needs one.
                let lock: Option<&'static str> = $seal_lock;
                if let Some(lock) = lock {
                    let leader: bool = ::sqlx::query_scalar(lock).fetch_one(&mut *tx).await?;
                    if !leader {
                        return Ok(0);
                    }
                }
                let pending: Vec<crate::rows::PendingAuditRow> = ::sqlx::query_as(
                    "SELECT p.id AS pending_id, a.id, a.occurred_at, a.subject, a.role, a.action, \
                     a.resource_kind, a.resource_id, a.request_id, a.outcome, a.purpose, a.resources \
                     FROM audit_pending p JOIN audit_log a ON a.id = COALESCE(p.named_id, p.audit_id) \
                     ORDER BY p.id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    return Ok(0);
                }
                let head: Option<(i64, String)> =
                    ::sqlx::query_as("SELECT sequence, hash FROM audit_chain ORDER BY sequence DESC LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await?;
                let (mut sequence, mut previous) =
                    head.unwrap_or((0, crate::GENESIS.to_owned()));
                let count = pending.len();
                let mut rows: Vec<(i64, crate::AuditEntry)> = pending
                    .into_iter()
                    .map(|row| (row.pending_id, row.audit.into()))
                    .collect();
                let legacy = crate::rows::named_elsewhere(&rows, |(_, e)| e);
                let named = audit_resources_of(&mut *tx, &legacy).await?;
                crate::rows::attach_resources(&mut rows, named, |(_, entry)| entry);
                // Each link hashes the one before, so the hashes are computed in order
                // here; the rows go in with one statement, and leave the queue with one.
                let mut links = Vec::with_capacity(rows.len());
                for (_, entry) in &rows {
                    let link = crate::link_hash(hash, &previous, entry);
                    sequence += 1;
                    links.push((sequence, entry.id, std::mem::replace(&mut previous, link.clone()), link));
                }
                let mut chain = ::sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_chain (sequence, audit_id, previous_hash, hash) ",
                );
                chain.push_values(links, |mut row, (sequence, audit_id, previous, hash)| {
                    row.push_bind(sequence)
                        .push_bind(audit_id)
                        .push_bind(previous)
                        .push_bind(hash);
                });
                chain.build().execute(&mut *tx).await?;
                crate::sql::delete_by_id::<$db>("audit_pending", rows.iter().map(|(id, _)| *id))
                    .build()
                    .execute(&mut *tx)
                    .await?;
                crate::sql::Commit::commit_durably(tx, &self.local.commits).await?;
                Ok(count)
            }

            async fn audit_chain_after(
                &self,
                after: u64,
                limit: u32,
            ) -> crate::Result<Vec<crate::ChainLink>> {
                let rows: Vec<crate::rows::ChainRow> = ::sqlx::query_as(
                    "SELECT c.sequence, c.audit_id, c.previous_hash, c.hash, a.id, a.occurred_at, \
                     a.subject, a.role, a.action, a.resource_kind, a.resource_id, a.request_id, a.outcome, \
                     a.purpose, a.resources FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.audit_id \
                     WHERE c.sequence > $1 ORDER BY c.sequence LIMIT $2",
                )
                .bind(i64::try_from(after).unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(&self.$readers)
                .await?;
                let mut links: Vec<crate::ChainLink> = rows.into_iter().map(Into::into).collect();
                unfindable_names(&self.$readers, &mut links).await?;
                let mut with_entries: Vec<&mut crate::AuditEntry> =
                    links.iter_mut().filter_map(|l| l.entry.as_mut()).collect();
                let legacy = crate::rows::named_elsewhere(&with_entries, |entry| &**entry);
                let named = audit_resources_of(&self.$readers, &legacy).await?;
                crate::rows::attach_resources(&mut with_entries, named, |entry| &mut **entry);
                Ok(links)
            }

            async fn audit_chain_head(&self) -> crate::Result<Option<(u64, String)>> {
                let head: Option<(i64, String)> = ::sqlx::query_as(
                    "SELECT sequence, hash FROM audit_chain ORDER BY sequence DESC LIMIT 1",
                )
                .fetch_optional(&self.$readers)
                .await?;
                Ok(head.map(|(sequence, hash)| (sequence.max(0) as u64, hash)))
            }

            async fn audit_link_hash(&self, sequence: u64) -> crate::Result<Option<String>> {
                Ok(::sqlx::query_scalar("SELECT hash FROM audit_chain WHERE sequence = $1")
                    .bind(i64::try_from(sequence).unwrap_or(i64::MAX))
                    .fetch_optional(&self.$readers)
                    .await?)
            }

            async fn record_checkpoint(
                &self,
                c: &::yishe_domain::audit::AuditCheckpoint,
            ) -> crate::Result<()> {
                let mut tx = self.begin_write().await?;
                ::sqlx::query(
                    "INSERT INTO audit_checkpoints (sequence, head_hash, signed_at, public_key, \
                     signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sequence) DO NOTHING",
                )
                .bind(i64::try_from(c.sequence).unwrap_or(i64::MAX))
                .bind(&c.head_hash)
                .bind(c.signed_at)
                .bind(&c.public_key)
                .bind(&c.signature)
                .execute(&mut *tx)
                .await?;
                crate::sql::Commit::commit_durably(tx, &self.local.commits).await?;
                Ok(())
            }

            async fn audit_checkpoints(
                &self,
                after: u64,
                to: u64,
            ) -> crate::Result<Vec<::yishe_domain::audit::AuditCheckpoint>> {
                let rows: Vec<(i64, String, ::chrono::DateTime<::chrono::Utc>, String, String)> =
                    ::sqlx::query_as(
                        "SELECT sequence, head_hash, signed_at, public_key, signature \
                         FROM audit_checkpoints WHERE sequence > $1 AND sequence <= $2 \
                         ORDER BY sequence",
                    )
                    .bind(i64::try_from(after).unwrap_or(i64::MAX))
                    .bind(i64::try_from(to).unwrap_or(i64::MAX))
                    .fetch_all(&self.$readers)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(sequence, head_hash, signed_at, public_key, signature)| {
                        ::yishe_domain::audit::AuditCheckpoint {
                            kind: ::yishe_domain::audit::CHECKPOINT_KIND.to_owned(),
                            sequence: sequence.max(0) as u64,
                            head_hash,
                            signed_at,
                            public_key,
                            signature,
                        }
                    })
                    .collect())
            }

            async fn unsealed_audit_count(&self) -> crate::Result<u64> {
                let n: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM audit_pending")
                    .fetch_one(&self.$readers)
                    .await?;
                Ok(n.max(0) as u64)
            }

            async fn list_audit(
                &self,
                resource_kind: Option<&str>,
                resource_id: Option<&str>,
                action: Option<&str>,
                after: Option<::uuid::Uuid>,
                limit: u32,
            ) -> crate::Result<Vec<crate::AuditRecord>> {
                let sql = audit_search(resource_kind.is_some(), resource_id.is_some());
                let rows: Vec<crate::rows::LinkedAuditRow> = ::sqlx::query_as(&sql)
                .bind(resource_kind)
                .bind(resource_id)
                .bind(after)
                .bind(i64::from(limit))
                .bind(action)
                .fetch_all(&self.$readers)
                .await?;
                let mut records: Vec<crate::AuditRecord> = rows.into_iter().map(Into::into).collect();
                let legacy = crate::rows::named_elsewhere(&records, |r| &r.entry);
                let named = audit_resources_of(&self.$readers, &legacy).await?;
                crate::rows::attach_resources(&mut records, named, |record| &mut record.entry);
                Ok(records)
            }
        }
    };
}

pub(crate) use impl_audit_chain;
