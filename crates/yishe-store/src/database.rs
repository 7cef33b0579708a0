//! The database handle the services hold, whichever engine is behind it.

use std::sync::Arc;

use async_trait::async_trait;
use yishe_domain::directory::ApiKey;
use yishe_domain::referral::{ReferralEvent, Status};

use crate::{AssessmentRepo, AuditLog, DirectoryRepo, EventLog, ReferralRepo, Result};

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// One write transaction: every aggregate's reads and writes, then `commit`. Dropping
/// it without committing rolls everything back.
#[async_trait]
pub trait Tx: ReferralRepo + AssessmentRepo + DirectoryRepo + EventLog + AuditLog + Send {
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// A connected database.
#[async_trait]
pub trait Database: Send + Sync + std::fmt::Debug {
    fn engine(&self) -> Engine;

    /// Starts a write transaction.
    async fn begin(&self) -> Result<Box<dyn Tx>>;

    /// Appends one audit row in a transaction of its own: for a refused attempt,
    /// whose own transaction rolled back or never began, and for reads of the audit
    /// log itself.
    async fn append_audit_alone(&self, entry: &crate::AuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.append_audit(entry).await?;
        tx.commit().await
    }

    /// Moves up to `limit` committed outbox events into the feed, in the order they
    /// became visible, giving each the next sequence. Only one relay works at a time
    /// (on PostgreSQL, the holder of an advisory lock); returns how many it moved, or
    /// 0 when another relay holds the lock.
    async fn relay_events(&self, limit: u32) -> Result<usize>;

    /// Notified when a transaction of this process commits feed events, so the relay
    /// moves them at once (relays of other processes poll).
    fn events_committed(&self) -> &tokio::sync::Notify;

    /// Feed events with a sequence greater than `after`, in order.
    async fn feed_after(&self, after: u64, limit: u32) -> Result<Vec<ReferralEvent>>;

    /// The key whose secret hashes to `secret_hash`, revoked or not.
    async fn find_api_key(&self, secret_hash: &str) -> Result<Option<ApiKey>>;

    /// The key bound to a client certificate with one of `names` (its common name or
    /// alternative names), revoked or not.
    async fn find_api_key_by_certificate(&self, names: &[String]) -> Result<Option<ApiKey>>;

    /// How many referrals are in each non-terminal status (for the ops gauge).
    async fn open_referrals_by_status(&self) -> Result<Vec<(Status, i64)>>;

    /// Links up to `limit` committed audit rows into the hash chain (one sealer at a
    /// time); returns how many it sealed.
    async fn seal_audit(&self, limit: u32) -> Result<usize>;

    /// Chain links with a sequence greater than `after`, in order, with their rows.
    async fn audit_chain_after(&self, after: u64, limit: u32) -> Result<Vec<crate::ChainLink>>;

    /// Audit rows written but not yet sealed.
    async fn unsealed_audit_count(&self) -> Result<u64>;

    /// Audit rows, oldest first, optionally about one kind of record or one record,
    /// after the row `after`.
    async fn list_audit(
        &self,
        resource_kind: Option<&str>,
        resource_id: Option<&str>,
        action: Option<&str>,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<crate::AuditRecord>>;

    /// Seals up to `limit` records (referrals, assessment versions, risk flags) that are
    /// not under the current key again with it; returns how many (0 when all are
    /// current).
    async fn reencrypt_records(&self, limit: u32) -> Result<usize>;

    /// Open (unacknowledged) risk flags by kind (for the ops gauge).
    async fn open_risk_flags_by_kind(&self) -> Result<Vec<(String, i64)>>;

    /// How many records each key seals (`None`: written before encryption).
    async fn encryption_status(&self) -> Result<Vec<(Option<String>, i64)>>;

    /// Anonymises up to `limit` referrals closed (in a terminal status) before
    /// `closed_before`: patient details, consent and notes are removed, assessments
    /// and risk flags deleted; each is marked purged at `now`. Returns them.
    async fn purge_closed_referrals(
        &self,
        closed_before: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<yishe_domain::ReferralId>>;

    /// The keys this database's values are sealed with.
    fn crypto(&self) -> &std::sync::Arc<crate::Crypto>;

    /// Whether the database answers.
    async fn ping(&self) -> Result<()>;

    async fn close(&self);
}

/// What the services hold.
pub type Store = Arc<dyn Database>;

/// Connects to `url` (`sqlite:` or `postgres:`), applying the migrations of its engine;
/// sensitive values are sealed and opened with `crypto`.
pub async fn connect(url: &str, crypto: Arc<crate::Crypto>) -> Result<Store> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(crate::SqliteDatabase::connect(url, crypto).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(
            crate::PostgresDatabase::connect(url, crypto).await?,
        ))
    } else {
        Err(crate::Error::Config(
            "database_url must start with sqlite: or postgres:".into(),
        ))
    }
}
