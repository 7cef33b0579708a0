//! The `Database` impl of one engine: every method delegates to the engine's pool-level
//! functions (from the other macros), on the writer or the reader pool.

macro_rules! impl_database {
    ($name:ident, $tx:ident, engine = $engine:expr, writer = $writer:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::Database for $name {
            fn engine(&self) -> crate::Engine {
                $engine
            }

            async fn begin(&self) -> crate::Result<Box<dyn crate::Tx>> {
                let tx = self
                    .$writer
                    .begin()
                    .await
                    .map_err(|e| crate::Error::from_sqlx(e, "database"))?;
                Ok(Box::new($tx {
                    tx,
                    crypto: self.crypto.clone(),
                    appended_events: false,
                    events_committed: self.events_committed.clone(),
                }))
            }

            fn events_committed(&self) -> &::tokio::sync::Notify {
                &self.events_committed
            }

            async fn relay_events(&self, limit: u32) -> crate::Result<usize> {
                relay_events_on(&self.$writer, limit).await
            }

            async fn feed_after(
                &self,
                after: u64,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::referral::ReferralEvent>> {
                feed_after_on(&self.$readers, after, limit).await
            }

            async fn find_api_key(
                &self,
                secret_hash: &str,
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                find_api_key_on(&self.$readers, secret_hash).await
            }

            async fn find_api_key_by_certificate(
                &self,
                names: &[String],
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                if names.is_empty() {
                    return Ok(None);
                }
                find_api_key_by_certificate_on(&self.$readers, names).await
            }

            async fn open_referrals_by_status(
                &self,
            ) -> crate::Result<Vec<(::yishe_domain::referral::Status, i64)>> {
                open_referrals_by_status_on(&self.$readers).await
            }

            async fn seal_audit(&self, limit: u32) -> crate::Result<usize> {
                seal_audit_on(&self.$writer, limit).await
            }

            async fn audit_chain_after(
                &self,
                after: u64,
                limit: u32,
            ) -> crate::Result<Vec<crate::ChainLink>> {
                audit_chain_after_on(&self.$readers, after, limit).await
            }

            async fn unsealed_audit_count(&self) -> crate::Result<u64> {
                unsealed_audit_count_on(&self.$readers).await
            }

            async fn list_audit(
                &self,
                resource_kind: Option<&str>,
                resource_id: Option<&str>,
                action: Option<&str>,
                after: Option<uuid::Uuid>,
                limit: u32,
            ) -> crate::Result<Vec<crate::AuditRecord>> {
                list_audit_on(
                    &self.$readers,
                    resource_kind,
                    resource_id,
                    action,
                    after,
                    limit,
                )
                .await
            }

            async fn reencrypt_records(&self, limit: u32) -> crate::Result<usize> {
                reencrypt_records_on(&self.$writer, &self.crypto, limit).await
            }

            async fn open_risk_flags_by_kind(&self) -> crate::Result<Vec<(String, i64)>> {
                Ok(::sqlx::query_as(
                    "SELECT kind, COUNT(*) FROM risk_flags WHERE acknowledged_at IS NULL \
                     GROUP BY kind ORDER BY kind",
                )
                .fetch_all(&self.$readers)
                .await?)
            }

            async fn encryption_status(&self) -> crate::Result<Vec<(Option<String>, i64)>> {
                encryption_status_on(&self.$readers).await
            }

            async fn purge_closed_referrals(
                &self,
                closed_before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> crate::Result<Vec<yishe_domain::ReferralId>> {
                purge_closed_referrals_on(&self.$writer, &self.crypto, closed_before, now, limit)
                    .await
            }

            fn crypto(&self) -> &std::sync::Arc<crate::Crypto> {
                &self.crypto
            }

            async fn ping(&self) -> crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.$readers).await?;
                Ok(())
            }

            async fn close(&self) {
                self.$readers.close().await;
                self.$writer.close().await;
            }
        }
    };
}

pub(crate) use impl_database;
