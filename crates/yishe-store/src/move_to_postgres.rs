//! Moving an installation from its embedded SQLite file to PostgreSQL, as one copy:
//! every table, row for row, into a new PostgreSQL database made by the same
//! migrations. Sealed patient fields travel as sealed (the same keyring opens them
//! there), audit rows and chain links as written (the chain verifies as before), and
//! the feed keeps its positions, so watchers' cursors stay valid.
//!
//! The copy holds SQLite's write lock from first row to last, and before letting it go
//! marks the file as moved: triggers that refuse every write. So a server still
//! running on the file (the guide says to stop it first) can never acknowledge a write
//! the copy missed: during the copy its writes wait, after it they fail; and a server
//! started on the file later refuses to start. PostgreSQL receives everything in one
//! transaction, so a copy that fails leaves the new database as empty as it found it.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow, SqliteValueRef};
use sqlx::{Connection, Decode, PgConnection, Postgres, QueryBuilder, Row, SqliteConnection};
use sqlx::{Sqlite, ValueRef};

use crate::{Error, Result};

/// Bind parameters per INSERT stay well under PostgreSQL's 65,535.
const PARAMETERS_PER_INSERT: usize = 30_000;

/// sqlx's own bookkeeping, made by the migrations on each side.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Filled by a trigger on `audit_log` as rows arrive; copied last, as the source had
/// it, so only the rows the source had not sealed yet are queued for the sealer.
const SEALER_QUEUE: &str = "audit_pending";

/// The prefix of the triggers that mark a SQLite file as moved.
const MOVED_MARK: &str = "moved_to_postgres_";

/// What a move copied: each table and its rows, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub tables: Vec<(String, u64)>,
}

/// Why a move stopped, and so what state it left.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// PostgreSQL holds nothing of the copy; the SQLite file is as it was (migrated to
    /// this release's schema).
    #[error("nothing was copied: {0}")]
    NothingCopied(#[source] Error),
    /// PostgreSQL holds the whole copy, but its audit chain does not verify there
    /// (the file, unmarked, stays in service).
    #[error(
        "copied, but the audit chain breaks at link {0} in PostgreSQL ({1}): the file \
         stays in service; drop the new database, and run `yishe audit verify` on the \
         installation"
    )]
    ChainBroken(u64, String),
    /// PostgreSQL holds the whole copy, but the file could not be marked as moved.
    #[error(
        "copied into PostgreSQL, but the SQLite file could not be marked as moved ({0}): \
         make sure no server runs on it, and start none there"
    )]
    NotMarked(#[source] Error),
}

/// Copies the SQLite database at `sqlite_url` into the empty PostgreSQL database at
/// `postgres_url`, migrating both to this release's schema first, verifies the audit
/// chain there, and marks the file as moved.
pub async fn move_sqlite_to_postgres(
    sqlite_url: &str,
    postgres_url: &str,
) -> std::result::Result<(Moved, crate::Verification), MoveError> {
    let mut source = open_source(sqlite_url)
        .await
        .map_err(MoveError::NothingCopied)?;
    let mut target = open_target(postgres_url)
        .await
        .map_err(MoveError::NothingCopied)?;
    // The write lock, and with it one snapshot of the whole file.
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut source)
        .await
        .map_err(|e| MoveError::NothingCopied(Error::from_sqlx(e, "database")))?;
    let copied = async {
        // Checked again under the lock: a move that ran meanwhile has marked it.
        if was_moved(&mut source).await? {
            return Err(Error::Config(ALREADY_MOVED.into()));
        }
        copy_all(&mut source, &mut target).await
    }
    .await;
    let moved = match copied {
        Ok(moved) => moved,
        Err(error) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut source).await;
            return Err(MoveError::NothingCopied(error));
        }
    };
    // The chain as PostgreSQL reads it back, before the file is given up. Verifying
    // opens nothing sealed, so no keyring is needed.
    let verified = match verify_copy(postgres_url).await {
        Ok(verified) if verified.broken.is_none() => verified,
        Ok(verified) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut source).await;
            let (link, _, problem) = verified.broken.expect("broken");
            return Err(MoveError::ChainBroken(link, problem));
        }
        Err(error) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut source).await;
            return Err(MoveError::ChainBroken(0, error.to_string()));
        }
    };
    if let Err(error) = mark_moved(&mut source).await {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut source).await;
        return Err(MoveError::NotMarked(error));
    }
    // The planner's statistics for what just arrived, before the first list; without
    // them PostgreSQL gathers its own soon enough, so a failure is only a warning.
    if let Err(error) = sqlx::raw_sql("ANALYZE").execute(&mut target).await {
        tracing::warn!(%error, "ANALYZE after the move failed; autovacuum will gather statistics");
    }
    Ok((moved, verified))
}

