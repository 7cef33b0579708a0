//! The production engine: PostgreSQL, one pool, row locks where a check spans rows,
//! and an advisory lock that makes one relay the leader across processes.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::sql::{
    impl_audit_chain, impl_database, impl_feed_relay, impl_gauges, impl_key_lookup,
    impl_query_plans, impl_referral_reads, impl_reports, impl_tx,
};
use crate::{Crypto, Engine, Error, Result};

impl_tx!(
    PostgresTx,
    Postgres,
    transaction = crate::pg_transactions::PgTx,
    lock_worker = "SELECT id FROM social_workers WHERE id = $1 FOR UPDATE",
    lock_referral = "SELECT id FROM referrals WHERE id = $1 FOR UPDATE",
    create_referral = CREATE_REFERRAL.as_str(),
    // The row's insert as a data-modifying CTE before the records' insert.
    audit_with_records = ("WITH logged AS (", ") "),
    // A function of migration 0030's: false for a value that is not JSON.
    audit_names_contain = "audit_names_contain(named.resources, $2)"
);

/// A new referral with its CREATED event and the audit row of its creation, in one
/// statement (one round trip): the event and the audit row are inserted from the
/// referral's RETURNING, so only when the referral was. When it was not (a replay), the
/// same statement reads the first referral and, if the payload is the same
/// (fingerprint `$4`), audits the replay, unless the first is this very create (a batch
/// committed it and lost its answer) or a batch audited this replay already (and lost
/// its answer: the row's id is the create's own). The one row it answers carries `inserted`
/// (the new id, or NULL), `replay_audited`, and the first referral's columns (NULL
/// when new, or when the first create committed after this statement's snapshot was
/// taken: then the caller reads it again).
static CREATE_REFERRAL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH created AS ({insert} RETURNING id), \
         event AS (INSERT INTO referral_outbox (event_id, payload, trace_context) \
           SELECT $28, $29, $40 FROM created), \
         audit AS (INSERT INTO {audit} \
           SELECT $30, $31, $32, $33, $34, $35, $36, $37, $38, $39 FROM created), \
         prior AS ({select} WHERE r.hospital_id = $5 AND r.request_id = $3 \
           AND NOT EXISTS (SELECT 1 FROM created)), \
         replay AS (INSERT INTO {audit} \
           SELECT $30, $31, $32, $33, '{replay}', $35, prior.id::text, $37, $38, $39 \
           FROM prior WHERE prior.fingerprint = $4 AND prior.id <> $1 \
           ON CONFLICT (id) DO NOTHING RETURNING 1) \
         SELECT (SELECT id FROM created) AS inserted, \
           EXISTS (SELECT 1 FROM replay) OR EXISTS (SELECT 1 FROM audit_log WHERE id = $30) \
             AS replay_audited, prior.* \
         FROM (SELECT 1) AS one LEFT JOIN prior ON TRUE",
        insert = crate::sql::INSERT_REFERRAL,
        audit = crate::sql::AUDIT_COLUMNS,
        select = crate::sql::SELECT_REFERRAL,
        replay = crate::sql::REPLAY_ACTION,
    )
});

/// Write transactions begin plainly: row locks and the optimistic version checks do
/// the rest.
const BEGIN_WRITE: &str = "BEGIN";

/// Connections write transactions hold at once (each process).
const WRITE_CONNECTIONS: usize = 16;
/// Connections reads use at once beyond those: list pages, the feed reader's catch-up,
/// key lookups, gauges, the feed listener. Warm write connections stay checked out of
/// the pool, so these must be on top of them.
const READ_CONNECTIONS: usize = 8;
/// How long a call waits for a connection before it is told the store is busy.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// A PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
    writes: std::sync::Arc<crate::pg_transactions::WriteConnections>,
    crypto: std::sync::Arc<Crypto>,
    local: std::sync::Arc<crate::in_process::InProcess>,
}

impl PostgresDatabase {
    /// Connects to a `postgres:` URL and migrates the database.
    pub async fn connect(url: &str, crypto: std::sync::Arc<Crypto>) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("bad postgres url: {e}")))?
            // A session stuck inside a transaction must not hold locks forever.
            .options([("idle_in_transaction_session_timeout", "30s")]);
        let pool = PgPoolOptions::new()
            .max_connections((WRITE_CONNECTIONS + READ_CONNECTIONS) as u32)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // No ping before every transaction (a round trip each): a connection is
            // still tested when it goes back to the pool, and one the server closed
            // fails its call with UNAVAILABLE, which callers retry.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        crate::migrations::run(sqlx::migrate!("./migrations/postgres"), &pool).await?;
        let local = std::sync::Arc::<crate::in_process::InProcess>::default();
        let creates = crate::pg_create_batches::CreateBatches::start(pool.clone(), local.clone());
        let writes = crate::pg_transactions::WriteConnections::new(
            pool.clone(),
            WRITE_CONNECTIONS,
            ACQUIRE_TIMEOUT,
            Some(creates),
        );
        Ok(Self {
            pool,
            writes,
            crypto,
            local,
        })
    }
}

impl PostgresDatabase {
    /// PostgreSQL is backed up with its own tools, which know its cluster.
    async fn backup_file(&self, _path: &std::path::Path) -> Result<()> {
        Err(Error::Config(
            "back PostgreSQL up with pg_dump or the operator's backups (OPERATIONS.md)".into(),
        ))
    }

