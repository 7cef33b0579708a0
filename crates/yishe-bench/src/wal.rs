//! The write-ahead log PostgreSQL writes over a measured window, per call: two runs of
//! "the same SQL" that log different amounts are not writing the same rows, and this
//! is where it shows. The WAL is the whole PostgreSQL server's: anything else writing
//! to it during a run (a CI run on the same server) is counted too.

use std::sync::Mutex;

use sqlx::Connection;

/// The database whose WAL is read, while a PostgreSQL run lasts.
static WATCHED: Mutex<Option<String>> = Mutex::new(None);

/// Reads the WAL of the PostgreSQL server at `url` from now on; `None`: no WAL (SQLite).
pub(crate) fn watch(url: Option<String>) {
    *WATCHED.lock().expect("not poisoned") = url;
}

/// Where the WAL ends now, in bytes from its start; `None` where none is watched or it
/// cannot be read (the table then leaves it out).
pub(crate) async fn position() -> Option<u64> {
    let url = WATCHED.lock().expect("not poisoned").clone()?;
    let mut connection = sqlx::PgConnection::connect(&url).await.ok()?;
    let bytes: i64 = sqlx::query_scalar("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
        .fetch_one(&mut connection)
        .await
        .ok()?;
    u64::try_from(bytes).ok()
}
