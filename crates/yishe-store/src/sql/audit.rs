//! `AuditLog` in SQL: rows only appended, each queued for the sealer.

macro_rules! impl_audit_log {
    ($tx:ident) => {
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
                // Queued for the sealer, in the same transaction as the row.
                ::sqlx::query("INSERT INTO audit_pending (audit_id) VALUES ($1)")
                    .bind(e.id)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn audit_of(
                &mut self,
                resource_kind: &str,
                resource_id: &str,
            ) -> crate::Result<Vec<crate::AuditEntry>> {
                let rows: Vec<crate::rows::AuditRow> = ::sqlx::query_as(
                    "SELECT id, occurred_at, subject, role, action, resource_kind, resource_id, \
                     request_id, outcome, purpose FROM audit_log \
                     WHERE resource_kind = $1 AND resource_id = $2 ORDER BY id",
                )
                .bind(resource_kind)
                .bind(resource_id)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }
        }
    };
}

pub(crate) use impl_audit_log;