const ALREADY_MOVED: &str = "this SQLite database was already moved to PostgreSQL";

async fn verify_copy(postgres_url: &str) -> Result<crate::Verification> {
    let copy = crate::PostgresDatabase::connect(postgres_url, crate::Crypto::ephemeral()).await?;
    let verified = crate::verify(&copy).await;
    crate::Database::close(&copy).await;
    verified
}

/// Whether the SQLite database behind `connection` was moved to PostgreSQL.
pub(crate) async fn was_moved(connection: &mut SqliteConnection) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name LIKE $1)",
    )
    .bind(format!("{MOVED_MARK}%"))
    .fetch_one(connection)
    .await?)
}

/// What a server started on a moved file is told.
pub(crate) const MOVED_AWAY: &str = "this database was moved to PostgreSQL \
    (yishe-server migrate-to-postgres): set database_url to the PostgreSQL database; to go \
    back, restore the backup taken before the move";

/// Every table refuses every write from now on, in the transaction that holds the lock.
async fn mark_moved(source: &mut SqliteConnection) -> Result<()> {
    let tables = source_tables(source).await?;
    let mut statements = String::new();
    for table in &tables {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            statements.push_str(&format!(
                "CREATE TRIGGER {trigger} BEFORE {event} ON {table} \
                 BEGIN SELECT RAISE(ABORT, '{MOVED_AWAY}'); END;\n",
                trigger = quoted(&format!("{MOVED_MARK}{table}_{}", event.to_lowercase())),
                table = quoted(table),
            ));
        }
    }
    statements.push_str("COMMIT;");
    sqlx::raw_sql(&statements).execute(&mut *source).await?;
    Ok(())
}

async fn open_target(url: &str) -> Result<PgConnection> {
    let mut target = PgConnection::connect_with(
        &PgConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("bad postgres url: {e}")))?,
    )
    .await
    // Said whole: "unavailable" alone does not tell the operator which database.
    // (sqlx's message names no password.)
    .map_err(|e| Error::Config(format!("cannot connect to PostgreSQL: {e}")))?;
    crate::migrations::run(sqlx::migrate!("./migrations/postgres"), &mut target).await?;
    Ok(target)
}

async fn open_source(url: &str) -> Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::Config(format!("bad sqlite url: {e}")))?
        .create_if_missing(false)
        .foreign_keys(true)
        // A running server's group commit holds the lock for one batch at a time.
        .busy_timeout(Duration::from_secs(10));
    let mut source = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| Error::Config(format!("cannot open the SQLite database: {e}")))?;
    if was_moved(&mut source).await? {
        return Err(Error::Config(ALREADY_MOVED.into()));
    }
    crate::migrations::run(sqlx::migrate!("./migrations/sqlite"), &mut source).await?;
    Ok(source)
}

async fn copy_all(source: &mut SqliteConnection, target: &mut PgConnection) -> Result<Moved> {
    let tables = target_tables(target).await?;
    let source_tables = source_tables(source).await?;
    if source_tables != tables.iter().cloned().collect::<BTreeSet<_>>() {
        return Err(Error::Config(format!(
            "the two schemas differ: only in SQLite {:?}, only in PostgreSQL {:?}",
            source_tables
                .difference(&tables.iter().cloned().collect())
                .collect::<Vec<_>>(),
            tables
                .iter()
                .filter(|t| !source_tables.contains(*t))
                .collect::<Vec<_>>()
        )));
    }
    let mut tx = target.begin().await?;
    for table in &tables {
        let present: bool =
            sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {})", quoted(table)))
                .fetch_one(&mut *tx)
                .await?;
        if present {
            return Err(Error::Config(format!(
                "the PostgreSQL database is not empty (table {table} has rows): move into a \
                 new database, made with createdb, on which no server has started"
            )));
        }
    }
    let mut moved = Vec::with_capacity(tables.len());
    for table in in_copy_order(&tables, &foreign_keys(&mut tx).await?) {
        let columns = target_columns(&mut tx, table).await?;
        check_source_columns(source, table, &columns).await?;
        if table == SEALER_QUEUE {
            sqlx::query(&format!("DELETE FROM {}", quoted(table)))
                .execute(&mut *tx)
                .await?;
        }
        let rows = copy_table(source, &mut tx, table, &columns).await?;
        let counted: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", quoted(table)))
            .fetch_one(&mut *tx)
            .await?;
        if counted as u64 != rows {
            return Err(Error::Corrupt(format!(
                "{table}: {rows} rows read from SQLite, {counted} in PostgreSQL"
            )));
        }
        moved.push((table.clone(), rows));
    }
    moved.sort();
    restart_sequences(&mut tx).await?;
    tx.commit().await?;
    Ok(Moved { tables: moved })
}

