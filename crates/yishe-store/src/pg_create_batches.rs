//! Group commit for PostgreSQL's busiest write: creates that arrive together are
//! inserted by one statement and made durable by one COMMIT.
//!
//! A create is one statement already (the referral, its event and its audit row), but
//! each still paid PostgreSQL's fixed cost of a statement and a commit: parsing the
//! binding, planning, a WAL record and flush per commit, a snapshot. On a two-core
//! machine that fixed part was more than half of the machine's CPU per create (measured
//! with pgbench on the real schema, 16 clients: about 700 µs per create one at a time,
//! 310 µs four at a time, 250 µs eight at a time). So a create that commits by itself (`begin_one_write`) is queued
//! here: a few batch writers, each on a connection of its own, take whatever creates
//! are waiting, insert them with one `INSERT … SELECT FROM unnest(…)` that inserts
//! their events and audit rows too, and answer each once that statement (its own
//! transaction) has committed. Under light load a batch is one create and costs what
//! it did; under load the waiting creates share a statement and a commit. A create
//! that finds no other being written runs alone on its caller's connection as before,
//! with no hand-over to a writer: one caller at a time pays nothing for the batches.
//!
//! Nothing else changes for a caller. A create whose request id is taken is not
//! inserted; the same statement reads the first referral and, if the payload is the
//! same, audits the replay, as the one-create statement does, so a resend costs no
//! more than a create. (One whose first create committed after the statement began,
//! or came in the same batch, runs alone and is told then.) A create that breaks another
//! unique rule (an order number an open referral holds) is not inserted either and runs
//! alone, where it meets the rule with its own error; if the batch's statement fails
//! (a lost connection), every create in it runs alone. Where the batch
//! did commit but its answer was lost (the connection dropped after the COMMIT), a
//! create running alone finds its own referral and is answered as created.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::postgres::PgRow;
use sqlx::{Connection as _, FromRow as _, PgConnection, PgPool, Row as _};
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

use crate::in_process::InProcess;

/// Batch writers, each with a connection of its own: two, so that one batch's
/// statement runs while the other's COMMIT waits for the disk.
const BATCH_WRITERS: usize = 2;

/// How long a batch writer waits for a connection to open: as long as a create waits
/// for one of the pool's.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The most creates one statement inserts (the callers waiting are bounded anyway,
/// by the write connections they each hold).
const MOST_PER_BATCH: usize = 64;

/// What became of a create handed to a batch. (No `Debug`: it may hold a patient's
/// sealed details.)
pub(crate) enum Batched {
    /// Inserted, with its event and audit row, and committed.
    Inserted,
    /// Not inserted: another referral of its hospital already has its request id,
    /// here. If that one was made from the same payload, the replay's audit row is
    /// committed.
    Existing {
        first: Box<crate::rows::ReferralRow>,
        replay_audited: bool,
    },
    /// Not written: no other create was being written (so it runs alone, sooner
    /// than a batch would take it), its request id's first referral was not to be
    /// read yet, or the batch failed. The caller runs the create alone, which inserts
    /// it or says why not.
    RunAlone,
}

/// One create's values, sealed, as the batch statement binds them.
pub(crate) struct NewReferral {
    pub(crate) referral: crate::rows::ReferralColumns,
    pub(crate) event_id: Uuid,
    pub(crate) event_payload: String,
    pub(crate) trace_context: Option<String>,
    pub(crate) audit: crate::AuditEntry,
}

impl NewReferral {
    /// `r` as `create_referral` writes it, sealed with the current key.
    pub(crate) fn of(
        r: &yishe_domain::referral::Referral,
        fingerprint: &str,
        crypto: &crate::Crypto,
        event: &yishe_domain::referral::ReferralEvent,
        audit: &crate::AuditEntry,
    ) -> Self {
        Self {
            referral: crate::rows::ReferralColumns::of(r, fingerprint, &crypto.sealer()),
            event_id: event.id,
            event_payload: crate::rows::to_json(event),
            trace_context: crate::trace_context::current(),
            audit: audit.clone(),
        }
    }
}

impl Batched {
    /// Whether the batch wrote anything for this create.
    fn wrote(&self) -> bool {
        match self {
            Self::Inserted => true,
            Self::Existing { replay_audited, .. } => *replay_audited,
            Self::RunAlone => false,
        }
    }
}

