//! Group commit for the embedded engine: concurrent write transactions share one
//! SQLite transaction and so one fsync.
//!
//! SQLite has one writer, and at `synchronous=FULL` every COMMIT waits for the disk
//! (milliseconds on many disks). Committing each request alone caps the station at a
//! few hundred writes a second however many callers wait. Instead the writer
//! connection keeps one transaction open while requests queue for it: each request
//! runs inside a savepoint of its own (so a request that fails is rolled back alone)
//! and waits; a flusher commits every request finished so far in one COMMIT, then
//! answers each. Nobody is answered before the COMMIT that holds their writes returned,
//! so what is acknowledged is on disk, as before.
//!
//! The flusher queues for the connection behind the requests already waiting, so a
//! batch holds whoever arrived while the previous COMMIT was on the disk: under light
//! load a batch is one request and costs what it did, under heavy load the fsync is
//! shared. The feed relay and the audit sealer write through here too, so their rows
//! join a batch rather than cost fsyncs of their own.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Executor, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

use crate::in_process::{CommitCounts, InProcess};
use crate::{Error, Result};

/// What every caller of one batch learns: whether its COMMIT reached the disk.
type Durable = std::result::Result<(), Arc<sqlx::Error>>;

/// The writer connection, the batch open on it, and who waits on the batch.
#[derive(Default)]
struct Batch {
    /// The writer connection, taken from the pool once and kept: nothing else writes.
    connection: Option<PoolConnection<Sqlite>>,
    /// Whether the writer is inside the batch's `BEGIN IMMEDIATE`.
    open: bool,
    /// A request's savepoint was left neither released nor rolled back (the request
    /// failed or its caller went away); whoever takes the connection next rolls it
    /// back before doing anything else.
    abandoned: bool,
    /// Requests that finished and wait for the COMMIT.
    waiting: Vec<oneshot::Sender<Durable>>,
}

/// The embedded engine's writer, shared by every write transaction of the process.
#[derive(Clone)]
pub(crate) struct GroupWriter {
    pool: SqlitePool,
    batch: Arc<Mutex<Batch>>,
    flush: Arc<Notify>,
    local: Arc<InProcess>,
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupWriter")
    }
}

impl GroupWriter {
    /// A group writer over the single connection of `pool`, with its flusher running
    /// until the pool closes.
    pub(crate) fn start(pool: SqlitePool, local: Arc<InProcess>) -> Self {
        let writer = Self {
            pool,
            batch: Default::default(),
            flush: Default::default(),
            local,
        };
        tokio::spawn(writer.clone().flush_until_closed());
        writer
    }

    /// Starts a write transaction: a savepoint in the open batch, opening one if none is.
    pub(crate) async fn begin(&self) -> Result<GroupTx> {
        let waiting = self.local.writer_waits.start();
        let mut batch = self.batch.clone().lock_owned().await;
        waiting.acquired();
        if let Err(error) = batch.roll_back_abandoned().await {
            let refused = Error::Unavailable(sqlx::Error::Protocol(format!(
                "the writer could not undo an unfinished request: {error}"
            )));
            batch.abort(Arc::new(error)).await;
            return Err(refused);
        }
        if batch.connection.is_none() {
            batch.connection = Some(
                self.pool
                    .acquire()
                    .await
                    .map_err(|e| Error::from_sqlx(e, "database"))?,
            );
        }
        if batch.open {
            run(batch.writer(), "SAVEPOINT request").await?;
        } else if let Err(error) = run(batch.writer(), "BEGIN IMMEDIATE; SAVEPOINT request").await {
            // IMMEDIATE takes the write lock now: another process sharing the file
            // cannot commit between our reads and our writes. Whatever half of it ran,
            // the connection is not trusted again.
            batch.discard_connection();
            return Err(Error::from_sqlx(error, "database"));
        }
        batch.open = true;
        // Until it commits, a request that goes away leaves its savepoint to roll back.
        batch.abandoned = true;
        Ok(GroupTx {
            batch: Some(batch),
            flush: self.flush.clone(),
        })
    }

    /// Whether a write transaction (or the flusher) holds the writer now.
    pub(crate) fn busy(&self) -> bool {
        self.batch.try_lock().is_err()
    }

    async fn flush_until_closed(self) {
        let closing = self.pool.close_event();
        tokio::pin!(closing);
        loop {
            let last = tokio::select! {
                _ = self.flush.notified() => false,
                // Closing waits for the writer connection: the open batch, if any,
                // is committed and the connection handed back.
                _ = &mut closing => true,
            };
            // In line behind the requests already waiting for the connection: they
            // join this batch.
            let mut batch = self.batch.lock().await;
            batch.commit(&self.local.commits).await;
            if last {
                batch.connection = None;
                return;
            }
        }
    }
}

