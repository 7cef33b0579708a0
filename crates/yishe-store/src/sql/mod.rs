//! The SQL behind the store traits, written once and instantiated for each engine by
//! the macros below. Both engines take the same `$n` placeholders and the same SQL;
//! what differs (row locks, the relay's advisory lock, the pool layout) comes in as a
//! macro argument or lives in `sqlite.rs` and `postgres.rs`. A macro rather than
//! generic code because sqlx's trait bounds for "any database" would drown the SQL.

mod assessments;
mod audit;
mod chain;
mod database;
mod directory;
mod events;
mod feed;
mod followups;
pub(crate) mod gauges;
mod keys;
mod plans;
mod referrals;
pub(crate) mod reports;
mod service_plans;
mod stations;
mod volunteer_tasks;
mod volunteers;

pub(crate) use assessments::impl_assessment_repo;
pub(crate) use audit::{impl_audit_log, impl_audit_resources};
pub(crate) use chain::impl_audit_chain;
pub(crate) use database::impl_database;
pub(crate) use directory::impl_directory_repo;
pub(crate) use events::impl_event_log;
pub(crate) use feed::impl_feed_relay;
pub(crate) use followups::impl_followup_repo;
pub(crate) use gauges::impl_gauges;
pub(crate) use keys::impl_key_lookup;
pub(crate) use plans::impl_query_plans;
pub(crate) use referrals::{impl_referral_list, impl_referral_reads, impl_referral_repo};
pub(crate) use reports::impl_reports;
pub(crate) use service_plans::impl_plan_repo;
pub(crate) use stations::{SELECT_STATION, impl_station_repo};
pub(crate) use volunteer_tasks::impl_task_repo;
pub(crate) use volunteers::impl_volunteer_repo;

/// A new referral, unless its hospital already used its request id: $1..$27.
pub(crate) const INSERT_REFERRAL: &str = "INSERT INTO referrals (id, created_by, request_id, \
     fingerprint, hospital_id, department_id, station_id, clinician, patient, reasons, note, \
     priority, consent, status, rejection_reason, status_note, assigned_worker_id, \
     acceptance_deadline, sla_breached, accepted_at, created_at, updated_at, version, \
     patient_lookup, key_id, placer_order_id, previous_referral_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20, $21, $22, $23, $24, $25, $26, $27) \
     ON CONFLICT (hospital_id, request_id) DO NOTHING";

/// The columns of an audit row a create writes, $30..$39 after the referral's and its
/// event's.
pub(crate) const AUDIT_COLUMNS: &str = "audit_log (id, occurred_at, subject, role, action, \
     resource_kind, resource_id, request_id, outcome, purpose)";

/// The audit row of a create's replay: the create's own row, recorded as a replay of
/// the referral the first request made.
pub(crate) fn replay_audit(
    create: &yishe_domain::audit::AuditEntry,
    existing: yishe_domain::ReferralId,
) -> yishe_domain::audit::AuditEntry {
    yishe_domain::audit::AuditEntry {
        action: REPLAY_ACTION.to_owned(),
        resource_id: existing.to_string(),
        ..create.clone()
    }
}

/// What a replayed create is audited as.
pub(crate) const REPLAY_ACTION: &str =
    yishe_domain::audit::AuditAction::ReferralCreateReplay.as_str();

/// The columns of a referral, with the assigned worker's name joined in.
pub(crate) const SELECT_REFERRAL: &str = "SELECT r.id, r.created_by, r.request_id, r.placer_order_id, r.previous_referral_id, \
     r.fingerprint, \
     r.hospital_id, r.department_id, r.station_id, r.clinician, r.patient, r.reasons, r.note, \
     r.priority, r.consent, r.status, r.rejection_reason, r.status_note, r.assigned_worker_id, \
     w.display_name AS assigned_worker_name, r.acceptance_deadline, r.sla_breached, \
     r.accepted_at, r.ended_at, r.first_contact_at, r.created_at, r.updated_at, r.version, \
     r.closure, r.reopened_from_id \
     FROM referrals r LEFT JOIN social_workers w ON w.id = r.assigned_worker_id";

/// A patient's other referrals at the station, for `ReferralReads::patient_history`:
/// $1 lookup hash, $2 hospital, $3 station, $4 the referral itself, $5 since, $6 limit.
pub(crate) static PATIENT_HISTORY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT r.id, r.status, r.reasons, r.created_at, r.ended_at, r.assigned_worker_id, \
         (SELECT COUNT(*) FROM risk_flags f WHERE f.referral_id = r.id \
            AND f.acknowledged_at IS NULL) AS open_risk_flags, \
         (SELECT COUNT(*) FROM risk_flags f WHERE f.referral_id = r.id \
            AND f.raised_at >= $5) AS recent_risk_flags \
         FROM referrals r \
         WHERE r.patient_lookup = $1 AND r.hospital_id = $2 AND r.station_id = $3 \
           AND r.id <> $4 \
           AND (r.status IN ({}) OR r.ended_at >= $5 OR EXISTS (SELECT 1 FROM risk_flags f \
                WHERE f.referral_id = r.id AND f.raised_at >= $5)) \
         ORDER BY r.id DESC LIMIT $6",
        statuses(|s| !s.is_terminal())
    )
});

/// The columns of a social worker, with their open caseload counted.
pub(crate) static SELECT_WORKER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT w.id, w.station_id, w.display_name, w.level, w.caseload_limit, w.active, \
         w.on_leave, w.created_at, w.updated_at, w.version, \
         (SELECT COUNT(*) FROM referrals r WHERE r.assigned_worker_id = w.id \
            AND r.status IN ({})) AS open_cases \
         FROM social_workers w",
        statuses(|s| s.is_open_case())
    )
});