/// A create waiting for its batch, and where its answer goes.
struct Waiting {
    create: NewReferral,
    answer: oneshot::Sender<Batched>,
}

/// The queue of creates and the batch writers that take from it.
#[derive(Debug, Clone)]
pub(crate) struct CreateBatches {
    // Unbounded: every create in it was queued by a caller holding a write
    // connection, so no more than those wait at once (a caller that went away leaves
    // its create to be written and answered to nobody, until a writer takes it).
    queue: mpsc::UnboundedSender<Waiting>,
    /// Creates being written now, alone or in a batch.
    writing: Arc<AtomicUsize>,
}

/// A create written alone, counted among those being written until dropped.
#[derive(Debug)]
pub(crate) struct WritingAlone(Arc<AtomicUsize>);

impl Drop for WritingAlone {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl CreateBatches {
    /// Starts the batch writers on connections of `pool`; they hand their connections
    /// back and stop when the pool closes.
    pub(crate) fn start(pool: PgPool, local: Arc<InProcess>) -> Self {
        let (queue, waiting) = mpsc::unbounded_channel();
        let waiting = Arc::new(Mutex::new(waiting));
        let writing = Arc::new(AtomicUsize::new(0));
        for _ in 0..BATCH_WRITERS {
            tokio::spawn(write_batches(
                pool.clone(),
                waiting.clone(),
                writing.clone(),
                local.clone(),
            ));
        }
        Self { queue, writing }
    }

    /// A create may run alone when no other is being written: it would be a batch of
    /// one, later.
    pub(crate) fn alone(&self) -> Option<WritingAlone> {
        self.writing
            .compare_exchange(0, 1, Ordering::Relaxed, Ordering::Relaxed)
            .ok()
            .map(|_| WritingAlone(self.writing.clone()))
    }

    /// Inserts `create` in the next batch and waits for its commit.
    pub(crate) async fn create(&self, create: NewReferral) -> Batched {
        let (answer, answered) = oneshot::channel();
        if self.queue.send(Waiting { create, answer }).is_err() {
            // The writers stopped (the pool is closing): the create runs alone, and
            // learns that the pool is closed.
            return Batched::RunAlone;
        }
        // A writer that went away with the create unanswered (the pool closed): the
        // create runs alone, and finds out whether it was inserted.
        answered.await.unwrap_or(Batched::RunAlone)
    }
}

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waiting")
    }
}

/// One batch writer: takes every create waiting (one at least), inserts them, answers
/// each; until the pool closes.
async fn write_batches(
    pool: PgPool,
    queue: Arc<Mutex<mpsc::UnboundedReceiver<Waiting>>>,
    writing: Arc<AtomicUsize>,
    local: Arc<InProcess>,
) {
    let closing = pool.close_event();
    tokio::pin!(closing);
    let mut connection: Option<PgConnection> = None;
    loop {
        let batch = tokio::select! {
            batch = next_batch(&queue) => batch,
            _ = &mut closing => None,
        };
        let Some(batch) = batch else { break };
        writing.fetch_add(batch.len(), Ordering::Relaxed);
        let mut answers = match insert(&pool, &mut connection, &batch).await {
            Ok(answers) => {
                if answers.values().any(Batched::wrote) {
                    local.commits.batch_committed();
                }
                answers
            }
            Err(error) => {
                // Nothing a create can break fails the statement (conflicts are skipped),
                // so this is the connection or the server: the next batch opens another.
                if let Some(broken) = connection.take() {
                    let _ = broken.close().await;
                }
                // Each create runs alone next and meets the error itself, if it is its own.
                tracing::debug!(%error, creates = batch.len(), "a batch of creates failed; each runs alone");
                HashMap::new()
            }
        };
        writing.fetch_sub(batch.len(), Ordering::Relaxed);
        for waiting in batch {
            let batched = answers
                .remove(&waiting.create.referral.id)
                .unwrap_or(Batched::RunAlone);
            // A caller that went away: its create is committed all the same, and a
            // resend of it replays.
            let _ = waiting.answer.send(batched);
        }
    }
    if let Some(connection) = connection {
        let _ = connection.close().await;
    }
}

