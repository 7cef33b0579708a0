//! Yishe storage: one trait per aggregate (referrals, assessments, directory, events, audit), each
//! implemented once in SQL and instantiated for embedded SQLite and for PostgreSQL, with
//! the migrations of both engines. Services open a transaction, do their reads and
//! writes through the traits, and commit: the change, its event and its audit row land
//! together or not at all.

mod assessment_rows;
mod assessments;
mod audit;
mod chain;
mod crypto;
mod database;
mod directory;
mod error;
mod events;
mod postgres;
mod referrals;
mod rows;
mod sql;
mod sqlite;

pub use assessments::{AssessmentRepo, RiskFlagScope, Submitted};
pub use audit::{AuditEntry, AuditLog};
pub use chain::{AuditRecord, ChainLink, GENESIS, Verification, link_hash, verify};
pub use crypto::{Crypto, Keyring};
pub use database::{Database, Engine, Store, Tx, connect};
pub use directory::DirectoryRepo;
pub use error::{Error, Result};
pub use events::EventLog;
pub use postgres::PostgresDatabase;
pub use referrals::{Created, ReferralRepo};
pub use sqlite::SqliteDatabase;