/// A column's PostgreSQL type, as the copy binds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Uuid,
    Time,
    Bool,
    Int8,
    Int4,
    Int2,
    Float,
    Text,
    Bytes,
}

impl Kind {
    fn of(table: &str, column: &str, data_type: &str) -> Result<Self> {
        Ok(match data_type {
            "uuid" => Kind::Uuid,
            "timestamp with time zone" => Kind::Time,
            "boolean" => Kind::Bool,
            "bigint" => Kind::Int8,
            "integer" => Kind::Int4,
            "smallint" => Kind::Int2,
            "double precision" | "real" => Kind::Float,
            "text" | "character varying" => Kind::Text,
            "bytea" => Kind::Bytes,
            other => {
                return Err(Error::Config(format!(
                    "{table}.{column}: the move does not know PostgreSQL's type {other}"
                )));
            }
        })
    }
}

/// One value on its way, typed for PostgreSQL (a NULL keeps its column's type).
enum Value {
    Uuid(Option<uuid::Uuid>),
    Time(Option<DateTime<Utc>>),
    Bool(Option<bool>),
    Int8(Option<i64>),
    Int4(Option<i32>),
    Int2(Option<i16>),
    Float(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

struct Column {
    name: String,
    kind: Kind,
}

async fn copy_table(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &str,
    columns: &[Column],
) -> Result<u64> {
    let names = columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!("SELECT {names} FROM {} ORDER BY rowid", quoted(table));
    let batch_rows = (PARAMETERS_PER_INSERT / columns.len().max(1)).clamp(1, 1000);
    let mut rows = sqlx::query(&select).fetch(source);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(batch_rows);
    let mut copied = 0u64;
    while let Some(row) = rows.try_next().await? {
        batch.push(values_of(&row, table, columns)?);
        if batch.len() == batch_rows {
            copied += insert(target, table, &names, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        copied += insert(target, table, &names, batch).await?;
    }
    Ok(copied)
}

async fn insert(
    target: &mut PgConnection,
    table: &str,
    names: &str,
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let mut insert =
        QueryBuilder::<Postgres>::new(format!("INSERT INTO {} ({names}) ", quoted(table)));
    insert.push_values(rows, |mut row, values| {
        for value in values {
            match value {
                Value::Uuid(v) => row.push_bind(v),
                Value::Time(v) => row.push_bind(v),
                Value::Bool(v) => row.push_bind(v),
                Value::Int8(v) => row.push_bind(v),
                Value::Int4(v) => row.push_bind(v),
                Value::Int2(v) => row.push_bind(v),
                Value::Float(v) => row.push_bind(v),
                Value::Text(v) => row.push_bind(v),
                Value::Bytes(v) => row.push_bind(v),
            };
        }
    });
    // Each batch's shape is used a few times at most: not worth a prepared statement.
    let done = insert
        .build()
        .persistent(false)
        .execute(&mut *target)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) => Error::Config(format!("copying {table}: {db}")),
            other => Error::from_sqlx(other, "database"),
        })?;
    Ok(done.rows_affected())
}

fn values_of(row: &SqliteRow, table: &str, columns: &[Column]) -> Result<Vec<Value>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let raw = row.try_get_raw(i)?;
            value_of(raw, column.kind)
                .map_err(|e| Error::Corrupt(format!("{table}.{}: {e}", column.name)))
        })
        .collect()
}

/// Reads one SQLite value as its PostgreSQL column wants it, with the decoders the
/// store itself reads SQLite with (ids are 16-byte blobs, times RFC 3339 text).
fn value_of(
    raw: SqliteValueRef<'_>,
    kind: Kind,
) -> std::result::Result<Value, sqlx::error::BoxDynError> {
    fn decode<'r, T: Decode<'r, Sqlite>>(
        raw: SqliteValueRef<'r>,
    ) -> std::result::Result<Option<T>, sqlx::error::BoxDynError> {
        if raw.is_null() {
            Ok(None)
        } else {
            T::decode(raw).map(Some)
        }
    }
    Ok(match kind {
        Kind::Uuid => Value::Uuid(
            decode::<Vec<u8>>(raw)?
                .map(|bytes| uuid_of(&bytes))
                .transpose()?,
        ),
        Kind::Time => Value::Time(decode(raw)?),
        Kind::Bool => Value::Bool(decode(raw)?),
        Kind::Int8 => Value::Int8(decode(raw)?),
        Kind::Int4 => Value::Int4(decode(raw)?),
        Kind::Int2 => Value::Int2(decode::<i64>(raw)?.map(i16::try_from).transpose()?),
        Kind::Float => Value::Float(decode(raw)?),
        Kind::Text => Value::Text(decode(raw)?),
        Kind::Bytes => Value::Bytes(decode(raw)?),
    })
}

