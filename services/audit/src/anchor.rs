//! Anchoring the audit chain outside the database: after sealing, the sealer signs a
//! checkpoint of the chain's head (at most once per interval, and only when the head
//! moved) and publishes it as one JSON line on standard output, where the hospital's
//! log collection takes it to its SIEM, and to a file when one is set. Whoever can edit
//! the database and the data directory cannot reach those, so a chain cut short no
//! longer verifies against them. Checkpoints are kept in the database too, for export.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_domain::audit::AuditCheckpoint;
use yishe_store::{AuditChain, CheckpointSigner};

/// The sealer's publisher of checkpoints.
#[derive(Debug)]
pub(crate) struct Anchor {
    signer: CheckpointSigner,
    clock: Arc<dyn Clock>,
    interval: Duration,
    file: Option<PathBuf>,
    stdout: bool,
    /// The sequence last published, and when.
    last: Option<(u64, chrono::DateTime<chrono::Utc>)>,
}

impl Anchor {
    pub(crate) fn new(
        signer: CheckpointSigner,
        clock: Arc<dyn Clock>,
        interval: Duration,
        file: Option<PathBuf>,
        stdout: bool,
    ) -> Self {
        Self {
            signer,
            clock,
            interval,
            file,
            stdout,
            last: None,
        }
    }

    /// Publishes a checkpoint of the head if it moved since the last one and the
    /// interval has passed (or `now_anyway`, on shutdown).
    pub(crate) async fn publish_if_due(&mut self, store: &dyn AuditChain, now_anyway: bool) {
        let now = self.clock.now();
        if let Some((_, at)) = self.last
            && !now_anyway
            && now - at < chrono::Duration::from_std(self.interval).unwrap_or_default()
        {
            return;
        }
        let head = match store.audit_chain_head().await {
            Ok(Some(head)) => head,
            Ok(None) => return,
            // At a stop the store may have closed first: the next start anchors the head.
            Err(error) if now_anyway => {
                tracing::debug!(%error, "no checkpoint at the stop: the store has closed");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the audit chain's head for a checkpoint");
                return;
            }
        };
        if self.last.is_some_and(|(sequence, _)| sequence >= head.0) {
            return;
        }
        let checkpoint = self.signer.sign(head.0, &head.1, now);
        self.publish(&checkpoint);
        if let Err(error) = store.record_checkpoint(&checkpoint).await {
            tracing::warn!(%error, "cannot keep an audit checkpoint in the database");
        }
        self.last = Some((head.0, now));
    }

    /// Writes the line to standard output and to the file. The file is synced: a
    /// checkpoint that only reached the page cache anchors nothing after a crash.
    fn publish(&self, checkpoint: &AuditCheckpoint) {
        let line = checkpoint.to_line();
        if self.stdout {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        if let Some(path) = &self.file {
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut file| {
                    writeln!(file, "{line}")?;
                    file.sync_data()
                });
            if let Err(error) = written {
                tracing::error!(%error, path = %path.display(), "cannot append an audit checkpoint to its file");
            }
        }
        tracing::info!(sequence = checkpoint.sequence, "audit checkpoint published");
    }
}
