//! The schema's migrations, run by every process at start (on PostgreSQL under sqlx's
//! advisory lock, so replicas starting together apply each once).
//!
//! Migrations are written expand-then-contract: a release only adds (tables, nullable
//! columns, indexes) and reads what it added as optional; what the release before used
//! is removed only in a later release, once no process of that one can still run. So
//! during a rolling upgrade the processes of both versions share one schema, and a
//! process of the older version that starts (a pod rescheduled mid-rollout, a rollback)
//! finds migrations it does not know applied: that is expected and allowed. A
//! migration it knows that the database lacks, or one whose text changed, still stops
//! it.

use sqlx::migrate::{Migrate, Migrator};

/// Applies `migrator`'s pending migrations over `pool`, accepting newer ones applied
/// by a later release.
pub(crate) async fn run<'a, A>(mut migrator: Migrator, pool: A) -> crate::Result<()>
where
    A: sqlx::Acquire<'a>,
    <A::Connection as std::ops::Deref>::Target: Migrate,
{
    migrator.set_ignore_missing(true);
    migrator.run(pool).await?;
    Ok(())
}