/// An id as SQLite holds it (16 bytes) or as text, should a row have one.
fn uuid_of(bytes: &[u8]) -> std::result::Result<uuid::Uuid, sqlx::error::BoxDynError> {
    Ok(match uuid::Uuid::from_slice(bytes) {
        Ok(id) => id,
        Err(_) => uuid::Uuid::parse_str(std::str::from_utf8(bytes)?)?,
    })
}

/// The tables in an order the foreign keys accept: a table after every table it
/// refers to (a table's references to itself are met by copying in rowid order, which
/// is the order rows were made in), ties by name; the sealer's queue last.
fn in_copy_order<'a>(tables: &'a [String], references: &[(String, String)]) -> Vec<&'a String> {
    let mut waiting_on: BTreeMap<&str, BTreeSet<&str>> = tables
        .iter()
        .map(|t| (t.as_str(), BTreeSet::new()))
        .collect();
    for (child, parent) in references {
        if child != parent
            && let Some(parents) = waiting_on.get_mut(child.as_str())
        {
            parents.insert(parent.as_str());
        }
    }
    let mut order = Vec::with_capacity(tables.len());
    while !waiting_on.is_empty() {
        let ready = waiting_on
            .iter()
            .find(|(table, parents)| {
                parents.is_empty() && (**table != SEALER_QUEUE || waiting_on.len() == 1)
            })
            .or_else(|| waiting_on.iter().next())
            .map(|(table, _)| *table)
            .expect("not empty");
        waiting_on.remove(ready);
        for parents in waiting_on.values_mut() {
            parents.remove(ready);
        }
        order.push(tables.iter().find(|t| *t == ready).expect("a known table"));
    }
    order
}

async fn target_tables(target: &mut PgConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
           AND table_name <> $1 ORDER BY table_name",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(target)
    .await?)
}

async fn source_tables(source: &mut SqliteConnection) -> Result<BTreeSet<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
           AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> $1",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(source)
    .await?
    .into_iter()
    .collect())
}

/// (table, the table it refers to) for every foreign key of the schema.
async fn foreign_keys(target: &mut PgConnection) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint c \
         JOIN pg_class child ON child.oid = c.conrelid \
         JOIN pg_class parent ON parent.oid = c.confrelid \
         WHERE c.contype = 'f' AND child.relnamespace = current_schema()::text::regnamespace",
    )
    .fetch_all(target)
    .await?)
}

async fn target_columns(target: &mut PgConnection, table: &str) -> Result<Vec<Column>> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(target)
    .await?;
    columns
        .into_iter()
        .map(|(name, data_type)| {
            Ok(Column {
                kind: Kind::of(table, &name, &data_type)?,
                name,
            })
        })
        .collect()
}

/// Every column PostgreSQL has must be in SQLite's table, and no more: a column left
/// behind would be data lost.
async fn check_source_columns(
    source: &mut SqliteConnection,
    table: &str,
    columns: &[Column],
) -> Result<()> {
    let present: BTreeSet<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
        .bind(table)
        .fetch_all(source)
        .await?
        .into_iter()
        .collect();
    let wanted: BTreeSet<String> = columns.iter().map(|c| c.name.clone()).collect();
    if present != wanted {
        return Err(Error::Config(format!(
            "{table}: the columns differ: only in SQLite {:?}, only in PostgreSQL {:?}",
            present.difference(&wanted).collect::<Vec<_>>(),
            wanted.difference(&present).collect::<Vec<_>>()
        )));
    }
    Ok(())
}

/// Each serial column's sequence continues after the highest value copied.
async fn restart_sequences(target: &mut PgConnection) -> Result<()> {
    let serials: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
    )
    .fetch_all(&mut *target)
    .await?;
    for (table, column) in serials {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max({c}), 0) + 1, false) \
             FROM {t}",
            c = quoted(&column),
            t = quoted(&table)
        ))
        .bind(quoted(&table))
        .bind(&column)
        .fetch_one(&mut *target)
        .await?;
    }
    Ok(())
}

/// An identifier as SQL names it (both engines quote with double quotes).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(order: Vec<&String>) -> Vec<&str> {
        order.into_iter().map(String::as_str).collect()
    }

    #[test]
    fn a_table_comes_after_the_tables_it_refers_to_and_the_sealer_queue_last() {
        let tables: Vec<String> = [
            "audit_log",
            "audit_pending",
            "departments",
            "referrals",
            "workers",
        ]
        .map(String::from)
        .to_vec();
        let references = [
            ("referrals", "departments"),
            ("referrals", "workers"),
            ("referrals", "referrals"),
            ("workers", "departments"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(
            names(in_copy_order(&tables, &references)),
            [
                "audit_log",
                "departments",
                "workers",
                "referrals",
                "audit_pending"
            ]
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quoted("audit_log"), "\"audit_log\"");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
