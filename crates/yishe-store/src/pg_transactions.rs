//! PostgreSQL write transactions on connections kept warm between them.
//!
//! sqlx tests every connection going back to its pool with a round trip to the server
//! (a Sync message and its answer), because a call cancelled mid-exchange may have left
//! the connection in an unknown state. A transaction that ended with an acknowledged
//! COMMIT left its connection idle and known, so it goes back to a stack of our own
//! without that round trip: one round trip fewer per create, list audit, relay batch
//! and sealer batch. A transaction dropped before it committed goes back through sqlx
//! as before: a ROLLBACK queued on the connection, then sqlx's test flushing it. A
//! connection taken for one statement that commits by itself (`acquire`) goes back the
//! same two ways: warm once the statement succeeded, through sqlx's test otherwise.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgConnection;
use sqlx::{PgPool, Postgres, TransactionManager as _};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::in_process::WriterWaits;
use crate::pg_create_batches::{Batched, CreateBatches, NewReferral, WritingAlone};
use crate::{Error, Result};

type Manager = <Postgres as sqlx::Database>::TransactionManager;

/// Where write transactions get their connections: at most `size` at once, from a
/// stack of connections their last transaction committed, else from the pool.
#[derive(Debug)]
pub(crate) struct WriteConnections {
    pool: PgPool,
    permits: Arc<Semaphore>,
    /// `None` once the pool closes: closing waits for every connection checked out of
    /// it, so the warm ones are handed back then, and no more are kept.
    warm: Mutex<Option<Vec<PoolConnection<Postgres>>>>,
    acquire_timeout: Duration,
    size: usize,
    /// Where creates that commit by themselves are batched; `None` where they are not
    /// (tests of the connections alone).
    creates: Option<CreateBatches>,
}

impl WriteConnections {
    /// `size` must leave room in `pool` for the reads that use it directly, since the
    /// warm connections stay checked out of it.
    pub(crate) fn new(
        pool: PgPool,
        size: usize,
        acquire_timeout: Duration,
        creates: Option<CreateBatches>,
    ) -> Arc<Self> {
        let connections = Arc::new(Self {
            pool,
            permits: Arc::new(Semaphore::new(size)),
            warm: Mutex::new(Some(Vec::with_capacity(size))),
            acquire_timeout,
            size,
            creates,
        });
        let closing = connections.pool.close_event();
        let home = Arc::downgrade(&connections);
        tokio::spawn(async move {
            closing.await;
            if let Some(home) = home.upgrade() {
                home.warm.lock().expect("warm connections").take();
            }
        });
        connections
    }

    /// Keeps `connection`, idle after its commit, for the next transaction; once the
    /// pool is closing it goes back to be closed.
    fn keep_warm(&self, connection: PoolConnection<Postgres>) {
        let mut warm = self.warm.lock().expect("warm connections");
        if let Some(warm) = warm.as_mut() {
            warm.push(connection);
        }
    }

    /// Begins a transaction with `statement` (a `BEGIN ...`), counted in `waits` while
    /// it waits for a connection.
    pub(crate) async fn begin(
        self: &Arc<Self>,
        statement: &'static str,
        waits: &WriterWaits,
    ) -> Result<PgTx> {
        let mut tx = self.acquire(waits).await?;
        // On failure the transaction is dropped, and its connection goes back through
        // sqlx (which rolls back whatever the BEGIN left).
        Manager::begin(&mut tx, Some(statement.into()))
            .await
            .map_err(|e| Error::from_sqlx(e, "database"))?;
        Ok(tx)
    }

    /// A write connection without a transaction begun: each statement on it commits
    /// by itself, one round trip where BEGIN, the statement and COMMIT take three. For
    /// a write that is one statement; `commit` hands the connection back warm.
    pub(crate) async fn acquire(self: &Arc<Self>, waits: &WriterWaits) -> Result<PgTx> {
        let waiting = waits.start();
        // Every write connection held for the whole timeout: the database is there but
        // busy (RESOURCE_EXHAUSTED), unlike one that cannot be reached (UNAVAILABLE).
        let permit =
            tokio::time::timeout(self.acquire_timeout, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| Error::Busy)?
                .expect("the semaphore is never closed");
        let warm = self
            .warm
            .lock()
            .expect("warm connections")
            .as_mut()
            .and_then(Vec::pop);
        let connection = match warm {
            Some(connection) => connection,
            None => self
                .pool
                .acquire()
                .await
                .map_err(|e| Error::from_sqlx(e, "database"))?,
        };
        waiting.acquired();
        Ok(PgTx {
            connection: Some(connection),
            home: self.clone(),
            created_in_batch: false,
            writing_alone: None,
            _permit: permit,
        })
    }

    /// Write transactions holding a connection now.
    pub(crate) fn in_use(&self) -> usize {
        self.size - self.permits.available_permits()
    }

    /// The most write transactions at once.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Connections kept warm now, idle between write transactions.
    pub(crate) fn warm_count(&self) -> usize {
        let warm = self.warm.lock().expect("warm connections");
        warm.as_ref().map_or(0, Vec::len)
    }
}

/// A write transaction: the connection it holds derefs to a `PgConnection`.
#[derive(Debug)]
pub(crate) struct PgTx {
    connection: Option<PoolConnection<Postgres>>,
    home: Arc<WriteConnections>,
    /// Its one write was a create that a batch committed, with the batch's COMMIT.
    created_in_batch: bool,
    /// Its one write is a create written alone, which creates arriving meanwhile wait
    /// behind in a batch.
    writing_alone: Option<WritingAlone>,
    /// Released after the connection is back on the stack (fields drop after `drop`).
    _permit: OwnedSemaphorePermit,
}

