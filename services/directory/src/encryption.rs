//! Key rotation while serving: a new key becomes current at once (new writes use it,
//! old keys still read), the keyring file is replaced atomically, and a background
//! loop re-encrypts every record under the current key. The same loop brings rows
//! written before encryption existed under a key at start.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
use yishe_domain::{AuditAction, Outcome};
use yishe_runtime::Shutdown;
use yishe_runtime::auth::RequestContext;
use yishe_store::{EncryptionAlgorithm, Store};

use crate::error::{Error, Refusal};

const BATCH: u32 = 200;
/// How often the loop looks even without a rotation (keys rotated by another process).
const IDLE: Duration = Duration::from_secs(60);
/// After a rotation, how long writes sealed under the old key may still commit (a
/// request that read the keyring just before the rotation; requests time out after 30
/// s by default), and how often the loop looks for them meanwhile.
const SETTLE: Duration = Duration::from_secs(30);
const SETTLE_EVERY: Duration = Duration::from_secs(1);

/// Which key seals how many records, and with which cipher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncryptionStatus {
    pub current_key_id: String,
    pub current_algorithm: EncryptionAlgorithm,
    pub keys: Vec<KeyUsage>,
}

/// How many records one key seals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyUsage {
    /// Empty for records written before encryption.
    pub key_id: String,
    /// `None` for those, and for a key this process's keyring does not hold.
    pub algorithm: Option<EncryptionAlgorithm>,
    pub records: u64,
}

/// A rotation done: the new key, its cipher, and the records it has to re-seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rotated {
    pub key_id: String,
    pub algorithm: EncryptionAlgorithm,
    pub records_to_reencrypt: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct EncryptionService {
    store: Store,
    /// Where the keyring lives; `None` when the keys come from the environment.
    key_file: Option<PathBuf>,
    /// The cipher of the keys rotations make.
    algorithm: EncryptionAlgorithm,
    rotating: Arc<Mutex<()>>,
    wake: Arc<Notify>,
}

impl EncryptionService {
    pub(crate) fn new(
        store: Store,
        key_file: Option<PathBuf>,
        algorithm: EncryptionAlgorithm,
    ) -> Self {
        Self {
            store,
            key_file,
            algorithm,
            rotating: Arc::new(Mutex::new(())),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Re-encrypts until every record is under the current key, then waits for the next
    /// rotation; for a while after one it keeps looking every second, for the writes
    /// that sealed under the old key just before it and commit just after the sweep.
    pub(crate) async fn run_reencryption(self, shutdown: Shutdown) {
        let mut settling_until = tokio::time::Instant::now();
        loop {
            loop {
                match self.store.reencrypt_records(BATCH).await {
                    Ok(0) => break,
                    Ok(n) => tracing::info!(records = n, "re-encrypted under the current key"),
                    Err(error) => {
                        tracing::warn!(%error, "re-encryption failed; retrying later");
                        break;
                    }
                }
                if shutdown.is_triggered() {
                    return;
                }
            }
            let now = tokio::time::Instant::now();
            let wait = if now < settling_until {
                SETTLE_EVERY
            } else {
                IDLE
            };
            tokio::select! {
                _ = self.wake.notified() => {
                    settling_until = tokio::time::Instant::now() + SETTLE;
                }
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.wait() => return,
            }
        }
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn rotate(&self, ctx: &RequestContext) -> Result<Rotated, Error> {
        let Some(path) = &self.key_file else {
            return Err(Refusal::KeysFromEnvironment.into());
        };
        let _one_at_a_time = self.rotating.lock().await;
        let crypto = self.store.crypto();
        let next = crypto.keyring().rotated_to(self.algorithm);
        // The file first: a key only in memory would be lost at the next restart, and
        // with it every record sealed under it.
        next.save(path)?;
        let key_id = next.current_key_id().to_owned();
        crypto.install(next);
        let pending: i64 = self
            .store
            .encryption_status()
            .await?
            .iter()
            .map(|(_, n)| n)
            .sum();
        self.store
            .append_audit_alone(&ctx.audit(AuditAction::EncryptionRotate, &key_id, Outcome::Ok))
            .await?;
        tracing::warn!(key_id = %key_id, algorithm = %self.algorithm, "encryption key rotated; re-encrypting");
        self.wake.notify_one();
        Ok(Rotated {
            key_id,
            algorithm: self.algorithm,
            records_to_reencrypt: pending.max(0) as u64,
        })
    }

    pub(crate) async fn status(&self) -> Result<EncryptionStatus, Error> {
        let keys = self.store.encryption_status().await?;
        let ring = self.store.crypto().keyring();
        Ok(EncryptionStatus {
            current_key_id: ring.current_key_id().to_owned(),
            current_algorithm: ring.current_algorithm(),
            keys: keys
                .into_iter()
                .map(|(key_id, records)| KeyUsage {
                    algorithm: key_id.as_deref().and_then(|id| ring.cipher_of(id)),
                    key_id: key_id.unwrap_or_default(),
                    records: records.max(0) as u64,
                })
                .collect(),
        })
    }
}
