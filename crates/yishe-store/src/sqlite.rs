//! The embedded engine: one SQLite file in WAL mode, `synchronous=FULL`, one writer
//! connection (so write transactions queue in the application, never on
//! SQLITE_BUSY; requests' transactions are committed in groups, see `group_commit`)
//! and a few readers for the feed and key lookups.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};

use crate::group_commit::{GroupTx, GroupWriter};
use crate::sql::{
    impl_audit_chain, impl_database, impl_feed_relay, impl_gauges, impl_key_lookup,
    impl_query_plans, impl_tx,
};
use crate::{Crypto, Engine, Error, Result};

impl_tx!(
    SqliteTx,
    Sqlite,
    transaction = GroupTx,
    lock_worker = "SELECT id FROM social_workers WHERE id = $1"
);

/// Write transactions take the write lock when they begin: a transaction that read
/// first and then wrote could otherwise fail at once (SQLITE_BUSY_SNAPSHOT, which the
/// busy timeout does not wait out) when another process sharing the file committed in
/// between.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// A SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    writer: SqlitePool,
    /// Requests' write transactions, committed in groups on the writer.
    group: GroupWriter,
    readers: SqlitePool,
    crypto: std::sync::Arc<Crypto>,
    local: std::sync::Arc<crate::in_process::InProcess>,
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
        let local = std::sync::Arc::<crate::in_process::InProcess>::default();
        Ok(Self {
            group: GroupWriter::start(writer.clone(), local.clone()),
            writer,
            readers,
            crypto,
            local,
        })
    }
}

#[async_trait::async_trait]
impl crate::Transactions for SqliteDatabase {
    async fn begin(&self) -> Result<Box<dyn crate::Tx>> {
        let tx = self.group.begin().await?;
        Ok(SqliteTx::boxed(tx, self.crypto.clone(), self.local.clone()))
    }
}

impl_database!(
    SqliteDatabase,
    engine = Engine::Sqlite,
    writer = writer,
    readers = readers
);
// One writer connection: whoever holds it is the only relay and the only sealer.
impl_feed_relay!(
    SqliteDatabase,
    Sqlite,
    writer = writer,
    readers = readers,
    relay_lock = "SELECT TRUE",
    announce = "SELECT 1"
);

impl SqliteDatabase {
    /// SQLite has no way to tell another process of a commit: readers look now and
    /// then instead.
    fn listen_for_feed_moves(&self) {}
}
impl_audit_chain!(
    SqliteDatabase,
    Sqlite,
    writer = writer,
    readers = readers,
    seal_lock = "SELECT TRUE"
);
impl_key_lookup!(SqliteDatabase, Sqlite, readers = readers);
impl_gauges!(SqliteDatabase, readers = readers);
// SQLite plans by its indexes' shapes, not by row counts, so nothing needs pricing out.
impl_query_plans!(
    SqliteDatabase,
    Sqlite,
    readers = readers,
    explain = "EXPLAIN QUERY PLAN ",
    price_out = [],
    plan_column = 3
);
