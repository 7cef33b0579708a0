//! The production engine: PostgreSQL, one pool, row locks where a check spans rows,
//! and an advisory lock that makes one relay the leader across processes.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use yishe_domain::directory::ApiKey;
use yishe_domain::referral::{ReferralEvent, Status};

use crate::sql::{impl_audit_chain, impl_feed, impl_rekey, impl_retention, impl_tx};
use crate::{Crypto, Database, Engine, Error, Result, Tx};

impl_tx!(
    PostgresTx,
    Postgres,
    lock_worker = "SELECT id FROM social_workers WHERE id = $1 FOR UPDATE"
);
// The key is arbitrary but fixed: every Yishe process contends for the same lock.
impl_feed!(
    Postgres,
    relay_lock = "SELECT pg_try_advisory_xact_lock(7318045901)"
);
// The sealer has a lock of its own, so relaying and sealing run side by side.
impl_audit_chain!(
    Postgres,
    seal_lock = "SELECT pg_try_advisory_xact_lock(7318045902)"
);
impl_rekey!(Postgres);
impl_retention!(Postgres);

/// A PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
    crypto: std::sync::Arc<Crypto>,
}

impl PostgresDatabase {
    /// Connects to a `postgres:` URL and migrates the database.
    pub async fn connect(url: &str, crypto: std::sync::Arc<Crypto>) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("bad postgres url: {e}")))?
            // A session stuck inside a transaction must not hold locks forever.
            .options([("idle_in_transaction_session_timeout", "30s")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options)
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool, crypto })
    }

    /// The pool, for tests that need to reach under the traits.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Database for PostgresDatabase {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let tx = self
            .pool
            .begin()
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        Ok(Box::new(PostgresTx {
            tx,
            crypto: self.crypto.clone(),
        }))
    }

    async fn relay_events(&self, limit: u32) -> Result<usize> {
        relay_events_on(&self.pool, limit).await
    }

    async fn feed_after(&self, after: u64, limit: u32) -> Result<Vec<ReferralEvent>> {
        feed_after_on(&self.pool, after, limit).await
    }

    async fn find_api_key(&self, secret_hash: &str) -> Result<Option<ApiKey>> {
        find_api_key_on(&self.pool, secret_hash).await
    }

    async fn find_api_key_by_certificate(&self, names: &[String]) -> Result<Option<ApiKey>> {
        if names.is_empty() {
            return Ok(None);
        }
        find_api_key_by_certificate_on(&self.pool, names).await
    }

    async fn open_referrals_by_status(&self) -> Result<Vec<(Status, i64)>> {
        open_referrals_by_status_on(&self.pool).await
    }

    async fn seal_audit(&self, limit: u32) -> Result<usize> {
        seal_audit_on(&self.pool, limit).await
    }

    async fn audit_chain_after(&self, after: u64, limit: u32) -> Result<Vec<crate::ChainLink>> {
        audit_chain_after_on(&self.pool, after, limit).await
    }

    async fn unsealed_audit_count(&self) -> Result<u64> {
        unsealed_audit_count_on(&self.pool).await
    }

    async fn list_audit(
        &self,
        resource_kind: Option<&str>,
        resource_id: Option<&str>,
        action: Option<&str>,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<crate::AuditRecord>> {
        list_audit_on(&self.pool, resource_kind, resource_id, action, after, limit).await
    }

    async fn reencrypt_referrals(&self, limit: u32) -> Result<usize> {
        reencrypt_referrals_on(&self.pool, &self.crypto, limit).await
    }

    async fn encryption_status(&self) -> Result<Vec<(Option<String>, i64)>> {
        encryption_status_on(&self.pool).await
    }

    async fn purge_closed_referrals(
        &self,
        closed_before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<yishe_domain::ReferralId>> {
        purge_closed_referrals_on(&self.pool, &self.crypto, closed_before, limit).await
    }

    fn crypto(&self) -> &std::sync::Arc<Crypto> {
        &self.crypto
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
