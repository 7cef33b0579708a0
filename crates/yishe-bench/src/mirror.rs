//! The same SQL without Yishe: each workload's statements, on the real schema of the
//! scratch database, run by a plain sqlx loop with a connection of its own per caller
//! (on SQLite one writer, as the server has, with `synchronous=FULL`), held for the
//! whole run as pgbench holds its connections.
//! The relay and the sealer run beside them as the server runs its own: in loops that
//! move up to 500 committed rows per transaction. Their throughput is the baseline the
//! table divides by.
//!
//! A sqlx loop rather than pgbench: the mirror then pays the same driver the server
//! pays, so the ratio measures what Yishe adds (parsing, rules, sealing, auth, gRPC),
//! and it runs the same on both engines.

use std::str::FromStr;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::load::{Drive, Stats};
use crate::server::Engine;

/// The referral a create writes, as the server's `INSERT_REFERRAL` (binds in the
/// mirror's create).
const INSERT_REFERRAL: &str = "INSERT INTO referrals (id, created_by, request_id, fingerprint, \
     hospital_id, department_id, station_id, clinician, patient, reasons, note, priority, consent, \
     status, rejection_reason, status_note, assigned_worker_id, acceptance_deadline, sla_breached, \
     accepted_at, created_at, updated_at, version, patient_lookup, key_id) \
     VALUES ($1, 'mirror', $2, 'fp', 'h1', $3, 'main', '{}', $4, '[\"FINANCIAL_HARDSHIP\"]', $5, \
     'URGENT', $5, 'REQUESTED', NULL, $5, NULL, $6, FALSE, NULL, $6, $6, 1, 'lookup', 'k1') \
     ON CONFLICT (hospital_id, request_id) DO NOTHING";

/// The audit row of a create.
const AUDIT_ROW: &str = "INSERT INTO audit_log (id, occurred_at, subject, role, action, \
     resource_kind, resource_id, request_id, outcome, purpose) \
     SELECT $9, $6, 'key', 'his_integration', 'referral.create', 'referral', $10, 'r', 'ok', ''";

/// Sizes like the sealed columns the server writes.
const SEALED_PATIENT: usize = 420;
const SEALED_SHORT: usize = 120;

/// The mirror's write connections, each held for the whole run as a plain loop holds
/// its connection: no pool between transactions, so none of the pool's tests of a
/// returning connection (the server's write transactions skip them too). One per
/// caller and one each for the relay and the sealer; on SQLite the one writer, shared
/// by all of them as the server's is.
struct Writers<DB: sqlx::Database> {
    callers: Vec<Writer<DB>>,
    relay: Writer<DB>,
    sealer: Writer<DB>,
}

type Writer<DB> = std::sync::Arc<tokio::sync::Mutex<sqlx::pool::PoolConnection<DB>>>;

impl<DB: sqlx::Database> Writers<DB> {
    /// `callers` connections and two more from `pool`, or its one connection shared.
    async fn of(
        pool: &sqlx::Pool<DB>,
        callers: usize,
        single_writer: bool,
    ) -> std::sync::Arc<Self> {
        let writer = || async {
            let connection = pool.acquire().await.expect("a mirror connection");
            std::sync::Arc::new(tokio::sync::Mutex::new(connection))
        };
        if single_writer {
            let one = writer().await;
            return std::sync::Arc::new(Self {
                callers: vec![one.clone()],
                relay: one.clone(),
                sealer: one,
            });
        }
        let mut each = Vec::with_capacity(callers);
        for _ in 0..callers {
            each.push(writer().await);
        }
        std::sync::Arc::new(Self {
            callers: each,
            relay: writer().await,
            sealer: writer().await,
        })
    }

    fn caller(&self, caller: usize) -> &Writer<DB> {
        &self.callers[caller % self.callers.len()]
    }
}

fn filler(len: usize) -> String {
    "enc:v1:k1:"
        .chars()
        .chain(std::iter::repeat('x'))
        .take(len)
        .collect()
}

