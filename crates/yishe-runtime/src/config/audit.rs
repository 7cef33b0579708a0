//! Where the sealer anchors the audit chain: signed checkpoints of its head, published
//! on standard output (for the hospital's SIEM) and, optionally, to a file.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditConfig {
    /// How often, in seconds, the sealer publishes a checkpoint of the chain's head
    /// when the head moved.
    pub audit_checkpoint_interval_secs: u64,
    /// A file to append every checkpoint to as well, best on another volume than
    /// `data_dir`; empty for standard output only.
    pub audit_checkpoint_file: PathBuf,
    /// Whether checkpoints go to standard output (the anchor for a SIEM that collects
    /// the server's output); turn off only when the file is the anchor.
    pub audit_checkpoint_stdout: bool,
    /// The hash that links the audit chain from now on: `sha256` or `sm3` (GB/T
    /// 32905). Each link records its own, so changing it never breaks the chain.
    pub audit_chain_hash: yishe_store::ChainHash,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            audit_checkpoint_interval_secs: 60,
            audit_checkpoint_file: PathBuf::new(),
            audit_checkpoint_stdout: true,
            audit_chain_hash: yishe_store::ChainHash::default(),
        }
    }
}

impl AuditConfig {
    pub fn checkpoint_interval(&self) -> Duration {
        Duration::from_secs(self.audit_checkpoint_interval_secs)
    }

    /// The file checkpoints also go to, if any.
    pub fn checkpoint_file(&self) -> Option<PathBuf> {
        (!self.audit_checkpoint_file.as_os_str().is_empty())
            .then(|| self.audit_checkpoint_file.clone())
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.audit_checkpoint_interval_secs == 0 {
            return Err("audit_checkpoint_interval_secs must be at least 1".into());
        }
        Ok(())
    }
}
