//! What a database shares with its own transactions inside this process: the relay's
//! wake-up and the key cache, both told about a commit the moment it happens rather
//! than found out by polling.

use tokio::sync::Notify;

use crate::key_cache::KeyCache;

#[derive(Debug, Default)]
pub(crate) struct InProcess {
    /// Woken when a transaction that appended feed events commits.
    pub(crate) events_committed: Notify,
    /// Verified keys; forgotten when a transaction that changed a key commits.
    pub(crate) keys: KeyCache,
}