/// The mirrors of one engine, instantiated for each below (sqlx binds uuids and times
/// natively per engine, as the store does).
macro_rules! mirrors {
    ($module:ident, $pool:ty, $db:ty, feed_lock = $feed_lock:expr, seal_lock = $seal_lock:expr,
     announce = $announce:expr, create = $create:expr, records = $records:expr,
     one_write_alone = $one_write_alone:expr) => {
        mod $module {
            use std::sync::Arc;

            use crate::load::{self, Drive, Stats};
            use super::{SEALED_PATIENT, SEALED_SHORT, Writer, Writers, filler};

            /// The create statement(s) of this engine: $1 id, $2 request id, $3 department,
            /// $4 the sealed patient, $5 the other sealed values, $6 now, $7 and $8 the
            /// event, $9 the audit row's id, $10 the referral's id as text.
            static CREATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| $create);

        /// The create path as the server runs it once its caches are warm (the caller's key
        /// and the department are remembered): the referral, its event and its audit row
        /// (queued for the sealer by the trigger) written by one call, as the store's
        /// `create_referral` does on this engine (alone where one write commits by
        /// itself, as the server's create does on PostgreSQL); then, as the relay and the
        /// sealer do for it, the event moved into the feed and the audit row chained.
        /// Each create is its own transaction, as a plain program writes it: the
        /// server's group commit (SQLite's writer, PostgreSQL's create batches) is what
        /// Yishe adds, and the ratio counts it, as the targets do.
                pub(super) async fn create(writers: Arc<Writers<$db>>, department: &str, drive: Drive) -> Stats {
            let department = uuid::Uuid::parse_str(department).expect("a department id");
            let (patient, short) = (Arc::new(filler(SEALED_PATIENT)), Arc::new(filler(SEALED_SHORT)));
            let background = Background::start(&writers);
            // Request ids of this run's own, so a second run (held to Yishe's rate) creates
            // referrals as the first did rather than replaying its ids.
            let run = uuid::Uuid::now_v7().simple().to_string();
            let stats = load::run(drive, move |caller, n| {
                let writer = writers.caller(caller).clone();
                let run = run.clone();
                let (patient, short) = (patient.clone(), short.clone());
                async move {
                    let result: Result<(), sqlx::Error> = async {
                        let mut connection = writer.lock().await;
                        let id = uuid::Uuid::now_v7();
                        let now = chrono::Utc::now();
                        let (event, audit) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
                        let create = sqlx::query(&CREATE)
                            .bind(id)
                            .bind(format!("m-{run}-{caller}-{n}"))
                            .bind(department)
                            .bind(patient.as_str())
                            .bind(short.as_str())
                            .bind(now)
                            .bind(event)
                            .bind(short.as_str())
                            .bind(audit)
                            .bind(id.to_string());
                        if $one_write_alone {
                            create.fetch_all(&mut **connection).await?;
                            return Ok(());
                        }
                        let mut tx = sqlx::Connection::begin(&mut **connection).await?;
                        create.fetch_all(&mut *tx).await?;
                        tx.commit().await
                    }
                    .await;
                    if let Err(error) = &result {
                        eprintln!("mirror: {error}");
                    }
                    result.is_ok()
                }
            })
            .await;
            background.stop().await;
            stats
        }

        /// The relay and the sealer of the mirror, as the server runs them: each in a loop
        /// of its own, under its lock, moving up to 500 committed rows per transaction.
        struct Background {
            stop: Arc<std::sync::atomic::AtomicBool>,
            loops: Vec<tokio::task::JoinHandle<()>>,
        }

        impl Background {
            fn start(writers: &Writers<$db>) -> Self {
                let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let loops = [
                    (relay_once as fn(Writer<$db>) -> Moved, writers.relay.clone()),
                    (seal_once as fn(Writer<$db>) -> Moved, writers.sealer.clone()),
                ]
                    .into_iter()
                    .map(|(once, writer)| {
                        let stop = stop.clone();
                        tokio::spawn(async move {
                            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                                match once(writer.clone()).await {
                                    Ok(0) => tokio::time::sleep(std::time::Duration::from_millis(2)).await,
                                    Ok(_) => {}
                                    Err(error) => eprintln!("mirror: {error}"),
                                }
                            }
                        })
                    })
                    .collect();
                Self { stop, loops }
            }

            async fn stop(self) {
                self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
                for one in self.loops {
                    let _ = one.await;
                }
            }
        }

        type Moved = std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, sqlx::Error>> + Send>>;

        /// Runs a statement the engine needs (a leader lock, an announcement), if it needs one.
        async fn run(tx: &mut sqlx::Transaction<'_, $db>, sql: Option<&'static str>) -> Result<(), sqlx::Error> {
            if let Some(sql) = sql {
                sqlx::query(sql).execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Deletes a queue's rows by id in one statement, as the server does.
        async fn delete(
            tx: &mut sqlx::Transaction<'_, $db>,
            table: &str,
            ids: impl Iterator<Item = i64>,
        ) -> Result<(), sqlx::Error> {
            let mut delete = sqlx::QueryBuilder::<$db>::new(format!("DELETE FROM {table} WHERE id IN ("));
            let mut list = delete.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            delete.push(")");
            delete.build().execute(&mut **tx).await.map(drop)
        }

        /// One relay run: committed outbox rows into the feed, in order, in two
        /// statements for the batch; then the batch announced.
        fn relay_once(writer: Writer<$db>) -> Moved {
            Box::pin(async move {
                let mut connection = writer.lock().await;
                let mut tx = sqlx::Connection::begin(&mut **connection).await?;
                run(&mut tx, $feed_lock).await?;
                let pending: Vec<(i64, uuid::Uuid, String)> = sqlx::query_as(
                    "SELECT id, event_id, payload FROM referral_outbox ORDER BY id LIMIT 500",
                )
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    return Ok(0);
                }
                let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM referral_feed")
                    .fetch_one(&mut *tx)
                    .await?;
                let mut feed = sqlx::QueryBuilder::<$db>::new("INSERT INTO referral_feed (sequence, event_id, payload) ");
                feed.push_values(pending.iter().enumerate(), |mut row, (offset, (_, event, payload))| {
                    row.push_bind(head + 1 + offset as i64).push_bind(event).push_bind(payload);
                });
                feed.build().execute(&mut *tx).await?;
                delete(&mut tx, "referral_outbox", pending.iter().map(|(id, _, _)| *id)).await?;
                run(&mut tx, $announce).await?;
                tx.commit().await?;
                Ok(pending.len())
            })
        }

        /// One sealer run: committed audit rows linked into the chain, in order.
        fn seal_once(writer: Writer<$db>) -> Moved {
            Box::pin(async move {
                let mut connection = writer.lock().await;
                let mut tx = sqlx::Connection::begin(&mut **connection).await?;
                run(&mut tx, $seal_lock).await?;
                let pending: Vec<(i64, uuid::Uuid)> = sqlx::query_as(
                    "SELECT p.id, a.id FROM audit_pending p \
                     JOIN audit_log a ON a.id = COALESCE(p.named_id, p.audit_id) \
                     ORDER BY p.id LIMIT 500",
                )
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    return Ok(0);
                }
                let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM audit_chain")
                    .fetch_one(&mut *tx)
                    .await?;
                let mut chain = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_chain (sequence, audit_id, previous_hash, hash) ",
                );
                chain.push_values(pending.iter().enumerate(), |mut row, (offset, (_, audit))| {
                    row.push_bind(head + 1 + offset as i64).push_bind(audit).push_bind("p").push_bind("h");
                });
                chain.build().execute(&mut *tx).await?;
                delete(&mut tx, "audit_pending", pending.iter().map(|(id, _)| *id)).await?;
                tx.commit().await?;
                Ok(pending.len())
            })
        }

        /// The list path (the caller's key remembered): a keyset page of the station's
        /// referrals (with the assigned worker's name) read as committed, then one audit
        /// row naming every referral read, as the server writes it on this engine: by a
        /// statement that commits by itself, or in a write transaction (the sealer
        /// chains it in the background).
                pub(super) async fn list(writers: Arc<Writers<$db>>, readers: $pool, filter: &str, drive: Drive) -> Stats {
            let page = format!(
                "SELECT r.id, r.patient, r.consent, r.note, r.status_note, r.clinician, r.reasons, \
                 w.display_name FROM referrals r LEFT JOIN social_workers w ON w.id = r.assigned_worker_id \
                 WHERE r.station_id = 'main'{filter} ORDER BY r.id DESC LIMIT 51"
            );
            let background = Background::start(&writers);
            let stats = load::run(drive, move |caller, _| {
                let (writer, readers, page) = (writers.caller(caller).clone(), readers.clone(), page.clone());
                async move {
                    let result: Result<(), sqlx::Error> = async {
                        // The page as committed, then the audit row, as the server writes it.
                        let rows = sqlx::query(&page).fetch_all(&readers).await?;
                        let mut connection = writer.lock().await;
                        // One audit row for the call, naming every referral shown, by one call.
                        let audit = uuid::Uuid::now_v7();
                        let (open, join) = $records;
                        let mut q = sqlx::QueryBuilder::<$db>::new(open);
                        let names: Vec<String> = rows
                            .iter()
                            .map(|referral| sqlx::Row::get::<uuid::Uuid, _>(referral, "id").to_string())
                            .collect();
                        q.push(
                            "INSERT INTO audit_log (id, occurred_at, subject, role, action, resource_kind, \
                             resource_id, request_id, outcome, purpose, resources) VALUES (",
                        );
                        q.push_bind(audit).push(", ").push_bind(chrono::Utc::now());
                        q.push(", 'key', 'supervisor', 'referral.list', 'referral', '', 'q', 'ok', '', ");
                        q.push_bind(serde_json::to_string(&names).expect("names as JSON")).push(")");
                        // The minute each record was seen, as the server notes it.
                        let minute = |ms: u64| {
                            let mut bytes = [0u8; 16];
                            bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
                            uuid::Uuid::from_bytes(bytes)
                        };
                        let (seconds, nanos) = audit.get_timestamp().expect("a v7 id").to_unix();
                        let ms = seconds * 1000 + u64::from(nanos) / 1_000_000;
                        let from = ms - ms % 60_000;
                        let mut sorted = names.clone();
                        sorted.sort_unstable();
                        q.push(join).push("INSERT INTO audit_sightings (resource_id, seen_from, seen_until) ");
                        q.push_values(sorted, |mut row, name| {
                            row.push_bind(name).push_bind(minute(from)).push_bind(minute(from + 60_000));
                        });
                        q.push(" ON CONFLICT DO NOTHING");
                        if $one_write_alone {
                            q.build().execute(&mut **connection).await?;
                            return Ok(());
                        }
                        let mut tx = sqlx::Connection::begin(&mut **connection).await?;
                        q.build().execute(&mut *tx).await?;
                        tx.commit().await
                    }
                    .await;
                    if let Err(error) = &result {
                        eprintln!("mirror: {error}");
                    }
                    result.is_ok()
                }
            })
            .await;
            background.stop().await;
            stats
        }
        }
    };
}