/// Every create waiting whose caller still waits, once there is one: `None` when no
/// more can come. A caller that went away (its deadline passed, or it cancelled) was
/// told its create failed, so its create is not written.
async fn next_batch(queue: &Mutex<mpsc::UnboundedReceiver<Waiting>>) -> Option<Vec<Waiting>> {
    // One writer at a time waits for the next create; the other is writing its batch
    // meanwhile, or waits its turn here.
    let mut queue = queue.lock().await;
    let mut batch = Vec::new();
    while batch.is_empty() {
        batch.push(queue.recv().await?);
        while batch.len() < MOST_PER_BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        batch.retain(|waiting| !waiting.answer.is_closed());
    }
    Some(batch)
}

/// Inserts `batch` on the writer's connection (opening one if it has none) in one
/// statement that commits by itself; what became of each create, by its referral's id.
async fn insert(
    pool: &PgPool,
    connection: &mut Option<PgConnection>,
    batch: &[Waiting],
) -> Result<HashMap<Uuid, Batched>, sqlx::Error> {
    let connection = match connection {
        Some(connection) => connection,
        None => {
            // Outside the pool, so that the session's one setting stays with it: the
            // statement's plan made once, not again for each batch (a custom plan of
            // this statement costs more than inserting a few referrals).
            let options = (*pool.connect_options()).clone();
            // No longer than a create waits for a connection of the pool.
            let opened =
                tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)??;
            let mut opened = opened;
            // Set in the session, not in the startup options, which a pooler may drop.
            sqlx::query("SET plan_cache_mode = force_generic_plan")
                .execute(&mut opened)
                .await?;
            connection.insert(opened)
        }
    };
    // One array per column, in the order of `REFERRAL_COLUMNS`, `EVENT_COLUMNS` and
    // `AUDIT_COLUMNS`.
    macro_rules! column {
        ($c:ident => $value:expr) => {
            batch
                .iter()
                .map(|waiting| {
                    let $c = &waiting.create;
                    $value
                })
                .collect::<Vec<_>>()
        };
    }
    let rows = sqlx::query(&INSERT_BATCH)
        .bind(column!(c => c.referral.id))
        .bind(column!(c => c.referral.created_by.as_str()))
        .bind(column!(c => c.referral.request_id.as_str()))
        .bind(column!(c => c.referral.fingerprint.as_str()))
        .bind(column!(c => c.referral.hospital_id.as_str()))
        .bind(column!(c => c.referral.department_id))
        .bind(column!(c => c.referral.station_id.as_str()))
        .bind(column!(c => c.referral.clinician.as_str()))
        .bind(column!(c => c.referral.patient.as_str()))
        .bind(column!(c => c.referral.reasons.as_str()))
        .bind(column!(c => c.referral.note.as_str()))
        .bind(column!(c => c.referral.priority))
        .bind(column!(c => c.referral.consent.as_str()))
        .bind(column!(c => c.referral.status))
        .bind(column!(c => c.referral.rejection_reason))
        .bind(column!(c => c.referral.status_note.as_str()))
        .bind(column!(c => c.referral.assigned_worker_id))
        .bind(column!(c => c.referral.acceptance_deadline))
        .bind(column!(c => c.referral.sla_breached))
        .bind(column!(c => c.referral.accepted_at))
        .bind(column!(c => c.referral.created_at))
        .bind(column!(c => c.referral.updated_at))
        .bind(column!(c => c.referral.version))
        .bind(column!(c => c.referral.patient_lookup.as_str()))
        .bind(column!(c => c.referral.key_id.as_str()))
        .bind(column!(c => c.referral.placer_order_id.as_deref()))
        .bind(column!(c => c.referral.previous_referral_id))
        .bind(column!(c => c.event_id))
        .bind(column!(c => c.event_payload.as_str()))
        .bind(column!(c => c.trace_context.as_deref()))
        .bind(column!(c => c.audit.id))
        .bind(column!(c => c.audit.occurred_at))
        .bind(column!(c => c.audit.subject.as_str()))
        .bind(column!(c => c.audit.role.as_str()))
        .bind(column!(c => c.audit.action.as_str()))
        .bind(column!(c => c.audit.resource_kind.as_str()))
        .bind(column!(c => c.audit.resource_id.as_str()))
        .bind(column!(c => c.audit.request_id.as_str()))
        .bind(column!(c => c.audit.outcome.as_str()))
        .bind(column!(c => c.audit.purpose.as_str()))
        .fetch_all(connection)
        .await?;
    Ok(rows.iter().filter_map(answer).collect())
}

