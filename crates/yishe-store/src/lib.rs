//! Yishe storage: one repository trait per aggregate (referrals, assessments, the
//! directory, feed events, audit rows), each implemented once in SQL and instantiated
//! for embedded SQLite and for PostgreSQL, with the migrations of both engines.
//! Services open a transaction, do their reads and writes through the repositories, and
//! commit: the change, its event and its audit row land together or not at all. The
//! background work holds a role of the database (`FeedRelay`, `AuditChain`, `KeyLookup`,
//! `Maintenance`, `Gauges`).

mod assessments;
mod audit;
mod chain;
mod checkpoint;
mod ciphers;
mod crypto;
mod database;
mod department_cache;
mod directory;
mod error;
mod events;
mod feed;
mod followups;
mod gauges;
mod group_commit;
mod in_process;
mod key_cache;
mod keys;
mod maintenance;
mod migrations;
mod move_to_postgres;
mod pg_create_batches;
mod pg_transactions;
mod plans;
mod postgres;
mod referrals;
mod reports;
mod rows;
mod service_plans;
mod sql;
mod sqlite;
mod stations;
pub mod trace_context;
mod volunteer_tasks;
mod volunteers;

pub use assessments::{AssessmentRepo, RiskFlagScope, Submitted};
pub use audit::{AuditEntry, AuditLog};
pub use chain::{
    AuditChain, AuditRecord, ChainHash, ChainLink, GENESIS, Verification, link_hash, verify,
    verify_against,
};
pub use checkpoint::CheckpointSigner;
pub use ciphers::EncryptionAlgorithm;
pub use crypto::{Crypto, Keyring, Sealer};
pub use database::{Database, Engine, Store, Transactions, Tx, connect};
pub use directory::DirectoryRepo;
pub use error::{Error, Result};
pub use events::EventLog;
pub use feed::FeedRelay;
pub use followups::{FollowUpRepo, FollowUpScope, Recorded};
pub use gauges::{
    Caseload, Commits, Gauges, OpenFollowUps, OpenReferrals, OpenRiskFlags, PoolState, Unclaimed,
    Unsealed, WaitObserver,
};
pub use key_cache::TTL as KEY_CACHE_TTL;
pub use keys::KeyLookup;
pub use maintenance::{Maintenance, forget_referral};
pub use move_to_postgres::{MoveError, Moved, move_sqlite_to_postgres};
pub use plans::QueryPlans;
pub use postgres::PostgresDatabase;
pub use referrals::{CreateOutcome, Created, HISTORY_LIMIT, ReferralReads, ReferralRepo};
pub use reports::Reports;
pub use service_plans::{PlanInserted, PlanRepo, PlanScope};
pub use sqlite::SqliteDatabase;
pub use stations::{DirectoryRequest, StationRepo};
pub use volunteer_tasks::{TaskPosted, TaskRepo, TaskScope, withdraw_tasks};
pub use volunteers::VolunteerRepo;
