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
     VALUES ($1, $11, $2, $12, 'h1', $3, 'main', $13, $4, '[\"FINANCIAL_HARDSHIP\"]', $5, \
     'URGENT', $14, 'REQUESTED', NULL, $15, NULL, $20, FALSE, NULL, $6, $6, 1, $17, $16) \
     ON CONFLICT (hospital_id, request_id) DO NOTHING";

/// The audit row of a create.
const AUDIT_ROW: &str = "INSERT INTO audit_log (id, occurred_at, subject, role, action, \
     resource_kind, resource_id, request_id, outcome, purpose) \
     SELECT $9, $6, $11, 'his_integration', 'referral.create', 'referral', $10, $18, 'ok', ''";

/// What the server wrote in this run, read back from the scratch database, so that the
/// mirror writes the same values: the same sealed columns, the same key and lookup,
/// the same event payload. Rows of other sizes would make other WAL (an earlier mirror
/// wrote placeholders of a few bytes and logged 4.3 KB of WAL per create to the
/// server's 6.0 KB), and the ratio would measure the data, not Yishe.
///
/// The server cannot open the mirror's copies (a sealed value is bound to its row's
/// id), and need not: their deadline is as far ahead as the server's, so no sweep of
/// overdue referrals takes them during a run, and every read Yishe is measured on
/// reads newer rows (its own creates, or the list's seeded referrals).
#[derive(Debug, Clone)]
pub(crate) struct Written {
    /// The key the workload's calls came with: the subject of the server's newest
    /// audit row of the workload's action, and each created referral's `created_by`.
    subject: String,
    /// How far ahead of its creation a referral's acceptance deadline is.
    deadline_after: chrono::Duration,
    fingerprint: String,
    clinician: String,
    patient: String,
    note: String,
    consent: String,
    status_note: String,
    key_id: Option<String>,
    patient_lookup: Option<String>,
    /// The payload of the event a create records, and its trace context.
    payload: String,
    trace_context: Option<String>,
}

/// The columns `Written` is read from: the newest referral the server wrote.
const WRITTEN_REFERRAL: &str = "SELECT fingerprint, clinician, patient, note, consent, \
     status_note, key_id, patient_lookup, created_at, acceptance_deadline FROM referrals \
     ORDER BY created_at DESC, id DESC LIMIT 1";
/// ... the newest event it relayed ...
const WRITTEN_EVENT: &str =
    "SELECT payload, trace_context FROM referral_feed ORDER BY sequence DESC LIMIT 1";
/// ... and the caller of its newest audit row of an action.
const WRITTEN_SUBJECT: &str =
    "SELECT subject FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1";

impl Written {
    /// Reads what the server wrote into the scratch database at `url`, for a workload
    /// whose calls are audited as `action`.
    pub(crate) async fn read(engine: Engine, url: &str, action: &str) -> Self {
        match engine {
            Engine::Sqlite => on_sqlite::written(&sqlite(url, true).await, action).await,
            Engine::Postgres => on_postgres::written(&postgres(url, 1).await, action).await,
        }
    }
}

/// A fresh request id, as long as the ids callers send.
fn request_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A link hash as long as the sealer's (hex SHA-256): the mirror does not hash, but
/// writes what the sealer writes.
const LINK_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