/// The statuses `which` picks, as an SQL list (`'ACCEPTED', 'IN_PROGRESS'`): the
/// domain decides what an open case or a final status is, the SQL follows.
pub(crate) fn statuses(which: impl Fn(Status) -> bool) -> String {
    Status::ALL
        .iter()
        .filter(|s| which(**s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of an API key. A key linked to a social worker who was deactivated reads
/// as revoked since then: it stops working at once (and again if the worker returns).
pub(crate) const SELECT_API_KEY: &str = "SELECT id, display_name, role, hospital_id, \
     department_ids, station_id, social_worker_id, volunteer_id, certificate_subject, read_only, secret_hash, created_at, \
     COALESCE(revoked_at, (SELECT w.updated_at FROM social_workers w \
       WHERE w.id = api_keys.social_worker_id AND NOT w.active)) AS revoked_at \
     FROM api_keys";

use yishe_domain::referral::Status;

use crate::in_process::CommitCounts;

/// The statement deleting the rows of `table` (a queue: the outbox, the sealer's
/// pending rows) with these ids, all at once. `table` is one of the store's own, never
/// a caller's.
pub(crate) fn delete_by_id<DB>(
    table: &str,
    ids: impl Iterator<Item = i64>,
) -> sqlx::QueryBuilder<'static, DB>
where
    DB: sqlx::Database,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut delete = sqlx::QueryBuilder::new(format!("DELETE FROM {table} WHERE id IN ("));
    let mut list = delete.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    delete.push(")");
    delete
}

/// How each engine's transaction ends: once this returns, its writes are on disk.
pub(crate) trait Commit {
    async fn commit_durably(self, counts: &CommitCounts) -> crate::Result<()>;
}

/// On PostgreSQL each transaction commits alone (the server groups the WAL flushes of
/// concurrent commits itself), except a create that a batch committed: the batch
/// counted its one COMMIT.
impl Commit for crate::pg_transactions::PgTx {
    async fn commit_durably(self, counts: &CommitCounts) -> crate::Result<()> {
        let created_in_batch = self.created_in_batch();
        self.commit().await?;
        counts.transaction_committed();
        if !created_in_batch {
            counts.batch_committed();
        }
        Ok(())
    }
}

impl Commit for crate::group_commit::GroupTx {
    async fn commit_durably(self, counts: &CommitCounts) -> crate::Result<()> {
        self.commit(counts).await
    }
}

/// Instantiates every repository trait and `Tx` for one engine's transaction type.
macro_rules! impl_tx {
    ($tx:ident, $db:ty, transaction = $transaction:ty, lock_worker = $lock_worker:literal,
     lock_referral = $lock_referral:literal, create_referral = $create_referral:expr,
     audit_with_records = $audit_with_records:expr,
     audit_names_contain = $audit_names_contain:literal) => {
        /// A write transaction on this engine. It knows whether it appended feed
        /// events, changed a key or read a department, and tells this process's relay
        /// and caches when it commits.
        pub(crate) struct $tx {
            tx: $transaction,
            crypto: ::std::sync::Arc<crate::Crypto>,
            appended_events: bool,
            changed_keys: bool,
            /// Departments read from the database, remembered once this commits.
            read_departments: Vec<::yishe_domain::directory::Department>,
            local: ::std::sync::Arc<crate::in_process::InProcess>,
            /// The transaction's span in the call's trace, from the wait for a
            /// connection on: it ends when the transaction does (committed or dropped).
            _span: ::tracing::Span,
        }

        impl $tx {
            /// A transaction over `tx`, boxed as the services hold it.
            fn boxed(
                tx: $transaction,
                crypto: ::std::sync::Arc<crate::Crypto>,
                local: ::std::sync::Arc<crate::in_process::InProcess>,
                span: ::tracing::Span,
            ) -> Box<dyn crate::Tx> {
                Box::new(Self {
                    tx,
                    crypto,
                    appended_events: false,
                    changed_keys: false,
                    read_departments: Vec::new(),
                    local,
                    _span: span,
                })
            }
        }

        impl ::std::fmt::Debug for $tx {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(stringify!($tx))
            }
        }

        #[::async_trait::async_trait]
        impl crate::Tx for $tx {
            async fn commit(self: Box<Self>) -> crate::Result<()> {
                crate::sql::Commit::commit_durably(self.tx, &self.local.commits).await?;
                if self.appended_events {
                    self.local.events_committed.notify_one();
                }
                if self.changed_keys {
                    self.local.keys.forget_all();
                }
                self.local.departments.remember(self.read_departments);
                Ok(())
            }
        }

        crate::sql::impl_referral_repo!(
            $tx,
            $db,
            create_referral = $create_referral,
            lock_referral = $lock_referral
        );
        crate::sql::impl_directory_repo!($tx, $db, $lock_worker);
        crate::sql::impl_station_repo!($tx);
        crate::sql::impl_event_log!($tx);
        crate::sql::impl_audit_log!($tx, $db, records = $audit_with_records);
        crate::sql::impl_audit_resources!($db, names_contain = $audit_names_contain);
        crate::sql::impl_referral_list!($db);
        crate::sql::impl_assessment_repo!($tx, $db);
        crate::sql::impl_plan_repo!($tx, $db);
        crate::sql::impl_task_repo!($tx, $db);
        crate::sql::impl_followup_repo!($tx, $db);
        crate::sql::impl_volunteer_repo!($tx);
    };
}

pub(crate) use impl_tx;
