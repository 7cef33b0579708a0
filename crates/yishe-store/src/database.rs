//! The database handle the services hold, whichever engine is behind it: transactions
//! over every repository, and the roles the background work needs (the feed relay, the
//! audit chain, key lookups, maintenance, gauges, query plans, committed reads), each a
//! trait of its own so that a part of Yishe can hold only the role it uses.

use std::sync::Arc;

use async_trait::async_trait;

use crate::{
    AssessmentRepo, AuditChain, AuditLog, DirectoryRepo, EventLog, FeedRelay, FollowUpRepo, Gauges,
    KeyLookup, Maintenance, PlanRepo, QueryPlans, ReferralReads, ReferralRepo, Reports, Result,
    StationRepo, TaskRepo, VolunteerRepo,
};

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// One write transaction over every repository, then `commit`. Dropping it without
/// committing rolls everything back. A use-case decides what goes in one transaction
/// (the change, its event, its audit row), so the transaction spans the repositories:
/// a new repository is one more trait here.
#[async_trait]
pub trait Tx:
    ReferralRepo
    + AssessmentRepo
    + PlanRepo
    + TaskRepo
    + FollowUpRepo
    + DirectoryRepo
    + VolunteerRepo
    + StationRepo
    + EventLog
    + AuditLog
    + Send
{
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Starts write transactions.
#[async_trait]
pub trait Transactions: Send + Sync + std::fmt::Debug {
    async fn begin(&self) -> Result<Box<dyn Tx>>;

    /// For a call that writes with one statement (a create): its reads see committed
    /// rows, as every statement of a transaction does at READ COMMITTED, and its one
    /// write commits by itself, so on PostgreSQL it costs one round trip where BEGIN,
    /// the statement and COMMIT cost three. `commit` then does what a transaction's
    /// does after (wakes the relay, remembers the departments read). A call that
    /// writes twice must `begin`: its writes would not be atomic here. On SQLite, where
    /// writes share commits anyway, it is `begin`.
    async fn begin_one_write(&self) -> Result<Box<dyn Tx>> {
        self.begin().await
    }
}

/// A connected database, in every role.
#[async_trait]
pub trait Database:
    Transactions
    + FeedRelay
    + AuditChain
    + KeyLookup
    + Maintenance
    + Gauges
    + QueryPlans
    + ReferralReads
    + Reports
{
    fn engine(&self) -> Engine;

    /// Whether the database answers.
    async fn ping(&self) -> Result<()>;

    /// Writes a consistent copy of the whole database to `path` (a new file) while it
    /// serves: SQLite's `VACUUM INTO`. PostgreSQL has its own tools (`pg_dump`): refused.
    async fn backup_into(&self, path: &std::path::Path) -> Result<()>;

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