/// The mirrors of one engine, instantiated for each below (sqlx binds uuids and times
/// natively per engine, as the store does).
macro_rules! mirrors {
    ($module:ident, $pool:ty, $db:ty, feed_lock = $feed_lock:expr, seal_lock = $seal_lock:expr,
     announce = $announce:expr, create = $create:expr, records = $records:expr,
     one_write_alone = $one_write_alone:expr) => {
        mod $module {
            use std::sync::Arc;

            use crate::load::{self, Drive, Stats};
            use super::{LINK_HASH, Writer, Writers, Written, request_id};

            /// The create statement(s) of this engine: $1 id, $2 request id, $3 department,
            /// $4 the sealed patient, $5 the sealed note, $6 now, $7, $8 and $19 the event
            /// (id, payload, trace context), $9 the audit row's id, $10 the referral's id
            /// as text, $11 the caller's key, $12 the fingerprint, $13 the clinician,
            /// $14 and $15 the sealed consent and status note, $16 the data key's id,
            /// $17 the patient lookup, $18 the audit row's request id, $20 the acceptance
            /// deadline.
            static CREATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| $create);

            /// What the server wrote in this run (see `Written`).
            pub(super) async fn written(pool: &$pool, action: &str) -> Written {
                type At = chrono::DateTime<chrono::Utc>;
                let (fingerprint, clinician, patient, note, consent, status_note, key_id, patient_lookup, created, deadline):
                    (String, String, String, String, String, String, Option<String>, Option<String>, At, At) =
                    sqlx::query_as(super::WRITTEN_REFERRAL)
                        .fetch_one(pool)
                        .await
                        .expect("a referral the server wrote, before its mirror runs");
                let subject: String = sqlx::query_scalar(super::WRITTEN_SUBJECT)
                    .bind(action)
                    .fetch_one(pool)
                    .await
                    .expect("an audit row of the server's, before its mirror runs");
                let (payload, trace_context): (String, Option<String>) = sqlx::query_as(super::WRITTEN_EVENT)
                    .fetch_one(pool)
                    .await
                    .expect("an event the server relayed, before its mirror runs");
                Written {
                    subject,
                    deadline_after: deadline - created,
                    fingerprint,
                    clinician,
                    patient,
                    note,
                    consent,
                    status_note,
                    key_id,
                    patient_lookup,
                    payload,
                    trace_context,
                }
            }

        /// The create path as the server runs it once its caches are warm (the caller's key
        /// and the department are remembered): the referral, its event and its audit row
        /// (queued for the sealer by the trigger) written by one call, as the store's
        /// `create_referral` does on this engine (alone where one write commits by
        /// itself, as the server's create does on PostgreSQL); then, as the relay and the
        /// sealer do for it, the event moved into the feed and the audit row chained.
        /// Each create is its own transaction, as a plain program writes it: the
        /// server's group commit (SQLite's writer, PostgreSQL's create batches) is what
        /// Yishe adds, and the ratio counts it, as the targets do.
                pub(super) async fn create(
                    writers: Arc<Writers<$db>>,
                    written: Written,
                    department: &str,
                    drive: Drive,
                ) -> Stats {
            let department = uuid::Uuid::parse_str(department).expect("a department id");
            let written = Arc::new(written);
            let background = Background::start(&writers);
            // Request ids of this run's own, so a second run (held to Yishe's rate) creates
            // referrals as the first did rather than replaying its ids.
            let run = uuid::Uuid::now_v7().simple().to_string();
            let stats = load::run(drive, move |caller, n| {
                let writer = writers.caller(caller).clone();
                let (run, w) = (run.clone(), written.clone());
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
                            .bind(w.patient.as_str())
                            .bind(w.note.as_str())
                            .bind(now)
                            .bind(event)
                            .bind(w.payload.as_str())
                            .bind(audit)
                            .bind(id.to_string())
                            .bind(w.subject.as_str())
                            .bind(w.fingerprint.as_str())
                            .bind(w.clinician.as_str())
                            .bind(w.consent.as_str())
                            .bind(w.status_note.as_str())
                            .bind(w.key_id.as_deref())
                            .bind(w.patient_lookup.as_deref())
                            .bind(request_id())
                            .bind(w.trace_context.as_deref())
                            .bind(now + w.deadline_after);
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
            /// Each loop's work and its connection: the relay's, then the sealer's.
            work: Vec<(Once, Writer<$db>)>,
        }

        /// One run of the relay or the sealer.
        type Once = fn(Writer<$db>) -> Moved;

        impl Background {
            fn start(writers: &Writers<$db>) -> Self {
                let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let work: Vec<(Once, Writer<$db>)> = vec![
                    (relay_once, writers.relay.clone()),
                    (seal_once, writers.sealer.clone()),
                ];
                let loops = work
                    .iter()
                    .cloned()
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
                Self { stop, loops, work }
            }

            /// Stops the loops, then moves what they left (outside the measured window), so
            /// that neither the next side nor the server served again inherits it.
            async fn stop(self) {
                self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
                for one in self.loops {
                    let _ = one.await;
                }
                for (once, writer) in self.work {
                    while matches!(once(writer.clone()).await, Ok(moved) if moved > 0) {}
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
                let pending: Vec<(i64, uuid::Uuid, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, event_id, payload, trace_context FROM referral_outbox ORDER BY id LIMIT 500",
                )
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    return Ok(0);
                }
                let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM referral_feed")
                    .fetch_one(&mut *tx)
                    .await?;
                let mut feed = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO referral_feed (sequence, event_id, payload, relayed_at, trace_context) ",
                );
                let now = chrono::Utc::now();
                feed.push_values(pending.iter().enumerate(), |mut row, (offset, (_, event, payload, trace))| {
                    row.push_bind(head + 1 + offset as i64)
                        .push_bind(event)
                        .push_bind(payload)
                        .push_bind(now)
                        .push_bind(trace);
                });
                feed.build().execute(&mut *tx).await?;
                delete(&mut tx, "referral_outbox", pending.iter().map(|(id, _, _, _)| *id)).await?;
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
                // Every column the sealer reads to hash (fetched, not hashed here).
                let pending: Vec<(i64, uuid::Uuid)> = sqlx::query(
                    "SELECT p.id AS pending_id, a.id, a.occurred_at, a.subject, a.role, a.action, \
                     a.resource_kind, a.resource_id, a.request_id, a.outcome, a.purpose, a.resources \
                     FROM audit_pending p JOIN audit_log a ON a.id = COALESCE(p.named_id, p.audit_id) \
                     ORDER BY p.id LIMIT 500",
                )
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| (sqlx::Row::get(row, 0), sqlx::Row::get(row, 1)))
                .collect();
                if pending.is_empty() {
                    return Ok(0);
                }
                let head: Option<(i64, String)> =
                    sqlx::query_as("SELECT sequence, hash FROM audit_chain ORDER BY sequence DESC LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await?;
                let head = head.map_or(0, |(sequence, _)| sequence);
                let mut chain = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_chain (sequence, audit_id, previous_hash, hash) ",
                );
                chain.push_values(pending.iter().enumerate(), |mut row, (offset, (_, audit))| {
                    row.push_bind(head + 1 + offset as i64).push_bind(audit).push_bind(LINK_HASH).push_bind(LINK_HASH);
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
                pub(super) async fn list(
                    writers: Arc<Writers<$db>>,
                    readers: $pool,
                    written: Written,
                    filter: &str,
                    drive: Drive,
                ) -> Stats {
            let subject = Arc::new(written.subject);
            let page = format!(
                "SELECT r.id, r.patient, r.consent, r.note, r.status_note, r.clinician, r.reasons, \
                 w.display_name FROM referrals r LEFT JOIN social_workers w ON w.id = r.assigned_worker_id \
                 WHERE r.station_id = 'main'{filter} ORDER BY r.id DESC LIMIT 51"
            );
            let background = Background::start(&writers);
            let stats = load::run(drive, move |caller, _| {
                let (writer, readers, page) = (writers.caller(caller).clone(), readers.clone(), page.clone());
                let subject = subject.clone();
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
                        q.push(", ").push_bind(subject.as_str());
                        q.push(", 'supervisor', 'referral.list', 'referral', '', ").push_bind(request_id());
                        q.push(", 'ok', '', ");
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
         INSERT INTO referral_outbox (event_id, payload, trace_context) SELECT $7, $8, $19 WHERE changes() = 1; \
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
         event AS (INSERT INTO referral_outbox (event_id, payload, trace_context) SELECT $7, $8, $19 FROM created), \
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
           SELECT $9, $6, $11, 'his_integration', 'referral.create.replay', 'referral', \
           prior.id::text, $18, 'ok', '' FROM prior WHERE prior.fingerprint = $12 RETURNING 1) \
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
pub(crate) async fn create(
    engine: Engine,
    url: &str,
    written: Written,
    department: &str,
    drive: Drive,
) -> Stats {
    match engine {
        Engine::Sqlite => {
            let writers = Writers::of(&sqlite(url, false).await, drive.callers, true).await;
            on_sqlite::create(writers, written, department, drive).await
        }
        Engine::Postgres => {
            let writers =
                Writers::of(&postgres(url, drive.callers).await, drive.callers, false).await;
            on_postgres::create(writers, written, department, drive).await
        }
    }
}

/// Runs the list mirror on the scratch database at `url`.
pub(crate) async fn list(
    engine: Engine,
    url: &str,
    written: Written,
    filter: &str,
    drive: Drive,
) -> Stats {
    match engine {
        // Pages are read beside the writer, on read-only connections, as the server does.
        Engine::Sqlite => {
            let writers = Writers::of(&sqlite(url, false).await, drive.callers, true).await;
            on_sqlite::list(writers, sqlite(url, true).await, written, filter, drive).await
        }
        Engine::Postgres => {
            let pool = postgres(url, drive.callers).await;
            let writers = Writers::of(&pool, drive.callers, false).await;
            on_postgres::list(writers, pool, written, filter, drive).await
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
