//! The embedded engine: one SQLite file in WAL mode, `synchronous=FULL`, one writer
//! connection (so write transactions queue in the application, never on
//! SQLITE_BUSY) and a few readers for the feed and key lookups.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use yishe_domain::directory::ApiKey;
use yishe_domain::referral::{ReferralEvent, Status};

use crate::sql::{impl_audit_chain, impl_feed, impl_rekey, impl_retention, impl_tx};
use crate::{Crypto, Database, Engine, Error, Result, Tx};

impl_tx!(
    SqliteTx,
    Sqlite,
    lock_worker = "SELECT id FROM social_workers WHERE id = $1"
);
impl_feed!(Sqlite, relay_lock = "SELECT TRUE");
impl_audit_chain!(Sqlite, seal_lock = "SELECT TRUE");
impl_rekey!(Sqlite);
impl_retention!(Sqlite);

/// A SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    writer: SqlitePool,
    readers: SqlitePool,
    crypto: std::sync::Arc<Crypto>,
}

impl SqliteDatabase {
    /// Opens (creating if needed) the file named by a `sqlite:` URL and migrates it.
    pub async fn connect(url: &str, crypto: std::sync::Arc<Crypto>) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("bad sqlite url: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options.clone())
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options.read_only(true))
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        Ok(Self {
            writer,
            readers,
            crypto,
        })
    }

    /// The writer pool, for tests that need to reach under the traits.
    pub fn writer_pool(&self) -> &SqlitePool {
        &self.writer
    }
}

#[async_trait]
impl Database for SqliteDatabase {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let tx = self
            .writer
            .begin()
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        Ok(Box::new(SqliteTx {
            tx,
            crypto: self.crypto.clone(),
        }))
    }

    async fn relay_events(&self, limit: u32) -> Result<usize> {
        relay_events_on(&self.writer, limit).await
    }

    async fn feed_after(&self, after: u64, limit: u32) -> Result<Vec<ReferralEvent>> {
        feed_after_on(&self.readers, after, limit).await
    }

    async fn find_api_key(&self, secret_hash: &str) -> Result<Option<ApiKey>> {
        find_api_key_on(&self.readers, secret_hash).await
    }

    async fn find_api_key_by_certificate(&self, names: &[String]) -> Result<Option<ApiKey>> {
        if names.is_empty() {
            return Ok(None);
        }
        find_api_key_by_certificate_on(&self.readers, names).await
    }

    async fn open_referrals_by_status(&self) -> Result<Vec<(Status, i64)>> {
        open_referrals_by_status_on(&self.readers).await
    }

    async fn seal_audit(&self, limit: u32) -> Result<usize> {
        seal_audit_on(&self.writer, limit).await
    }

    async fn audit_chain_after(&self, after: u64, limit: u32) -> Result<Vec<crate::ChainLink>> {
        audit_chain_after_on(&self.readers, after, limit).await
    }

    async fn unsealed_audit_count(&self) -> Result<u64> {
        unsealed_audit_count_on(&self.readers).await
    }

    async fn list_audit(
        &self,
        resource_kind: Option<&str>,
        resource_id: Option<&str>,
        action: Option<&str>,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<crate::AuditRecord>> {
        list_audit_on(
            &self.readers,
            resource_kind,
            resource_id,
            action,
            after,
            limit,
        )
        .await
    }

    async fn reencrypt_referrals(&self, limit: u32) -> Result<usize> {
        reencrypt_referrals_on(&self.writer, &self.crypto, limit).await
    }

    async fn encryption_status(&self) -> Result<Vec<(Option<String>, i64)>> {
        encryption_status_on(&self.readers).await
    }

    async fn purge_closed_referrals(
        &self,
        closed_before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<yishe_domain::ReferralId>> {
        purge_closed_referrals_on(&self.writer, &self.crypto, closed_before, limit).await
    }

    fn crypto(&self) -> &std::sync::Arc<Crypto> {
        &self.crypto
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}