mirrors!(
    on_sqlite,
    sqlx::SqlitePool,
    sqlx::Sqlite,
    // The single writer needs no lock, and cannot tell other processes.
    feed_lock = None,
    seal_lock = None,
    announce = None,
    create = format!(
        "{insert} RETURNING id AS inserted; \
         INSERT INTO referral_outbox (event_id, payload) SELECT $7, $8 WHERE changes() = 1; \
         {audit} WHERE changes() = 1",
        // Expanded inside the engine's module.
        insert = super::INSERT_REFERRAL,
        audit = super::AUDIT_ROW,
    ),
    records = ("", "; "),
    // Every write joins the group commit.
    one_write_alone = false
);
mirrors!(
    on_postgres,
    sqlx::PgPool,
    sqlx::Postgres,
    feed_lock = Some("SELECT pg_try_advisory_xact_lock(7318045901)"),
    seal_lock = Some("SELECT pg_try_advisory_xact_lock(7318045902)"),
    announce = Some("SELECT pg_notify('yishe_feed', '')"),
    // With the server's reading of the first referral and auditing of a replay, which
    // a create runs too (they find nothing).
    create = format!(
        "WITH created AS ({insert} RETURNING id), \
         event AS (INSERT INTO referral_outbox (event_id, payload) SELECT $7, $8 FROM created), \
         audit AS ({audit} FROM created), \
         prior AS (SELECT r.id, r.created_by, r.request_id, r.fingerprint, r.hospital_id, \
           r.department_id, r.station_id, r.clinician, r.patient, r.reasons, r.note, r.priority, \
           r.consent, r.status, r.rejection_reason, r.status_note, r.assigned_worker_id, \
           w.display_name AS assigned_worker_name, r.acceptance_deadline, r.sla_breached, \
           r.accepted_at, r.created_at, r.updated_at, r.version \
           FROM referrals r LEFT JOIN social_workers w ON w.id = r.assigned_worker_id \
           WHERE r.hospital_id = 'h1' AND r.request_id = $2 \
           AND NOT EXISTS (SELECT 1 FROM created)), \
         replay AS (INSERT INTO audit_log (id, occurred_at, subject, role, action, \
           resource_kind, resource_id, request_id, outcome, purpose) \
           SELECT $9, $6, 'key', 'his_integration', 'referral.create.replay', 'referral', \
           prior.id::text, 'r', 'ok', '' FROM prior WHERE prior.fingerprint = 'fp' RETURNING 1) \
         SELECT (SELECT id FROM created) AS inserted, \
           EXISTS (SELECT 1 FROM replay) AS replay_audited, prior.* \
         FROM (SELECT 1) AS one LEFT JOIN prior ON TRUE",
        insert = super::INSERT_REFERRAL,
        audit = super::AUDIT_ROW,
    ),
    records = ("WITH logged AS (", ") "),
    // A create and a list's audit row are one statement each, sent alone (committing
    // by itself) as the server sends them.
    one_write_alone = true
);

