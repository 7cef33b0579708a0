//! `AuditLog` in SQL: rows only appended, each queued for the sealer; the records a
//! list read are written beside its row, in order.

macro_rules! impl_audit_log {
    ($tx:ident, $db:ty, records = $records:expr) => {
        #[::async_trait::async_trait]
        impl crate::AuditLog for $tx {
            async fn append_audit(&mut self, e: &crate::AuditEntry) -> crate::Result<()> {
                audit_insert(e).build().execute(&mut *self.tx).await?;
                // The row is queued for the sealer by a trigger (migration 0012).
                Ok(())
            }

            async fn audit_of(
                &mut self,
                resource_kind: &str,
                resource_id: &str,
            ) -> crate::Result<Vec<crate::AuditEntry>> {
                let rows: Vec<crate::rows::AuditRow> = ::sqlx::query_as(
                    "SELECT id, occurred_at, subject, role, action, resource_kind, resource_id, \
                     request_id, outcome, purpose FROM audit_log a \
                     WHERE resource_kind = $1 AND (resource_id = $2 OR id IN \
                     (SELECT audit_id FROM audit_resources WHERE resource_id = $2)) ORDER BY id",
                )
                .bind(resource_kind)
                .bind(resource_id)
                .fetch_all(&mut *self.tx)
                .await?;
                let mut entries: Vec<crate::AuditEntry> = rows.into_iter().map(Into::into).collect();
                let ids: Vec<::uuid::Uuid> = entries.iter().map(|e| e.id).collect();
                let resources = audit_resources_of(&mut *self.tx, &ids).await?;
                crate::rows::attach_resources(&mut entries, resources, |e| e);
                Ok(entries)
            }
        }

        /// The statement appending `e`: the row and the records it names go in by one
        /// call, so a list's audit costs one round trip, not two. `$records` says how
        /// this engine joins two inserts into one call.
        pub(crate) fn audit_insert(e: &crate::AuditEntry) -> ::sqlx::QueryBuilder<'static, $db> {
            let (open, join): (&str, &str) = $records;
            let mut q = ::sqlx::QueryBuilder::<$db>::new(if e.resources.is_empty() { "" } else { open });
            q.push(
                "INSERT INTO audit_log (id, occurred_at, subject, role, action, resource_kind, \
                 resource_id, request_id, outcome, purpose) ",
            );
            q.push_values([e], |mut row, e| {
                row.push_bind(e.id)
                    .push_bind(e.occurred_at)
                    .push_bind(e.subject.clone())
                    .push_bind(e.role.clone())
                    .push_bind(e.action.clone())
                    .push_bind(e.resource_kind.clone())
                    .push_bind(e.resource_id.clone())
                    .push_bind(e.request_id.clone())
                    .push_bind(e.outcome.clone())
                    .push_bind(e.purpose.clone());
            });
            if !e.resources.is_empty() {
                q.push(join);
                q.push("INSERT INTO audit_resources (audit_id, position, resource_id) ");
                q.push_values(e.resources.iter().enumerate(), |mut row, (i, resource)| {
                    row.push_bind(e.id).push_bind(i as i32).push_bind(resource.clone());
                });
            }
            q
        }
    };
}

/// The records named by audit rows, for one engine: a free function the chain's
/// readers and the sealer share (they need them to hash and to show each row).
macro_rules! impl_audit_resources {
    ($db:ty) => {
        /// The records each of `ids` names, in their order.
        async fn audit_resources_of<'e, E>(
            executor: E,
            ids: &[::uuid::Uuid],
        ) -> crate::Result<::std::collections::HashMap<::uuid::Uuid, Vec<String>>>
        where
            E: ::sqlx::Executor<'e, Database = $db>,
        {
            let mut named: ::std::collections::HashMap<::uuid::Uuid, Vec<String>> =
                ::std::collections::HashMap::new();
            if ids.is_empty() {
                return Ok(named);
            }
            // One row per audit row, its records joined in order (ids hold no line
            // breaks): a list of fifty is one row to fetch, not fifty. On SQLite every
            // row fetched is a trip from its worker thread, and the sealer reads these
            // while holding the writer.
            let mut q = ::sqlx::QueryBuilder::<$db>::new(
                "SELECT audit_id, string_agg(resource_id, '\n' ORDER BY position) \
                 FROM audit_resources WHERE audit_id IN (",
            );
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") GROUP BY audit_id");
            let rows: Vec<(::uuid::Uuid, String)> = q.build_query_as().fetch_all(executor).await?;
            for (id, joined) in rows {
                named.insert(id, joined.split('\n').map(str::to_owned).collect());
            }
            Ok(named)
        }
    };
}

pub(crate) use impl_audit_log;
pub(crate) use impl_audit_resources;