impl PgTx {
    /// Commits (nothing to send when no transaction was begun); once the server
    /// acknowledged it, the connection is idle and kept warm.
    pub(crate) async fn commit(mut self) -> Result<()> {
        Manager::commit(&mut self).await?;
        if Manager::get_transaction_depth(&self) == 0 {
            let connection = self.connection.take().expect("a connection until dropped");
            self.home.keep_warm(connection);
        }
        Ok(())
    }

    /// Whether its write was a create committed by a batch's COMMIT rather than one
    /// of its own.
    pub(crate) fn created_in_batch(&self) -> bool {
        self.created_in_batch
    }

    /// Hands a create to the next batch when this connection has no transaction begun
    /// (each statement would commit by itself, so the create may as well commit with
    /// others); inside a transaction the create is the transaction's, and runs alone.
    pub(crate) async fn create_in_batch(
        &mut self,
        create: impl FnOnce() -> NewReferral,
    ) -> Batched {
        let Some(creates) = self.home.creates.as_ref() else {
            return Batched::RunAlone;
        };
        if Manager::get_transaction_depth(self) != 0 {
            return Batched::RunAlone;
        }
        if let Some(alone) = creates.alone() {
            self.writing_alone = Some(alone);
            return Batched::RunAlone;
        }
        let batched = creates.create(create()).await;
        // Its write (the referral, or the replay's audit row) is the batch's.
        self.created_in_batch |= !matches!(batched, Batched::RunAlone);
        batched
    }
}

impl Deref for PgTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.connection
            .as_ref()
            .expect("a connection until dropped")
    }
}

impl DerefMut for PgTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.connection
            .as_mut()
            .expect("a connection until dropped")
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if let Some(mut connection) = self.connection.take() {
            // Not committed (or the commit failed): queue the rollback of the
            // transaction begun, if any, which sqlx's test of the returning connection
            // sends; a broken connection is closed.
            Manager::start_rollback(&mut connection);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn committed_connections_are_reused_and_dropped_transactions_roll_back() {
        let engine = yishe_testkit::Engine::Postgres;
        let Some(db) = yishe_testkit::TestDatabase::create(engine).await else {
            return;
        };
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&db.url)
            .await
            .unwrap();
        let table = "numbers";
        sqlx::query(&format!("CREATE TABLE {table} (n INT)"))
            .execute(&pool)
            .await
            .unwrap();
        let writes = WriteConnections::new(pool.clone(), 2, Duration::from_secs(2), None);
        let waits = WriterWaits::default();

        let mut tx = writes.begin("BEGIN", &waits).await.unwrap();
        let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        sqlx::query(&format!("INSERT INTO {table} VALUES (1)"))
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(writes.warm_count(), 1, "kept warm after its commit");

        let mut tx = writes.begin("BEGIN", &waits).await.unwrap();
        let again: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(again, backend, "the warm connection is the next one used");
        sqlx::query(&format!("INSERT INTO {table} VALUES (2)"))
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(
            writes.warm_count(),
            0,
            "a dropped transaction's is not kept"
        );

        // The rollback reaches the server: no session is left inside the transaction.
        let open_transactions = "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'";
        let mut open: i64 = 1;
        for _ in 0..50 {
            open = sqlx::query_scalar(open_transactions)
                .fetch_one(&pool)
                .await
                .unwrap();
            if open == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(open, 0, "the dropped transaction was rolled back");
        let rows: Vec<i32> = sqlx::query_scalar(&format!("SELECT n FROM {table}"))
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, [1]);

        // Both permits are free again.
        let first = writes.begin("BEGIN", &waits).await.unwrap();
        let second = writes.begin("BEGIN", &waits).await.unwrap();
        drop((first, second));

        // Once the pool closes, the warm connections are handed back to be closed, and
        // one committed afterwards is not kept.
        let late = writes.begin("BEGIN", &waits).await.unwrap();
        let kept = writes.begin("BEGIN", &waits).await.unwrap();
        kept.commit().await.unwrap();
        assert_eq!(writes.warm_count(), 1);
        pool.close().await;
        tokio::task::yield_now().await;
        assert_eq!(
            writes.warm_count(),
            0,
            "the warm connections were handed back"
        );
        late.commit().await.unwrap();
        assert_eq!(writes.warm_count(), 0);
    }

    #[tokio::test]
    async fn a_write_waiting_for_a_connection_is_counted_and_timed() {
        let engine = yishe_testkit::Engine::Postgres;
        let Some(db) = yishe_testkit::TestDatabase::create(engine).await else {
            return;
        };
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&db.url)
            .await
            .unwrap();
        let writes = WriteConnections::new(pool, 1, Duration::from_secs(2), None);
        let waits = Arc::new(WriterWaits::default());
        let (observed, mut heard) = tokio::sync::mpsc::unbounded_channel();
        waits.observe_with(Box::new(move |waited| {
            let _ = observed.send(waited);
        }));

        let held = writes.begin("BEGIN", &waits).await.unwrap();
        assert!(heard.recv().await.unwrap() < Duration::from_secs(1));
        assert_eq!((writes.in_use(), waits.waiting()), (1, 0));

        let second = tokio::spawn({
            let (writes, waits) = (writes.clone(), waits.clone());
            async move { writes.begin("BEGIN", &waits).await.map(drop) }
        });
        while waits.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            waits.waiting(),
            1,
            "the second write waits for the one connection"
        );
        held.commit().await.unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(waits.waiting(), 0);
        let waited = heard.recv().await.unwrap();
        assert!(waited >= Duration::from_millis(100), "it waited {waited:?}");
        assert_eq!(
            writes.in_use(),
            0,
            "the second write, dropped, let go of its permit"
        );
    }
}
