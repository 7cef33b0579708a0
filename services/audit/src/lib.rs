//! The audit service: the sealer that links committed audit rows into a hash chain and
//! anchors its head outside the database, and the auditor's view of the log (list,
//! verify against checkpoints, export). Every read of the log is itself audited.

mod anchor;
mod error;
mod grpc;
mod metrics;
mod sealer;
mod service;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use yishe_proto::audit::audit_service_server::AuditServiceServer;

use yishe_domain::Clock;
use yishe_runtime::{Metrics, Process, Services, Shutdown, StartError};
use yishe_store::{CheckpointSigner, Store};

pub use error::Error;

use crate::anchor::Anchor;
use crate::grpc::AuditGrpc;
use crate::service::AuditService;

/// What the audit service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    pub shutdown: Shutdown,
    /// How often the sealer may publish a checkpoint.
    pub checkpoint_interval: Duration,
    /// A file the checkpoints go to besides standard output.
    pub checkpoint_file: Option<PathBuf>,
    /// Whether checkpoints also go to standard output.
    pub checkpoint_stdout: bool,
    /// The hash the sealer links new rows with.
    pub chain_hash: yishe_store::ChainHash,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        let audit = &process.config.audit;
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            clock: process.clock.clone(),
            shutdown: process.shutdown.clone(),
            checkpoint_interval: audit.checkpoint_interval(),
            checkpoint_file: audit.checkpoint_file(),
            checkpoint_stdout: audit.audit_checkpoint_stdout,
            chain_hash: audit.audit_chain_hash,
        }
    }
}

/// Starts the sealer and adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    metrics::register(
        &options.metrics,
        options.store.clone(),
        options.clock.clone(),
    );
    let anchor = Anchor::new(
        CheckpointSigner::of(options.store.crypto()),
        options.clock,
        options.checkpoint_interval,
        options.checkpoint_file,
        options.checkpoint_stdout,
    );
    tokio::spawn(sealer::run(
        options.store.clone(),
        options.chain_hash,
        anchor,
        options.shutdown,
    ));
    services.add(AuditServiceServer::new(AuditGrpc::new(AuditService::new(
        options.store,
    ))));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