/// One create's row of the batch's answer: its id, and what became of it. The batch
/// has committed by now, so a row that cannot be read does not fail the others: its
/// create runs alone, and finds its referral if the batch inserted it.
fn answer(row: &PgRow) -> Option<(Uuid, Batched)> {
    let id = row.try_get("batch_id").ok()?;
    let inserted: Option<Uuid> = row.try_get("inserted").ok()?;
    if inserted.is_some() {
        return Some((id, Batched::Inserted));
    }
    // The first referral's columns, NULL when it was not to be read.
    let existing = row
        .try_get::<Option<Uuid>, _>("id")
        .ok()
        .flatten()
        .and_then(|_| crate::rows::ReferralRow::from_row(row).ok());
    let batched = match (existing, row.try_get("replay_audited")) {
        (Some(first), Ok(replay_audited)) => Batched::Existing {
            first: Box::new(first),
            replay_audited,
        },
        _ => Batched::RunAlone,
    };
    Some((id, batched))
}

/// The referral's columns in `INSERT_REFERRAL`'s order, then the event's and the audit
/// row's, each with the type of its array: the order `insert` binds them in.
const REFERRAL_COLUMNS: [(&str, &str); 27] = [
    ("id", "uuid"),
    ("created_by", "text"),
    ("request_id", "text"),
    ("fingerprint", "text"),
    ("hospital_id", "text"),
    ("department_id", "uuid"),
    ("station_id", "text"),
    ("clinician", "text"),
    ("patient", "text"),
    ("reasons", "text"),
    ("note", "text"),
    ("priority", "text"),
    ("consent", "text"),
    ("status", "text"),
    ("rejection_reason", "text"),
    ("status_note", "text"),
    ("assigned_worker_id", "uuid"),
    ("acceptance_deadline", "timestamptz"),
    ("sla_breached", "bool"),
    ("accepted_at", "timestamptz"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    ("version", "int8"),
    ("patient_lookup", "text"),
    ("key_id", "text"),
    ("placer_order_id", "text"),
    ("previous_referral_id", "uuid"),
];
const EVENT_COLUMNS: [(&str, &str); 3] = [
    ("event_id", "uuid"),
    ("payload", "text"),
    ("trace_context", "text"),
];
const AUDIT_COLUMNS: [(&str, &str); 10] = [
    ("id", "uuid"),
    ("occurred_at", "timestamptz"),
    ("subject", "text"),
    ("role", "text"),
    ("action", "text"),
    ("resource_kind", "text"),
    ("resource_id", "text"),
    ("request_id", "text"),
    ("outcome", "text"),
    ("purpose", "text"),
];

/// The batch's statement: the creates unnested from one array per column, in the
/// order they arrived; the referrals whose request id is free inserted, with an event
/// and an audit row each; for the others the first referral of their request id read
/// and, where the payload is the same (the fingerprint), the replay audited. A row
/// for each create: `batch_id`, `inserted` (its id, or NULL), `replay_audited`, and the
/// first referral's columns (NULL when it was inserted, or when the first is not to
/// be read: made in this batch, or committed after the statement began). A referral
/// that breaks any unique rule is skipped, not the statement failed: one whose request
/// id is taken is answered from `prior`, one whose order number an open referral holds
/// has no `prior` and runs alone, where the rule refuses it. The referrals
/// go in in the order of their request ids, so that two batches holding resends of
/// each other's requests take the unique index's entries in the same order and one
/// waits for the other, rather than each for the other (a deadlock, broken only after
/// a second; the order numbers' index can still, rarely, cross two batches, and then
/// one fails after PostgreSQL's deadlock timeout and its creates run alone); within a
/// batch the first to arrive of one request id is the one made.
static INSERT_BATCH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let names = |columns: &[(&str, &str)], prefix: &str| {
        columns
            .iter()
            .map(|(name, _)| format!("{prefix}{name}"))
            .collect::<Vec<_>>()
    };
    let referral = names(&REFERRAL_COLUMNS, "");
    let event = names(&EVENT_COLUMNS, "e_");
    let audit = names(&AUDIT_COLUMNS, "a_");
    let types = REFERRAL_COLUMNS
        .iter()
        .chain(&EVENT_COLUMNS)
        .chain(&AUDIT_COLUMNS)
        .map(|(_, t)| t);
    let arrays = types
        .enumerate()
        .map(|(i, t)| format!("${}::{t}[]", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let input_columns = [referral.clone(), event.clone(), audit.clone()].concat();
    let prefixed = |columns: &[String]| {
        columns
            .iter()
            .map(|c| format!("i.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let plain = |columns: &[(&str, &str)]| {
        columns
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "WITH input AS (SELECT * FROM unnest({arrays}) WITH ORDINALITY \
           AS i({input_columns}, arrival)), \
         created AS (INSERT INTO referrals ({referral_columns}) \
           SELECT {referral_values} FROM input i \
           ORDER BY i.hospital_id, i.request_id, i.arrival \
           ON CONFLICT DO NOTHING RETURNING id), \
         event AS (INSERT INTO referral_outbox ({event_columns}) \
           SELECT {event_values} FROM input i JOIN created c ON c.id = i.id \
           ORDER BY i.arrival), \
         audit AS (INSERT INTO audit_log ({audit_columns}) \
           SELECT {audit_values} FROM input i JOIN created c ON c.id = i.id \
           ORDER BY i.arrival), \
         prior AS ({select} WHERE (r.hospital_id, r.request_id) IN \
           (SELECT i.hospital_id, i.request_id FROM input i \
             WHERE i.id NOT IN (SELECT id FROM created))), \
         replay AS (INSERT INTO audit_log ({audit_columns}) \
           SELECT i.a_id, i.a_occurred_at, i.a_subject, i.a_role, '{replay}', \
             i.a_resource_kind, p.id::text, i.a_request_id, i.a_outcome, i.a_purpose \
           FROM input i JOIN prior p ON p.hospital_id = i.hospital_id \
             AND p.request_id = i.request_id \
           WHERE p.fingerprint = i.fingerprint AND p.id <> i.id RETURNING id) \
         SELECT i.id AS batch_id, c.id AS inserted, \
           EXISTS (SELECT 1 FROM replay WHERE replay.id = i.a_id) AS replay_audited, p.* \
         FROM input i LEFT JOIN created c ON c.id = i.id \
           LEFT JOIN prior p ON p.hospital_id = i.hospital_id AND p.request_id = i.request_id",
        select = crate::sql::SELECT_REFERRAL,
        replay = crate::sql::REPLAY_ACTION,
        input_columns = input_columns.join(", "),
        referral_columns = plain(&REFERRAL_COLUMNS),
        referral_values = prefixed(&referral),
        event_columns = plain(&EVENT_COLUMNS),
        event_values = prefixed(&event),
        audit_columns = plain(&AUDIT_COLUMNS),
        audit_values = prefixed(&audit),
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch inserts the columns the one-create statement does, in the same order,
    /// so a column added to one and not the other fails here rather than in a create.
    #[test]
    fn the_batch_writes_the_columns_of_the_one_create_statement() {
        let listed = |sql: &str, table: &str| -> Vec<String> {
            let after = &sql[sql.find(table).expect("the table") + table.len()..];
            let inside = &after[after.find('(').unwrap() + 1..after.find(')').unwrap()];
            inside.split(',').map(|c| c.trim().to_owned()).collect()
        };
        let names = |columns: &[(&str, &str)]| -> Vec<String> {
            columns.iter().map(|(name, _)| (*name).to_owned()).collect()
        };
        assert_eq!(
            names(&REFERRAL_COLUMNS),
            listed(crate::sql::INSERT_REFERRAL, "INSERT INTO referrals")
        );
        assert_eq!(
            names(&AUDIT_COLUMNS),
            listed(crate::sql::AUDIT_COLUMNS, "audit_log")
        );
        assert!(INSERT_BATCH.contains("$40::text[]") && !INSERT_BATCH.contains("$41"));
    }
}