    /// Write transactions' connections, and what is left of the pool for reads.
    fn pool_states(&self) -> Vec<crate::PoolState> {
        let writing = self.writes.in_use() as u32;
        let warm = self.writes.warm_count() as u32;
        // The pool counts the writers' connections, in use or kept warm, as taken.
        let open = self.pool.size();
        let idle = self.pool.num_idle() as u32;
        vec![
            crate::PoolState {
                pool: "writer",
                max: self.writes.size() as u32,
                in_use: writing,
                idle: warm,
                waiting: self.local.writer_waits.waiting(),
            },
            crate::PoolState {
                pool: "reader",
                max: READ_CONNECTIONS as u32,
                in_use: open.saturating_sub(idle + writing + warm),
                idle,
                waiting: 0,
            },
        ]
    }

    /// A write transaction on a connection of its own.
    async fn begin_write(&self) -> Result<crate::pg_transactions::PgTx> {
        self.writes
            .begin(BEGIN_WRITE, &self.local.writer_waits)
            .await
    }

    /// An audit row alone (a list's, a refused call's): its one statement commits by
    /// itself, durable when answered as a transaction's would be, without the round
    /// trips of BEGIN and COMMIT.
    async fn append_audit_by_itself(&self, entry: &crate::AuditEntry) -> Result<()> {
        use crate::sql::Commit as _;
        use tracing::Instrument as _;
        let span = crate::trace_context::transaction_span(crate::Engine::Postgres);
        async {
            let mut connection = self.writes.acquire(&self.local.writer_waits).await?;
            audit_insert(entry)
                .build()
                .execute(&mut *connection)
                .await?;
            connection.commit_durably(&self.local.commits).await
        }
        .instrument(span)
        .await
    }
}

// One pool serves both writes and reads.
#[async_trait::async_trait]
impl crate::Transactions for PostgresDatabase {
    async fn begin(&self) -> Result<Box<dyn crate::Tx>> {
        use tracing::Instrument as _;
        let span = crate::trace_context::transaction_span(crate::Engine::Postgres);
        let tx = self.begin_write().instrument(span.clone()).await?;
        Ok(PostgresTx::boxed(
            tx,
            self.crypto.clone(),
            self.local.clone(),
            span,
        ))
    }

    async fn begin_one_write(&self) -> Result<Box<dyn crate::Tx>> {
        use tracing::Instrument as _;
        let span = crate::trace_context::transaction_span(crate::Engine::Postgres);
        let tx = self
            .writes
            .acquire(&self.local.writer_waits)
            .instrument(span.clone())
            .await?;
        Ok(PostgresTx::boxed(
            tx,
            self.crypto.clone(),
            self.local.clone(),
            span,
        ))
    }
}

impl_database!(
    PostgresDatabase,
    engine = Engine::Postgres,
    writer = pool,
    readers = pool
);
// The key is arbitrary but fixed: every Yishe process contends for the same lock.
impl_feed_relay!(
    PostgresDatabase,
    Postgres,
    readers = pool,
    relay_lock = Some("SELECT pg_try_advisory_xact_lock(7318045901)"),
    // On FEED_CHANNEL, which listeners hear.
    announce = Some("SELECT pg_notify('yishe_feed', '')")
);

/// The channel every relay announces its batches on.
const FEED_CHANNEL: &str = "yishe_feed";

impl PostgresDatabase {
    /// Hears every process's relay batches on a connection of its own, until the pool
    /// closes. A lost connection counts as a move (batches announced meanwhile went
    /// unheard), and a failed one is retried.
    fn listen_for_feed_moves(&self) {
        let (pool, local) = (self.pool.clone(), self.local.clone());
        tokio::spawn(async move {
            while !pool.is_closed() {
                let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for feed moves; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if let Err(error) = listener.listen(FEED_CHANNEL).await {
                    tracing::warn!(%error, "cannot listen for feed moves; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                loop {
                    match listener.try_recv().await {
                        Ok(_) => local.announce_feed_moved(),
                        Err(sqlx::Error::PoolClosed) => return,
                        Err(error) => {
                            tracing::warn!(%error, "lost the feed listener; reconnecting");
                            local.announce_feed_moved();
                            break;
                        }
                    }
                }
            }
        });
    }
}
// The sealer has a lock of its own, so relaying and sealing run side by side.
impl_audit_chain!(
    PostgresDatabase,
    Postgres,
    readers = pool,
    seal_lock = Some("SELECT pg_try_advisory_xact_lock(7318045902)"),
    append_alone = PostgresDatabase::append_audit_by_itself
);
impl_key_lookup!(PostgresDatabase, Postgres, readers = pool);
impl_referral_reads!(PostgresDatabase, readers = pool);
impl_gauges!(PostgresDatabase, readers = pool);
impl_reports!(PostgresDatabase, Postgres, readers = pool);
impl_query_plans!(
    PostgresDatabase,
    Postgres,
    readers = pool,
    explain = "EXPLAIN ",
    price_out = [
        "SET LOCAL enable_seqscan = off",
        "SET LOCAL enable_sort = off"
    ],
    scans_out = ["SET LOCAL enable_seqscan = off"],
    plan_column = 0
);