/// Runs the create mirror on the scratch database at `url`.
pub(crate) async fn create(engine: Engine, url: &str, department: &str, drive: Drive) -> Stats {
    match engine {
        Engine::Sqlite => {
            let writers = Writers::of(&sqlite(url, false).await, drive.callers, true).await;
            on_sqlite::create(writers, department, drive).await
        }
        Engine::Postgres => {
            let writers =
                Writers::of(&postgres(url, drive.callers).await, drive.callers, false).await;
            on_postgres::create(writers, department, drive).await
        }
    }
}

/// Runs the list mirror on the scratch database at `url`.
pub(crate) async fn list(engine: Engine, url: &str, filter: &str, drive: Drive) -> Stats {
    match engine {
        // Pages are read beside the writer, on read-only connections, as the server does.
        Engine::Sqlite => {
            let writers = Writers::of(&sqlite(url, false).await, drive.callers, true).await;
            on_sqlite::list(writers, sqlite(url, true).await, filter, drive).await
        }
        Engine::Postgres => {
            let pool = postgres(url, drive.callers).await;
            let writers = Writers::of(&pool, drive.callers, false).await;
            on_postgres::list(writers, pool, filter, drive).await
        }
    }
}

/// The SQLite file as the server opens it: one writer, WAL and `synchronous=FULL`; or
/// four read-only readers.
async fn sqlite(url: &str, readers: bool) -> sqlx::SqlitePool {
    let options = SqliteConnectOptions::from_str(url)
        .expect("a sqlite url")
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .row_buffer_size(256)
        .read_only(readers);
    SqlitePoolOptions::new()
        .max_connections(if readers { 4 } else { 1 })
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .expect("connect the mirror to the scratch database")
}

/// A connection per caller, and one each for the relay and the sealer (held as
/// `Writers`), and as many again for list pages, read through the pool as the server
/// reads them.
async fn postgres(url: &str, callers: usize) -> sqlx::PgPool {
    PgPoolOptions::new()
        .max_connections(2 * callers as u32 + 2)
        .test_before_acquire(false)
        .connect(url)
        .await
        .expect("connect the mirror to the scratch database")
}
