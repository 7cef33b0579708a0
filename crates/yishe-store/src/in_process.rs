//! What a database shares with its own transactions inside this process: the relay's
//! wake-up, the feed's progress, the key and department caches and the commit counts,
//! each told about a commit the moment it happens rather than found out by polling.

use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// Verified keys; forgotten when a transaction that changed a key commits.
    pub(crate) keys: KeyCache,
    /// Departments read by committed transactions.
    pub(crate) departments: DepartmentCache,
    /// Transactions and the COMMITs that made them durable, for the metrics.
    pub(crate) commits: CommitCounts,
}

impl Default for InProcess {
    fn default() -> Self {
        Self {
            events_committed: Notify::new(),
            feed_moved: watch::Sender::new(0),
            feed_listener: Once::new(),
            keys: KeyCache::default(),
            departments: DepartmentCache::default(),
            commits: CommitCounts::default(),
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
