//! `AuditLog` in SQL: rows only appended, each queued for the sealer; the records a
//! list read are written beside its row, in order.

macro_rules! impl_audit_log {
    ($tx:ident, $db:ty) => {
        #[::async_trait::async_trait]
        impl crate::AuditLog for $tx {
            async fn append_audit(&mut self, e: &crate::AuditEntry) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO audit_log (id, occurred_at, subject, role, action, resource_kind, \
                     resource_id, request_id, outcome, purpose) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(e.id)
                .bind(e.occurred_at)
                .bind(&e.subject)
                .bind(&e.role)
                .bind(&e.action)
                .bind(&e.resource_kind)
                .bind(&e.resource_id)
                .bind(&e.request_id)
                .bind(&e.outcome)
                .bind(&e.purpose)
                .execute(&mut *self.tx)
                .await?;
                if !e.resources.is_empty() {
                    // One statement for all of them: a page of fifty is one round trip.
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO audit_resources (audit_id, position, resource_id) ",
                    );
                    q.push_values(e.resources.iter().enumerate(), |mut row, (i, resource)| {
                        row.push_bind(e.id).push_bind(i as i32).push_bind(resource.clone());
                    });
                    q.build().execute(&mut *self.tx).await?;
                }
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
            let mut q = ::sqlx::QueryBuilder::<$db>::new(
                "SELECT audit_id, resource_id FROM audit_resources WHERE audit_id IN (",
            );
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY audit_id, position");
            let rows: Vec<(::uuid::Uuid, String)> = q.build_query_as().fetch_all(executor).await?;
            for (id, resource) in rows {
                named.entry(id).or_default().push(resource);
            }
            Ok(named)
        }
    };
}

pub(crate) use impl_audit_log;
pub(crate) use impl_audit_resources;
