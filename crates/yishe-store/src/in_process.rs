//! What a database shares with its own transactions inside this process: the relay's
//! wake-up, the feed's progress, the key and department caches and the commit counts,
//! each told about a commit the moment it happens rather than found out by polling;
//! and the waits for the writer, for the metrics.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};

use crate::department_cache::DepartmentCache;
use crate::key_cache::KeyCache;

#[derive(Debug)]
pub(crate) struct InProcess {
    /// Woken when a transaction that appended feed events commits.
    pub(crate) events_committed: Notify,
    /// Counts relay batches this process committed or heard of from other processes.
    pub(crate) feed_moved: watch::Sender<u64>,
    /// Starts the task that hears other processes' relay batches, once.
    pub(crate) feed_listener: Once,
    /// Whether this process's relay held the relay lock on its last run.
    pub(crate) relay_leader: AtomicBool,
    /// Verified keys; forgotten when a transaction that changed a key commits.
    pub(crate) keys: KeyCache,
    /// Departments read by committed transactions.
    pub(crate) departments: DepartmentCache,
    /// Transactions and the COMMITs that made them durable, for the metrics.
    pub(crate) commits: CommitCounts,
    /// Write transactions waiting for a connection (or SQLite's writer), for the
    /// metrics.
    pub(crate) writer_waits: WriterWaits,
}

impl Default for InProcess {
    fn default() -> Self {
        Self {
            events_committed: Notify::new(),
            feed_moved: watch::Sender::new(0),
            feed_listener: Once::new(),
            relay_leader: AtomicBool::new(false),
            keys: KeyCache::default(),
            departments: DepartmentCache::default(),
            commits: CommitCounts::default(),
            writer_waits: WriterWaits::default(),
        }
    }
}

impl InProcess {
    /// The feed moved: every reader waiting on `feed_moved` wakes.
    pub(crate) fn announce_feed_moved(&self) {
        self.feed_moved.send_modify(|batches| *batches += 1);
    }
}

/// Transactions committed by requests since the database opened, and the COMMITs
/// (each an fsync) that made them durable: equal on PostgreSQL, fewer on SQLite,
/// where concurrent transactions share a COMMIT.
#[derive(Debug, Default)]
pub(crate) struct CommitCounts {
    transactions: AtomicU64,
    commits: AtomicU64,
}

impl CommitCounts {
    pub(crate) fn transaction_committed(&self) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn batch_committed(&self) {
        self.commits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn read(&self) -> crate::Commits {
        crate::Commits {
            transactions: self.transactions.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
        }
    }
}

/// Told how long each write transaction waited for the writer.
pub type WaitObserver = Box<dyn Fn(Duration) + Send + Sync>;

/// Write transactions waiting for a connection now, and whoever wants to hear how long
/// each one waited (the metrics, once the process registered them).
#[derive(Default)]
pub(crate) struct WriterWaits {
    waiting: AtomicI64,
    observer: OnceLock<WaitObserver>,
}

impl std::fmt::Debug for WriterWaits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriterWaits")
            .field("waiting", &self.waiting())
            .finish_non_exhaustive()
    }
}

impl WriterWaits {
    /// A transaction starts waiting; it stops when the guard is dropped (whether it got
    /// a connection or gave up), and `acquired` reports how long it took.
    pub(crate) fn start(&self) -> Waiting<'_> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Waiting {
            waits: self,
            since: Instant::now(),
        }
    }

    pub(crate) fn waiting(&self) -> i64 {
        self.waiting.load(Ordering::Relaxed)
    }

    /// The first observer set stays: one registry per process.
    pub(crate) fn observe_with(&self, observer: WaitObserver) {
        let _ = self.observer.set(observer);
    }
}

/// One transaction waiting for the writer.
#[derive(Debug)]
pub(crate) struct Waiting<'a> {
    waits: &'a WriterWaits,
    since: Instant,
}

impl Waiting<'_> {
    /// The transaction has its connection.
    pub(crate) fn acquired(self) {
        if let Some(observe) = self.waits.observer.get() {
            observe(self.since.elapsed());
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.waits.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}
