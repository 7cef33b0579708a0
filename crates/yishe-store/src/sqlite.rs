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
    impl_query_plans, impl_referral_reads, impl_reports, impl_tx,
};
use crate::{Crypto, Engine, Error, Result};

/// Read connections (lists, the feed's catch-up, key lookups, gauges).
const READERS: u32 = 4;

impl_tx!(
    SqliteTx,
    Sqlite,
    transaction = GroupTx,
    lock_worker = "SELECT id FROM social_workers WHERE id = $1",
    lock_referral = "SELECT id FROM referrals WHERE id = $1",
    create_referral = CREATE_REFERRAL.as_str(),
    // Two statements in one call, sharing its arguments.
    audit_with_records = ("", "; "),
    // A value that is not JSON (edited by hand) names nothing here, rather than
    // failing the search; the verification reports it.
    audit_names_contain = "CASE WHEN json_valid(named.resources) THEN EXISTS \
        (SELECT 1 FROM json_each(named.resources) WHERE json_each.value = $2) ELSE 0 END"
);

/// A new referral with its CREATED event and the audit row of its creation, in one
/// call to SQLite (three statements sharing one argument list): the event and the
/// audit row go in only when the referral did (`changes()` counts the rows the
/// statement before changed). A replay reads the first referral and audits itself in
/// statements of their own, as SQLite's are cheap.
static CREATE_REFERRAL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{insert} RETURNING id AS inserted; \
         INSERT INTO referral_outbox (event_id, payload, trace_context) \
         SELECT $28, $29, $40 WHERE changes() = 1; \
         INSERT INTO {audit} SELECT $30, $31, $32, $33, $34, $35, $36, $37, $38, $39 \
         WHERE changes() = 1",
        insert = crate::sql::INSERT_REFERRAL,
        audit = crate::sql::AUDIT_COLUMNS,
    )
});

/// A SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    /// The one writer connection's pool (for the migrations and for `close`).
    writer: SqlitePool,
    /// Every write transaction (requests', the relay's, the sealer's), committed in
    /// groups on the writer.
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
            .busy_timeout(Duration::from_secs(5))
            // Statement journals (each savepoint of a batch, each multi-row insert) and
            // sorts in memory: as files, SQLite created, wrote and unlinked one for
            // many writes (a profile of the list workload showed 3% of its time in
            // close() alone). They hold nothing that must survive a crash.
            .pragma("temp_store", "memory")
            // A page of fifty (and the one row that says there is more) crosses from
            // SQLite's worker thread without the worker stopping for the reader
            // (sqlx's default buffer is fifty rows).
            .row_buffer_size(256);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options.clone())
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        {
            let mut connection = writer
                .acquire()
                .await
                .map_err(|e| Error::from_sqlx(e, "database"))?;
            if crate::move_to_postgres::was_moved(&mut connection).await? {
                return Err(Error::Config(crate::move_to_postgres::MOVED_AWAY.into()));
            }
        }
        crate::migrations::run(sqlx::migrate!("./migrations/sqlite"), &writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(Duration::from_secs(2))
            // A file does not hang up: no ping (a trip to the worker thread) per read.
            .test_before_acquire(false)
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

impl SqliteDatabase {
    /// `VACUUM INTO` on a connection of its own: the writer's keeps a transaction open
    /// (group commit), inside which VACUUM cannot run, and the readers' are read-only.
    /// The copy is a snapshot as of one moment, taken while writes go on.
    async fn backup_file(&self, path: &std::path::Path) -> Result<()> {
        use sqlx::{ConnectOptions, Connection};
        // Made empty first, the owner's only (sealed patient data and key hashes, as in
        // the database), and never over an existing file; SQLite fills an empty one.
        let mut file = std::fs::OpenOptions::new();
        file.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
        file.open(path).map_err(|e| {
            Error::Config(format!(
                "{}: {e} (a backup goes to a new file)",
                path.display()
            ))
        })?;
        let copied = async {
            let options = (*self.readers.connect_options()).clone().read_only(false);
            let mut connection = options
                .connect()
                .await
                .map_err(|e| Error::from_sqlx(e, "database"))?;
            sqlx::query("VACUUM INTO $1")
                .bind(path.to_string_lossy().as_ref())
                .execute(&mut connection)
                .await?;
            connection.close().await?;
            Ok(())
        }
        .await;
        if copied.is_err() {
            // Half a copy is no backup, and would block the next try.
            let _ = std::fs::remove_file(path);
        }
        copied
    }

    /// The one writer connection and the readers.
    fn pool_states(&self) -> Vec<crate::PoolState> {
        let writer_busy = u32::from(self.group.busy());
        let readers_open = self.readers.size();
        let readers_idle = self.readers.num_idle() as u32;
        vec![
            crate::PoolState {
                pool: "writer",
                max: 1,
                in_use: writer_busy,
                idle: 1 - writer_busy,
                waiting: self.local.writer_waits.waiting(),
            },
            crate::PoolState {
                pool: "reader",
                max: READERS,
                in_use: readers_open.saturating_sub(readers_idle),
                idle: readers_idle,
                waiting: 0,
            },
        ]
    }

    /// A write transaction: a savepoint in the writer's open batch.
    async fn begin_write(&self) -> Result<GroupTx> {
        self.group.begin().await
    }
}

#[async_trait::async_trait]
impl crate::Transactions for SqliteDatabase {
    async fn begin(&self) -> Result<Box<dyn crate::Tx>> {
        use tracing::Instrument as _;
        let span = crate::trace_context::transaction_span(crate::Engine::Sqlite);
        let tx = self.begin_write().instrument(span.clone()).await?;
        Ok(SqliteTx::boxed(
            tx,
            self.crypto.clone(),
            self.local.clone(),
            span,
        ))
    }
}

impl_database!(
    SqliteDatabase,
    engine = Engine::Sqlite,
    writer = writer,
    readers = readers
);
// One writer connection: whoever holds it is the only relay and the only sealer, so
// neither needs a lock; and other processes sharing the file cannot be told of a batch
// (their readers look now and then).
impl_feed_relay!(
    SqliteDatabase,
    Sqlite,
    readers = readers,
    relay_lock = None,
    announce = None
);

impl SqliteDatabase {
    /// SQLite has no way to tell another process of a commit: readers look now and
    /// then instead.
    fn listen_for_feed_moves(&self) {}
}
impl_audit_chain!(SqliteDatabase, Sqlite, readers = readers, seal_lock = None);
impl_key_lookup!(SqliteDatabase, Sqlite, readers = readers);
// Lists read on the readers, beside the writer: they neither hold up the writer's
// batch (every other write waits while the writer works) nor see another request's
// writes before their batch is durable.
impl_referral_reads!(SqliteDatabase, readers = readers);
impl_gauges!(SqliteDatabase, readers = readers);
impl_reports!(SqliteDatabase, Sqlite, readers = readers);
// SQLite plans by its indexes' shapes, not by row counts, so nothing needs pricing out.
impl_query_plans!(
    SqliteDatabase,
    Sqlite,
    readers = readers,
    explain = "EXPLAIN QUERY PLAN ",
    price_out = [],
    scans_out = [],
    plan_column = 3
);