impl Batch {
    fn writer(&mut self) -> &mut SqliteConnection {
        self.connection
            .as_deref_mut()
            .expect("the writer connection is held while a batch is open")
    }

    /// Closes the writer connection rather than hand it back in an unknown state; the
    /// next request takes a fresh one from the pool.
    fn discard_connection(&mut self) {
        if let Some(mut connection) = self.connection.take() {
            connection.close_on_drop();
        }
        self.open = false;
        self.abandoned = false;
    }

    async fn roll_back_abandoned(&mut self) -> sqlx::Result<()> {
        if std::mem::take(&mut self.abandoned) {
            let connection = self.writer();
            run(connection, "ROLLBACK TO request").await?;
            run(connection, "RELEASE request").await?;
        }
        Ok(())
    }

    /// Commits the open batch, if any, and answers everyone waiting on it.
    async fn commit(&mut self, counts: &CommitCounts) {
        if !self.open {
            return;
        }
        let result = async {
            self.roll_back_abandoned().await?;
            run(self.writer(), "COMMIT").await
        }
        .await;
        match result {
            Ok(()) => {
                self.open = false;
                if !self.waiting.is_empty() {
                    counts.batch_committed();
                }
                self.answer(Ok(()));
            }
            Err(error) => self.abort(Arc::new(error)).await,
        }
    }

    /// Ends the open batch without committing it; everyone waiting on it learns why.
    async fn abort(&mut self, error: Arc<sqlx::Error>) {
        tracing::error!(%error, "the writer could not commit a batch; rolling it back");
        if std::mem::take(&mut self.open)
            && let Err(error) = run(self.writer(), "ROLLBACK").await
        {
            tracing::error!(%error, "could not roll back; closing the writer connection");
            self.discard_connection();
        }
        self.abandoned = false;
        self.answer(Err(error));
    }

    fn answer(&mut self, durable: Durable) {
        for waiting in self.waiting.drain(..) {
            // A caller that went away still had its writes committed (or not) with the rest.
            let _ = waiting.send(durable.clone());
        }
    }
}

/// Runs one statement that returns nothing, outside the prepared-statement cache.
async fn run(connection: &mut SqliteConnection, sql: &'static str) -> sqlx::Result<()> {
    connection.execute(sql).await.map(drop)
}

/// One request's write transaction: a savepoint in the open batch, holding the writer
/// connection until it commits or is dropped.
pub(crate) struct GroupTx {
    batch: Option<OwnedMutexGuard<Batch>>,
    flush: Arc<Notify>,
}

impl GroupTx {
    /// Every write here joins a batch already (the writer's open transaction), so a
    /// create runs as any other write does.
    pub(crate) async fn create_in_batch(
        &mut self,
        _create: impl FnOnce() -> crate::pg_create_batches::NewReferral,
    ) -> crate::pg_create_batches::Batched {
        crate::pg_create_batches::Batched::RunAlone
    }

    /// Lets the next request in, and waits until the batch holding these writes is
    /// committed. The savepoint is not released: savepoints nest, the next request's
    /// opens inside this one's (a rollback to it undoes only that request's writes),
    /// and COMMIT releases them all. That saves a statement, and a trip to SQLite's
    /// worker thread, per request.
    pub(crate) async fn commit(mut self, counts: &CommitCounts) -> Result<()> {
        let mut batch = self.batch.take().expect("committed once");
        batch.abandoned = false;
        let (tell, durable) = oneshot::channel();
        batch.waiting.push(tell);
        counts.transaction_committed();
        // The flusher queues behind the requests already waiting.
        drop(batch);
        self.flush.notify_one();
        match durable.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(Error::Unavailable(sqlx::Error::Protocol(format!(
                "the batch holding this write could not be committed: {error}"
            )))),
            // The flusher only stops once the pool is closed.
            Err(_) => Err(Error::Unavailable(sqlx::Error::PoolClosed)),
        }
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        // Not committed: the savepoint stays `abandoned`, rolled back by whoever takes
        // the connection next, and the flusher is told so that an otherwise idle
        // writer does not keep the file's write lock.
        if self.batch.take().is_some() {
            self.flush.notify_one();
        }
    }
}

impl Deref for GroupTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.batch
            .as_ref()
            .and_then(|batch| batch.connection.as_deref())
            .expect("a transaction holds the open batch until it ends")
    }
}

impl DerefMut for GroupTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.batch
            .as_mut()
            .expect("a transaction holds the open batch until it ends")
            .writer()
    }
}
